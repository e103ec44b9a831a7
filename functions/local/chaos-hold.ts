/**
 * Test-only, for `npm run test:chaos` (never set otherwise): holds a close inside a chosen stage
 * until the process is killed, so that the chaos run's SIGKILL lands there rather than wherever a
 * poll happened to catch it. Through the engine client's middleware, like the tests' faults: the
 * close's code knows nothing of it.
 *
 *   BASELINE_CHAOS_HOLD_CLOSE=<stage>:<n>   from the n-th shard the close records finished in <stage> on
 *   BASELINE_CHAOS_HOLD_CLOSE=cells:<n>     from the n-th cell the close stores on
 *   BASELINE_CHAOS_HOLD_CLOSE=enter:<stage> the write that moves the close into <stage>
 *   BASELINE_CHAOS_HOLD_CLOSE=destroying:secret every write after the wave secret's delete landed (the
 *                                           live counts' delete, the move into stripping): a kill between the deletes
 *
 * Every matching write from then on waits for ever; the line "chaos: holding the close at …" says so
 * and names the first write it held.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { deletesWaveSecret, writesCell, writesJob, writesWaveItem } from '../store/write-kinds.ts';

export function holdCloseAt(client: DynamoDBClient, point: string): void {
  const [kind, value] = point.split(':');
  const recordsBefore = Number(value);
  let recorded = 0;
  let holding = false;
  let said = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        Key?: { pk?: unknown; sk?: unknown };
        Item?: { pk?: unknown; sk?: unknown };
        UpdateExpression?: string;
        ExpressionAttributeValues?: Record<string, unknown>;
      };
      const command = context.commandName ?? '';
      const waveWrite = /^Update(Item)?Command$/.test(command) && writesWaveItem(input);
      const values = Object.values(input.ExpressionAttributeValues ?? {});
      const expression = input.UpdateExpression ?? '';
      if (waveWrite && kind === 'enter' && /closeStage|#f\d+/.test(expression) && values.includes(value)) holding = true;
      if (kind === 'cells' && /^Put(Item)?Command$/.test(command) && writesCell(input) && ++recorded >= recordsBefore) holding = true;
      if (waveWrite && kind !== 'enter' && /closeShards = list_append/.test(expression) && input.ExpressionAttributeValues?.[':stage'] === kind) {
        recorded++;
        if (recorded >= recordsBefore) holding = true;
      }
      // The held close's own writes; not a request's claim of the close or its job record (a second POST must still answer).
      const claim = /#job = :job/.test(expression) || writesJob(input);
      if (holding && !claim && (waveWrite || /^(Put|Delete|BatchWrite)(Item)?Command$/.test(command))) {
        if (!said) console.log(`chaos: holding the close at ${point} (first held: ${command} ${String(input.Key?.pk ?? input.Item?.pk ?? '')})`);
        said = true;
        await new Promise(() => {});
      }
      if (kind === 'destroying' && !holding && /^Delete(Item)?Command$/.test(command) && deletesWaveSecret(input)) {
        const deleted = await next(args);
        holding = true;
        return deleted;
      }
      return next(args);
    },
    { step: 'initialize', name: 'chaosHoldClose' },
  );
}
