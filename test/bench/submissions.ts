/**
 * Submission throughput against `npm start` (embedded mode): 2,000 submissions with distinct
 * tokens at concurrency 50, driven by autocannon. Prints responses/s, p50 and p99 latency, and
 * checks that every submission got a 201 and was counted exactly once.
 *
 *   npx tsx test/bench/submissions.ts            (or: npm run bench -- submissions)
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { parseCsv } from '../../shared/csv.ts';
import { aRoster, rosterCsv, STATEMENTS } from '../helpers/scenario.ts';

const SUBMISSIONS = 2_000;
const CONCURRENCY = 50;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function benchSubmissions(): Promise<Record<string, number>> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts', '--memory', '--no-demo'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise<void>((resolve) => child.stdout!.on('data', (chunk) => (output += chunk) && output.includes('Staff sign-in') && resolve()));
  const base = `http://127.0.0.1:${port}`;
  const token = /signin#token=(\S+)/.exec(output)![1];
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  try {
    await call('/api/roster', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: rosterCsv(aRoster(SUBMISSIONS)) });
    for (const statement of STATEMENTS) await call('/api/statements', { method: 'POST', body: JSON.stringify(statement) });
    const survey = (await (await call('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Bench' }) })).json()) as { id: string };
    const wave = (await (
      await call(`/api/surveys/${survey.id}/waves`, { method: 'POST', body: JSON.stringify({ name: 'Bench', statementIds: STATEMENTS.map((s) => s.id) }) })
    ).json()) as { id: string };
    const { jobId } = (await (await call(`/api/waves/${wave.id}/open`, { method: 'POST' })).json()) as { jobId: string };
    while (((await (await call(`/api/jobs/${jobId}`)).json()) as { status: string }).status === 'running') await new Promise((r) => setTimeout(r, 200));
    const links = parseCsv(await (await call(`/api/waves/${wave.id}/invitations.csv`)).text()).slice(1);
    const tokens = links.map((record) => record.fields[1].split('#')[1]);

    let next = 0;
    const statuses: Record<number, number> = {};
    const result = await autocannon({
      url: `${base}/api/responses`,
      connections: CONCURRENCY,
      amount: SUBMISSIONS,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request) => {
            const index = next++;
            return {
              ...request,
              body: JSON.stringify({
                token: tokens[index],
                answers: { 'mgmt-expectations': (index % 5) + 1, training: ((index * 3) % 5) + 1, enps: index % 11 },
              }),
            };
          },
          onResponse: (status) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
          },
        },
      ],
    });
    const participation = (await (await call(`/api/waves/${wave.id}/participation`)).json()) as { responded: number };
    const figures = {
      submissions: result.requests.total,
      created201: statuses[201] ?? 0,
      other: result.requests.total - (statuses[201] ?? 0),
      respondedAfter: participation.responded,
      responsesPerSecond: Math.round(result.requests.total / (result.duration || 1)),
      p50ms: result.latency.p50,
      p99ms: result.latency.p99,
    };
    console.table(figures);
    return figures;
  } finally {
    child.kill('SIGINT');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSubmissions();
