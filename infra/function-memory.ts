/**
 * Memory of each Lambda function, in MB: the one table infra deploys and the cost bench bills (Lambda
 * bills GB-s of what is configured, not used). Chosen by measurement: `npm run bench -- cost` times
 * each function's requests (the app's CPU, its DynamoDB round trips) and prints, per memory size,
 * the time Lambda would take, and the smallest size that keeps it within the function's bound
 * (test/bench/lambda-sizing.ts says how). Change a size here only with that table's output.
 */
export const FUNCTION_MEMORY_MB = { respond: 256, staff: 256, jobs: 256 } as const;

export type FunctionName = keyof typeof FUNCTION_MEMORY_MB;
