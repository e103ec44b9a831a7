/**
 * What a Lambda function's requests would take at each memory size, MODELLED from measurements on
 * the embedded runtime, and the smallest size that keeps them within the function's bound (issue
 * 12: "the job functions are sized by measurement"). The cost bench measures, per request, the
 * app's CPU time (the main thread's, the embedded engine's thread left out: DynamoDB does that
 * work) and the DynamoDB requests it waited on in sequence; this file turns them into Lambda time.
 *
 * The model, every assumption stated once here and printed with the table:
 * - Lambda gives a function CPU in proportion to its memory, one vCPU at 1,769 MB ("At 1,769 MB, a
 *   function has the equivalent of one vCPU (one vCPU-second of credits per second)":
 *   https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). The app is one
 *   JavaScript thread, so more than one vCPU does not shorten it: below 1,769 MB its CPU time
 *   stretches by 1,769 / memory, above it stays. This machine's core and Lambda's arm64 vCPU are
 *   assumed equally fast.
 * - Each DynamoDB request in sequence adds one round trip of ROUND_TRIP_MS: DynamoDB answers most
 *   single-item requests in single-digit milliseconds on its side, network and client not counted
 *   (https://repost.aws/knowledge-center/dynamodb-high-latency); 10 ms adds the in-region hop and
 *   rounds up for batches and queries, whose latency grows with their size. The SDK's own CPU for a
 *   request is in the measured CPU time, not here.
 * - Memory must hold the runtime (RUNTIME_MB) plus the most the operation's heap grew, with room
 *   for the garbage collector (HEAP_HEADROOM).
 * - A cold start is the first request's import and init: COLD_START_CPU_MS, measured by
 *   `npm run bench -- cold-start` (a fresh process, full CPU), stretched like any CPU time.
 * Lambda bills each invocation's duration rounded up to the millisecond, times the memory.
 */
import { DEFAULT_JOB_LEASE_MS } from '../../functions/jobs/run-job.ts';
import { CLOSE_AUDIT_BUDGET_MS } from '../../shared/wave-cells.ts';
import type { FunctionName } from '../../infra/function-memory.ts';

/** Lambda's memory goes from 128 MB to 10,240 MB in 1 MB steps; these are the sizes compared. */
export const MEMORY_SIZES_MB = [128, 256, 512, 768, 1024, 1280, 1536, 1769, 2048, 3008] as const;

export const LAMBDA_MODEL = {
  /** Memory at which a function has one full vCPU. */
  fullVcpuMb: 1_769,
  /** One DynamoDB request in sequence, from Lambda in the same region: service, network, not the SDK's CPU. */
  roundTripMs: 10,
  /** Node.js 22, the AWS SDK's DynamoDB client and the bundle, before any request (resident, MB). */
  runtimeMb: 100,
  /** The heap's measured growth (garbage included) is multiplied by this for the collector's room. */
  heapHeadroom: 1.5,
} as const;

/** One measured request (or job run): the app's CPU and its DynamoDB requests; `weight` is how many times it runs in the priced wave. */
export interface RequestSample {
  operation: string;
  cpuMs: number;
  /** DynamoDB requests the app sent. */
  dynamoRequests: number;
  /** Of those, how many it waited on one after another (requests ÷ the mean number in flight). */
  sequentialRequests: number;
  weight: number;
}

/** What a function's requests must keep to, at the chosen size. */
export interface SizingBound {
  /** p95 of modelled time over the requests of the priced wave (by weight), ms. */
  p95Ms: number;
  /** The slowest modelled request (any weight, setup included), ms: a timeout or a job's slice. */
  maxMs: number;
  /** A cold start's modelled init, ms. */
  coldStartMs: number;
  /** Jobs: the longest synchronous stretch on the main thread, modelled, ms. */
  blockedMs?: number;
}

export interface FunctionMeasure {
  samples: RequestSample[];
  /** The most the main thread's heap grew during one request or job, MB. */
  heapGrowthMb: number;
  /** Cold start's CPU at full speed (import and first request), ms. */
  coldStartCpuMs: number;
  /** Jobs: the longest synchronous stretch measured (CPU ms between two turns of the event loop). */
  longestBlockMs?: number;
}

export interface SizeRow {
  memoryMb: number;
  p95Ms: number;
  maxMs: number;
  coldStartMs: number;
  blockedMs: number;
  /** GB-seconds billed in the priced wave. */
  gbSeconds: number;
  /** Why this size does not do, empty when it does. */
  fails: string[];
}

/** How many times slower the app's CPU work runs at `memoryMb` than on one full vCPU. */
export const cpuStretch = (memoryMb: number) => Math.max(1, LAMBDA_MODEL.fullVcpuMb / memoryMb);

/** Billed milliseconds of one request at `memoryMb`: CPU stretched to the vCPU share, plus a round trip per request in sequence, rounded up. */
export function modelledMs(sample: Pick<RequestSample, 'cpuMs' | 'sequentialRequests'>, memoryMb: number): number {
  return Math.ceil(sample.cpuMs * cpuStretch(memoryMb) + sample.sequentialRequests * LAMBDA_MODEL.roundTripMs);
}

/** The smallest memory that holds the runtime and the measured heap growth with headroom. */
export const memoryFloorMb = (heapGrowthMb: number) => LAMBDA_MODEL.runtimeMb + heapGrowthMb * LAMBDA_MODEL.heapHeadroom;

/** The value below which `share` of the total weight lies (weighted nearest rank). */
export function weightedPercentile(values: Array<{ value: number; weight: number }>, share: number): number {
  const sorted = values.filter((v) => v.weight > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, v) => sum + v.weight, 0);
  let seen = 0;
  for (const v of sorted) {
    seen += v.weight;
    if (seen >= share * total) return v.value;
  }
  return sorted.at(-1)?.value ?? 0;
}

/** Every compared size with its modelled times, GB-s, and what it fails of `bound`. */
export function sizeRows(measure: FunctionMeasure, bound: SizingBound): SizeRow[] {
  return MEMORY_SIZES_MB.map((memoryMb) => {
    const times = measure.samples.map((sample) => ({ value: modelledMs(sample, memoryMb), weight: sample.weight }));
    const p95Ms = weightedPercentile(times, 0.95);
    const maxMs = Math.max(0, ...times.map((t) => t.value));
    const coldStartMs = Math.ceil(measure.coldStartCpuMs * cpuStretch(memoryMb));
    const blockedMs = Math.ceil((measure.longestBlockMs ?? 0) * cpuStretch(memoryMb));
    const gbSeconds = times.reduce((sum, t) => sum + t.value * t.weight, 0) * (memoryMb / 1024 / 1000);
    const fails: string[] = [];
    const floor = memoryFloorMb(measure.heapGrowthMb);
    if (memoryMb < floor) fails.push(`memory < ${Math.ceil(floor)} MB`);
    if (p95Ms > bound.p95Ms) fails.push(`p95 > ${bound.p95Ms} ms`);
    if (maxMs > bound.maxMs) fails.push(`max > ${bound.maxMs} ms`);
    if (coldStartMs > bound.coldStartMs) fails.push(`cold start > ${bound.coldStartMs} ms`);
    if (bound.blockedMs !== undefined && blockedMs > bound.blockedMs) fails.push(`blocked > ${bound.blockedMs} ms`);
    return { memoryMb, p95Ms, maxMs, coldStartMs, blockedMs, gbSeconds, fails };
  });
}

/** The smallest compared size that keeps every bound (the largest compared if none does). */
export function chooseMemoryMb(measure: FunctionMeasure, bound: SizingBound): number {
  const rows = sizeRows(measure, bound);
  return (rows.find((row) => row.fails.length === 0) ?? rows.at(-1)!).memoryMb;
}

/**
 * A fresh process importing the bundle and answering its first event, at full CPU: the medians
 * `npm run bench -- cold-start` printed (README, "fresh process: import + first event"). Wall
 * time, taken as CPU time (import and compile are CPU; the two DynamoDB reads of the respondent's
 * are on loopback), so a cold start errs long.
 */
export const COLD_START_CPU_MS: Record<FunctionName, number> = { respond: 132, staff: 219, jobs: 165 };

/** A job's slice is Lambda's 15 minutes less the hand-over margin (functions/lambda/jobs.ts HANDOVER_MARGIN_MS, 60 s). */
const JOB_SLICE_MS = 15 * 60_000 - 60_000;

/**
 * The bounds each function is sized to. Respondents: p95 well under a second (300 ms in Lambda,
 * leaving the rest to the network and the API), none near the function's 10 s timeout, a cold start
 * under a second. Staff: dashboard pages at p95 within a second, no request (a directory upload,
 * the links export) past the API's 29 s, a cold start within 2 s. Jobs: an open or close of the
 * priced wave within one slice, and no synchronous stretch longer than the close's audit budget
 * (CLOSE_AUDIT_BUDGET_MS, 20 s: an audit bounded by wall time does less on a slower CPU and hides
 * what it could not settle) nor than two thirds of the wave's lease (its heartbeat, every third of
 * the lease, waits for the stretch).
 */
export const SIZING_BOUNDS: Record<FunctionName, SizingBound> = {
  respond: { p95Ms: 300, maxMs: 10_000, coldStartMs: 1_000 },
  staff: { p95Ms: 1_000, maxMs: 29_000, coldStartMs: 2_000 },
  jobs: {
    p95Ms: JOB_SLICE_MS,
    maxMs: JOB_SLICE_MS,
    coldStartMs: 10_000,
    blockedMs: Math.min(CLOSE_AUDIT_BUDGET_MS, Math.floor((DEFAULT_JOB_LEASE_MS * 2) / 3)),
  },
};
