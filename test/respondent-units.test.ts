/**
 * What one respondent costs in DynamoDB units, counted by the capacity meter: the questionnaire
 * reads eventually consistent (it only shows; the submission reads what decides consistently), and
 * a submission writes its response, its invitation's mark and its profile's answered count.
 */
import { describe, expect, it } from 'vitest';
import type { CapacityMeter } from './bench/capacity-meter.ts';
import { withMeteredRuntime } from './helpers/metered.ts';
import type { TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let meter: CapacityMeter;
withMeteredRuntime((running) => ({ rt, meter } = running));

describe('one respondent', () => {
  it('loads the questionnaire for one read unit and submits for two reads and three writes', async () => {
    const { tokens } = await aWave(rt).withRoster(40).open();
    // The first submission also reads the wave's secret, which the respondent function then keeps.
    expect((await rt.post('/api/responses', { token: tokens[39], answers: anAnswer(39) })).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      expect((await meter.run('questionnaire', () => rt.post('/api/questionnaire', { token: tokens[i] }))).status).toBe(200);
      expect(
        (await meter.run('submission', () => rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i), submission: `s${i}`.padEnd(22, 'x') })))
          .status,
      ).toBe(201);
    }
    expect(meter.phase('questionnaire').readUnits / 5).toBe(1);
    expect(meter.phase('questionnaire').writeUnits).toBe(0);
    expect(meter.phase('submission').readUnits / 5).toBe(2);
    expect(meter.phase('submission').writeUnits / 5).toBe(3);
  });
});
