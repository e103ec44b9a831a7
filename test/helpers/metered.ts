/** A test file's embedded runtime with a capacity meter on its DynamoDB client, started once for the file. */
import { afterAll, beforeAll } from 'vitest';
import { CapacityMeter } from '../bench/capacity-meter.ts';
import { startTestRuntime, type TestRuntime } from './embedded.ts';

/** Start both before the file's tests and stop them after; `started` receives them (the file keeps them in its own variables). */
export function withMeteredRuntime(started: (running: { rt: TestRuntime; meter: CapacityMeter }) => void): void {
  let running: { rt: TestRuntime; meter: CapacityMeter } | undefined;
  beforeAll(async () => {
    const rt = await startTestRuntime();
    running = { rt, meter: await CapacityMeter.attach(rt.engine.client) };
    started(running);
  });
  afterAll(async () => {
    running?.meter.stop();
    await running?.rt.stop();
  });
}
