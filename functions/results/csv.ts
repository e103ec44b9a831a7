/**
 * `?format=csv` for every results view: built from the same JSON the view returns, so the
 * suppression is the same; shares and changes in percent and points; formula cells escaped by toCsv.
 * The header row comes first (what a spreadsheet filters and pivots on), in the dashboard's
 * language; what the view is about (wave, group, response rate) is a column of every row.
 */
import type { Comparison, Estimate, Heatmap, Impact, Trend, WaveResults } from '../../shared/api-results.ts';
import { toCsv } from '../../shared/csv.ts';
import { outsideOf } from '../../shared/segment-labels.ts';

type Cell = string | number | null | undefined;
const pct = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 1000) / 10);
const est = (estimate: Estimate | undefined): Cell[] => [pct(estimate?.estimate), pct(estimate?.lower), pct(estimate?.upper)];
const hiddenNote = (hidden: boolean | undefined, reason: string | undefined) => (hidden ? `hidden: ${reason}` : undefined);

const OUTSIDE_WORDS: Record<string, string> = { en: 'Everyone outside', sv: 'Alla utanför' };

/** A group's label in the file's language: the API's neutral "¬ <group>" becomes "Everyone outside <group>" / "Alla utanför <group>". */
function wordGroup(label: string, lang: string): string {
  const plain = outsideOf(label);
  return plain === undefined ? label : `${OUTSIDE_WORDS[lang] ?? OUTSIDE_WORDS.en} ${plain}`;
}

/** Column names per language; English for any other. */
const HEADERS = {
  wave: { en: 'wave', sv: 'omgång' },
  group: { en: 'group', sv: 'grupp' },
  responseRate: { en: 'response rate %', sv: 'svarsfrekvens %' },
  statement: { en: 'statement', sv: 'påstående' },
  text: { en: 'text', sv: 'text' },
  n: { en: 'n', sv: 'n' },
  favorable: { en: '% favorable', sv: '% positiva' },
  lower: { en: 'lower', sv: 'nedre' },
  upper: { en: 'upper', sv: 'övre' },
  neutral: { en: '% neutral', sv: '% neutrala' },
  unfavorable: { en: '% unfavorable', sv: '% negativa' },
  mean: { en: 'mean', sv: 'medel' },
  enps: { en: 'eNPS', sv: 'eNPS' },
  note: { en: 'note', sv: 'anmärkning' },
  option: { en: 'option', sv: 'alternativ' },
  answers: { en: 'answers', sv: 'svar' },
  from: { en: 'from', sv: 'från' },
  to: { en: 'to', sv: 'till' },
  fromRate: { en: 'response rate % before', sv: 'svarsfrekvens % före' },
  toRate: { en: 'response rate % after', sv: 'svarsfrekvens % efter' },
  k: { en: 'k', sv: 'k' },
  nBefore: { en: 'n before', sv: 'n före' },
  favorableBefore: { en: '% favorable before', sv: '% positiva före' },
  nAfter: { en: 'n after', sv: 'n efter' },
  favorableAfter: { en: '% favorable after', sv: '% positiva efter' },
  change: { en: 'change (points)', sv: 'förändring (procentenheter)' },
  p: { en: 'p', sv: 'p' },
  q: { en: 'q', sv: 'q' },
  verdict: { en: 'verdict', sv: 'slutsats' },
  detectableDown: { en: 'detectable down', sv: 'upptäckbar nedåt' },
  detectableUp: { en: 'detectable up', sv: 'upptäckbar uppåt' },
  words: { en: 'words', sv: 'i ord' },
  survey: { en: 'survey', sv: 'enkät' },
  opens: { en: 'opens', sv: 'öppnar' },
  initiative: { en: 'initiative', sv: 'initiativ' },
  target: { en: 'target', sv: 'målgrupp' },
  comparison: { en: 'comparison', sv: 'jämförelsegrupp' },
  expected: { en: 'expected', sv: 'förväntat' },
  targetChange: { en: 'target change (points)', sv: 'målgruppens förändring (procentenheter)' },
  comparisonChange: { en: 'comparison change (points)', sv: 'jämförelsegruppens förändring (procentenheter)' },
  did: { en: 'difference-in-differences', sv: 'skillnad i skillnader' },
  parallel: { en: 'moved alike before', sv: 'rörde sig lika före' },
  regression: { en: 'regression to the mean', sv: 'regression mot medelvärdet' },
} as const satisfies Record<string, { en: string; sv: string }>;

const headerRow = (lang: string, keys: Array<keyof typeof HEADERS>): string[] =>
  keys.map((key) => (HEADERS[key] as Record<string, string>)[lang] ?? HEADERS[key].en);

export function resultsCsv(view: WaveResults, lang = 'en'): string {
  const context: Cell[] = [view.wave.name, wordGroup(view.segment.label, lang), pct(view.wave.responseRate)];
  const rows: Cell[][] = [
    headerRow(lang, [
      'wave',
      'group',
      'responseRate',
      'statement',
      'text',
      'n',
      'favorable',
      'lower',
      'upper',
      'neutral',
      'unfavorable',
      'mean',
      'enps',
      'note',
      'option',
      'answers',
    ]),
  ];
  for (const s of view.statements) {
    const shared: Cell[] = [...context, s.id, s.text, s.n];
    // A choice statement has no favorable side: one row per option with its count (when the view shows counts at all).
    if (s.options && s.counts) {
      for (const option of s.options) rows.push([...shared, ...Array(8).fill(undefined), option.text, s.counts[option.id] ?? 0]);
      continue;
    }
    rows.push([
      ...shared,
      ...est(s.favorable),
      pct(s.neutral?.estimate),
      pct(s.unfavorable?.estimate),
      s.mean ? Math.round(s.mean.estimate * 100) / 100 : undefined,
      s.enps ? Math.round(s.enps.estimate * 100) : undefined,
      hiddenNote(s.hidden, s.reason),
    ]);
  }
  return toCsv(rows);
}

export function comparisonCsv(view: Comparison, lang = 'en'): string {
  const context: Cell[] = [view.from.name, view.to.name, wordGroup(view.segment.label, lang), view.k, pct(view.from.responseRate), pct(view.to.responseRate)];
  const rows: Cell[][] = [
    headerRow(lang, [
      'from',
      'to',
      'group',
      'k',
      'fromRate',
      'toRate',
      'statement',
      'text',
      'nBefore',
      'favorableBefore',
      'nAfter',
      'favorableAfter',
      'change',
      'lower',
      'upper',
      'p',
      'q',
      'verdict',
      'detectableDown',
      'detectableUp',
      'words',
      'note',
    ]),
  ];
  for (const s of view.statements) {
    const c = s.change;
    rows.push([
      ...context,
      s.id,
      s.text,
      s.before?.n,
      pct(s.before?.favorable.estimate),
      s.after?.n,
      pct(s.after?.favorable.estimate),
      ...est(c),
      c?.p,
      c?.q,
      c?.verdict,
      pct(c?.detectable.down ?? undefined),
      pct(c?.detectable.up ?? undefined),
      c?.words,
      hiddenNote(s.hidden, s.reason),
    ]);
  }
  return toCsv(rows);
}

/** Three significant digits: a q-value's 17 carry nothing a reader uses, and a heatmap CSV has one per cell. */
const q3 = (q: number | undefined) => (q === undefined ? undefined : Number(q.toPrecision(3)));

const HEAT_COLUMNS = ['n', 'favorable', 'change', 'lower', 'upper', 'q', 'verdict', 'note'] as const satisfies Array<keyof typeof HEADERS>;

/**
 * The heatmap as it looks: one row per group of the whole dimension (the whole organization
 * first), and per statement its n, % favorable, change with its interval, q, verdict and note,
 * under headers `<statement id>: <column>`. One row per cell with the statement's text in each
 * (the old layout) took 3.8 MB for 2,000 groups × 14 statements, against the 6 MB a Lambda may
 * answer; this is about a third of that.
 */
export function heatmapCsv(view: Heatmap, lang = 'en'): string {
  const columns = headerRow(lang, [...HEAT_COLUMNS]);
  const rows: Cell[][] = [
    [...headerRow(lang, ['wave', 'group', 'responseRate']), ...view.statements.flatMap((statement) => columns.map((column) => `${statement.id}: ${column}`))],
  ];
  const bySegment = new Map<string, Map<string, Heatmap['cells'][number]>>();
  for (const cell of view.cells) {
    let cells = bySegment.get(cell.segmentId);
    if (!cells) bySegment.set(cell.segmentId, (cells = new Map()));
    cells.set(cell.statementId, cell);
  }
  for (const segment of view.segments) {
    const cells = bySegment.get(segment.id);
    const row: Cell[] = [view.wave.name, wordGroup(segment.label, lang), pct(segment.responseRate)];
    for (const statement of view.statements) {
      const cell = cells?.get(statement.id);
      row.push(
        cell?.n,
        pct(cell?.favorable?.estimate),
        ...est(cell?.change),
        q3(cell?.change?.q),
        cell?.change?.verdict,
        hiddenNote(cell?.hidden, cell?.reason) ?? (cell?.changeReason ? `no change: ${cell.changeReason}` : undefined),
      );
    }
    rows.push(row);
  }
  return toCsv(rows);
}

export function trendCsv(view: Trend, lang = 'en'): string {
  const rows: Cell[][] = [
    headerRow(lang, ['survey', 'statement', 'text', 'group', 'wave', 'opens', 'k', 'responseRate', 'n', 'favorable', 'lower', 'upper', 'note']),
  ];
  for (const point of view.points) {
    rows.push([
      view.survey.name,
      view.statement.id,
      view.statement.text,
      wordGroup(view.segment.label, lang),
      point.waveName,
      point.opensAt,
      point.k,
      pct(point.responseRate),
      point.n,
      ...est(point.favorable),
      hiddenNote(point.hidden, point.reason),
    ]);
  }
  return toCsv(rows);
}

export function impactCsv(view: Impact, lang = 'en'): string {
  const context: Cell[] = [view.initiative.name, wordGroup(view.initiative.targetLabel, lang), wordGroup(view.initiative.comparisonLabel, lang), view.k];
  const rows: Cell[][] = [
    headerRow(lang, [
      'initiative',
      'target',
      'comparison',
      'k',
      'statement',
      'text',
      'expected',
      'targetChange',
      'comparisonChange',
      'did',
      'lower',
      'upper',
      'q',
      'verdict',
      'words',
      'parallel',
      'regression',
      'note',
    ]),
  ];
  for (const s of view.statements) {
    rows.push([
      ...context,
      s.id,
      s.text,
      s.direction,
      pct(s.target?.change.estimate),
      pct(s.comparison?.change.estimate),
      ...est(s.did),
      s.did?.q,
      s.did?.verdict,
      s.did?.words,
      s.parallelTrends?.words,
      s.regressionToMean,
      hiddenNote(s.hidden, s.reason),
    ]);
  }
  for (const warning of view.warnings) rows.push([...context, ...Array(13).fill(undefined), warning]);
  return toCsv(rows);
}
