/**
 * A capacity meter on the DynamoDB client's middleware stack: every request the app sends is priced
 * in read and write request units by DynamoDB's billing rules, from item sizes computed by
 * DynamoDB's size rules. The embedded engine does not report index writes or the full size of items
 * a projection or filter hides, so the meter reads what it needs through a second, unmetered client
 * ("shadow" reads: the item before and after a write, the unfiltered page of a query).
 *
 * Rules (developer guide, "Read/write capacity units" and "Item sizes"):
 * - an item's size is the sum of its attribute names' and values' sizes: strings in UTF-8 bytes,
 *   numbers ~1 byte per two significant digits + 1, booleans and nulls 1 byte, lists and maps 3
 *   bytes + 1 per element (+ the element's name for maps);
 * - GetItem and each BatchGetItem item: the item's size rounded up to 4 KB, one unit per 4 KB
 *   (half for eventually consistent), at least one even when nothing is found;
 * - Query and Scan: the sizes of every item evaluated (before any filter, whatever the projection)
 *   summed over the page, then rounded up to 4 KB; a global index is always eventually consistent
 *   and counts its entries' size (keys + projected attributes);
 * - PutItem, UpdateItem, DeleteItem and each BatchWriteItem request: the larger of the item's size
 *   before and after, rounded up to 1 KB (at least one unit, also when a condition fails);
 * - each global index whose entry is created, changed or removed by a write: one more write of the
 *   entry's size rounded up to 1 KB (two when the index key changes: delete and put); a write that
 *   changes no attribute the index holds costs the index nothing.
 * Reads and writes are attributed to the AsyncLocalStorage "phase" active when the request is sent.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  BatchGetItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '../../shared/keys.ts';

type Raw = Record<string, AttributeValue>;

export interface Usage {
  requests: number;
  readUnits: number;
  writeUnits: number;
  /** Of writeUnits, those spent on global secondary index entries. */
  indexWriteUnits: number;
  /** Bytes of items returned to the app (what crosses the wire, roughly). */
  bytesReturned: number;
  /** Time the meter itself spent on shadow reads inside requests, to subtract from handler times. */
  meterMs: number;
}

const emptyUsage = (): Usage => ({ requests: 0, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, bytesReturned: 0, meterMs: 0 });

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

function numberSize(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + utf8(name) + valueSize(element), 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + utf8(element), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, element) => sum + numberSize(element), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, element) => sum + element.byteLength, 0);
  return 0;
}

/** An item's size by DynamoDB's rules. */
export function itemSize(item: Raw | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + valueSize(value);
  return size;
}

const readUnitsFor = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
const writeUnitsFor = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

interface IndexShape {
  name: string;
  partition: string;
  sort?: string;
  /** undefined: ALL; otherwise the non-key attributes the index carries. */
  projected?: string[];
}

const sameValue = (a: AttributeValue | undefined, b: AttributeValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

export class CapacityMeter {
  readonly totals = emptyUsage();
  private readonly phases = new Map<string, Usage>();
  /** Per phase, units by request kind and item kind ("UpdateItem INV"), to say where an operation's units go. */
  private readonly kinds = new Map<string, Map<string, Usage>>();
  private readonly storage = new AsyncLocalStorage<{
    phase: string;
    usage: Usage;
    own: Usage;
    shadow: Intervals;
    sent: RequestSpans;
    shadowRequests: number;
  }>();
  private readonly indexes = new Map<string, Promise<IndexShape[]>>();
  /**
   * Units per partition key value ("table|pk", "table:index|value") since the last takePartitions():
   * DynamoDB serves at most 1,000 write and 3,000 read units a second per partition, so the hottest
   * key bounds how fast a stage can run in the cloud however much the table as a whole may take.
   */
  private partitions = new Map<string, { readUnits: number; writeUnits: number }>();
  /**
   * Requests the meter itself sent (shadow reads): in a process it shares with the app they cost
   * CPU like the app's own, so a bench can tell the app's CPU share from the meter's.
   */
  shadowRequests = 0;

  private constructor(private readonly shadow: DynamoDBClient) {}

  /** Put a meter on `client`'s stack (the document client shares it). Shadow reads go to the same endpoint unmetered. */
  static async attach(client: DynamoDBClient): Promise<CapacityMeter> {
    const endpoint = await client.config.endpoint!();
    const shadow = new DynamoDBClient({
      endpoint: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`,
      region: 'local',
      credentials: { accessKeyId: 'meter', secretAccessKey: 'meter' },
    });
    const meter = new CapacityMeter(shadow);
    client.middlewareStack.add(
      ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
        const input = args.input as Record<string, unknown>;
        return meter.meter(context.commandName ?? '', input, () => next(args) as Promise<{ output: Record<string, unknown> }>);
      }) as never,
      { step: 'build', name: 'capacityMeter' },
    );
    return meter;
  }

  /** Run `work` with its DynamoDB requests counted under `phase` (and in the totals); each run keeps its own count too. */
  run<T>(phase: string, work: () => Promise<T>): Promise<T> {
    let usage = this.phases.get(phase);
    if (!usage) this.phases.set(phase, (usage = emptyUsage()));
    return this.storage.run({ phase, usage, own: emptyUsage(), shadow: new Intervals(), sent: new RequestSpans(), shadowRequests: 0 }, work);
  }

  /**
   * The current `run`'s app requests so far, the meter's shadow requests made for them, and how
   * many of the app's requests it waited on one after another: requests ÷ the mean number in flight
   * (their summed durations over the time any was in flight). A handler that awaits each request in
   * turn has as many in sequence as requests; a close running four shards at once about a quarter.
   */
  runSoFar(): { requests: number; shadowRequests: number; sequentialRequests: number } {
    const context = this.storage.getStore();
    if (!context) return { requests: 0, shadowRequests: 0, sequentialRequests: 0 };
    return { requests: context.own.requests, shadowRequests: context.shadowRequests, sequentialRequests: context.sent.sequential() };
  }

  phase(name: string): Usage {
    return this.phases.get(name) ?? emptyUsage();
  }

  /**
   * Wall time during which the current `run` was waiting on the meter's shadow reads, to subtract
   * from a handler's time: the union of their intervals, so shadow reads of parallel work (a
   * close's shards) are not subtracted twice.
   */
  meterMsHere(): number {
    return this.storage.getStore()?.shadow.covered() ?? 0;
  }

  stop(): void {
    this.shadow.destroy();
  }

  /** Units per partition key value since the previous call, most write units first (then reads), and start counting afresh. */
  takePartitions(): Array<{ partition: string; readUnits: number; writeUnits: number }> {
    const taken = [...this.partitions.entries()].map(([partition, usage]) => ({ partition, ...usage }));
    this.partitions = new Map();
    return taken;
  }

  private addToPartition(
    table: string,
    index: string | undefined,
    value: AttributeValue | undefined,
    change: { readUnits?: number; writeUnits?: number },
  ): void {
    if (!value) return;
    const name = `${table}${index ? `:${index}` : ''}|${value.S ?? value.N ?? JSON.stringify(value)}`;
    let usage = this.partitions.get(name);
    if (!usage) this.partitions.set(name, (usage = { readUnits: 0, writeUnits: 0 }));
    usage.readUnits += change.readUnits ?? 0;
    usage.writeUnits += change.writeUnits ?? 0;
  }

  /** Where a phase's units went: by request kind and item kind, most write units first. */
  breakdown(phase: string): Array<{ kind: string } & Usage> {
    return [...(this.kinds.get(phase) ?? new Map<string, Usage>()).entries()]
      .map(([kind, usage]) => ({ kind, ...usage }))
      .sort((a, b) => b.writeUnits - a.writeUnits || b.readUnits - a.readUnits);
  }

  private add(change: Partial<Usage>, kind?: string): void {
    const context = this.storage.getStore();
    let byKind: Usage | undefined;
    if (context && kind) {
      let kinds = this.kinds.get(context.phase);
      if (!kinds) this.kinds.set(context.phase, (kinds = new Map()));
      byKind = kinds.get(kind);
      if (!byKind) kinds.set(kind, (byKind = emptyUsage()));
    }
    const targets = [this.totals, context?.usage, context?.own, byKind].filter((usage): usage is Usage => usage !== undefined);
    for (const usage of targets) for (const [key, value] of Object.entries(change)) usage[key as keyof Usage] += value as number;
  }

  private async timed<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const ended = performance.now();
      this.add({ meterMs: ended - started });
      this.storage.getStore()?.shadow.add(started, ended);
    }
  }

  private shapes(table: string): Promise<IndexShape[]> {
    let shapes = this.indexes.get(table);
    if (!shapes) {
      shapes = this.sendShadow(new DescribeTableCommand({ TableName: table })).then((described) =>
        (described.Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
          name: index.IndexName!,
          partition: index.KeySchema!.find((key) => key.KeyType === 'HASH')!.AttributeName!,
          sort: index.KeySchema!.find((key) => key.KeyType === 'RANGE')?.AttributeName,
          projected: index.Projection?.ProjectionType === 'ALL' ? undefined : (index.Projection?.NonKeyAttributes ?? []),
        })),
      );
      this.indexes.set(table, shapes);
    }
    return shapes;
  }

  private indexEntry(index: IndexShape, item: Raw | undefined): Raw | undefined {
    if (!item || item[index.partition] === undefined || (index.sort && item[index.sort] === undefined)) return undefined;
    if (!index.projected) return item;
    const keep = [TABLE_KEYS.partition, TABLE_KEYS.sort, index.partition, index.sort, ...index.projected].filter((name): name is string => !!name);
    return Object.fromEntries(keep.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]));
  }

  private async indexWriteUnits(table: string, before: Raw | undefined, after: Raw | undefined): Promise<number> {
    let units = 0;
    for (const index of await this.shapes(table)) {
      const old = this.indexEntry(index, before);
      const fresh = this.indexEntry(index, after);
      const charge = (entry: Raw, bytes: number) => {
        units += writeUnitsFor(bytes);
        this.addToPartition(table, index.name, entry[index.partition], { writeUnits: writeUnitsFor(bytes) });
      };
      if (!old && !fresh) continue;
      if (!old) charge(fresh!, itemSize(fresh));
      else if (!fresh) charge(old, itemSize(old));
      else if (!sameValue(old[index.partition], fresh[index.partition]) || (index.sort && !sameValue(old[index.sort], fresh[index.sort]))) {
        charge(old, itemSize(old));
        charge(fresh, itemSize(fresh));
      } else if (JSON.stringify(old) !== JSON.stringify(fresh)) {
        // Attribute order does not matter to DynamoDB; compare by sorted entries.
        const sorted = (entry: Raw) => JSON.stringify(Object.entries(entry).sort(([a], [b]) => a.localeCompare(b)));
        if (sorted(old) !== sorted(fresh)) charge(fresh, Math.max(itemSize(old), itemSize(fresh)));
      }
    }
    return units;
  }

  private sendShadow: DynamoDBClient['send'] = ((command: Parameters<DynamoDBClient['send']>[0]) => {
    this.shadowRequests++;
    const context = this.storage.getStore();
    if (context) context.shadowRequests += 1;
    return this.shadow.send(command);
  }) as DynamoDBClient['send'];

  private getRaw(table: string, key: Raw): Promise<Raw | undefined> {
    return this.sendShadow(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true })).then((result) => result.Item);
  }

  private async getMany(table: string, keys: Raw[]): Promise<Map<string, Raw>> {
    const found = new Map<string, Raw>();
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Raw[] = keys.slice(start, start + 100);
      while (pending.length > 0) {
        const result = await this.sendShadow(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of result.Responses?.[table] ?? []) found.set(keyString(item), item);
        pending = (result.UnprocessedKeys?.[table]?.Keys ?? []) as Raw[];
      }
    }
    return found;
  }

  private async writeCost(table: string, before: Raw | undefined, after: Raw | undefined, succeeded: boolean, kind: string): Promise<void> {
    const base = writeUnitsFor(Math.max(itemSize(before), itemSize(after)));
    this.addToPartition(table, undefined, (after ?? before)?.[TABLE_KEYS.partition], { writeUnits: base });
    const index = succeeded ? await this.indexWriteUnits(table, before, after) : 0;
    this.add({ writeUnits: base + index, indexWriteUnits: index }, kind);
  }

  private async meter(command: string, input: Record<string, unknown>, send: () => Promise<{ output: Record<string, unknown> }>) {
    const context = this.storage.getStore();
    if (!context) return this.price(command, input, send);
    const started = performance.now();
    try {
      return await this.price(command, input, send);
    } finally {
      context.sent.add(started, performance.now());
    }
  }

  private async price(command: string, input: Record<string, unknown>, send: () => Promise<{ output: Record<string, unknown> }>) {
    const kind = `${command.replace(/Command$/, '')} ${kindOf(input)}`;
    this.add({ requests: 1 }, kind);
    switch (command) {
      case 'GetItemCommand': {
        const result = await send();
        const table = input.TableName as string;
        const returned = result.output.Item ? toRaw(result.output.Item as Raw) : undefined;
        const full = input.ProjectionExpression && returned ? await this.timed(() => this.getRaw(table, input.Key as Raw)) : returned;
        const units = readUnitsFor(itemSize(full), input.ConsistentRead === true);
        this.add({ readUnits: units, bytesReturned: itemSize(returned) }, kind);
        this.addToPartition(table, undefined, (input.Key as Raw)[TABLE_KEYS.partition], { readUnits: units });
        return result;
      }
      case 'BatchGetItemCommand': {
        const result = await send();
        for (const [table, request] of Object.entries(
          input.RequestItems as Record<string, { Keys: Raw[]; ConsistentRead?: boolean; ProjectionExpression?: string }>,
        )) {
          const returned = (((result.output.Responses as Record<string, Raw[]> | undefined)?.[table] ?? []) as Raw[]).map(toRaw);
          const unprocessed = ((result.output.UnprocessedKeys as Record<string, { Keys: Raw[] }> | undefined)?.[table]?.Keys ?? []).map((key) =>
            keyString(toRaw(key)),
          );
          const processed = request.Keys.filter((key) => !unprocessed.includes(keyString(key)));
          const full = request.ProjectionExpression
            ? await this.timed(() => this.getMany(table, processed))
            : new Map(returned.map((item) => [keyString(item), item]));
          let units = 0;
          for (const key of processed) {
            const one = readUnitsFor(itemSize(full.get(keyString(key))), request.ConsistentRead === true);
            units += one;
            this.addToPartition(table, undefined, key[TABLE_KEYS.partition], { readUnits: one });
          }
          this.add({ readUnits: units, bytesReturned: returned.reduce((sum, item) => sum + itemSize(item), 0) }, kind);
        }
        return result;
      }
      case 'QueryCommand':
      case 'ScanCommand': {
        const result = await send();
        const returned = ((result.output.Items ?? []) as Raw[]).map(toRaw);
        const hidden = input.FilterExpression || input.ProjectionExpression || input.Select === 'COUNT';
        let evaluated = returned;
        if (hidden) {
          evaluated = await this.timed(async () => {
            const { FilterExpression: _f, ProjectionExpression: _p, Select: _s, ...rest } = input;
            const names = { ...((input.ExpressionAttributeNames as Record<string, string>) ?? {}) };
            const values = { ...((input.ExpressionAttributeValues as Raw) ?? {}) };
            // Keep only the placeholders the key condition uses (DynamoDB refuses unused ones); a scan has none.
            const condition = (input.KeyConditionExpression as string | undefined) ?? '';
            for (const name of Object.keys(names)) if (!condition.includes(name)) delete names[name];
            for (const name of Object.keys(values)) if (!condition.includes(name)) delete values[name];
            const shadowInput = {
              ...rest,
              ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
              ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
              Limit: input.Limit as number | undefined,
            };
            const items: Raw[] = [];
            // The same page: from the same start, until the real page's last evaluated key (or the end).
            const stop = result.output.LastEvaluatedKey ? keyString(toRaw(result.output.LastEvaluatedKey as Raw)) : undefined;
            let start = input.ExclusiveStartKey as Raw | undefined;
            for (;;) {
              const request = { ...(shadowInput as object), ExclusiveStartKey: start } as never;
              const page = await this.sendShadow(command === 'ScanCommand' ? new ScanCommand(request) : new QueryCommand(request));
              for (const item of page.Items ?? []) {
                items.push(item);
                if (stop && keyString(item) === stop) return items;
              }
              if (!page.LastEvaluatedKey || !stop) return items;
              start = page.LastEvaluatedKey;
            }
          });
        }
        const consistent = input.ConsistentRead === true && !input.IndexName;
        const bytes = evaluated.reduce((sum, item) => sum + itemSize(item), 0);
        this.add({ readUnits: readUnitsFor(bytes, consistent), bytesReturned: returned.reduce((sum, item) => sum + itemSize(item), 0) }, kind);
        this.addToPartition(input.TableName as string, input.IndexName as string | undefined, queriedPartition(input), {
          readUnits: readUnitsFor(bytes, consistent),
        });
        return result;
      }
      case 'PutItemCommand': {
        const table = input.TableName as string;
        const item = input.Item as Raw;
        const before = await this.timed(() => this.getRaw(table, pickKey(item)));
        try {
          const result = await send();
          await this.writeCost(table, before, item, true, kind);
          return result;
        } catch (error) {
          await this.writeCost(table, before, undefined, false, kind);
          throw error;
        }
      }
      case 'UpdateItemCommand':
      case 'DeleteItemCommand': {
        const table = input.TableName as string;
        const key = input.Key as Raw;
        const before = await this.timed(() => this.getRaw(table, key));
        try {
          const result = await send();
          const after = command === 'DeleteItemCommand' ? undefined : await this.timed(() => this.getRaw(table, key));
          await this.writeCost(table, before, after, true, kind);
          return result;
        } catch (error) {
          await this.writeCost(table, before, undefined, false, kind);
          throw error;
        }
      }
      case 'BatchWriteItemCommand': {
        const requests = input.RequestItems as Record<string, { PutRequest?: { Item: Raw }; DeleteRequest?: { Key: Raw } }[]>;
        const befores = new Map<string, Map<string, Raw>>();
        for (const [table, writes] of Object.entries(requests)) {
          const keys = writes.map((write) => (write.PutRequest ? pickKey(write.PutRequest.Item) : write.DeleteRequest!.Key));
          befores.set(table, await this.timed(() => this.getMany(table, keys)));
        }
        const result = await send();
        // What comes back unprocessed is in the document client's form here: compare keys in that form.
        const unprocessed = Object.fromEntries(
          Object.entries((result.output.UnprocessedItems ?? {}) as typeof requests).map(([table, writes]) => [
            table,
            writes.map((write) =>
              write.PutRequest ? { PutRequest: { Item: toRaw(write.PutRequest.Item) } } : { DeleteRequest: { Key: toRaw(write.DeleteRequest!.Key) } },
            ),
          ]),
        ) as typeof requests;
        for (const [table, writes] of Object.entries(requests)) {
          const left = new Set((unprocessed[table] ?? []).map((write) => keyString(write.PutRequest ? write.PutRequest.Item : write.DeleteRequest!.Key)));
          for (const write of writes) {
            const key = keyString(write.PutRequest ? write.PutRequest.Item : write.DeleteRequest!.Key);
            if (left.has(key)) continue;
            await this.writeCost(table, befores.get(table)!.get(key), write.PutRequest?.Item, true, kind);
          }
        }
        return result;
      }
      default:
        return send();
    }
  }
}

/** The kind of item a request touches, from its first key: the partition key's prefix (and the sort key's, for a wave's items). */
function kindOf(input: Record<string, unknown>): string {
  const first = (value: unknown): Raw | undefined => (Array.isArray(value) ? (value[0] as Raw | undefined) : (value as Raw | undefined));
  const batch = Object.values((input.RequestItems ?? {}) as Record<string, unknown>)[0] as
    | { Keys?: Raw[] }
    | Array<{ PutRequest?: { Item: Raw }; DeleteRequest?: { Key: Raw } }>
    | undefined;
  const key =
    (input.Key as Raw | undefined) ??
    (input.Item as Raw | undefined) ??
    (Array.isArray(batch) ? (batch[0]?.PutRequest?.Item ?? batch[0]?.DeleteRequest?.Key) : first(batch?.Keys));
  const values = (input.ExpressionAttributeValues ?? {}) as Raw;
  // A scan has no key: its kind is the table it reads.
  if (input.TotalSegments !== undefined || (!key && !input.KeyConditionExpression)) return `table ${String(input.TableName)}`;
  const pk = key?.[TABLE_KEYS.partition]?.S ?? values[':pk']?.S ?? '';
  const sk = key?.[TABLE_KEYS.sort]?.S ?? values[':cell']?.S ?? '';
  const prefix = pk.split('#')[0];
  const index = input.IndexName ? ` (${input.IndexName as string})` : '';
  return `${prefix === 'WAVE' ? `WAVE ${sk.split('#')[0]}` : prefix}${index}`;
}

/** The partition key value a query's key condition names: the placeholder compared with `=` first. */
function queriedPartition(input: Record<string, unknown>): AttributeValue | undefined {
  const placeholder = /(:[A-Za-z0-9_]+)/.exec(String(input.KeyConditionExpression ?? '').split(/\s+and\s+/i)[0] ?? '')?.[1];
  return placeholder ? (input.ExpressionAttributeValues as Raw | undefined)?.[placeholder] : undefined;
}

/**
 * The build step sees the request already marshalled but the response already unmarshalled by the
 * document client (SDK 3.1169): bring returned items back to DynamoDB's wire form to size them.
 */
function toRaw(item: Raw): Raw {
  const key = item[TABLE_KEYS.partition] as unknown;
  if (key !== undefined && typeof key === 'object') return item;
  const entries = Object.entries(item as Record<string, unknown>).filter(([, value]) => value !== undefined);
  return Object.fromEntries(entries.map(([name, value]) => [name, toAttribute(value)]));
}

function toAttribute(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number' || typeof value === 'bigint') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value instanceof Uint8Array) return { B: value };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  if (value instanceof Set) {
    const members = [...value];
    return typeof members[0] === 'number' ? { NS: members.map(String) } : { SS: members.map(String) };
  }
  if (typeof value === 'object' && 'value' in (value as object) && Object.keys(value as object).length === 1)
    return { N: String((value as { value: string }).value) };
  return {
    M: Object.fromEntries(
      Object.entries(value as object)
        .filter(([, member]) => member !== undefined)
        .map(([name, member]) => [name, toAttribute(member)]),
    ),
  };
}

/** The app's requests of one run as time spans: how many, and how many of them one after another. */
class RequestSpans {
  private readonly spans = new Intervals();
  private count = 0;
  private summed = 0;
  add(start: number, end: number): void {
    this.spans.add(start, end);
    this.count += 1;
    this.summed += end - start;
  }
  sequential(): number {
    const covered = this.spans.covered();
    return this.summed > 0 && covered > 0 ? this.count * (covered / this.summed) : this.count;
  }
}

/** A set of time intervals and the length of their union. */
class Intervals {
  private spans: [number, number][] = [];
  add(start: number, end: number): void {
    this.spans.push([start, end]);
  }
  covered(): number {
    const sorted = [...this.spans].sort((a, b) => a[0] - b[0]);
    let total = 0;
    let [from, to] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (const [start, end] of sorted) {
      if (start > to) {
        if (to > from) total += to - from;
        [from, to] = [start, end];
      } else to = Math.max(to, end);
    }
    if (to > from) total += to - from;
    return total;
  }
}

function pickKey(item: Raw): Raw {
  return { [TABLE_KEYS.partition]: item[TABLE_KEYS.partition], [TABLE_KEYS.sort]: item[TABLE_KEYS.sort] };
}

function keyString(item: Raw, names: string[] = [TABLE_KEYS.partition, TABLE_KEYS.sort]): string {
  return JSON.stringify(names.map((name) => item[name]));
}
