/**
 * Files larger than a Lambda payload go through presigned S3 URLs: the directory comes in through
 * an upload, the invitation export goes out through a download link. The real S3 client signs
 * and sends its requests to a loopback stand-in for the bucket.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3FileStore } from '../functions/adapters/s3-file-store.ts';
import { listAudit } from '../functions/store/audit.ts';
import { parseCsv } from '../shared/csv.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { aRoster, aWave, rosterCsv } from './helpers/scenario.ts';

let rt: TestRuntime;
let bucketServer: Server;
const objects = new Map<string, string>();

beforeAll(async () => {
  bucketServer = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://bucket').pathname);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method === 'PUT') {
      objects.set(path, Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200).end();
    } else if (request.method === 'GET' && objects.has(path)) {
      response.writeHead(200, { 'content-type': 'text/csv' }).end(objects.get(path));
    } else if (request.method === 'DELETE') {
      objects.delete(path);
      response.writeHead(204).end();
    } else {
      response
        .writeHead(404, { 'content-type': 'application/xml' })
        .end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
    }
  });
  await new Promise<void>((resolve) => bucketServer.listen(0, '127.0.0.1', resolve));
  const { port } = bucketServer.address() as AddressInfo;
  rt = await startTestRuntime();
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  rt.deps.files = createS3FileStore(client, 'uploads');
});
afterAll(async () => {
  await rt.stop();
  await new Promise((resolve) => bucketServer.close(resolve));
});

describe('presigned uploads and exports', () => {
  it('takes a directory through an upload URL, reads it once and deletes it', async () => {
    const created = await rt.staff('/api/roster/uploads', { method: 'POST' });
    expect(created.status).toBe(201);
    const { key, uploadUrl } = (await created.json()) as { key: string; uploadUrl: string };
    expect(uploadUrl).toContain('X-Amz-Signature=');
    expect((await fetch(uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: rosterCsv(aRoster(30)) })).status).toBe(200);

    const imported = await rt.staff(`/api/roster?upload=${encodeURIComponent(key)}`, { method: 'PUT' });
    expect(await imported.json()).toEqual({ imported: 30, rejected: [] });
    expect(objects.has(`/uploads/${key}`)).toBe(false);
    expect((await rt.staff(`/api/roster?upload=${encodeURIComponent(key)}`, { method: 'PUT' })).status).toBe(404);
  });

  it('refuses an upload key that is not one of ours', async () => {
    const response = await rt.staff('/api/roster?upload=../../etc/passwd', { method: 'PUT' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe('upload');
  });

  it('hands the invitation export over as a short-lived download link', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    const exported = await rt.staff(`/api/waves/${waveId}/invitations.csv`, { redirect: 'manual' });
    expect(exported.status).toBe(303);
    const rows = parseCsv(await (await fetch(exported.headers.get('location')!)).text());
    expect(rows[0].fields).toEqual(['email', 'link']);
    expect(
      rows
        .slice(1)
        .map((row) => row.fields[1].split('#')[1])
        .sort(),
    ).toEqual([...tokens].sort());
    // Recorded in the audit log, and shown on the wave as "links exported".
    const audit = await listAudit(rt.deps.store);
    expect(audit.filter((entry) => entry.waveId === waveId)).toEqual([expect.objectContaining({ action: 'invitation-links-exported', actor: 'local-admin' })]);
    expect(((await (await rt.staff(`/api/waves/${waveId}`)).json()) as { linksExported: number }).linksExported).toBe(1);
  });
});

describe('embedded mode', () => {
  it('takes the directory in the request body and says so when asked for an upload URL', async () => {
    rt.deps.files = undefined;
    const response = await rt.staff('/api/roster/uploads', { method: 'POST' });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('uploads-not-configured');
  });
});
