import { BatchWriteCommand, DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Certificate } from '../../shared/certify-certificate.ts';
import { INDEX } from '../../shared/keys.ts';
import { latestCloseAt, sealedResponsesExpireAt } from '../../shared/open-period.ts';
import type { WaveStatus } from '../../shared/schemas.ts';
import type { StoredStatement } from './statements.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { batchGet, isConditionFailure, queryAll, type Store } from './client.ts';
import { putDueMarker } from './due.ts';
import type { LiveCountLayout } from './live-counts.ts';

export interface Survey {
  id: string;
  name: string;
  createdAt: string;
  demo?: boolean;
}

export interface Wave {
  id: string;
  surveyId: string;
  name: string;
  statementIds: string[];
  /** k: the smallest group whose results may be shown; locked once the wave opens. */
  k: number;
  audience?: string[];
  opensAt?: string;
  closesAt?: string;
  /**
   * When the open job actually opened the wave (opensAt may be a schedule it was opened before):
   * it closes by itself MAX_OPEN_DAYS later at the latest, and its sealed responses expire from it.
   * Waves opened before this was kept have none.
   */
  openedAt?: string;
  /** When the scheduler sends one reminder round by itself. */
  remindAt?: string;
  /** Set when the scheduler claimed that reminder, so two checks never send it twice. */
  remindedAutomatically?: string;
  status: WaveStatus;
  createdAt: string;
  demo?: boolean;
  /** Copied at open so a submission needs no second read and later edits never rewrite the wave. */
  statements?: StoredStatement[];
  /** The survey's name, copied at open for the questionnaire (one read fewer on the respondent's first request). */
  surveyName?: string;
  invited?: number;
  /** Set at close from the stored counts. */
  responded?: number;
  linksExported?: number;
  /** How invitations reach people: mailed by the open job (default), or sent by the organization itself from the audited links export. */
  delivery?: 'mail' | 'mail-merge';
  /** Reminder rounds started so far. */
  reminders?: number;
  /** Legacy: when a wave closed by waiting out submissions stopped taking them. No longer written. */
  closingSince?: number;
  imported?: boolean;
  /** Resume points, kept on the wave so that any later run of the job continues where the last stopped. */
  openedThrough?: { invited: number; after: string };
  closeStage?: string;
  /** The confidentiality certificate the close stored with the cells (shared/certify-certificate.ts). */
  certificate?: Certificate;
  /** The one job that opens, and the one that closes, this wave: a second start gets the same job. */
  openJobId?: string;
  closeJobId?: string;
  /** Who runs the wave's open or close job right now, and until when unless renewed (see WaveLease). */
  leaseRun?: string;
  leaseUntil?: number;
  /** Invitations marked answered when the close sealed them: the count the stored cells must equal. */
  acknowledged?: number;
  /** Shards finished in the close's current stage. */
  closeShards?: number[];
  /** When the closed-invitation markers expire (epoch seconds), fixed once per close so every marker carries the same. */
  markersExpireAt?: number;
  /** How the live answered counts are spread over items (store/live-counts.ts), chosen at open; absent on waves opened before. */
  liveCounts?: LiveCountLayout;
  /**
   * On waves opened since marks shed the person (store/invitations.ts markAnswered): when every
   * invitation of the wave expires (epoch seconds), fixed at open, so a mark and the close's seal
   * set the same. Absent on waves opened before, whose close strips answered invitations.
   */
  invitationsExpireAt?: number;
}

/** Which wave job a claim is for: the status it moves from and to, and where the job id is kept. */
export const WAVE_JOBS = {
  open: { from: 'draft', to: 'opening', field: 'openJobId' },
  close: { from: 'open', to: 'closing', field: 'closeJobId' },
} as const satisfies Record<string, { from: WaveStatus; to: WaveStatus; field: keyof Wave }>;

/** A run of a wave job lost the wave to another run (its lease expired and was taken over): it must stop writing. */
export class LeaseLostError extends Error {
  constructor(waveId: string) {
    super(`this run no longer holds wave ${waveId}; another run took over`);
    this.name = 'LeaseLostError';
  }
}

/** A fence for a run: its id, and how far each write it makes pushes the lease out. */
export interface Fence {
  runId: string;
  leaseMs: number;
  /** Until when the table last confirmed this run's lease (set by every fenced write that succeeded). */
  heldUntil?: number;
}

/**
 * Stop a run that lost its lease before it issues another write inside a stage: those writes are
 * not conditional on the lease (they are deterministic, the owner writes the same), so a run that
 * froze must not go on issuing them once another run could have taken over. While the lease is
 * within its term nothing is asked; past it (the heartbeat fell behind, or the run froze) the run
 * renews it first, a write conditional on still holding it: LeaseLostError when another run does.
 */
export async function assertLeaseHeld(store: Store, id: string, fence: Fence | undefined): Promise<void> {
  if (fence?.heldUntil !== undefined && Date.now() > fence.heldUntil) await renewWaveLease(store, id, fence);
}

/**
 * The store a run of a wave job writes through: every write request passes assertLeaseHeld just
 * before it is sent, not once per batch. A stage's writes go out as many requests (a cell per put
 * in 16 lanes, invitations 25 to a batch), and a run frozen between two of them must not send the
 * rest once another run may have taken over. What the run had sent before it froze still lands.
 */
export function fenceWrites(store: Store, id: string, fence: Fence | undefined): Store {
  if (!fence) return store;
  const send = store.doc.send.bind(store.doc) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
  const doc = Object.create(store.doc) as DynamoDBDocumentClient;
  doc.send = (async (command: unknown, ...rest: unknown[]) => {
    if (isWrite(command)) await assertLeaseHeld(store, id, fence);
    return send(command, ...rest);
  }) as DynamoDBDocumentClient['send'];
  return { ...store, doc };
}

const isWrite = (command: unknown) =>
  command instanceof PutCommand || command instanceof UpdateCommand || command instanceof DeleteCommand || command instanceof BatchWriteCommand;

/** Only forward: a write that was slow to land carries an older expiry than the heartbeat's last. */
function extendHeld(fence: Fence, until: number): void {
  fence.heldUntil = Math.max(fence.heldUntil ?? 0, until);
}

const SURVEY_PK = 'SURVEY';
const WAVE_SK = 'META';
const waveKey = (id: string) => ({ pk: `WAVE#${id}`, sk: WAVE_SK });

/**
 * A wave is listed under its survey by a small item of its own that the survey index holds, not by
 * the wave item itself: that index projects whole items, and the wave item is rewritten at every
 * step of its open and close (resume points, stages, leases) and is one to two kilobytes (its
 * statements, its certificate), so each of those writes was paid twice (the 10,000-person bench:
 * 321 of the open's and close's 642 wave-item write units). The listing item never changes.
 * Waves stored before it are still indexed by their wave item, and listed as such.
 */
const listingKey = (id: string) => ({ pk: `WAVE#${id}`, sk: 'LISTED' });

/** Create a survey program. */
export async function putSurvey(store: Store, survey: Survey): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { pk: SURVEY_PK, sk: survey.id, ...survey } }));
}

/** Every survey program. */
export async function listSurveys(store: Store): Promise<Survey[]> {
  const items = await queryAll(store, { TableName: store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SURVEY_PK } });
  return items.map(({ pk: _pk, sk: _sk, ...survey }) => survey as unknown as Survey);
}

/** One survey program. */
export async function getSurvey(store: Store, id: string): Promise<Survey> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: { pk: SURVEY_PK, sk: id } }));
  if (!result.Item) throw new NotFoundError(`survey ${id}`);
  const { pk: _pk, sk: _sk, ...survey } = result.Item;
  return survey as Survey;
}

/**
 * When the schedule next has something to do for this wave (open, close or its reminder), or
 * undefined. A time at or before the real one is enough: the check reads the wave before acting.
 */
export function nextDueAt(wave: Pick<Wave, 'status' | 'opensAt' | 'openedAt' | 'closesAt' | 'remindAt' | 'remindedAutomatically'>): string | undefined {
  const reminder = wave.remindedAutomatically ? undefined : wave.remindAt;
  const pending =
    wave.status === 'draft'
      ? wave.opensAt
        ? [wave.opensAt]
        : [wave.closesAt, reminder]
      : wave.status === 'opening' || wave.status === 'open'
        ? [wave.closesAt, closesAtLatest(wave), reminder]
        : [];
  return earliest(pending);
}

/**
 * When an opening or open wave closes by itself at the latest, closesAt or not (shared/open-period.ts).
 * A wave opened before openedAt was kept counts from its opensAt, which its open job always set.
 */
export function closesAtLatest(wave: Pick<Wave, 'opensAt' | 'openedAt'>): string | undefined {
  const opened = wave.openedAt ?? wave.opensAt;
  return opened ? latestCloseAt(opened) : undefined;
}

/**
 * The expiry every sealed response of this wave carries (epoch seconds), or undefined for a wave
 * opened before openedAt was kept: its responses carry none and its close deletes them as before.
 */
export function sealedExpiryOf(wave: Pick<Wave, 'openedAt'>): number | undefined {
  return wave.openedAt ? sealedResponsesExpireAt(wave.openedAt) : undefined;
}

function earliest(times: Array<string | undefined>): string | undefined {
  const parsed = times.filter((time): time is string => time !== undefined).map((time) => Date.parse(time));
  return parsed.length > 0 ? new Date(Math.min(...parsed)).toISOString() : undefined;
}

/** Write a wave's schedule with a due marker before it (a crash leaves one too many) and after it (a check between the two reads the new schedule). */
async function withDueMarker<T>(store: Store, waveId: string, dueAt: string | undefined, write: () => Promise<T>): Promise<T> {
  if (!dueAt) return write();
  await putDueMarker(store, { waveId, dueAt });
  const written = await write();
  await putDueMarker(store, { waveId, dueAt });
  return written;
}

/** Create a wave, listed under its survey in creation order (and under its due time, when it has a schedule). */
export async function putWave(store: Store, wave: Wave): Promise<void> {
  // The listing first: one without its wave (a crash between the two) is skipped by listWavesOfSurvey.
  await store.doc.send(
    new PutCommand({
      TableName: store.tables.main,
      Item: { ...listingKey(wave.id), [INDEX.byParent.partition]: `SURVEY#${wave.surveyId}`, [INDEX.byParent.sort]: `${wave.createdAt}#${wave.id}` },
    }),
  );
  await withDueMarker(store, wave.id, nextDueAt(wave), () =>
    store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...waveKey(wave.id), ...wave } })),
  );
}

/** One wave, read consistently: its status gates every submission. */
export async function getWave(store: Store, id: string, options: { consistent?: boolean } = {}): Promise<Wave> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: waveKey(id), ConsistentRead: options.consistent ?? true }));
  if (!result.Item) throw new NotFoundError(`wave ${id}`);
  return toWave(result.Item);
}

/** The waves of a survey, oldest first. */
export async function listWavesOfSurvey(store: Store, surveyId: string): Promise<Wave[]> {
  const listed = await queryAll(store, {
    TableName: store.tables.main,
    IndexName: INDEX.byParent.name,
    KeyConditionExpression: `${INDEX.byParent.partition} = :survey`,
    ExpressionAttributeValues: { ':survey': `SURVEY#${surveyId}` },
  });
  // Listing items name their wave; a wave item indexed itself (stored before listings) is the wave.
  const pointers = listed.filter((item) => item.sk !== WAVE_SK);
  const found = new Map(
    (pointers.length > 0
      ? await batchGet(
          store,
          store.tables.main,
          pointers.map((item) => ({ pk: item.pk, sk: WAVE_SK })),
        )
      : []
    ).map((item) => [item.pk as string, item]),
  );
  return listed.flatMap((item) => {
    const wave = item.sk === WAVE_SK ? item : found.get(item.pk as string);
    return wave ? [toWave(wave)] : [];
  });
}

/**
 * Move a wave from one status to the next and set fields with it, only if it is still in the
 * expected status: two racing opens or closes cannot both win. With a fence, only while the run
 * still holds the wave's lease (and the write renews it); otherwise LeaseLostError.
 */
export async function transitionWave(
  store: Store,
  id: string,
  from: readonly WaveStatus[],
  to: WaveStatus,
  fields: Partial<Wave> = {},
  remove: Array<keyof Wave> = [],
  fence?: Fence,
): Promise<Wave> {
  const values: Record<string, unknown> = { ':to': to };
  const names: Record<string, string> = { '#status': 'status' };
  const sets = ['#status = :to'];
  let fenced = '';
  if (fence) {
    values[':run'] = fence.runId;
    values[':until'] = Date.now() + fence.leaseMs;
    sets.push('leaseUntil = :until');
    fenced = ' AND leaseRun = :run';
  }
  Object.entries(fields).forEach(([name, value], index) => {
    names[`#f${index}`] = name;
    values[`:f${index}`] = value;
    sets.push(`#f${index} = :f${index}`);
  });
  from.forEach((status, index) => (values[`:from${index}`] = status));
  remove.forEach((name, index) => (names[`#r${index}`] = name));
  // A write that sets schedule times (a draft's edit sets all it has) gets a due marker at the earliest.
  const dueAt = to === 'closed' ? undefined : earliest([fields.opensAt, fields.closesAt, fields.remindAt, fields.openedAt && latestCloseAt(fields.openedAt)]);
  try {
    const result = await withDueMarker(store, id, dueAt, () =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.tables.main,
          Key: waveKey(id),
          UpdateExpression: `SET ${sets.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.map((_, index) => `#r${index}`).join(', ')}` : ''}`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_, index) => `:from${index}`).join(', ')})${fenced}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (fence) extendHeld(fence, values[':until'] as number);
    return toWave(result.Attributes!);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await getWave(store, id);
    if (fence && current.leaseRun !== fence.runId) throw new LeaseLostError(id);
    throw new ConflictError('wrong-status', `wave ${id} is ${current.status}; this needs it to be ${from.join(' or ')}`);
  }
}

/** Delete a wave that is still a draft (nothing was sent or stored under it yet). */
export async function deleteDraftWave(store: Store, id: string): Promise<void> {
  try {
    await store.doc.send(
      new DeleteCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        ConditionExpression: 'attribute_exists(pk) AND #status = :draft',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':draft': 'draft' },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await getWave(store, id);
    throw new ConflictError('wrong-status', `wave ${id} is ${current.status}; only a draft can be deleted`);
  }
  await store.doc.send(new DeleteCommand({ TableName: store.tables.main, Key: listingKey(id) }));
}

/** Claim a wave's scheduled reminder once: true for the one caller that may send it. */
export async function claimScheduledReminder(store: Store, id: string, at: string): Promise<boolean> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: 'SET remindedAutomatically = :at',
        ConditionExpression: 'attribute_exists(pk) AND #status = :open AND attribute_not_exists(remindedAutomatically)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':open': 'open', ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The lease a claim holds for its job until the job's first run takes it over. */
export const pendingRun = (jobId: string) => `pending:${jobId}`;

/**
 * Claim a wave's open or close for one job: the status moves on, the job id is recorded and the
 * lease is held for the job's first run, in one conditional write. Of any number of racing starts
 * exactly one gets `true`; the others read the winner's job id from the wave, and see a live
 * lease, so they start no second run.
 */
export async function claimWaveJob(store: Store, id: string, which: keyof typeof WAVE_JOBS, jobId: string, leaseMs: number): Promise<boolean> {
  const { from, to, field } = WAVE_JOBS[which];
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: 'SET #status = :to, #job = :job, leaseRun = :pending, leaseUntil = :until',
        ConditionExpression: 'attribute_exists(pk) AND #status = :from',
        ExpressionAttributeNames: { '#status': 'status', '#job': field },
        ExpressionAttributeValues: {
          ':from': from,
          ':to': to,
          ':job': jobId,
          ':pending': pendingRun(jobId),
          ':until': Date.now() + leaseMs,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Record the job of a wave that reached its status without one (a close started by an older version): first writer wins. */
export async function adoptWaveJob(store: Store, id: string, which: keyof typeof WAVE_JOBS, jobId: string): Promise<string> {
  const { field } = WAVE_JOBS[which];
  try {
    const result = await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: 'SET #job = :job',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#job)',
        ExpressionAttributeNames: { '#job': field },
        ExpressionAttributeValues: { ':job': jobId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes![field] as string;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return (await getWave(store, id))[field]!;
  }
}

/**
 * Take the wave's lease for a run of job `jobId`: when nobody holds it, when its claim holds it for
 * this job's first run, when the holder's lease ran out (it died), or when this run holds it
 * already. Answers the live holder otherwise.
 */
export async function acquireWaveLease(
  store: Store,
  id: string,
  jobId: string,
  fence: Fence,
): Promise<{ acquired: true } | { acquired: false; holder: { runId?: string; until?: number } }> {
  const now = Date.now();
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: 'SET leaseRun = :run, leaseUntil = :until',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(leaseRun) OR leaseRun IN (:run, :pending) OR leaseUntil < :now)',
        ExpressionAttributeValues: { ':run': fence.runId, ':pending': pendingRun(jobId), ':until': now + fence.leaseMs, ':now': now },
      }),
    );
    extendHeld(fence, now + fence.leaseMs);
    return { acquired: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const wave = await getWave(store, id);
    return { acquired: false, holder: { runId: wave.leaseRun, until: wave.leaseUntil } };
  }
}

/** Push the run's lease out (a heartbeat, and every fenced write); LeaseLostError when another run holds it now. */
export async function renewWaveLease(store: Store, id: string, fence: Fence): Promise<void> {
  const until = Date.now() + fence.leaseMs;
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression: 'leaseRun = :run',
        ExpressionAttributeValues: { ':run': fence.runId, ':until': until },
      }),
    );
    extendHeld(fence, until);
  } catch (error) {
    if (isConditionFailure(error)) throw new LeaseLostError(id);
    throw error;
  }
}

/** Give the lease up (the run ended or handed over), so the next run need not wait for it to expire. */
export async function releaseWaveLease(store: Store, id: string, runId: string): Promise<void> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: 'REMOVE leaseRun, leaseUntil',
        ConditionExpression: 'leaseRun = :run',
        ExpressionAttributeValues: { ':run': runId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Break whatever lease a wave holds. Only the embedded start-up may: it holds the data folder's
 * lock, so every run that held a lease died with the previous process.
 */
export async function breakWaveLease(store: Store, id: string): Promise<void> {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.main,
      Key: waveKey(id),
      UpdateExpression: 'REMOVE leaseRun, leaseUntil',
      ConditionExpression: 'attribute_exists(pk)',
    }),
  );
}

/** Record one more shard finished in the close's current stage, fenced like a transition when the run holds a lease. */
export async function recordCloseShard(store: Store, id: string, stage: string, shard: number, fence?: Fence): Promise<void> {
  // The first stage is the one a close starts in before any stage was written.
  const inStage = stage === 'sealing' ? '(attribute_not_exists(closeStage) OR closeStage = :stage)' : 'closeStage = :stage';
  const until = Date.now() + (fence?.leaseMs ?? 0);
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: `SET closeShards = list_append(if_not_exists(closeShards, :empty), :shard)${fence ? ', leaseUntil = :until' : ''}`,
        ConditionExpression: `#status = :closing AND ${inStage}${fence ? ' AND leaseRun = :run' : ''}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':closing': 'closing',
          ':stage': stage,
          ':shard': [shard],
          ':empty': [],
          ...(fence ? { ':run': fence.runId, ':until': until } : {}),
        },
      }),
    );
    if (fence) extendHeld(fence, until);
  } catch (error) {
    if (isConditionFailure(error)) throw new LeaseLostError(id);
    throw error;
  }
}

/** Start the next reminder round; answers its number. */
export async function countReminderRound(store: Store, id: string): Promise<number> {
  const result = await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.main,
      Key: waveKey(id),
      UpdateExpression: 'ADD reminders :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return result.Attributes!.reminders as number;
}

/** Choose how a draft wave's invitations go out (the open dialog); refused once the wave has started opening. */
export async function setWaveDelivery(store: Store, id: string, delivery: 'mail' | 'mail-merge'): Promise<void> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: 'SET delivery = :delivery',
        ConditionExpression: '#status = :draft',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':delivery': delivery, ':draft': 'draft' },
      }),
    );
  } catch (error) {
    // Not a draft any more: the open already started with the choice it had; the job decides.
    if (!isConditionFailure(error)) throw error;
  }
}

/** Count one more export of the invitation links (shown on the wave as "links exported"). */
export async function countLinksExported(store: Store, id: string): Promise<void> {
  await store.doc.send(
    new UpdateCommand({ TableName: store.tables.main, Key: waveKey(id), UpdateExpression: 'ADD linksExported :one', ExpressionAttributeValues: { ':one': 1 } }),
  );
}

function toWave(item: Record<string, unknown>): Wave {
  const { pk: _pk, sk: _sk, gsi1pk: _gpk, gsi1sk: _gsk, ...wave } = item;
  return wave as unknown as Wave;
}

/**
 * Move the open's resume point from the one this run read to the next, and only from it: of two
 * runs of the same open, the second to finish a batch finds the point moved and must stop, so
 * together they mail at most one batch twice. Answers false when another run moved it first.
 */
export async function advanceOpenedThrough(store: Store, id: string, from: Wave['openedThrough'], to: NonNullable<Wave['openedThrough']>): Promise<boolean> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: 'SET openedThrough = :to',
        ConditionExpression: `#status = :opening AND ${from ? 'openedThrough.#after = :from' : 'attribute_not_exists(openedThrough)'}`,
        ExpressionAttributeNames: { '#status': 'status', ...(from ? { '#after': 'after' } : {}) },
        ExpressionAttributeValues: { ':to': to, ':opening': 'opening', ...(from ? { ':from': from.after } : {}) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
