/**
 * An imported wave: aggregate results of a survey run elsewhere, stored as a closed wave with
 * cells, certified by the same code as a close (certifyWaveCells over a tally rebuilt from the
 * aggregates). Each unit row counts the unit with everything below it; the people directly in a
 * unit are its row minus its children's rows, which is what the confidentiality rules reason about.
 */
import { STATEMENT_ID_PATTERN } from '../../shared/respondent-schemas.ts';
import { parseCsv, CsvSyntaxError } from '../../shared/csv.ts';
import { profileKey, UNIT_PATH_SEPARATOR, type OrgUnit, type ProfileCount } from '../../shared/org.ts';
import { favorability, scaleValues } from '../../shared/scales.ts';
import { buildSegments } from '../../shared/segments.ts';
import type { PointCounts, Tally } from '../../shared/tally.ts';
import { certifyWaveCells } from '../../shared/wave-cells.ts';
import type { WaveImport } from '../../shared/api-results.ts';
import { randomId } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ValidationError } from '../errors.ts';
import { putCells } from '../store/cells.ts';
import { listUnits, resolveUnits } from '../store/roster.ts';
import { getStatements } from '../store/statements.ts';
import { getSurvey, putWave, type Wave } from '../store/waves.ts';
import { putWaveSnapshot } from '../waves/snapshot.ts';
import { IMPORTED_FAVORABLE, IMPORTED_OTHER } from './describe.ts';

interface Row {
  line: number;
  statementId: string;
  path: string[];
  n: number;
  counts: PointCounts;
  favorableOnly: boolean;
}

const csvError = (line: number, message: string) => new ValidationError(`csv: line ${line}: ${message}`, 'csv');

/** The columns of the one documented format (README "Importing a survey run elsewhere"), in the template's order. */
const CANONICAL = ['statement', 'unit', 'n', 'favorable'] as const;
export const IMPORT_COLUMNS_HELP =
  'statement, unit (empty for the whole organization), n, and either favorable (% favorable, 0 to 100) or one count per scale point (1, 2, 3, 4, 5)';

/**
 * The names people give these columns in other vendors' exports ("Statement", "statementId",
 * "Org unit", "% favorable"), folded to ours. A header is compared without case, spaces,
 * underscores, hyphens or dots, so "Statement ID" and "statement_id" are the same column.
 */
const ALIASES: Record<string, (typeof CANONICAL)[number]> = Object.fromEntries(
  (
    [
      ['statement', ['statement', 'statementid', 'question', 'questionid', 'item', 'itemid']],
      ['unit', ['unit', 'orgunit', 'unitpath', 'orgunitpath', 'organizationalunit', 'organisationalunit', 'organizationunit', 'organisationunit', 'orgunitid']],
      ['n', ['n', 'respondents', 'responses', 'answers']],
      [
        'favorable',
        [
          'favorable',
          'favourable',
          '%favorable',
          '%favourable',
          'favorable%',
          'favourable%',
          'percentfavorable',
          'percentfavourable',
          'pctfavorable',
          'favorablepercent',
          'favorable(%)',
          'favourable(%)',
        ],
      ],
    ] as const
  ).flatMap(([canonical, names]) => names.map((name) => [name, canonical])),
);

/** A cell echoed in an error, cut short: a 5,000-character cell is not repeated back. */
const shown = (text: string) => `"${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`;

const fold = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');

/** Column name (canonical, or a scale point as written) → index; a column given twice is a 400, empty trailing headers are ignored. */
function readHeader(fields: string[], line: number): Map<string, number> {
  const header = new Map<string, number>();
  fields.forEach((field, index) => {
    const folded = fold(field);
    if (folded === '') return;
    const name = ALIASES[folded] ?? folded;
    if (header.has(name)) throw csvError(line, `two columns mean "${name}": "${fields[header.get(name)!].trim()}" and "${field.trim()}"`);
    header.set(name, index);
  });
  if (!header.has('statement') || !header.has('n'))
    throw csvError(line, `the header needs the columns statement and n; the columns are ${IMPORT_COLUMNS_HELP}`);
  return header;
}

/** Import a wave from a CSV of aggregates; returns the new (closed) wave's id and what was hidden. */
export async function importWave(deps: AppDeps, input: WaveImport) {
  await getSurvey(deps.store, input.surveyId).catch(() => {
    throw new ValidationError(`surveyId: no survey ${input.surveyId}`, 'surveyId');
  });
  let records;
  try {
    records = parseCsv(input.csv);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw csvError(error.line, error.message);
    throw error;
  }
  if (records.length < 2) throw new ValidationError('csv: needs a header and at least one row', 'csv');
  const header = readHeader(records[0].fields, records[0].line);
  const column = (name: string) => header.get(name) ?? -1;
  const statementIds = [...new Set(records.slice(1).map((record) => record.fields[column('statement')]?.trim() ?? ''))];
  // Only well-formed ids are looked up (a 5,000-character cell is no key); the rest are reported as unknown below.
  const bank = await getStatements(
    deps.store,
    statementIds.filter((id) => STATEMENT_ID_PATTERN.test(id)),
  );
  const unknownStatement = records.slice(1).find((record) => !bank.has(record.fields[column('statement')]?.trim() ?? ''));
  if (unknownStatement) throw csvError(unknownStatement.line, `unknown statement ${shown(unknownStatement.fields[column('statement')]?.trim() ?? '')}`);
  const pointColumns = new Set([...bank.values()].flatMap((statement) => scaleValues(statement.scale, statement.options).map(String)));
  const unknown = [...header.keys()].filter((name) => !(CANONICAL as readonly string[]).includes(name) && !pointColumns.has(name));
  if (unknown.length > 0) {
    const original = unknown.map((name) => shown(records[0].fields[header.get(name)!].trim())).join(', ');
    throw csvError(records[0].line, `unknown column${unknown.length > 1 ? 's' : ''} ${original}; the columns are ${IMPORT_COLUMNS_HELP}`);
  }

  const rows: Row[] = records.slice(1).map((record) => {
    const get = (name: string) => (column(name) >= 0 ? (record.fields[column(name)] ?? '').trim() : '');
    const statement = bank.get(get('statement'));
    if (!statement) throw csvError(record.line, `unknown statement "${get('statement')}"`);
    if (statement.scale === 'text') throw csvError(record.line, `"${statement.id}" is a comment statement; comments are not imported`);
    const n = Number(get('n'));
    if (!Number.isInteger(n) || n < 0) throw csvError(record.line, 'n must be a whole number of respondents');
    const path =
      get('unit') === ''
        ? []
        : get('unit')
            .split('>')
            .map((part) => part.trim());
    const counts: PointCounts = {};
    let favorableOnly = false;
    const points = scaleValues(statement.scale, statement.options).map(String);
    const given = points.filter((point) => get(point) !== '');
    if (given.length > 0) {
      let total = 0;
      for (const point of points) {
        const count = Number(get(point) || '0');
        if (!Number.isInteger(count) || count < 0) throw csvError(record.line, `the count for ${point} must be a whole number`);
        if (count > 0) counts[point] = count;
        total += count;
      }
      if (total !== n) throw csvError(record.line, `the counts add up to ${total}, not n = ${n}`);
    } else if (get('favorable') !== '') {
      // "45", "45%" and "45,5" (a decimal comma, as Swedish exports write it) are the same kind of number.
      const share = Number(get('favorable').replace(/%$/, '').trim().replace(',', '.'));
      if (!(share >= 0 && share <= 100)) throw csvError(record.line, 'favorable must be a percentage from 0 to 100');
      if (!points.some((point) => favorability(statement.scale, Number(point)) !== undefined))
        throw csvError(record.line, `"${statement.id}" has no favorable side`);
      favorableOnly = true;
      const x = Math.round((share / 100) * n);
      if (x > 0) counts[IMPORTED_FAVORABLE] = x;
      if (n - x > 0) counts[IMPORTED_OTHER] = n - x;
    } else throw csvError(record.line, `give counts per scale point (${points.join(', ')}) or favorable`);
    return { line: record.line, statementId: statement.id, path, n, counts, favorableOnly };
  });

  // With a directory in force, paths name its units (with or without the top unit: "Technology" is
  // "Soundwave > Technology"), so an imported wave's groups are the same units as a native wave's
  // and the two compare. Without one, the paths' common top unit is the organization.
  const existing = await listUnits(deps.store);
  const roots = existing.filter((unit) => unit.parentId === null);
  const rootNames = new Set(rows.filter((row) => row.path.length > 0).map((row) => row.path[0]));
  if (roots.length !== 1 && rootNames.size > 1)
    throw new ValidationError(`csv: every unit path must start at the same top unit; found ${[...rootNames].join(', ')}`, 'csv');
  const rootName = roots.length === 1 ? roots[0].name : ([...rootNames][0] ?? 'Organization');
  const fullPath = (path: string[]) => (path.length === 0 || path[0] !== rootName ? [rootName, ...path] : path);
  const { unitIdOf, created } = resolveUnits(
    existing,
    rows.map((row) => fullPath(row.path)),
  );
  const known = new Map<string, OrgUnit>();
  for (const unit of [...existing, ...created]) known.set(unit.id, unit);
  const usedIds = new Set<string>();
  for (const row of rows) {
    for (let unit = known.get(unitIdOf(fullPath(row.path))); unit; unit = unit.parentId ? known.get(unit.parentId) : undefined) usedIds.add(unit.id);
  }
  const units = [...usedIds].map((id) => known.get(id)!);
  const rootId = unitIdOf([rootName]);

  // Per statement: unit id → its row (unit with everything below); favorable-only anywhere makes the whole statement favorable-only.
  const byStatement = new Map<string, Map<string, Row>>();
  for (const row of rows) {
    const unitId = unitIdOf(fullPath(row.path));
    const rowsOfStatement = byStatement.get(row.statementId) ?? new Map<string, Row>();
    if (rowsOfStatement.has(unitId)) throw csvError(row.line, `a second row for ${fullPath(row.path).join(UNIT_PATH_SEPARATOR)} and "${row.statementId}"`);
    rowsOfStatement.set(unitId, row);
    byStatement.set(row.statementId, rowsOfStatement);
  }
  const childrenOf = (unitId: string) => units.filter((unit) => unit.parentId === unitId);
  const tally: Tally = {};
  const respondents = new Map<string, number>();
  for (const [statementId, unitRows] of byStatement) {
    const favorableOnly = [...unitRows.values()].some((row) => row.favorableOnly);
    const countsOf = (row: Row): PointCounts => (favorableOnly && !row.favorableOnly ? toFavorableOnly(row, bank.get(statementId)!.scale) : row.counts);
    if (!unitRows.has(rootId)) throw new ValidationError(`csv: "${statementId}" needs a row for the whole organization (an empty unit)`, 'csv');
    for (const [unitId, row] of unitRows) {
      const unit = known.get(unitId)!;
      if (unit.parentId && !unitRows.has(unit.parentId))
        throw csvError(row.line, `"${statementId}" also needs a row for ${fullPath(row.path).slice(0, -1).join(UNIT_PATH_SEPARATOR)}, the unit above`);
      const direct: PointCounts = { ...countsOf(row) };
      let directN = row.n;
      for (const child of childrenOf(unitId)) {
        const childRow = unitRows.get(child.id);
        if (!childRow) continue;
        directN -= childRow.n;
        for (const [point, count] of Object.entries(countsOf(childRow))) direct[point] = (direct[point] ?? 0) - count;
      }
      if (directN < 0 || Object.values(direct).some((count) => count < 0))
        throw csvError(row.line, `the units below ${fullPath(row.path).join(UNIT_PATH_SEPARATOR)} add up to more than its own row`);
      for (const point of Object.keys(direct)) if (direct[point] === 0) delete direct[point];
      const key = profileKey({ unitId, attributes: {} });
      const entry = (tally[key] ??= { respondents: 0, statements: {} });
      entry.statements[statementId] = direct;
      respondents.set(unitId, Math.max(respondents.get(unitId) ?? 0, directN));
    }
  }
  // Respondents per unit: the most answers any statement got there (aggregates carry no per-person link).
  for (const [unitId, count] of respondents) tally[profileKey({ unitId, attributes: {} })].respondents = count;
  const invitees: ProfileCount[] = [...respondents].filter(([, count]) => count > 0).map(([unitId, count]) => ({ profile: { unitId, attributes: {} }, count }));
  const k = input.minGroupSize;
  const segments = buildSegments(units, invitees, k);
  const statements = [...byStatement.keys()].map((id) => bank.get(id)!);
  // Certified like a close's cells: the solver-free certificate (no solver in the staff function,
  // and a request cannot wait for the integer-programming audit). The equality rules alone left
  // derivations in closed waves, and an imported wave is published through the same views.
  const { cells, certificate } = certifyWaveCells({
    k,
    units,
    invitees,
    segments,
    statements: statements.map(({ id, scale }) => ({ id, scale })),
    tally,
    audit: { maxProgram: 0 },
  });

  const wave: Wave = {
    id: randomId(),
    surveyId: input.surveyId,
    name: input.name,
    statementIds: statements.map((statement) => statement.id),
    statements,
    k,
    status: 'closed',
    // The field period orders the wave among native ones (year over year, trend, impact): an
    // imported 2014 baseline precedes a pulse run here in 2016, whichever was entered first.
    createdAt: input.opensAt,
    opensAt: input.opensAt,
    closesAt: input.closesAt ?? input.opensAt,
    imported: true,
    certificate,
    responded: respondents.size > 0 ? [...byStatement.values()].reduce((max, unitRows) => Math.max(max, unitRows.get(rootId)?.n ?? 0), 0) : 0,
  };
  await putWaveSnapshot(deps.store, wave.id, { rosterVersion: 'import', units, invitees, segments });
  await putCells(deps.store, wave.id, cells);
  await putWave(deps.store, wave);
  const hiddenCells = cells.reduce((sum, cell) => sum + Object.values(cell.statements).filter((statement) => !statement.visible).length, 0);
  return { waveId: wave.id, rows: rows.length, segments: segments.length, hiddenCells };
}

function toFavorableOnly(row: Row, scale: Parameters<typeof favorability>[0]): PointCounts {
  let x = 0;
  for (const [point, count] of Object.entries(row.counts)) if (favorability(scale, Number(point)) === 'favorable') x += count;
  return { ...(x > 0 ? { [IMPORTED_FAVORABLE]: x } : {}), ...(row.n - x > 0 ? { [IMPORTED_OTHER]: row.n - x } : {}) };
}
