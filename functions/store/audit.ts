import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomId } from '../crypto.ts';
import { queryAll, type Store } from './client.ts';

export interface AuditEntry {
  at: string;
  action: string;
  /** The staff member's subject id (never a respondent: respondents are never audited by identity). */
  actor: string;
  waveId?: string;
  detail?: string;
}

/** Append to the audit log (who exported invitation links, who removed the demo). */
export async function appendAudit(store: Store, entry: AuditEntry): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { pk: 'AUDIT', sk: `${entry.at}#${randomId(6)}`, ...entry } }));
}

/** The audit log, oldest first. */
export async function listAudit(store: Store): Promise<AuditEntry[]> {
  const items = await queryAll(store, { TableName: store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'AUDIT' } });
  return items.map(({ pk: _pk, sk: _sk, ...entry }) => entry as unknown as AuditEntry);
}
