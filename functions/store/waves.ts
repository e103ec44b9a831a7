import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { INDEX } from '../../shared/keys.ts';
import type { WaveStatus } from '../../shared/schemas.ts';
import type { StoredStatement } from './statements.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { isConditionFailure, queryAll, type Store } from './client.ts';

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
  /** Reminder rounds started so far. */
  reminders?: number;
  /** When the wave stopped taking submissions; the close waits out any still in flight after this. */
  closingSince?: number;
  imported?: boolean;
  /** Resume points, kept on the wave so that any later run of the job continues where the last stopped. */
  openedThrough?: { invited: number; after: string };
  closeStage?: string;
}

const SURVEY_PK = 'SURVEY';
const waveKey = (id: string) => ({ pk: `WAVE#${id}`, sk: 'META' });

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

/** Create a wave, indexed under its survey in creation order. */
export async function putWave(store: Store, wave: Wave): Promise<void> {
  await store.doc.send(
    new PutCommand({
      TableName: store.tables.main,
      Item: { ...waveKey(wave.id), [INDEX.byParent.partition]: `SURVEY#${wave.surveyId}`, [INDEX.byParent.sort]: `${wave.createdAt}#${wave.id}`, ...wave },
    }),
  );
}

/** One wave, read consistently: its status gates every submission. */
export async function getWave(store: Store, id: string): Promise<Wave> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: waveKey(id), ConsistentRead: true }));
  if (!result.Item) throw new NotFoundError(`wave ${id}`);
  return toWave(result.Item);
}

/** The waves of a survey, oldest first. */
export async function listWavesOfSurvey(store: Store, surveyId: string): Promise<Wave[]> {
  const items = await queryAll(store, {
    TableName: store.tables.main,
    IndexName: INDEX.byParent.name,
    KeyConditionExpression: `${INDEX.byParent.partition} = :survey`,
    ExpressionAttributeValues: { ':survey': `SURVEY#${surveyId}` },
  });
  return items.map(toWave);
}

/**
 * Move a wave from one status to the next and set fields with it, only if it is still in the
 * expected status: two racing opens or closes cannot both win.
 */
export async function transitionWave(
  store: Store,
  id: string,
  from: readonly WaveStatus[],
  to: WaveStatus,
  fields: Partial<Wave> = {},
  remove: Array<keyof Wave> = [],
): Promise<Wave> {
  const values: Record<string, unknown> = { ':to': to };
  const names: Record<string, string> = { '#status': 'status' };
  const sets = ['#status = :to'];
  Object.entries(fields).forEach(([name, value], index) => {
    names[`#f${index}`] = name;
    values[`:f${index}`] = value;
    sets.push(`#f${index} = :f${index}`);
  });
  from.forEach((status, index) => (values[`:from${index}`] = status));
  remove.forEach((name, index) => (names[`#r${index}`] = name));
  try {
    const result = await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: waveKey(id),
        UpdateExpression: `SET ${sets.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.map((_, index) => `#r${index}`).join(', ')}` : ''}`,
        ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toWave(result.Attributes!);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await getWave(store, id);
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

/** Start the next reminder round; answers its number. */
export async function countReminderRound(store: Store, id: string): Promise<number> {
  const result = await store.doc.send(
    new UpdateCommand({ TableName: store.tables.main, Key: waveKey(id), UpdateExpression: 'ADD reminders :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
  );
  return result.Attributes!.reminders as number;
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
