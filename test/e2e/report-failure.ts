import { beforeEach } from 'vitest';
import { describeOpenPages } from './harness.ts';

// A browser test that fails prints what its pages showed at that moment (see describeOpenPages).
beforeEach((context) => {
  context.onTestFailed(async () => {
    console.error(`What the pages showed when "${context.task.name}" failed:\n${await describeOpenPages()}`);
  });
});
