/** Records the DynamoDB requests the app sends (command, table, index, items returned), for tests about what a route reads. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface LoggedRequest {
  command: string;
  table?: string;
  index?: string;
  /** Items a Query returned, or 1 for a found GetItem. */
  items: number;
  key?: string;
}

export function logRequests(client: DynamoDBClient): { requests: LoggedRequest[]; clear(): void } {
  const requests: LoggedRequest[] = [];
  client.middlewareStack.add(
    ((next: (args: unknown) => Promise<{ output: Record<string, unknown> }>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        const result = await next(args);
        const output = result.output;
        const items = Array.isArray(output.Items) ? output.Items.length : output.Item ? 1 : 0;
        const key = args.input.Key as Record<string, { S?: string }> | undefined;
        requests.push({
          command: (context.commandName ?? '').replace(/Command$/, ''),
          table: args.input.TableName as string | undefined,
          index: args.input.IndexName as string | undefined,
          items,
          key: key ? `${key.pk?.S}|${key.sk?.S}` : undefined,
        });
        return result;
      }) as never,
    { step: 'build', name: 'requestLog' },
  );
  return { requests, clear: () => void requests.splice(0) };
}
