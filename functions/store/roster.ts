import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OrgUnit, Profile } from '../../shared/org.ts';
import type { RosterPerson } from '../../shared/roster.ts';
import { randomId } from '../crypto.ts';
import { batchWrite, deleteRequest, putRequest, queryAll, queryPages, type Store } from './client.ts';

const UNITS_PK = 'UNITS';
const POINTER = { pk: 'META', sk: 'ROSTER' };
/** Where directories uploaded before rows were kept across versions live: one partition per version. */
const legacyRosterPk = (version: string) => `ROSTER#${version}`;
/**
 * People, one partition for every version: a row is `<email>#<version that wrote it>` and is in
 * force from that version (`since`) until the version that changed or removed it (`until`), so a
 * re-upload writes only the rows that changed. Versions sort by time (VERSION_PREFIX, then the
 * upload time in base 36, padded).
 */
const PEOPLE_PK = 'PEOPLE';
const VERSION_PREFIX = 'r2.';
const isRowVersion = (version: string) => version.startsWith(VERSION_PREFIX);

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

/** A directory row: the person, and the versions it is in force for. The email is only in the key, as ever. */
interface StoredRow {
  sk: string;
  email: string;
  unitId: string;
  attributes: Record<string, string>;
  locale?: string;
  since: string;
  until?: string;
}

const inForce = (row: StoredRow, version: string) => row.since <= version && (row.until === undefined || row.until > version);

/** A version later than `previous`, even when the clock is behind it. */
function nextVersion(previous: string | undefined): string {
  const time = (at: number) => `${VERSION_PREFIX}${at.toString(36).padStart(9, '0')}.${randomId(6)}`;
  const now = time(Date.now());
  if (!previous || !isRowVersion(previous) || now > previous) return now;
  return time(Number.parseInt(previous.slice(VERSION_PREFIX.length).split('.')[0], 36) + 1);
}

function sameAttributes(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const entries = (attributes: Record<string, string> | undefined) => JSON.stringify(Object.entries(attributes ?? {}).sort(([x], [y]) => x.localeCompare(y)));
  return entries(a) === entries(b);
}

async function listStoredRows(store: Store): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  for await (const page of queryPages(store, {
    TableName: store.tables.main,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': PEOPLE_PK },
    ConsistentRead: true,
  })) {
    for (const item of page) rows.push(toRow(item));
  }
  return rows;
}

const toRow = (item: Record<string, unknown>): StoredRow => {
  const sk = item.sk as string;
  return { ...(item as unknown as StoredRow), email: sk.slice(0, sk.lastIndexOf('#')) };
};
const rowItem = ({ email: _email, ...row }: StoredRow) => putRequest({ pk: PEOPLE_PK, ...row });
const rowKey = (row: StoredRow) => deleteRequest({ pk: PEOPLE_PK, sk: row.sk });

/**
 * Replace the directory without a transaction, writing only what changed: a new or changed person
 * gets a row from the new version on, a changed or removed one has its row closed at the new
 * version, then the pointer flips in one put, so readers see the old directory or the new one,
 * never a mix; the rows closed are deleted after the flip. An unchanged person costs nothing but
 * the read of their row (a 10,000-person directory re-uploaded unchanged: ~250 read units and one
 * write, where rewriting it took ~20,000 write units).
 */
export async function replaceRoster(store: Store, people: RosterPerson[], attributeNames: string[], options: { demo?: boolean } = {}): Promise<number> {
  const units = await listUnits(store);
  const { unitIdOf, created } = resolveUnits(
    units,
    people.map((person) => person.unitPath),
  );
  const previous = await getRosterPointer(store);
  const previousVersion = previous && isRowVersion(previous.version) ? previous.version : undefined;
  const version = nextVersion(previous?.version);
  const current = new Map<string, StoredRow>();
  // Rows not in force now (a failed upload's, or a cleared directory's) were never read by anyone: gone first.
  const stale: StoredRow[] = [];
  for (const row of await listStoredRows(store)) {
    if (previousVersion && inForce(row, previousVersion)) current.set(row.email, row);
    else stale.push(row);
  }
  await batchWrite(store, store.tables.main, stale.map(rowKey));

  const written: StoredRow[] = [];
  const closed: StoredRow[] = [];
  for (const person of people) {
    const unitId = unitIdOf(person.unitPath);
    const row = current.get(person.email);
    current.delete(person.email);
    if (row && row.unitId === unitId && sameAttributes(row.attributes, person.attributes) && row.locale === person.locale) {
      // A failed upload may have closed it at a version that never came into force: open it again.
      if (row.until !== undefined) {
        const { until: _until, ...reopened } = row;
        written.push(reopened);
      }
      continue;
    }
    if (row) closed.push({ ...row, until: version });
    written.push({ sk: `${person.email}#${version}`, email: person.email, unitId, attributes: person.attributes, locale: person.locale, since: version });
  }
  for (const removed of current.values()) closed.push({ ...removed, until: version });
  // People first, under a version nobody reads yet: a write that fails leaves nothing anyone sees.
  await batchWrite(store, store.tables.main, [...written, ...closed].map(rowItem));
  await batchWrite(
    store,
    store.tables.main,
    created.map((unit) => putRequest({ pk: UNITS_PK, sk: unit.id, name: unit.name, parentId: unit.parentId })),
  );
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
  await batchWrite(store, store.tables.main, closed.map(rowKey));
  if (previous && !previousVersion) await deleteLegacyVersion(store, previous.version);
  return people.length;
}

/** Remove the directory in force (the demo removal). */
export async function clearRoster(store: Store): Promise<void> {
  const previous = await getRosterPointer(store);
  if (!previous) return;
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...POINTER, version: 'empty', count: 0, attributeNames: [], demo: false } }));
  if (isRowVersion(previous.version)) await batchWrite(store, store.tables.main, (await listStoredRows(store)).map(rowKey));
  else await deleteLegacyVersion(store, previous.version);
}

async function deleteLegacyVersion(store: Store, version: string): Promise<void> {
  for await (const page of queryPages(store, {
    TableName: store.tables.main,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': legacyRosterPk(version) },
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
  const legacy = !isRowVersion(version);
  // Rows sort by `<email>#<version>`: every row of `after` sorts at or below `<after>#~` (versions are [0-9a-z.]).
  const from = after === undefined ? {} : { ':after': legacy ? after : `${after}#~` };
  for await (const page of queryPages(store, {
    TableName: store.tables.main,
    KeyConditionExpression: after === undefined ? 'pk = :pk' : 'pk = :pk AND sk > :after',
    ExpressionAttributeValues: { ':pk': legacy ? legacyRosterPk(version) : PEOPLE_PK, ...from },
  })) {
    const rows = legacy ? page.map((item) => ({ ...item, email: item.sk }) as unknown as StoredRow) : page.map(toRow).filter((row) => inForce(row, version));
    if (rows.length === 0) continue;
    yield rows.map((row) => ({
      email: row.email,
      profile: { unitId: row.unitId, attributes: row.attributes ?? {} },
      locale: row.locale,
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
