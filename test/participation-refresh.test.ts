/**
 * A live participation refresh that finds the same answered counts as the last one does not run
 * the confidentiality rules again (most of a refresh's Lambda time); a refresh after a new answer
 * does. It reads the wave's few count items, and what it finds stays shown a full interval even
 * when nothing was new (so the next answer never shows alone the moment it lands).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BELOW_K } from '../shared/api-results.ts';
import * as disclosure from '../shared/disclosure.ts';
import { getLiveParticipation, putLiveShown } from '../functions/store/live-counts.ts';
import type { CapacityMeter } from './bench/capacity-meter.ts';
import { withMeteredRuntime } from './helpers/metered.ts';
import type { TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave, type OpenWave } from './helpers/scenario.ts';

vi.mock('../shared/disclosure.ts', async (original) => {
  const actual = await original<typeof disclosure>();
  return { ...actual, decideVisibility: vi.fn(actual.decideVisibility) };
});

let rt: TestRuntime;
let meter: CapacityMeter;
let wave: OpenWave;
withMeteredRuntime((running) => ({ rt, meter } = running));
beforeAll(async () => {
  // Refreshes are due at every request (participationRefreshMs 0).
  wave = await aWave(rt).withRoster(aRoster(40)).open();
  for (let i = 0; i < 20; i++) expect((await rt.post('/api/responses', { token: wave.tokens[i], answers: anAnswer(i) })).status).toBe(201);
});

const participation = async () =>
  (await (await rt.staff(`/api/waves/${wave.waveId}/participation`)).json()) as { responded: number | string; computedAt: string };
const rulesRun = () => vi.mocked(disclosure.decideVisibility).mock.calls.length;

describe('a live participation refresh', () => {
  it('reuses the last answer when nobody answered since, and recomputes after an answer', async () => {
    const first = await participation();
    expect(first.responded).toBe(20);
    const runs = rulesRun();
    const again = await participation();
    expect(again.responded).toBe(20);
    expect(rulesRun()).toBe(runs);
    // Its time moves on: the next refresh is again a full interval away.
    expect(Date.parse(again.computedAt)).toBeGreaterThanOrEqual(Date.parse(first.computedAt));

    expect((await rt.post('/api/responses', { token: wave.tokens[20], answers: anAnswer(20) })).status).toBe(201);
    const after = await participation();
    expect(after.responded).toBe(21);
    expect(rulesRun()).toBeGreaterThan(runs);
  });

  it('writes only the time of the check when nothing is new, and reads the answered counts, never the invitations', async () => {
    await participation();
    const quiet = await meter.run('quiet refresh', participation);
    expect(quiet.responded).toBe(21);
    // One small item (when it was checked); the shown counts are not written again.
    expect(meter.phase('quiet refresh').writeUnits).toBe(1);
    // The wave (1), the stored refresh's two small items (eventually consistent: 1) and the wave's count items in one query (0.5).
    expect(meter.phase('quiet refresh').readUnits).toBe(2.5);
    expect(meter.breakdown('quiet refresh').map(({ kind }) => kind)).not.toContainEqual(expect.stringContaining('INV'));

    expect((await rt.post('/api/responses', { token: wave.tokens[21], answers: anAnswer(21) })).status).toBe(201);
    const news = await meter.run('refresh with news', participation);
    expect(news.responded).toBe(22);
    // The shown counts, with their time: one item.
    expect(meter.phase('refresh with news').writeUnits).toBe(1);
  });

  it("reads the wave's few count items in one query, however many profiles answered", async () => {
    const teams = Array.from({ length: 30 }, (_, index) => `Acme > Team ${index}`);
    const big = await aWave(rt).withRoster(aRoster(300, teams)).open();
    // 200 answers over ~90 profiles (30 teams x 3 tenures).
    for (let i = 0; i < 200; i++) expect((await rt.post('/api/responses', { token: big.tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const refresh = await meter.run('big refresh', async () => (await rt.staff(`/api/waves/${big.waveId}/participation`)).json());
    expect(refresh.responded).toBe(200);
    const counts = meter.breakdown('big refresh').find(({ kind }) => kind.startsWith('Query LIVE'));
    expect(counts).toMatchObject({ requests: 1, readUnits: 0.5 });
    // MIN_LIVE_ITEMS small items: their keys are most of it.
    expect(counts!.bytesReturned).toBeLessThan(2_048);
  });

  it('writes what a refresh found in one write unit even with hundreds of groups', async () => {
    // 3,000 people in 150 teams of 20 with three tenures: over 500 groups, each in the stored lists
    // of which show. Those lists as indices took two write units here; as bitmaps, one.
    const teams = Array.from({ length: 150 }, (_, index) => `Acme > Division ${index % 10} > Team ${index}`);
    const large = await aWave(rt).withRoster(aRoster(3_000, teams)).open();
    for (let i = 0; i < 30; i++) expect((await rt.post('/api/responses', { token: large.tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const refresh = await meter.run('large refresh', async () => (await rt.staff(`/api/waves/${large.waveId}/participation`)).json());
    expect(refresh.segments.length).toBeGreaterThan(500);
    expect(meter.phase('large refresh').writeUnits).toBe(1);
  });

  it('reads what a refresh stored before its lists were bitmaps', async () => {
    // A team of three: its invited count is hidden, so the stored list of hidden ones is not empty.
    const rows = [...aRoster(40), ...aRoster(3, ['Acme > Tiny']).map((row, index) => ({ ...row, email: `tiny${index}@acme.test` }))];
    const small = await aWave(rt).withRoster(rows).open();
    for (let i = 0; i < 12; i++) expect((await rt.post('/api/responses', { token: small.tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const read = async () => {
      const { computedAt: _at, refreshesAt: _next, ...counts } = await (await rt.staff(`/api/waves/${small.waveId}/participation`)).json();
      return counts;
    };
    const before = await read();
    expect(before.segments.some((segment: { invited: unknown }) => segment.invited === BELOW_K)).toBe(true);
    const { shown } = await getLiveParticipation<Record<string, unknown>>(rt.deps.store, small.waveId);
    const asIndices = (bitmap: unknown) =>
      [...Buffer.from(String(bitmap), 'base64')].flatMap((byte, at) => [0, 1, 2, 3, 4, 5, 6, 7].filter((bit) => byte & (1 << bit)).map((bit) => at * 8 + bit));
    await putLiveShown(rt.deps.store, small.waveId, {
      ...shown,
      invitedHidden: asIndices(shown!.invitedHidden),
      kept: asIndices(shown!.kept),
      shownWithAnswers: asIndices(shown!.shownWithAnswers),
    });
    expect(await read()).toEqual(before);
  });

  it('keeps what a refresh found, even unchanged, a full interval: an answer right after shows at the next refresh, not at once', async () => {
    const quiet = await aWave(rt).withRoster(aRoster(40)).open();
    const responded = async () => ((await (await rt.staff(`/api/waves/${quiet.waveId}/participation`)).json()) as { responded: number | string }).responded;
    for (let i = 0; i < 10; i++) expect((await rt.post('/api/responses', { token: quiet.tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const interval = 10 * 60_000;
    rt.deps.timing.participationRefreshMs = interval;
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      expect(await responded()).toBe(10);
      // A quiet stretch, then a refresh that finds nothing new.
      vi.setSystemTime(Date.now() + interval + 1_000);
      expect(await responded()).toBe(10);
      // Someone answers just after it: whoever asks again at once still sees the counts of that refresh.
      expect((await rt.post('/api/responses', { token: quiet.tokens[10], answers: anAnswer(10) })).status).toBe(201);
      vi.setSystemTime(Date.now() + 60_000);
      expect(await responded()).toBe(10);
      vi.setSystemTime(Date.now() + interval);
      expect(await responded()).toBe(11);
    } finally {
      vi.useRealTimers();
      rt.deps.timing.participationRefreshMs = 0;
    }
  });
});
