/**
 * Load for the benchmarks: a keep-alive HTTP client lighter than fetch (the client shares the
 * machine with the server), closed-loop workers (N in flight, the next sent when one answers) and
 * open-loop paced arrivals (sent on a schedule whatever the replies, as real respondents arrive).
 */
import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  body: string;
}

export type Send = (method: string, path: string, body?: string, headers?: Record<string, string>) => Promise<Reply>;

/** Requests to `base` over reused connections, as many at once as asked. */
export function createHttpClient(base: string, defaultHeaders: Record<string, string> = {}): { send: Send; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const url = new URL(base);
  const send: Send = (method, path, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: { ...defaultHeaders, ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  return { send, close: () => agent.destroy() };
}

export interface LoadResult {
  /** Replies by HTTP status, and requests that got none by the error's code (ECONNRESET…). */
  statuses: Record<string, number>;
  /** Milliseconds per request, sorted. */
  latencies: number[];
  seconds: number;
}

/** The q-quantile (0..1) of sorted values, nearest rank; NaN when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function timed(send: () => Promise<Reply>, from: number, result: LoadResult): Promise<void> {
  let status: string;
  try {
    status = String((await send()).status);
  } catch (error) {
    // A refused or dropped connection: the request was not served.
    status = (error as NodeJS.ErrnoException).code ?? 'error';
  }
  result.latencies.push(performance.now() - from);
  result.statuses[status] = (result.statuses[status] ?? 0) + 1;
}

/** Work through `items` with `limit` in flight at once, each worker taking the next item when its last is done. */
export async function inParallel<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

/** `count` requests with `concurrency` in flight: each worker sends its next request when the last one answers. */
export async function runClosedLoop(count: number, concurrency: number, send: (index: number) => Promise<Reply>): Promise<LoadResult> {
  const result: LoadResult = { statuses: {}, latencies: [], seconds: 0 };
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        await timed(() => send(index), performance.now(), result);
      }
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  result.latencies.sort((a, b) => a - b);
  return result;
}

/**
 * `count` requests at `perSecond`, open loop: request i is due at start + i/perSecond and is sent
 * then, whether or not earlier ones have answered. Latency counts from when a request was due,
 * not from when the client got round to it, so a client that falls behind does not hide the wait
 * (coordinated omission).
 */
export async function runPaced(count: number, perSecond: number, send: (index: number) => Promise<Reply>): Promise<LoadResult> {
  const result: LoadResult = { statuses: {}, latencies: [], seconds: 0 };
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const due = started + (index * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(timed(() => send(index), due, result));
  }
  await Promise.all(inFlight);
  result.seconds = (performance.now() - started) / 1000;
  result.latencies.sort((a, b) => a - b);
  return result;
}
