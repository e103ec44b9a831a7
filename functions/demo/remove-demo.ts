/** Remove the demo organization in one action: its surveys, waves and everything stored under them, its directory and statements. */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { AppDeps } from '../deps.ts';
import { batchWrite, deleteRequest, queryPages } from '../store/client.ts';
import { SHARD_COUNT } from '../../shared/keys.ts';
import { clearRoster, getRosterPointer } from '../store/roster.ts';
import { listStatements } from '../store/statements.ts';
import { listSurveys, listWavesOfSurvey } from '../store/waves.ts';
import { deleteWaveSecret, invitationPages } from '../store/invitations.ts';
import { deleteDemoInitiatives } from '../store/initiatives.ts';

export async function removeDemo(deps: AppDeps): Promise<{ removed: { surveys: number; waves: number; statements: number; people: number } }> {
  const { store } = deps;
  const surveys = (await listSurveys(store)).filter((survey) => survey.demo);
  let waves = 0;
  for (const survey of surveys) {
    for (const wave of await listWavesOfSurvey(store, survey.id)) {
      waves++;
      const partitions = [`WAVE#${wave.id}`, `COMMENT#${wave.id}`];
      for (let shard = 0; shard < SHARD_COUNT; shard++) partitions.push(`RESP#${wave.id}#${shard}`, `ANON#${wave.id}#${shard}`);
      for (const pk of partitions) {
        for await (const page of queryPages(store, { TableName: store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ProjectionExpression: 'pk, sk' })) {
          await batchWrite(store, store.tables.main, page.map((item) => deleteRequest({ pk: item.pk, sk: item.sk })));
        }
      }
      for (let shard = 0; shard < SHARD_COUNT; shard++) {
        for await (const page of invitationPages(store, wave.id, shard)) {
          await batchWrite(store, store.tables.ephemeral, page.map((invitation) => deleteRequest({ pk: `INV#${invitation.tokenHash}`, sk: 'INV' })));
        }
      }
      await deleteWaveSecret(store, wave.id);
    }
    await store.doc.send(new DeleteCommand({ TableName: store.tables.main, Key: { pk: 'SURVEY', sk: survey.id } }));
  }
  await deleteDemoInitiatives(store);
  const statements = (await listStatements(store)).filter((statement) => statement.demo);
  await batchWrite(store, store.tables.main, statements.map((statement) => deleteRequest({ pk: 'STATEMENT', sk: statement.id })));
  const pointer = await getRosterPointer(store);
  const people = pointer?.demo ? pointer.count : 0;
  if (pointer?.demo) await clearRoster(store);
  deps.logger.info('demo removed', { surveys: surveys.length, waves });
  return { removed: { surveys: surveys.length, waves, statements: statements.length, people } };
}
