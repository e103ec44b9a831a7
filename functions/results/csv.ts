/**
 * `?format=csv` for every results view: built from the same JSON the view returns, so the
 * suppression is the same; shares and changes in percent and points; formula cells escaped by toCsv.
 */
import type { Comparison, Estimate, Heatmap, Impact, Trend, WaveResults } from '../../shared/api-results.ts';
import { toCsv } from '../../shared/csv.ts';

type Cell = string | number | null | undefined;
const pct = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 1000) / 10);
const est = (estimate: Estimate | undefined): Cell[] => [pct(estimate?.estimate), pct(estimate?.lower), pct(estimate?.upper)];
const hiddenNote = (hidden: boolean | undefined, reason: string | undefined) => (hidden ? `hidden: ${reason}` : undefined);

export function resultsCsv(view: WaveResults): string {
  const rows: Cell[][] = [
    ['wave', view.wave.name, 'group', view.segment.label, 'response rate %', pct(view.wave.responseRate)],
    ['statement', 'text', 'n', '% favorable', 'lower', 'upper', '% neutral', '% unfavorable', 'mean', 'eNPS', 'note'],
  ];
  for (const s of view.statements) {
    rows.push([
      s.id,
      s.text,
      s.n,
      ...est(s.favorable),
      pct(s.neutral?.estimate),
      pct(s.unfavorable?.estimate),
      s.mean ? Math.round(s.mean.estimate * 100) / 100 : undefined,
      s.enps ? Math.round(s.enps.estimate * 100) : undefined,
      hiddenNote(s.hidden, s.reason),
    ]);
  }
  // A choice statement has no favorable side: its answers are counts per option (shown only when the view shows counts).
  const choices = view.statements.filter((s) => s.options && s.counts);
  if (choices.length > 0) {
    rows.push([], ['statement', 'option', 'answers', '% of answers']);
    for (const s of choices) for (const option of s.options!) rows.push([s.id, option.text, s.counts![option.id] ?? 0, pct((s.counts![option.id] ?? 0) / s.n!)]);
  }
  return toCsv(rows);
}

export function comparisonCsv(view: Comparison): string {
  const rows: Cell[][] = [
    [
      'from',
      view.from.name,
      'response rate %',
      pct(view.from.responseRate),
      'to',
      view.to.name,
      'response rate %',
      pct(view.to.responseRate),
      'group',
      view.segment.label,
      'k',
      view.k,
    ],
    [
      'statement',
      'text',
      'n before',
      '% favorable before',
      'n after',
      '% favorable after',
      'change (points)',
      'lower',
      'upper',
      'p',
      'q',
      'verdict',
      'detectable down',
      'detectable up',
      'words',
      'note',
    ],
  ];
  for (const s of view.statements) {
    const c = s.change;
    rows.push([
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

export function heatmapCsv(view: Heatmap): string {
  const segments = new Map(view.segments.map((segment) => [segment.id, segment.label]));
  const statements = new Map(view.statements.map((statement) => [statement.id, statement.text]));
  const rows: Cell[][] = [['statement', 'text', 'group', 'n', '% favorable', 'change (points)', 'lower', 'upper', 'q', 'verdict', 'note']];
  for (const cell of view.cells) {
    rows.push([
      cell.statementId,
      statements.get(cell.statementId),
      segments.get(cell.segmentId),
      cell.n,
      pct(cell.favorable?.estimate),
      ...est(cell.change),
      cell.change?.q,
      cell.change?.verdict,
      hiddenNote(cell.hidden, cell.reason) ?? (cell.changeReason ? `no change: ${cell.changeReason}` : undefined),
    ]);
  }
  return toCsv(rows);
}

export function trendCsv(view: Trend): string {
  const rows: Cell[][] = [
    ['survey', view.survey.name, 'statement', view.statement.text, 'group', view.segment.label],
    ['wave', 'opens', 'k', 'response rate %', 'n', '% favorable', 'lower', 'upper', 'note'],
  ];
  for (const point of view.points)
    rows.push([point.waveName, point.opensAt, point.k, pct(point.responseRate), point.n, ...est(point.favorable), hiddenNote(point.hidden, point.reason)]);
  return toCsv(rows);
}

export function impactCsv(view: Impact): string {
  const rows: Cell[][] = [
    ['initiative', view.initiative.name, 'target', view.initiative.targetLabel, 'comparison', view.initiative.comparisonLabel, 'k', view.k],
    [
      'statement',
      'text',
      'expected',
      'target change (points)',
      'comparison change (points)',
      'difference-in-differences',
      'lower',
      'upper',
      'q',
      'verdict',
      'words',
      'moved alike before',
      'regression to the mean',
      'note',
    ],
  ];
  for (const s of view.statements) {
    rows.push([
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
  for (const warning of view.warnings) rows.push(['warning', warning]);
  return toCsv(rows);
}
