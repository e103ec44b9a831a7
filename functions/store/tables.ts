/** Table definitions for the embedded engine; infra/ declares the same keys from shared/keys.ts. */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { INDEX, TABLE_KEYS } from '../../shared/keys.ts';
import type { Tables } from './client.ts';

/** A table keyed by TABLE_KEYS, with the one global index it has, if any (the ephemeral table has none: see invitationScanPages). */
function definition(name: string, index?: { name: string; partition: string; sort: string; projection: 'ALL' | 'KEYS_ONLY' }) {
  const attribute = (AttributeName: string) => ({ AttributeName, AttributeType: 'S' as const });
  return new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [TABLE_KEYS.partition, TABLE_KEYS.sort, ...(index ? [index.partition, index.sort] : [])].map(attribute),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
    ],
    ...(index
      ? {
          GlobalSecondaryIndexes: [
            {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partition, KeyType: 'HASH' },
                { AttributeName: index.sort, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: index.projection },
            },
          ],
        }
      : {}),
  });
}

/** Create both tables unless they exist (a second start reuses the data). */
export async function ensureTables(client: DynamoDBClient, tables: Tables): Promise<void> {
  const wanted = [definition(tables.main, INDEX.byParent), definition(tables.ephemeral)];
  for (const command of wanted) {
    try {
      await client.send(new DescribeTableCommand({ TableName: command.input.TableName }));
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
      await client.send(command);
      for (let status = ''; status !== 'ACTIVE'; ) {
        const described = await client.send(new DescribeTableCommand({ TableName: command.input.TableName }));
        status = described.Table?.TableStatus ?? '';
        if (status !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
}
