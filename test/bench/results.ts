/**
 * Results views at scale (issue 3, "Speed"): waves of 1,000 / 10,000 / 100,000 responses over an
 * organization of 200 units with two attributes, each closed by the real close job; then p50 and
 * p95 of results, compare and heatmap through the app in-process (no network), and the time the
 * close took. Every size gets two waves a year apart, so compare and heatmap do their full work
 * (the heatmap judges every change against the previous wave).
 *
 * The responses are written sealed straight into the store with the same crypto and keys as a
 * submission (no HTTP, no mail), which is what makes 100,000 quick to set up.
 *
 *   npx tsx test/bench/results.ts [sizes…]     (or: npm run bench -- results)
 *   e.g. npx tsx test/bench/results.ts 1000 10000
 */
import { SHARD_COUNT } from '../../shared/keys.ts';
import { profileKey, type OrgUnit, type Profile, type ProfileCount } from '../../shared/org.ts';
import { buildSegments } from '../../shared/segments.ts';
import { createWaveSecret, deriveWaveKeys, locateResponse, randomId, seal } from '../../functions/crypto.ts';
import { seededRandom } from '../../shared/random.ts';
import { runJob } from '../../functions/jobs/run-job.ts';
import { getJob, putJob } from '../../functions/store/jobs.ts';
import { batchWrite, putRequest } from '../../functions/store/client.ts';
import { putWaveSecret } from '../../functions/store/invitations.ts';
import { sealedItemKey } from '../../functions/store/responses.ts';
import { putStatement, type StoredStatement } from '../../functions/store/statements.ts';
import { putSurvey, putWave, type Wave } from '../../functions/store/waves.ts';
import { getWaveSnapshot, putWaveSnapshot } from '../../functions/waves/snapshot.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/embedded.ts';

const K = 5;
const RUNS = 200;
const WARMUP = 20;
const TENURE = ['<1 year', '1-3 years', '3-5 years', '5+ years'];
const LOCATION = ['Stockholm', 'London', 'New York'];

const STATEMENTS: StoredStatement[] = [
  ...['clear', 'training', 'career', 'feedback', 'support', 'strategy', 'workload', 'balance', 'speak-up', 'belonging', 'recognition', 'pride'].map(
    (id): StoredStatement => ({ id: `bench-${id}`, text: { en: `Statement ${id}` }, scale: 'agree5', theme: 'Bench' }),
  ),
  { id: 'bench-enps', text: { en: 'Recommend us?' }, scale: 'enps', theme: 'Bench' },
];

/** 200 units: a root, 9 divisions, 190 teams. */
function organization(): OrgUnit[] {
  const units: OrgUnit[] = [{ id: 'root', name: 'Bench Co', parentId: null }];
  for (let d = 0; d < 9; d++) units.push({ id: `d${d}`, name: `Division ${d}`, parentId: 'root' });
  for (let t = 0; t < 190; t++) units.push({ id: `t${t}`, name: `Team ${t}`, parentId: `d${t % 9}` });
  return units;
}

interface Person {
  email: string;
  profile: Profile;
}

function people(count: number, random: () => number): Person[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `p${i}@bench.test`,
    profile: {
      unitId: `t${Math.floor(random() * 190)}`,
      attributes: { tenure: TENURE[Math.floor(random() * 4)], location: LOCATION[Math.floor(random() * 3)] },
    },
  }));
}

function countProfiles(persons: Person[]): ProfileCount[] {
  const counts = new Map<string, ProfileCount>();
  for (const person of persons) {
    const key = profileKey(person.profile);
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { profile: person.profile, count: 1 });
  }
  return [...counts.values()];
}

/** An open wave with `responses` sealed responses written straight to the store, as submissions would. */
async function openWaveWithResponses(rt: TestRuntime, surveyId: string, name: string, opensAt: string, responses: number, seed: number): Promise<string> {
  const random = seededRandom(seed);
  const units = organization();
  const invited = people(Math.round(responses / 0.8), random);
  const invitees = countProfiles(invited);
  const waveId = randomId();
  const wave: Wave = {
    id: waveId,
    surveyId,
    name,
    statementIds: STATEMENTS.map((s) => s.id),
    statements: STATEMENTS,
    k: K,
    status: 'open',
    createdAt: opensAt,
    opensAt,
    invited: invited.length,
  };
  await putWaveSnapshot(rt.deps.store, waveId, { rosterVersion: 'bench', units, invitees, segments: buildSegments(units, invitees, K) });
  const secret = await putWaveSecret(rt.deps.store, waveId, createWaveSecret());
  const keys = deriveWaveKeys(secret, waveId);
  const items = invited.slice(0, responses).map((person, i) => {
    const { shard, key } = locateResponse(keys, `token-${seed}-${i}`);
    const answers: Record<string, number> = {};
    for (const statement of STATEMENTS) answers[statement.id] = statement.scale === 'enps' ? Math.floor(random() * 11) : 1 + Math.floor(random() * 5);
    const sealed = seal(keys, JSON.stringify({ p: profileKey(person.profile), a: answers }), sealedItemKey(waveId, shard, key));
    return putRequest({ pk: `RESP#${waveId}#${shard}`, sk: key, sealed });
  });
  const chunk = 2_500;
  const writes: Promise<void>[] = [];
  for (let start = 0; start < items.length; start += chunk)
    writes.push(batchWrite(rt.deps.store, rt.deps.store.tables.main, items.slice(start, start + chunk)));
  await Promise.all(writes);
  await putWave(rt.deps.store, wave);
  return waveId;
}

async function closeTimed(rt: TestRuntime, waveId: string): Promise<number> {
  const started = performance.now();
  const id = randomId();
  await putJob(rt.deps.store, { id, kind: 'close-wave', status: 'running', payload: { waveId } });
  await runJob(rt.deps, { id, kind: 'close-wave', payload: { waveId } });
  const job = await getJob(rt.deps.store, id);
  if (job.status !== 'done') throw new Error(`close failed: ${job.error}`);
  return (performance.now() - started) / 1000;
}

async function percentiles(rt: TestRuntime, paths: string[]): Promise<{ p50: number; p95: number; coldMax: number }> {
  const token = await rt.token('admin');
  const request = async (path: string) => {
    const response = await rt.app.request(path, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  // The first request of each path is the cold one (nothing memoized in this process yet).
  let cold = 0;
  for (let i = 0; i < Math.max(WARMUP, paths.length); i++) {
    const started = performance.now();
    await request(paths[i % paths.length]);
    if (i < paths.length) cold = Math.max(cold, performance.now() - started);
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await request(paths[i % paths.length]);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), coldMax: Math.round(cold * 10) / 10 };
}

export interface ResultsBenchRow {
  responses: number;
  closeSeconds: number;
  resultsP50: number;
  resultsP95: number;
  compareP50: number;
  compareP95: number;
  heatmapP50: number;
  heatmapP95: number;
  /** The slowest first request of a heatmap dimension (builds the share table, nothing memoized). */
  heatmapColdMax: number;
}

/** Run the results benchmark for the given wave sizes; prints a table and returns its rows. */
export async function benchResults(sizes: number[] = [1_000, 10_000, 100_000]): Promise<ResultsBenchRow[]> {
  const rt = await startTestRuntime({ participationRefreshMs: 0 });
  const rows: ResultsBenchRow[] = [];
  try {
    for (const statement of STATEMENTS) await putStatement(rt.deps.store, statement).catch(() => undefined);
    for (const size of sizes) {
      const surveyId = randomId();
      await putSurvey(rt.deps.store, { id: surveyId, name: `Bench ${size}`, createdAt: new Date().toISOString() });
      const earlier = await openWaveWithResponses(rt, surveyId, 'previous', '2024-03-01T00:00:00.000Z', size, size + 1);
      await closeTimed(rt, earlier);
      const waveId = await openWaveWithResponses(rt, surveyId, 'current', '2025-03-01T00:00:00.000Z', size, size + 2);
      const closeSeconds = await closeTimed(rt, waveId);
      // Teams that are groups of the wave (at least k invited), spread over the organization.
      const teams = (await getWaveSnapshot(rt.deps.store, waveId))!.segments.filter((segment) => segment.kind === 'unit' && segment.unitId.startsWith('t'));
      const units = Array.from({ length: 40 }, (_, i) => teams[(i * 7) % teams.length]).map((segment) => {
        const team = Number((segment as { unitId: string }).unitId.slice(1));
        return encodeURIComponent(`Bench Co > Division ${team % 9} > Team ${team}`);
      });
      // Teams, and division × tenure cells (a team × tenure cell has too few invitees at 1,000 responses).
      const results = await percentiles(
        rt,
        units.map(
          (unit, i) => `/api/waves/${waveId}/results?${i % 2 ? `unit=Bench%20Co%20%3E%20Division%20${i % 9}&filter=tenure:1-3%20years` : `unit=${unit}`}`,
        ),
      );
      const compare = await percentiles(
        rt,
        units.map((unit) => `/api/compare?from=${earlier}&to=${waveId}&unit=${unit}`),
      );
      const heatmap = await percentiles(
        rt,
        ['1', '2', 'tenure', 'location'].map((dimension) => `/api/waves/${waveId}/heatmap?dimension=${dimension}`),
      );
      const row = {
        responses: size,
        closeSeconds: Math.round(closeSeconds * 10) / 10,
        resultsP50: results.p50,
        resultsP95: results.p95,
        compareP50: compare.p50,
        compareP95: compare.p95,
        heatmapP50: heatmap.p50,
        heatmapP95: heatmap.p95,
        heatmapColdMax: heatmap.coldMax,
      };
      rows.push(row);
      console.error(`done: ${size} responses`, row);
    }
  } finally {
    await rt.stop();
  }
  console.log(
    `results views in ms (in-process, ${RUNS} requests each after ${WARMUP} warm-up; ${SHARD_COUNT} shards; 200 org units, 2 attributes, 13 statements)`,
  );
  console.table(rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  await benchResults(sizes.length > 0 ? sizes : undefined);
}
