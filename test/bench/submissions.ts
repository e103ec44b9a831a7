/**
 * Submission throughput against `npm start` (embedded mode). First 2,000 submissions with distinct
 * tokens at concurrency 50 (closed loop, driven by autocannon); then paced arrivals at 100, 200
 * and 300 per second for 10 s each (open loop: sent on schedule whatever the replies, as real
 * respondents arrive; latency counted from when each was due). Prints responses/s, p50 and p99
 * latency, and checks that every submission got a 201 and was counted exactly once (live
 * participation, recounted after each run, rose by exactly the number of 201s).
 *
 *   npx tsx test/bench/submissions.ts            (or: npm run bench -- submissions)
 */
import autocannon from 'autocannon';
import { parseCsv } from '../../shared/csv.ts';
import { aRoster, rosterCsv, STATEMENTS } from '../helpers/scenario.ts';
import { createHttpClient, quantile, runClosedLoop, runPaced } from './load.ts';
import { startBenchServer, waitForJob } from './server-process.ts';

const SUBMISSIONS = 2_000;
const CONCURRENCY = 50;
const PACED_RATES = [100, 200, 300];
const PACED_SECONDS = 10;

const answersFor = (index: number) => ({ 'mgmt-expectations': (index % 5) + 1, training: ((index * 3) % 5) + 1, enps: index % 11 });

export async function benchSubmissions(): Promise<Record<string, number | string>[]> {
  // Participation recounted on every call, so each run's count can be checked right after it.
  const server = await startBenchServer({ env: { BASELINE_BENCH_PARTICIPATION_REFRESH_MS: '0' } });
  const { base, token } = server;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  try {
    const people = SUBMISSIONS + PACED_RATES.reduce((sum, rate) => sum + rate * PACED_SECONDS, 0);
    await call('/api/roster', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: rosterCsv(aRoster(people)) });
    for (const statement of STATEMENTS) await call('/api/statements', { method: 'POST', body: JSON.stringify(statement) });
    const survey = (await (await call('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Bench' }) })).json()) as { id: string };
    const wave = (await (
      await call(`/api/surveys/${survey.id}/waves`, { method: 'POST', body: JSON.stringify({ name: 'Bench', statementIds: STATEMENTS.map((s) => s.id) }) })
    ).json()) as { id: string };
    // Mail merge: no .eml per invitee; the links come from the export below.
    const { jobId } = (await (await call(`/api/waves/${wave.id}/open?delivery=mail-merge`, { method: 'POST' })).json()) as { jobId: string };
    await waitForJob(call, jobId, 200);
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
              body: JSON.stringify({ token: tokens[index], answers: answersFor(index) }),
            };
          },
          onResponse: (status) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
          },
        },
      ],
    });
    const responded = async () => ((await (await call(`/api/waves/${wave.id}/participation`)).json()) as { responded: number }).responded;
    let before = await responded();
    const rows: Record<string, number | string>[] = [
      {
        arrivals: `closed loop, concurrency ${CONCURRENCY}`,
        submissions: result.requests.total,
        'responses/s': Math.round(result.requests.total / (result.duration || 1)),
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
        '201': statuses[201] ?? 0,
        'not served': result.requests.total - (statuses[201] ?? 0),
        'counted once': before === result.requests.total && statuses[201] === result.requests.total ? 'yes' : `NO (participation ${before})`,
      },
    ];
    const client = createHttpClient(base, { 'content-type': 'application/json' });
    let offset = SUBMISSIONS;
    for (const rate of PACED_RATES) {
      const count = rate * PACED_SECONDS;
      const first = offset;
      const unserved: number[] = [];
      const submit = (index: number) =>
        client.send('POST', '/api/responses', JSON.stringify({ token: tokens[first + index], answers: answersFor(first + index) }));
      const paced = await runPaced(count, rate, (index) =>
        submit(index).then(
          (reply) => {
            if (reply.status !== 201) unserved.push(index);
            return reply;
          },
          (error) => {
            unserved.push(index);
            throw error;
          },
        ),
      );
      offset += count;
      // Those who got no 201 try again, as a respondent would: 201 if their first try never landed, 409 if it did.
      const retried = await runClosedLoop(unserved.length, 10, (i) => submit(unserved[i]));
      const after = await responded();
      const created = paced.statuses[201] ?? 0;
      rows.push({
        arrivals: `paced ${rate}/s for ${PACED_SECONDS} s`,
        submissions: count,
        'responses/s': Math.round(count / paced.seconds),
        'p50 ms': Math.round(quantile(paced.latencies, 0.5)),
        'p99 ms': Math.round(quantile(paced.latencies, 0.99)),
        '201': created,
        'not served': Object.entries(paced.statuses)
          .filter(([status]) => status !== '201')
          .map(([status, n]) => `${n} × ${status}`)
          .join(', '),
        retried: Object.entries(retried.statuses)
          .map(([status, n]) => `${n} × ${status}`)
          .join(', '),
        // After the retries every invitee of this run answered once: participation rose by exactly the run's size.
        'counted once': after - before === count ? 'yes' : `NO (participation rose ${after - before})`,
      });
      before = after;
    }
    client.close();
    console.table(rows);
    return rows;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSubmissions();
