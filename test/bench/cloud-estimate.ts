/**
 * The cloud's time for a stage of the scale bench, EXTRAPOLATED (not measured on AWS): from the
 * DynamoDB units and requests the capacity meter counted on the embedded engine, the app's own CPU
 * time (the server's main thread; the engine runs in another thread), and published limits. Every
 * figure below is an assumption stated once, here, and printed with the estimate.
 *
 * A stage takes at least the longest of:
 * - the hottest partition key: DynamoDB serves at most 1,000 write and 3,000 read units a second
 *   per partition (its hottest key's units are assumed to grow with the wave, as shard and
 *   directory keys do; adaptive capacity may split a hot key's sort range, so this is pessimistic);
 * - the table: an on-demand table takes 4,000 writes and 12,000 reads a second when new, up to
 *   double its previous peak after that (the 4,000 / 12,000 are used: a first large wave);
 * - the work in Lambda: the app's CPU seconds stretched to the function's share of a vCPU
 *   (1,769 MB is one vCPU; the job function's deployed memory, infra/function-memory.ts, as the cost
 *   bench's sizing model does: lambda-sizing.ts) plus one round trip per request at
 *   ROUND_TRIP_MS, over the requests it keeps in flight at once (the open sends its batches one
 *   after another; the close runs 4 shards at once; each submission is its own invocation, so
 *   submissions run as many at once as Lambda concurrency allows).
 * The machine's core and Lambda's vCPU are assumed equal; what the embedded engine spends (its
 * thread) is left out, since DynamoDB does that work.
 */
import { FUNCTION_MEMORY_MB } from '../../infra/function-memory.ts';
import { cpuStretch, LAMBDA_MODEL } from './lambda-sizing.ts';

export const CLOUD = {
  partitionWriteUnitsPerSecond: 1_000,
  partitionReadUnitsPerSecond: 3_000,
  tableWriteUnitsPerSecond: 4_000,
  tableReadUnitsPerSecond: 12_000,
  /** One DynamoDB request from Lambda in the same region (single-digit ms for the service; a 25-item batch is slower). */
  roundTripMs: LAMBDA_MODEL.roundTripMs,
  /** Lambda's CPU share grows with memory: 1,769 MB is one full vCPU. */
  fullVcpuMb: LAMBDA_MODEL.fullVcpuMb,
  functionMb: FUNCTION_MEMORY_MB.jobs,
  /** A job's slice ends before Lambda's 15 minutes and hands over to a fresh invocation. */
  jobSliceSeconds: 15 * 60,
  /** The account's default concurrent executions (shared by every function in the region). */
  accountConcurrency: 1_000,
} as const;

export interface StageMeasure {
  /** DynamoDB requests, read and write units, and the hottest partition's units, as metered. */
  requests: number;
  readUnits: number;
  writeUnits: number;
  hottestWriteUnits: number;
  hottestReadUnits: number;
  /** CPU seconds of the app (the server's main thread) in the stage. */
  appCpuSeconds: number;
}

export interface CloudEstimate {
  seconds: number;
  boundBy: string;
  /** Each bound in seconds, to show how far the others are. */
  bounds: Record<string, number>;
}

/**
 * Seconds the stage would take in the cloud at `scale` times the measured size, with `inFlight`
 * requests in flight at once: a job's parallelism (one process: its CPU adds up), or Lambda
 * concurrency for submissions (`separateInvocations`: each its own Lambda, CPU in parallel too).
 */
export function estimateCloudSeconds(measured: StageMeasure, scale: number, inFlight: number, separateInvocations = false): CloudEstimate {
  const stretch = cpuStretch(CLOUD.functionMb);
  const bounds: Record<string, number> = {
    'hottest partition': Math.max(
      (measured.hottestWriteUnits * scale) / CLOUD.partitionWriteUnitsPerSecond,
      (measured.hottestReadUnits * scale) / CLOUD.partitionReadUnitsPerSecond,
    ),
    table: Math.max((measured.writeUnits * scale) / CLOUD.tableWriteUnitsPerSecond, (measured.readUnits * scale) / CLOUD.tableReadUnitsPerSecond),
    'Lambda CPU + round trips':
      (measured.appCpuSeconds * scale * stretch) / (separateInvocations ? inFlight : 1) + (measured.requests * scale * CLOUD.roundTripMs) / 1000 / inFlight,
  };
  const [boundBy, seconds] = Object.entries(bounds).sort((a, b) => b[1] - a[1])[0];
  return { seconds, boundBy, bounds };
}
