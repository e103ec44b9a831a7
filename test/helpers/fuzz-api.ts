/**
 * Hostile requests to every route of the OpenAPI document, sent as an admin: long strings,
 * prototype names, wrong types, huge numbers, unicode, missing and extra fields, hostile CSV.
 * A route may refuse any of them, but with a 4xx that writes nothing: every 5xx, and every
 * rejected request after which either table changed, is recorded.
 */
import fc from 'fast-check';
import { snapshotTables } from './tables.ts';
import type { TestRuntime } from './embedded.ts';

type Parameter = { name: string; in: 'path' | 'query'; required?: boolean; schema?: { enum?: string[] } };
type Operation = { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema?: JsonSchema }> } };
type JsonSchema = { properties?: Record<string, JsonSchema>; type?: string | string[]; items?: JsonSchema; enum?: unknown[] };
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

export interface FuzzRequest {
  method: string;
  path: string;
  query: Array<[string, string]>;
  body?: { type: string; text: string };
}

export interface FuzzReport {
  requests: number;
  serverErrors: string[];
  writesOnRejection: string[];
}

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

/** Strings a careless handler would mishandle. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      ...PROTOTYPE_NAMES,
      '',
      ' ',
      '..',
      '../../etc/passwd',
      '%00',
      '\u0000',
      'null',
      'undefined',
      'NaN',
      '-1',
      '1e309',
      '<script>',
      "' OR 1=1 --",
      'WAVE#x',
      'a:b',
      '>',
      ' > ',
    ),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.integer({ min: 1025, max: 6000 }).map((length) => 'x'.repeat(length)),
    fc.integer({ min: 300, max: 1500 }).map((length) => `${'é'.repeat(length)}@acme.test`),
  );

/** Any JSON value, leaning towards what breaks parsers and schemas. */
const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      hostileString(),
      fc.constantFrom(null, true, false, 0, -0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, 0.1),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

/** JSON text of a body shaped like the schema (its field names), with hostile values, fields left out, and a prototype key up front. */
function hostileJson(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const fields = Object.keys(schema?.properties ?? {});
  const text = (value: unknown) => JSON.stringify(value) ?? 'null';
  if (fields.length === 0) return hostileValue().map(text);
  const shaped = fc
    .tuple(
      fc.record(Object.fromEntries(fields.map((field) => [field, hostileValue()])), { requiredKeys: [] }),
      fc.option(fc.constantFrom(...PROTOTYPE_NAMES), { nil: undefined }),
    )
    .map(([object, key]) => {
      const json = text(object);
      return key === undefined ? json : `{"${key}":{"polluted":true}${json === '{}' ? '' : ','}${json.slice(1)}`;
    });
  return fc.oneof(shaped, hostileValue().map(text), fc.constant('{}'));
}

/** A directory CSV with hostile header names and cells; most rows well-formed, so the upload gets as far as writing. */
const hostileCsv = (): fc.Arbitrary<string> =>
  fc
    .record({
      extra: fc.array(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.constant('team'), hostileString()), { maxLength: 3 }),
      rows: fc.array(
        fc.record({
          email: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: hostileString() }),
          unit: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('Acme > Tech', 'Acme > New unit') }, { weight: 1, arbitrary: hostileString() }),
          cells: fc.array(fc.oneof(fc.constant('x'), hostileString()), { minLength: 3, maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    })
    .map(({ extra, rows }) => {
      const cell = (value: string) => `"${value.replaceAll('"', '""')}"`;
      const header = ['email', 'orgUnit', ...extra].map(cell).join(',');
      // An empty email draws a fresh valid one, so most rows pass and the hostile parts are what is tested.
      const lines = rows.map((row, index) => [row.email || `fuzz${index}@acme.test`, row.unit, ...row.cells.slice(0, extra.length)].map(cell).join(','));
      return [header, ...lines].join('\n');
    });

/** Every operation of the document as [method, path template, operation]. */
export function operationsOf(document: OpenApiDocument): Array<[string, string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => [method.toUpperCase(), path, operation] as [string, string, Operation]),
  );
}

const encodeSegment = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '?'));
  }
};

/** One hostile request to one operation; `ids` are well-formed ids of things that exist, so some requests get past the first checks. */
export function hostileRequest(method: string, template: string, operation: Operation, ids: string[]): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.parameters ?? [];
  const pathNames = [...template.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1]);
  const queryParameters = parameters.filter((parameter) => parameter.in === 'query');
  const content = operation.requestBody?.content ?? {};
  const body: fc.Arbitrary<FuzzRequest['body']> = content['application/json']
    ? fc.oneof(
        hostileJson(content['application/json'].schema).map((text) => ({ type: 'application/json', text })),
        fc.constantFrom('{"a":', '', 'null', '[]', '{"__proto__":{"admin":true}}').map((text) => ({ type: 'application/json', text })),
        hostileString().map((text) => ({ type: 'text/plain', text })),
      )
    : content['text/csv']
      ? fc.oneof(
          hostileCsv().map((text) => ({ type: 'text/csv', text })),
          hostileString().map((text) => ({ type: 'text/csv', text })),
        )
      : fc.constant(undefined);
  return fc
    .record({
      path: fc.tuple(...pathNames.map(() => fc.oneof(fc.constantFrom(...ids), hostileString()))).map((values) => {
        let path = template;
        pathNames.forEach((name, index) => (path = path.replace(`{${name}}`, encodeSegment(values[index] || 'x'))));
        return path;
      }),
      query: fc
        .tuple(
          ...queryParameters.map((parameter) =>
            fc.option(
              fc.oneof(fc.constantFrom(...(parameter.schema?.enum ?? ids)), hostileString()).map((value) => [parameter.name, value] as [string, string]),
              { nil: undefined },
            ),
          ),
          fc.option(fc.tuple(fc.constantFrom(...PROTOTYPE_NAMES), hostileString()), { nil: undefined }),
        )
        .map((pairs) => pairs.filter((pair): pair is [string, string] => pair !== undefined)),
      body,
    })
    .map(({ path, query, body }) => ({ method, path, query, ...(body ? { body } : {}) }));
}

/** Send one request as an admin; record a 5xx, and a rejection after which a table changed. */
export async function sendHostile(rt: TestRuntime, request: FuzzRequest, report: FuzzReport): Promise<void> {
  await rt.jobsIdle();
  const before = await snapshotTables(rt.deps.store);
  const search = new URLSearchParams(request.query).toString();
  const url = `${request.path}${search ? `?${search}` : ''}`;
  const headers: Record<string, string> = request.body ? { 'content-type': request.body.type } : {};
  const response = await rt.staff(url, { method: request.method, headers, body: request.body?.text });
  const text = await response.text();
  report.requests++;
  const what = `${request.method} ${url.slice(0, 160)} ${request.body ? `${request.body.type} ${request.body.text.slice(0, 160)}` : ''}`;
  if (response.status >= 500) report.serverErrors.push(`${response.status} ${what} → ${text.slice(0, 120)}`);
  if (response.status >= 400) {
    await rt.jobsIdle();
    if ((await snapshotTables(rt.deps.store)) !== before) report.writesOnRejection.push(`${response.status} ${what}`);
  }
}

/** `runs` hostile requests spread over every operation of the document, from a fixed seed. */
export async function fuzzApi(rt: TestRuntime, document: OpenApiDocument, ids: string[], options: { runs: number; seed: number }): Promise<FuzzReport> {
  const report: FuzzReport = { requests: 0, serverErrors: [], writesOnRejection: [] };
  const operations = operationsOf(document);
  const anyRequest = fc.oneof(...operations.map(([method, path, operation]) => hostileRequest(method, path, operation, ids)));
  // One pass over every operation first, so each route is tried whatever the sample draws.
  const perOperation = Math.max(1, Math.floor(options.runs / operations.length));
  for (const [index, [method, path, operation]] of operations.entries()) {
    for (const request of fc.sample(hostileRequest(method, path, operation, ids), { numRuns: perOperation, seed: options.seed + index }))
      await sendHostile(rt, request, report);
  }
  const rest = options.runs - perOperation * operations.length;
  if (rest > 0) for (const request of fc.sample(anyRequest, { numRuns: rest, seed: options.seed })) await sendHostile(rt, request, report);
  return report;
}
