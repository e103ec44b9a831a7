/**
 * Stored cells are never replaced by counts of fewer responses (issue 8): the close's last line of
 * defence if a recount ever ran after responses were deleted (a second close once wiped a wave to n = 0).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FewerResponsesError, getCell, putCountedCells } from '../functions/store/cells.ts';
import type { SegmentCell } from '../shared/wave-cells.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

const aCell = (responded: number): SegmentCell => ({
  segment: { id: 'u:root', kind: 'unit', unitId: 'root' },
  invited: 40,
  responded,
  invitedVisible: true,
  respondedVisible: true,
  statements: { 'mgmt-expectations': { n: responded, counts: { '4': responded }, visible: true } },
});

describe('counted cells', () => {
  it('refuse to replace a stored cell by one counting fewer responses, and keep the stored one', async () => {
    await putCountedCells(rt.deps.store, 'guarded', [aCell(30)]);
    await expect(putCountedCells(rt.deps.store, 'guarded', [aCell(0)])).rejects.toBeInstanceOf(FewerResponsesError);
    await expect(putCountedCells(rt.deps.store, 'guarded', [aCell(29)])).rejects.toBeInstanceOf(FewerResponsesError);
    expect((await getCell(rt.deps.store, 'guarded', 'u:root'))?.responded).toBe(30);
  });

  it('store the same counts again (a resumed close) or more', async () => {
    await putCountedCells(rt.deps.store, 'resumed', [aCell(30)]);
    await putCountedCells(rt.deps.store, 'resumed', [aCell(30)]);
    expect((await getCell(rt.deps.store, 'resumed', 'u:root'))?.responded).toBe(30);
    await putCountedCells(rt.deps.store, 'resumed', [aCell(31)]);
    expect((await getCell(rt.deps.store, 'resumed', 'u:root'))?.responded).toBe(31);
  });
});
