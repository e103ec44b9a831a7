/**
 * Issue 9: the embedded data folder forgets. After a clean close, no byte of any file under the
 * data folder may hold what the close destroyed: the wave secret, a sealed response or the key it
 * was stored under (an HMAC of the person's token hash), an invitation's email or profile. Every
 * marker keeps an answered flag, a mark's and a seal's alike (test/marks-shed.test.ts), so the
 * flag says nothing.
 * LevelDB keeps deleted values in its write-ahead log and older tables until a compaction; the
 * close compacts the engine's store (functions/local/engine-worker.js).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_TIMING, startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { expandTable } from './helpers/leveldb-files.ts';
import { anAnswer, aWave, closeWave } from './helpers/scenario.ts';

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** A file's bytes as an attacker reads them: tables with their compressed blocks expanded. */
async function readRaw(file: string): Promise<Buffer> {
  const bytes = await readFile(file);
  return file.endsWith('.ldb') || file.endsWith('.sst') ? expandTable(bytes) : bytes;
}

async function scanAll(rt: TestRuntime, table: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await rt.deps.store.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Array<Record<string, unknown>>));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

let folder: string | undefined;
afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('the data folder after a close', () => {
  it('holds no byte of the secret, a sealed response, an email or a profile', async () => {
    folder = await mkdtemp(join(tmpdir(), 'baseline-data-'));
    const rt = await startTestRuntime(FAST_TIMING, { dataDir: folder });
    const { waveId, tokens } = await aWave(rt).withRoster(24).open();
    for (const [index, token] of tokens.slice(0, 16).entries()) expect((await rt.post('/api/responses', { token, answers: anAnswer(index) })).status).toBe(201);

    // What the close must destroy, read while the wave is open.
    const { main, ephemeral } = rt.deps.store.tables;
    const secrets = (await scanAll(rt, ephemeral)).filter((item) => String(item.pk).startsWith(`SECRET#${waveId}`)).map((item) => String(item.secret));
    const sealed = (await scanAll(rt, main)).filter((item) => String(item.pk).startsWith(`RESP#${waveId}#`));
    const invitations = (await scanAll(rt, ephemeral)).filter((item) => String(item.pk).startsWith('INV#'));
    expect(secrets).toHaveLength(1);
    expect(sealed).toHaveLength(16);
    expect(invitations.filter((item) => item.answered === true)).toHaveLength(16);

    const secret = secrets[0];
    const needles: Array<[string, Buffer]> = [
      ['wave secret', Buffer.from(secret)],
      ['wave secret (hex)', Buffer.from(Buffer.from(secret, 'base64url').toString('hex'))],
      ['wave secret (base64)', Buffer.from(Buffer.from(secret, 'base64url').toString('base64'))],
      ...sealed.flatMap(
        (item): Array<[string, Buffer]> => [
          // A distinctive stretch of each ciphertext, and the HMAC it was stored under.
          [`sealed response ${String(item.sk).slice(0, 8)}`, Buffer.from(String(item.sealed).slice(20, 60))],
          [`sealed response key ${String(item.sk).slice(0, 8)}`, Buffer.from(String(item.sk))],
        ],
      ),
      // As an invitation holds it (the directory keeps each person's email as its own key, by design).
      ...invitations.map((item): [string, Buffer] => [`email ${String(item.email)}`, Buffer.from(`"email":{"S":"${String(item.email)}"}`)]),
      ['an email attribute', Buffer.from('"email":{"S":')],
    ];
    /** What an invitation item still holds of a person: a profile, an email or a locale. */
    const invitationLeftovers = (bytes: Buffer) => {
      const text = bytes.toString('latin1');
      const found = new Set<string>();
      for (let at = text.indexOf('{"pk":{"S":"INV#'); at >= 0; at = text.indexOf('{"pk":{"S":"INV#', at + 1)) {
        const next = text.indexOf('{"pk":', at + 1);
        const item = text.slice(at, next < 0 ? undefined : next);
        // Not the answered flag: every marker holds it, a mark's and a seal's alike (test/marks-shed.test.ts).
        for (const field of ['profile', 'email', 'locale']) if (item.includes(`"${field}":`)) found.add(`invitation ${field}`);
      }
      return [...found];
    };
    const before = await Promise.all((await filesUnder(folder)).map(async (file) => ({ file, bytes: await readRaw(file) })));
    const foundBefore = [
      ...needles.filter(([, needle]) => before.some(({ bytes }) => bytes.includes(needle))).map(([name]) => name),
      ...before.flatMap(({ bytes }) => invitationLeftovers(bytes)),
    ];
    // The scan can see them while the wave is open (else finding nothing later would prove nothing).
    const unanswered = invitations.find((item) => item.email !== undefined)!;
    expect(foundBefore).toEqual(expect.arrayContaining(['wave secret', 'invitation profile', `email ${String(unanswered.email)}`]));

    expect((await closeWave(rt, waveId)).status).toBe('done');
    await rt.stop();

    const files = await filesUnder(folder);
    expect(files.some((file) => file.endsWith('.ldb') || file.endsWith('.log'))).toBe(true);
    const found: string[] = [];
    for (const file of files) {
      const bytes = await readRaw(file);
      for (const [name, needle] of needles) {
        const at = bytes.indexOf(needle);
        if (at >= 0)
          found.push(
            `${name} in ${file.slice(folder.length)}: …${bytes
              .subarray(Math.max(0, at - 120), at + 60)
              .toString('latin1')
              .replaceAll(/[^\x20-\x7e]/g, '.')}…`,
          );
      }
      for (const leftover of invitationLeftovers(bytes)) found.push(`${leftover} in ${file.slice(folder.length)}`);
    }
    expect(found).toEqual([]);
  }, 120_000);
});
