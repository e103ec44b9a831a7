/**
 * A directory re-upload writes only what changed: unchanged people cost nothing but the read of
 * their row, and readers still see the old directory or the new one, never a mix, even when an
 * upload fails before its flip.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { getRosterPointer, replaceRoster, rosterPages, type DirectoryPerson } from '../functions/store/roster.ts';
import type { RosterPerson } from '../shared/roster.ts';
import type { CapacityMeter } from './bench/capacity-meter.ts';
import { withMeteredRuntime } from './helpers/metered.ts';
import type { TestRuntime } from './helpers/embedded.ts';

let rt: TestRuntime;
let meter: CapacityMeter;
withMeteredRuntime((running) => ({ rt, meter } = running));

/** 200 people over four teams, with a tenure each. */
const people = (): RosterPerson[] =>
  Array.from({ length: 200 }, (_, index) => ({
    email: `p${String(index).padStart(3, '0')}@acme.test`,
    unitPath: ['Acme', `Team ${index % 4}`],
    attributes: { tenure: ['<1y', '1-3y', '3y+'][index % 3] },
  }));

async function directoryInForce(): Promise<Map<string, DirectoryPerson>> {
  const pointer = await getRosterPointer(rt.deps.store);
  const found = new Map<string, DirectoryPerson>();
  for await (const page of rosterPages(rt.deps.store, pointer!.version)) {
    for (const person of page) {
      expect(found.has(person.email), `${person.email} listed twice`).toBe(false);
      found.set(person.email, person);
    }
  }
  return found;
}

/** Write units an upload spent, by DynamoDB's billing rules. */
async function uploadUnits(rows: RosterPerson[]): Promise<number> {
  const phase = `upload ${Math.random()}`;
  await meter.run(phase, () => replaceRoster(rt.deps.store, rows, ['tenure']));
  return meter.phase(phase).writeUnits;
}

beforeEach(async () => {
  await replaceRoster(rt.deps.store, people(), ['tenure']);
});

describe('re-uploading the directory', () => {
  it('costs one write (the pointer) when nothing changed', async () => {
    expect(await uploadUnits(people())).toBeLessThanOrEqual(2);
    expect((await directoryInForce()).size).toBe(200);
  });

  it('writes only the people who changed, and the directory in force is exactly the new one', async () => {
    const next = people();
    next[3] = { ...next[3], unitPath: ['Acme', 'Team 9'] };
    next[4] = { ...next[4], attributes: { tenure: '3y+' } };
    next[5] = { ...next[5], locale: 'sv' };
    next.splice(6, 1);
    next.push({ email: 'new@acme.test', unitPath: ['Acme', 'Team 1'], attributes: { tenure: '<1y' } });
    // Three changed (a new row and the old one closed, then deleted), one removed (closed, deleted), one added; the pointer; one new unit.
    expect(await uploadUnits(next)).toBeLessThanOrEqual(3 * 3 + 2 + 1 + 2 + 1);
    const inForce = await directoryInForce();
    expect(inForce.size).toBe(200);
    expect(inForce.has('p006@acme.test')).toBe(false);
    expect(inForce.get('new@acme.test')?.profile.attributes).toEqual({ tenure: '<1y' });
    expect(inForce.get('p004@acme.test')?.profile.attributes).toEqual({ tenure: '3y+' });
    expect(inForce.get('p005@acme.test')?.locale).toBe('sv');
    expect(inForce.get('p003@acme.test')?.profile.unitId).not.toBe(inForce.get('p007@acme.test')?.profile.unitId);
  });

  it('keeps the old directory in force when an upload fails before its flip, and the next upload is exact', async () => {
    const before = await directoryInForce();
    const failing = (next: (args: unknown) => Promise<unknown>) => async (args: { input: { Item?: Record<string, { S?: string }> } }) => {
      if (args.input.Item?.pk?.S === 'META' && args.input.Item?.sk?.S === 'ROSTER') throw new Error('injected: the pointer write failed');
      return next(args);
    };
    rt.engine.client.middlewareStack.add(failing as never, { step: 'build', name: 'failPointer' });
    const changed = people().map((person, index) => (index < 50 ? { ...person, attributes: { tenure: 'changed' } } : person));
    try {
      await expect(replaceRoster(rt.deps.store, changed.slice(0, 150), ['tenure'])).rejects.toThrow('injected');
    } finally {
      rt.engine.client.middlewareStack.remove('failPointer');
    }
    expect(await directoryInForce()).toEqual(before);
    // The failed upload's rows never came into force; uploading the original again must not revive them.
    await replaceRoster(rt.deps.store, people(), ['tenure']);
    expect(await directoryInForce()).toEqual(before);
  });

  it('reads a directory stored before rows were kept across versions, and replaces it', async () => {
    const store = rt.deps.store;
    await store.doc.send(
      new PutCommand({ TableName: store.tables.main, Item: { pk: 'ROSTER#old1', sk: 'legacy@acme.test', unitId: 'u1', attributes: { tenure: '<1y' } } }),
    );
    await store.doc.send(
      new PutCommand({ TableName: store.tables.main, Item: { pk: 'META', sk: 'ROSTER', version: 'old1', count: 1, attributeNames: ['tenure'], demo: false } }),
    );
    expect([...(await directoryInForce()).keys()]).toEqual(['legacy@acme.test']);
    await replaceRoster(store, people(), ['tenure']);
    expect((await directoryInForce()).size).toBe(200);
  });
});
