import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobStatus } from '../../shared/schemas.ts';
import { NotFoundError } from '../errors.ts';
import { isConditionFailure, type Store } from './client.ts';

export interface JobRecord extends JobStatus {
  payload: unknown;
}

const jobKey = (id: string) => ({ pk: `JOB#${id}`, sk: 'JOB' });

/** Record a new job as running. */
export async function putJob(store: Store, job: JobRecord): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...jobKey(job.id), ...job } }));
}

/**
 * Mark a job running again when it is started again: recorded if a crash left no record, and a
 * failed run's error cleared (a close that stopped on an error is retried by asking for it again).
 */
export async function reviveJob(store: Store, job: Pick<JobRecord, 'id' | 'kind' | 'payload'>): Promise<void> {
  await store.doc
    .send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: jobKey(job.id),
        UpdateExpression:
          'SET #id = if_not_exists(#id, :id), #kind = if_not_exists(#kind, :kind), payload = if_not_exists(payload, :payload), #status = :running REMOVE #error',
        ConditionExpression: 'attribute_not_exists(#status) OR #status <> :done',
        ExpressionAttributeNames: { '#id': 'id', '#kind': 'kind', '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: { ':id': job.id, ':kind': job.kind, ':payload': job.payload, ':running': 'running', ':done': 'done' },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}

/** A job's status (polled at /api/jobs/:id). */
export async function getJob(store: Store, id: string): Promise<JobRecord> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: jobKey(id), ConsistentRead: true }));
  if (!result.Item) throw new NotFoundError(`job ${id}`);
  // A reminder round's cursor names a token hash: only the round reads it (getReminderCursor).
  const { pk: _pk, sk: _sk, reminderCursor: _cursor, ...job } = result.Item;
  return job as JobRecord;
}

/** Update a job's progress, status, result or error. */
export async function updateJob(store: Store, id: string, fields: Partial<Omit<JobRecord, 'id'>>): Promise<void> {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return;
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.main,
      Key: jobKey(id),
      UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :f${index}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name], index) => [`#f${index}`, name])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], index) => [`:f${index}`, value])),
    }),
  );
}

/**
 * Where a reminder round has got to: the shard, the last token hash in that shard whose mail went
 * out (undefined at a shard's start) and how many were reminded so far. Kept on the job, not on
 * each invitation, so a round costs a write per batch of mail instead of one per person.
 */
export interface ReminderCursor {
  shard: number;
  after?: string;
  reminded: number;
}

// Stored as one string, so the conditional move compares it exactly.
const encodeCursor = (cursor: ReminderCursor) => `${cursor.shard} ${cursor.reminded} ${cursor.after ?? ''}`;
function decodeCursor(text: string): ReminderCursor {
  const [shard, reminded, after] = text.split(' ');
  return { shard: Number(shard), reminded: Number(reminded), ...(after ? { after } : {}) };
}

/** A job's reminder cursor as stored, or undefined before its first move. */
export async function getReminderCursor(store: Store, id: string): Promise<ReminderCursor | undefined> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tables.main, Key: jobKey(id), ConsistentRead: true, ProjectionExpression: 'reminderCursor' }),
  );
  const text = result.Item?.reminderCursor as string | undefined;
  return text === undefined ? undefined : decodeCursor(text);
}

/**
 * Move a job's reminder cursor from `from` (undefined: never moved) to `to`, with its progress,
 * only if no other run moved it first: false means another run of this job is ahead, and this one
 * stops. A finished round's cursor is past the last shard and names no token hash.
 */
export async function advanceReminderCursor(
  store: Store,
  id: string,
  from: ReminderCursor | undefined,
  to: ReminderCursor,
  progress: NonNullable<JobStatus['progress']>,
): Promise<boolean> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: jobKey(id),
        UpdateExpression: 'SET reminderCursor = :to, progress = :progress',
        ConditionExpression: from ? 'reminderCursor = :from' : 'attribute_not_exists(reminderCursor)',
        ExpressionAttributeValues: { ':progress': progress, ':to': encodeCursor(to), ...(from ? { ':from': encodeCursor(from) } : {}) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
