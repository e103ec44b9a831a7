/**
 * The wave item is written at every step of an open (a resume point per batch of invitations) and
 * of a close (a shard done, a stage entered, the lease): those writes touch no index entry, since
 * waves are listed under their survey by a small item of their own, and the open reports its
 * progress to its job a bounded number of times, not once per batch.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_BATCH } from '../functions/mailer.ts';
import { listWavesOfSurvey } from '../functions/store/waves.ts';
import { INDEX } from '../shared/keys.ts';
import { CapacityMeter } from './bench/capacity-meter.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let meter: CapacityMeter;
beforeAll(async () => {
  rt = await startTestRuntime();
  meter = await CapacityMeter.attach(rt.engine.client);
});
afterAll(async () => {
  meter.stop();
  await rt.stop();
});

const INVITED = 2_000;

describe('the wave item', { timeout: 180_000 }, () => {
  let opened: { surveyId: string; waveId: string };

  it(`is written without an index entry at every batch of a ${INVITED}-person open, and the job hears of it at most 20 times`, async () => {
    opened = await meter.run('open', () => aWave(rt).withRoster(INVITED).open());
    const kinds = meter.breakdown('open');
    const wave = kinds.find((entry) => entry.kind === 'UpdateItem WAVE META')!;
    // Still a resume point per batch of mail (at most one batch is mailed twice: test/mail-once.test.ts).
    expect(wave.requests).toBeGreaterThanOrEqual(INVITED / MAIL_BATCH);
    // Indexed with its statements, each was two units where it is one.
    expect(wave.indexWriteUnits).toBe(0);
    expect(wave.writeUnits).toBe(wave.requests);
    const job = kinds.find((entry) => entry.kind === 'UpdateItem JOB')!;
    // Once per batch, that was 40 (and 200 at 10,000 people).
    expect(job.requests).toBeLessThanOrEqual(21);
  });

  it('is still listed under its survey, beside waves stored before listings, oldest first; a listing without its wave is skipped', async () => {
    const { surveyId, waveId } = opened;
    // A wave stored before listing items: the wave item itself carries the index keys.
    const legacy = { id: 'legacy-wave', surveyId, name: 'Autumn', statementIds: [], k: 5, status: 'closed', createdAt: '2020-01-01T00:00:00.000Z' };
    const main = rt.deps.store.tables.main;
    await rt.deps.store.doc.send(
      new PutCommand({
        TableName: main,
        Item: {
          pk: `WAVE#${legacy.id}`,
          sk: 'META',
          [INDEX.byParent.partition]: `SURVEY#${surveyId}`,
          [INDEX.byParent.sort]: `${legacy.createdAt}#${legacy.id}`,
          ...legacy,
        },
      }),
    );
    // What a crash between writing a listing and its wave leaves.
    await rt.deps.store.doc.send(
      new PutCommand({
        TableName: main,
        Item: {
          pk: 'WAVE#half-made',
          sk: 'LISTED',
          [INDEX.byParent.partition]: `SURVEY#${surveyId}`,
          [INDEX.byParent.sort]: '2030-01-01T00:00:00.000Z#half-made',
        },
      }),
    );
    const waves = await listWavesOfSurvey(rt.deps.store, surveyId);
    expect(waves.map((wave) => [wave.id, wave.status])).toEqual([
      ['legacy-wave', 'closed'],
      [waveId, 'open'],
    ]);
    expect(waves[0]).toEqual(legacy);
    expect(waves[1]).not.toHaveProperty(INDEX.byParent.partition);
  });
});
