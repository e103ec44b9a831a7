/**
 * The house's owners: only functions/store/ names an item key or calls DynamoDB; process-wide
 * caches are bounded; one capped retry for what a batch call leaves unprocessed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LruCache } from '../functions/lru.ts';
import { MAX_BATCH_ATTEMPTS, retryUnprocessed } from '../functions/store/client.ts';
import { UnavailableError } from '../functions/errors.ts';

const root = join(import.meta.dirname, '..');
function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}
const outsideStore = [...sourceFiles('functions'), ...sourceFiles('shared')].filter((file) => !file.startsWith('functions/store/'));

describe('one owner per entity’s keys', () => {
  it('no file outside functions/store/ spells an item key', () => {
    const keyLiteral = /[`'"](WAVE|INV|RESP|ANON|COMMENT|SURVEY|CELL|JOB|ROSTER|UNITS|META|BLOB|GRANT|INITIATIVE|STATEMENT|AUDIT|SECRET)#/;
    expect(outsideStore.filter((file) => keyLiteral.test(readFileSync(join(root, file), 'utf8')))).toEqual([]);
  });

  it('no file outside functions/store/ sends a DynamoDB command (entry points only create the client)', () => {
    const calls = /@aws-sdk\/lib-dynamodb|\.doc\.send\(/;
    expect(outsideStore.filter((file) => calls.test(readFileSync(join(root, file), 'utf8')))).toEqual([]);
  });
});

describe('bounded caches', () => {
  it('no module keeps a process-wide Map (a cache: use LruCache with a stated size)', () => {
    const moduleLevelCollection = /^(export )?(const|let) \w+ = new Map\b/m;
    expect(
      [...sourceFiles('functions'), ...sourceFiles('shared')].filter((file) => moduleLevelCollection.test(readFileSync(join(root, file), 'utf8'))),
    ).toEqual([]);
  });

  it('an LruCache keeps its limit and drops the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });
});

describe('unprocessed batch items', () => {
  it(`are retried at most ${MAX_BATCH_ATTEMPTS} times, then the request fails with a 503 to try again`, async () => {
    let calls = 0;
    const never = retryUnprocessed(['item'], async (pending) => {
      calls++;
      return pending;
    });
    await expect(never).rejects.toBeInstanceOf(UnavailableError);
    expect(calls).toBe(MAX_BATCH_ATTEMPTS);
  }, 20_000);

  it('stop as soon as nothing is left', async () => {
    let calls = 0;
    await retryUnprocessed(['a', 'b'], async (pending) => (++calls === 1 ? pending.slice(1) : []));
    expect(calls).toBe(2);
  });
});
