import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OrgUnit, Profile } from '../../shared/org.ts';
import type { RosterPerson } from '../../shared/roster.ts';
import { randomId } from '../crypto.ts';
import { batchWrite, deleteRequest, putRequest, queryAll, queryPages, type Store } from './client.ts';

const UNITS_PK = 'UNITS';
const POINTER = { pk: 'META', sk: 'ROSTER' };
const rosterPk = (version: string) => `ROSTER#${version}`;

export interface RosterPointer {
  version: string;
  count: number;
  attributeNames: string[];
  demo: boolean;
  /** When this directory was uploaded (absent on directories uploaded before it was kept). */
  uploadedAt?: string;
  /** People per unit id (the unit they sit in, not its ancestors): counts a wave's audience without reading the directory. */
  unitCounts?: Record<string, number>;
  /** People per invitation language; people without a locale column count under "". */
  locales?: Record<string, number>;
}

export interface DirectoryPerson {
  email: string;
  profile: Profile;
  locale?: string;
}

/** Every org unit ever seen; ids are stable, so a renamed or moved unit keeps its history. */
export async function listUnits(store: Store): Promise<OrgUnit[]> {
  const items = await queryAll(store, { TableName: store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': UNITS_PK } });
  return items.map((item) => ({ id: item.sk as string, name: item.name as string, parentId: (item.parentId as string | null) ?? null }));
}

/** The directory in force, if any. */
export async function getRosterPointer(store: Store): Promise<RosterPointer | undefined> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: POINTER, ConsistentRead: true }));
  return result.Item as RosterPointer | undefined;
}

/**
 * Replace the directory without a transaction: write every person under a new version, then flip
 * the pointer in one put, so readers see the old directory or the new one, never a mix.
 */
export async function replaceRoster(store: Store, people: RosterPerson[], attributeNames: string[], options: { demo?: boolean } = {}): Promise<number> {
  const units = await listUnits(store);
  const { unitIdOf, created } = resolveUnits(
    units,
    people.map((person) => person.unitPath),
  );
  const version = `${Date.now().toString(36)}-${randomId(6)}`;
  // People first, under a version nobody reads yet: a write that fails leaves nothing anyone sees.
  await batchWrite(
    store,
    store.tables.main,
    people.map((person) =>
      putRequest({ pk: rosterPk(version), sk: person.email, unitId: unitIdOf(person.unitPath), attributes: person.attributes, locale: person.locale }),
    ),
  );
  await batchWrite(
    store,
    store.tables.main,
    created.map((unit) => putRequest({ pk: UNITS_PK, sk: unit.id, name: unit.name, parentId: unit.parentId })),
  );
  const previous = await getRosterPointer(store);
  const unitCounts: Record<string, number> = {};
  const locales: Record<string, number> = {};
  for (const person of people) {
    const unitId = unitIdOf(person.unitPath);
    unitCounts[unitId] = (unitCounts[unitId] ?? 0) + 1;
    locales[person.locale ?? ''] = (locales[person.locale ?? ''] ?? 0) + 1;
  }
  const pointer: RosterPointer = {
    version,
    count: people.length,
    attributeNames,
    demo: options.demo ?? false,
    uploadedAt: new Date().toISOString(),
    unitCounts,
    locales,
  };
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...POINTER, ...pointer } }));
  if (previous) await deleteRosterVersion(store, previous.version);
  return people.length;
}

/** Remove the directory in force (the demo removal). */
export async function clearRoster(store: Store): Promise<void> {
  const previous = await getRosterPointer(store);
  if (!previous) return;
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...POINTER, version: 'empty', count: 0, attributeNames: [], demo: false } }));
  await deleteRosterVersion(store, previous.version);
}

async function deleteRosterVersion(store: Store, version: string): Promise<void> {
  for await (const page of queryPages(store, {
    TableName: store.tables.main,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': rosterPk(version) },
    ProjectionExpression: 'pk, sk',
  })) {
    await batchWrite(
      store,
      store.tables.main,
      page.map((item) => deleteRequest({ pk: item.pk, sk: item.sk })),
    );
  }
}

/**
 * The people of a directory version in email order, page by page (a 300,000-person directory never
 * sits in one array); `after` starts past that email (a resumed open).
 */
export async function* rosterPages(store: Store, version: string, after?: string): AsyncGenerator<DirectoryPerson[]> {
  const from = after === undefined ? {} : { ':after': after };
  for await (const page of queryPages(store, {
    TableName: store.tables.main,
    KeyConditionExpression: after === undefined ? 'pk = :pk' : 'pk = :pk AND sk > :after',
    ExpressionAttributeValues: { ':pk': rosterPk(version), ...from },
  })) {
    yield page.map((item) => ({
      email: item.sk as string,
      profile: { unitId: item.unitId as string, attributes: (item.attributes ?? {}) as Record<string, string> },
      locale: item.locale as string | undefined,
    }));
  }
}

/** Match unit paths to existing units by name under the same parent; new paths get new stable ids. */
export function resolveUnits(existing: OrgUnit[], paths: string[][]): { unitIdOf: (path: string[]) => string; created: OrgUnit[] } {
  const byParentAndName = new Map(existing.map((unit) => [`${unit.parentId ?? ''}\u0000${unit.name}`, unit.id]));
  const created: OrgUnit[] = [];
  const cache = new Map<string, string>();
  const unitIdOf = (path: string[]): string => {
    const cacheKey = path.join('\u0001');
    const cached = cache.get(cacheKey);
    if (cached) return cached;
    let parentId: string | null = null;
    for (const name of path) {
      const key = `${parentId ?? ''}\u0000${name}`;
      let id = byParentAndName.get(key);
      if (!id) {
        id = randomId(8);
        byParentAndName.set(key, id);
        created.push({ id, name, parentId });
      }
      parentId = id;
    }
    cache.set(cacheKey, parentId as string);
    return parentId as string;
  };
  for (const path of paths) unitIdOf(path);
  return { unitIdOf, created };
}
