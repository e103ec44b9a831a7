/**
 * The one price table every cost figure uses: AWS list prices, us-east-1, checked 2026-11-29.
 * DynamoDB on-demand throughput was halved on 2024-11-01 (from $1.25 / $0.25 per million write /
 * read request units to the figures below); the others have not changed since 2023.
 */
export const PRICES = {
  checked: '2026-11-29 (us-east-1 list prices; DynamoDB on-demand as cut on 2024-11-01)',
  /** DynamoDB on-demand, per write request unit (1 KB) and per read request unit (4 KB strongly consistent, 8 KB eventually). */
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  /** Lambda, arm64, per GB-second of billed duration (first 6 billion GB-s a month) and per request. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  /** API Gateway HTTP API, per request up to 512 KB (each further 512 KB counts as another request). */
  apiRequest: 1.0 / 1e6,
  /** SES outbound, per message. */
  sesMessage: 0.1 / 1000,
} as const;

/**
 * Sending one message through SES's API from Lambda takes ~71 ms (issue 12 measured 714 s of the
 * open job per 10,000 invitees, one at a time); the embedded mailer writes to memory, so the bench
 * adds the job's mailing time: each message's send, a batch (MAIL_BATCH) in flight at once, but no
 * faster than the account's sending rate.
 */
export const SES_SEND_MS = 71;

/** Messages per second SES allows an account once it leaves the sandbox (its starting quota; raised on request). */
export const SES_SENDING_RATE = 14;
