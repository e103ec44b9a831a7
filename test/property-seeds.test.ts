/** Every property test runs with a fixed seed in `npm test`, so a failure reproduces on the next run. */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from './helpers/properties.ts';

const testRoot = resolve(import.meta.dirname);

async function testFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? testFiles(join(folder, entry.name)) : Promise.resolve(entry.name.endsWith('.ts') ? [join(folder, entry.name)] : []),
    ),
  );
  return nested.flat();
}

describe('property tests', () => {
  it('pass the fixed-seed parameters to every fc.assert and fc.check', async () => {
    const unseeded: string[] = [];
    let calls = 0;
    for (const file of await testFiles(testRoot)) {
      const source = await readFile(file, 'utf8');
      for (const match of source.matchAll(/fc\.(assert|check)\(/g)) {
        calls++;
        // The parameters close the call: find them before the next top-level statement.
        const rest = source.slice(match.index);
        const call = rest.slice(0, rest.search(/\n {0,4}\S/) + 1 || undefined);
        if (!call.includes('propertyParameters(')) unseeded.push(`${file.slice(testRoot.length + 1)}:${source.slice(0, match.index).split('\n').length}`);
      }
    }
    expect(calls).toBeGreaterThan(10);
    expect(unseeded).toEqual([]);
  });

  it('run the same cases twice with the same seed (a failure reproduces)', () => {
    const seen = (): number[] => {
      const values: number[] = [];
      fc.assert(
        fc.property(fc.integer(), (value) => void values.push(value)),
        propertyParameters(20),
      );
      return values;
    };
    expect(propertyParameters().seed).toBe(Number(process.env.PROPERTY_SEED ?? 20261129));
    expect(seen()).toEqual(seen());
  });
});
