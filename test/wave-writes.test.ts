/**
 * The wave item is written at every step of an open (a resume point per batch of invitations) and
 * of a close (a shard done, a stage entered, the lease): those writes touch no index entry, since
 * waves are listed under their survey by a small item of their own, and the open reports its
 * progress to its job a bounded number of times, not once per batch.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MAIL_BATCH } from '../functions/mailer.ts';
import { getWave, listWavesOfSurvey, setWaveDelivery } from '../functions/store/waves.ts';
import { openWave } from '../functions/waves/open-wave.ts';
import { parseCsv } from '../shared/csv.ts';
import { INDEX } from '../shared/keys.ts';
import type { CapacityMeter } from './bench/capacity-meter.ts';
import { withMeteredRuntime } from './helpers/metered.ts';
import type { TestRuntime } from './helpers/embedded.ts';
import { aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let meter: CapacityMeter;
withMeteredRuntime((running) => ({ rt, meter } = running));

const INVITED = 2_000;

/** An SDK middleware that fails the `nth` batch write of invitations, as a process killed there would. */
function crashAtInvitationWrite(nth: number): () => void {
  let seen = 0;
  const name = `crash-${Math.random()}`;
  rt.engine.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { RequestItems?: object };
      const invitations = context.commandName?.startsWith('BatchWrite') && Object.keys(input.RequestItems ?? {}).includes(rt.deps.store.tables.ephemeral);
      if (invitations && ++seen === nth) throw new Error('process killed at a write');
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => rt.engine.client.middlewareStack.remove(name);
}

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

  it('moves a mail-merge open’s resume point every 20 batches, and a run that died between two leaves nobody out on resume', async () => {
    const { waveId } = await aWave(rt).withRoster(INVITED).draft();
    await setWaveDelivery(rt.deps.store, waveId, 'mail-merge');
    const removeCrash = crashAtInvitationWrite(30 * 2);
    const run = () => openWave(rt.deps, waveId, { jobId: `open-${waveId}` });
    await expect(meter.run('mail-merge open', run)).rejects.toThrow(/process killed/);
    removeCrash();
    // Each batch of 50 is two requests of 25: the 30th batch died, the point stands after the 20th.
    expect((await getWave(rt.deps.store, waveId)).openedThrough?.invited).toBe(20 * MAIL_BATCH);
    expect(await meter.run('mail-merge open', run)).toMatchObject({ done: true });
    // Opening, a point after 20 batches, the dead run; a point after 40, open. Once per batch, that was 52.
    expect(meter.breakdown('mail-merge open').find((entry) => entry.kind === 'UpdateItem WAVE META')!.requests).toBeLessThanOrEqual(6);
    const links = parseCsv(await (await rt.staff(`/api/waves/${waveId}/invitations.csv`)).text()).slice(1);
    expect(new Set(links.map((row) => row.fields[0])).size).toBe(INVITED);
    expect(await getWave(rt.deps.store, waveId)).toMatchObject({ status: 'open', invited: INVITED });
  });
});
