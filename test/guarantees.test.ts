/**
 * The foundation's guarantees (issue 2), each against dynalite in-process: nothing a respondent
 * sends is lost or counted twice, and nothing stored or logged ties an answer to a person.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHARD_COUNT } from '../shared/keys.ts';
import { buildKAnonymityIndex, coverage } from '../shared/k-anonymize.ts';
import { unitSegmentId } from '../shared/segments.ts';
import { UnitTree } from '../shared/org.ts';
import type { SegmentCell } from '../shared/wave-cells.ts';
import { hashToken } from '../functions/crypto.ts';
import { launchJob, resumeUnfinishedJobs, runJob } from '../functions/jobs/run-job.ts';
import { listCells } from '../functions/store/cells.ts';
import { anonymousResponsePages, sealedResponsePages } from '../functions/store/responses.ts';
import { getWaveSnapshot } from '../functions/waves/snapshot.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave, closeWave } from './helpers/scenario.ts';
import { aRunThatDies, cellsBySegment, jobOutcome, type RequestMatcher } from './helpers/close-faults.ts';

let rt: TestRuntime;
beforeEach(async () => {
  rt = await startTestRuntime();
});
afterEach(async () => {
  await rt.stop();
});

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

async function countSealed(waveId: string): Promise<number> {
  let count = 0;
  for (let shard = 0; shard < SHARD_COUNT; shard++) for await (const page of sealedResponsePages(rt.deps.store, waveId, shard)) count += page.length;
  return count;
}

async function rootCell(waveId: string): Promise<SegmentCell> {
  const snapshot = await getWaveSnapshot(rt.deps.store, waveId);
  const rootId = unitSegmentId(new UnitTree(snapshot!.units).root.id);
  return (await listCells(rt.deps.store, waveId)).find((cell) => cell.segment.id === rootId)!;
}

/** What the answers sent should count to, per statement and scale point. */
function expectedCounts(answers: Array<Record<string, number>>) {
  const counts: Record<string, Record<string, number>> = {};
  for (const answer of answers) for (const [id, value] of Object.entries(answer)) (counts[id] ??= {})[value] = (counts[id]?.[value] ?? 0) + 1;
  return counts;
}

describe('exactly once', () => {
  it('takes 500 concurrent submissions with distinct tokens: 500 responses, and the close stores exactly what was sent', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(520).open();
    const answers = tokens.slice(0, 500).map((_, index) => anAnswer(index));
    const statuses = await Promise.all(
      tokens.slice(0, 500).map((token, index) => rt.post('/api/responses', { token, answers: answers[index] }).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(500);
    expect(await countSealed(waveId)).toBe(500);

    expect((await closeWave(rt, waveId)).status).toBe('done');
    const root = await rootCell(waveId);
    expect(root.responded).toBe(500);
    const expected = expectedCounts(answers);
    for (const id of ['mgmt-expectations', 'training', 'enps']) expect(root.statements[id].counts).toEqual(expected[id]);
  });

  it('answers 50 concurrent submissions of one token with exactly one 201 and 49 409s', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(20).open();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, () => rt.post('/api/responses', { token: tokens[3], answers: anAnswer(3) }).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    expect(await countSealed(waveId)).toBe(1);
  });

  it('counts a submission once when the process crashed between the response write and the invitation mark', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(20).open();
    let crashes = 1;
    // A crash right after the response is written: the invitation mark (an UpdateItem on the ephemeral table) never happens.
    rt.engine.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TableName?: string };
        if (context.commandName === 'UpdateCommand' || context.commandName === 'UpdateItemCommand') {
          if (input.TableName === rt.deps.store.tables.ephemeral && crashes-- > 0) throw new Error('process crashed');
        }
        return next(args);
      },
      { step: 'initialize', name: 'crashBeforeMark' },
    );
    expect((await rt.post('/api/responses', { token: tokens[0], answers: anAnswer(0) })).status).toBe(500);
    expect(await countSealed(waveId)).toBe(1);
    expect((await rt.post('/api/responses', { token: tokens[0], answers: anAnswer(0) })).status).toBe(201);
    expect((await rt.post('/api/responses', { token: tokens[0], answers: anAnswer(0) })).status).toBe(409);
    expect((await closeWave(rt, waveId)).status).toBe('done');
    expect((await rootCell(waveId)).responded).toBe(1);
  });

  it('either counts or refuses with 410 every submission that races a close; none gets a 201 and goes uncounted', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(200).open();
    const results: number[] = [];
    // Submissions keep arriving, overlapping each other, from before the close starts until well after it stopped the wave.
    const submitters = tokens.map(async (token, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 15));
      results.push((await rt.post('/api/responses', { token, answers: anAnswer(index) })).status);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closed = closeWave(rt, waveId);
    await Promise.all(submitters);
    expect((await closed).status).toBe('done');
    const accepted = results.filter((status) => status === 201).length;
    const refused = results.filter((status) => status === 410).length;
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(results.filter((status) => status !== 201 && status !== 410)).toEqual([]);
    expect((await rootCell(waveId)).responded).toBe(accepted);
  });

  // A process killed at these points (the run's client fails from there on), then the embedded start-up resumes its job.
  const CRASH_POINTS: Record<string, (waveId: string) => RequestMatcher> = {
    'sealing shard 7 recorded':
      (waveId) =>
      ({ command, input }) =>
        command === 'UpdateCommand' && input.Key?.pk === `WAVE#${waveId}` && JSON.stringify(input.ExpressionAttributeValues?.[':shard']) === '[7]',
    'the first cell stored':
      (waveId) =>
      ({ command, input }) =>
        command === 'PutCommand' && input.Item?.pk === `WAVE#${waveId}` && String(input.Item?.sk).startsWith('CELL#'),
    'the first pack of k-anonymized responses stored':
      (waveId) =>
      ({ command, input }) =>
        command === 'PutCommand' && String(input.Item?.pk).startsWith(`ANON#${waveId}#`),
  };
  it.each(Object.keys(CRASH_POINTS))('resumes a close killed at "%s" with the same counts as an uninterrupted close', async (point) => {
    const roster = aRoster(120);
    const uninterrupted = await aWave(rt).withRoster(roster).open();
    const interrupted = await aWave(rt).withRoster(roster).open();
    // Mail goes out in directory order, so token i belongs to the same person in both waves.
    for (const wave of [uninterrupted, interrupted]) {
      for (let i = 0; i < 90; i++) expect((await rt.post('/api/responses', { token: wave.tokens[i], answers: anAnswer(i) })).status).toBe(201);
    }
    expect((await closeWave(rt, uninterrupted.waveId)).status).toBe('done');

    const doomed = await aRunThatDies(rt, CRASH_POINTS[point](interrupted.waveId));
    const jobId = await launchJob(
      { ...doomed.deps, jobs: { start: async (job) => void runJob(doomed.deps, job).catch(() => {}) } },
      'close-wave',
      interrupted.waveId,
    );
    await doomed.died;
    expect((await rt.staff(`/api/waves/${interrupted.waveId}`).then((r) => r.json())).status).toBe('closing');
    expect(await resumeUnfinishedJobs(rt.deps)).toEqual([jobId]);
    expect(await jobOutcome(rt, jobId)).toMatchObject({ status: 'done' });

    expect(await cellsBySegment(rt, interrupted.waveId)).toEqual(await cellsBySegment(rt, uninterrupted.waveId));
    let anonymous = 0;
    for (let shard = 0; shard < SHARD_COUNT; shard++)
      for await (const page of anonymousResponsePages(rt.deps.store, interrupted.waveId, shard)) anonymous += page.length;
    expect(anonymous).toBe(90);
  });
});

describe('jobs', () => {
  it('finish a close that hit a passing storage error, resuming where it stopped', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(30).open();
    for (let i = 0; i < 20; i++) await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) });
    let failures = 1;
    rt.engine.client.middlewareStack.add(
      (next, context) => async (args) => {
        // The first read of a sealed-response shard fails as a lost connection would.
        const input = args.input as { KeyConditionExpression?: string; ExpressionAttributeValues?: Record<string, unknown> };
        if (context.commandName === 'QueryCommand' && String(input.ExpressionAttributeValues?.[':pk'] ?? '').startsWith('RESP#') && failures-- > 0) {
          throw new Error('socket hang up');
        }
        return next(args);
      },
      { step: 'initialize', name: 'passingFailure' },
    );
    expect(await closeWave(rt, waveId)).toMatchObject({ status: 'done' });
    expect(failures).toBeLessThan(0);
    expect((await rootCell(waveId)).responded).toBe(20);
  });
});

/** A submission as a phone would send it, with an address and a user agent the server must not keep. */
function submitFromPhone(token: string, answers: Record<string, number>) {
  return rt.app.request('/api/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7', 'user-agent': 'SpyPhone/1.0' },
    body: JSON.stringify({ token, answers }),
  });
}

describe('confidentiality of what is stored and logged', () => {
  it('keeps responses sealed while open and leaves nothing that singles anyone out after close', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(60).withK(5).open();
    for (let i = 0; i < 45; i++) await rt.post('/api/responses', { token: tokens[i], answers: { ...anAnswer(i), comment: `note ${i}` } });

    const whileOpen = await scanAll(rt.deps.store.tables.main);
    const sealed = whileOpen.filter((item) => String(item.pk).startsWith(`RESP#${waveId}`));
    expect(sealed).toHaveLength(45);
    for (const item of sealed) {
      expect(Object.keys(item).sort()).toEqual(['expiresAt', 'pk', 'sealed', 'sk']);
      expect(String(item.sealed)).not.toMatch(/mgmt-expectations|note|Squad|tenure/);
    }

    expect((await closeWave(rt, waveId)).status).toBe('done');
    const main = await scanAll(rt.deps.store.tables.main);
    const ephemeral = await scanAll(rt.deps.store.tables.ephemeral);
    expect(main.filter((item) => String(item.pk).startsWith('RESP#'))).toHaveLength(0);
    expect(ephemeral.filter((item) => String(item.pk).startsWith('SECRET#'))).toHaveLength(0);
    expect(ephemeral.filter((item) => 'email' in item || 'profile' in item)).toHaveLength(0);

    const snapshot = (await getWaveSnapshot(rt.deps.store, waveId))!;
    const index = buildKAnonymityIndex(snapshot.units, snapshot.invitees, 5);
    // Stored packed (store/responses.ts): read as the store reads them, every response with its own profile.
    const anonymous = [];
    for (let shard = 0; shard < SHARD_COUNT; shard++) for await (const page of anonymousResponsePages(rt.deps.store, waveId, shard)) anonymous.push(...page);
    expect(anonymous).toHaveLength(45);
    for (const item of anonymous) expect(coverage(item.profile as never, index)).toBeGreaterThanOrEqual(5);
  });

  it('stores and logs no token, token hash, email, address, user agent or time', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(30).open();
    for (let i = 0; i < 25; i++) {
      expect((await submitFromPhone(tokens[i], anAnswer(i))).status).toBe(201);
    }
    expect((await closeWave(rt, waveId)).status).toBe('done');
    const stored = JSON.stringify([
      ...(await scanAll(rt.deps.store.tables.main)).filter((item) => /^(ANON|COMMENT|WAVE)#/.test(String(item.pk))),
      ...(await scanAll(rt.deps.store.tables.ephemeral)),
    ]);
    const logs = rt.logLines.join('\n');
    expect(rt.logLines.length).toBeGreaterThan(25);
    for (const token of tokens) {
      for (const haystack of [stored, logs]) {
        expect(haystack).not.toContain(token);
        expect(logs).not.toContain(hashToken(token));
      }
    }
    for (const haystack of [stored, logs]) {
      expect(haystack).not.toMatch(/@acme\.test/);
      expect(haystack).not.toContain('203.0.113.7');
      expect(haystack).not.toContain('SpyPhone');
    }
    expect(logs).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    const responses = JSON.stringify((await scanAll(rt.deps.store.tables.main)).filter((item) => /^(ANON|COMMENT)#/.test(String(item.pk))));
    expect(responses).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|17\d{11}/);
  });
});
