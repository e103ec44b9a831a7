/**
 * Views read what they show: after a close, participation reads one stored value, not every cell; while open, a participation refresh reads the answered counts per
 * profile, never the invitations.
 */
import { MIN_LIVE_ITEMS } from '../functions/store/live-counts.ts';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { logRequests } from './helpers/request-log.ts';
import { anAnswer, aRoster, aWave, closeWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let waveId: string;
let log: ReturnType<typeof logRequests>;
/** What live participation showed while the wave was open, and what the refresh read. */
let live: { participation: unknown; requests: ReturnType<typeof logRequests>['requests'] };

async function scanAll(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await rt.deps.store.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

beforeAll(async () => {
  rt = await startTestRuntime();
  log = logRequests(rt.engine.client);
  const opened = await aWave(rt).withRoster(aRoster(60)).open();
  waveId = opened.waveId;
  for (let i = 0; i < 45; i++) expect((await rt.post('/api/responses', { token: opened.tokens[i], answers: anAnswer(i) })).status).toBe(201);
  log.clear();
  live = { participation: await (await rt.staff(`/api/waves/${waveId}/participation`)).json(), requests: [...log.requests] };
  expect((await closeWave(rt, waveId)).status).toBe('done');
});
afterAll(async () => {
  await rt.stop();
});

describe('a closed wave', () => {
  it('answers participation from one stored value: the cells are listed once, never again', async () => {
    const first = await (await rt.staff(`/api/waves/${waveId}/participation`)).json();
    log.clear();
    const again = await (await rt.staff(`/api/waves/${waveId}/participation`)).json();
    expect(again).toEqual(first);
    expect(first).toMatchObject({ status: 'closed', invited: 60, responded: 45 });
    // The wave, and the stored participation (its head and one chunk): no query over the cells.
    expect(log.requests.filter((request) => request.command === 'Query')).toEqual([]);
    expect(log.requests.length).toBeLessThanOrEqual(3);
  });
});

describe('an open wave', () => {
  it('refreshes participation from the answered counts per profile, reading no invitation', async () => {
    expect(live.participation).toMatchObject({ status: 'open', invited: 60, responded: 45 });
    const ephemeralReads = live.requests.filter((request) => request.table === rt.deps.store.tables.ephemeral);
    // One query of the wave's count items (MIN_LIVE_ITEMS, though its 12 profiles would fit in one), however many were invited.
    expect(ephemeralReads).toEqual([expect.objectContaining({ command: 'Query', index: undefined })]);
    expect(ephemeralReads[0].items).toBe(MIN_LIVE_ITEMS);
  });

  it('keeps no invitation index: no email or mark is copied into one, and the open writes each invitation once', async () => {
    const described = await rt.engine.client.send(new DescribeTableCommand({ TableName: rt.deps.store.tables.ephemeral }));
    expect(described.Table?.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('leaves no answered count behind once closed', async () => {
    const ephemeral = await scanAll(rt.deps.store.tables.ephemeral);
    expect(ephemeral.filter((item) => String(item.pk).startsWith('LIVE#'))).toEqual([]);
  });
});
