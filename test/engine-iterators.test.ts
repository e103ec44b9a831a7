/**
 * Issue 12: the embedded engine must close every iterator a query or scan opens. Each open LevelDB
 * iterator pins the files and the write buffer it could see: left open, a 100,000-person wave grew
 * the server to 2.9 GB and the data folder to 2.6 GB that no compaction could shrink.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { aWave } from './helpers/scenario.ts';

let rt: TestRuntime | undefined;
afterAll(async () => rt?.stop());

describe('the embedded engine', () => {
  it('leaves no iterator open after queries and scans, whether they read to the end, stop at a limit or find nothing', async () => {
    rt = await startTestRuntime();
    const { waveId, tokens } = await aWave(rt).withRoster(24).open();
    expect((await rt.post('/api/responses', { token: tokens[0], answers: { 'mgmt-expectations': 4 } })).status).toBe(201);
    expect((await rt.staff(`/api/waves/${waveId}/participation`)).status).toBe(200);
    const { doc, tables } = rt.deps.store;
    await doc.send(new ScanCommand({ TableName: tables.main }));
    await doc.send(new ScanCommand({ TableName: tables.ephemeral, Limit: 3 }));
    await doc.send(new QueryCommand({ TableName: tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'nothing here' } }));
    await rt.jobsIdle();
    expect(await rt.engine.countOpenIterators()).toBe(0);
  });
});
