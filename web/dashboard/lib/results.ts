/**
 * The results API as the dashboard reads it: the types of shared/api-results.ts, and helpers the
 * results pages share. A hidden cell carries a reason and never a number.
 */
import type { ApiClient } from './api.ts';

// Type-only: the schemas stay on the server, no validation library ships to the browser.
export type {
  Change,
  ComparedStatement,
  Comparison,
  Comments,
  Estimate,
  HeatCell,
  Heatmap,
  Impact,
  ImpactStatement,
  Initiative,
  InitiativeCreate,
  StatementResult,
  Trend,
  TrendPoint,
  WaveResults,
} from '../../../shared/api-results.ts';
import type { Change, Estimate } from '../../../shared/api-results.ts';

/** One row of an IntervalBars chart. */
export interface IntervalRow {
  key: string;
  label: string;
  value: number | null;
  lower?: number;
  upper?: number;
  /** Shown instead of a bar when the value is hidden or missing. */
  note?: string;
  /** 'green': a health check's share answering green, in the scale's own color. */
  tone?: 'favorable' | 'rose' | 'fell' | 'noise' | 'green';
  text: string;
}

/** Statements in theme order, themes in first-seen order, so a page reads like the questionnaire. */
export function groupByTheme<T extends { theme?: string }>(items: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const theme = item.theme ?? '';
    groups.set(theme, [...(groups.get(theme) ?? []), item]);
  }
  return [...groups];
}

/** Whether a cell must be shown as hidden: flagged, or no number came with it. */
export const isHidden = (cell: { hidden?: boolean; favorable?: Estimate; change?: Change }): boolean =>
  Boolean(cell.hidden) || (cell.favorable === undefined && cell.change === undefined);

export interface SegmentChoice {
  /** The query the results routes take: `unit=<path>` or `filter=<attribute>:<value>`. */
  query: string;
  label: string;
  kind: 'unit' | 'attribute';
}

/**
 * The slices a closed wave can be read by, as the server lists them for whoever is signed in: an
 * analyst gets exactly the groups inside their grants (and the whole organization only when it
 * is granted), so a picker never offers a group the server would refuse.
 */
export async function listSegmentChoices(api: ApiClient, waveId: string): Promise<{ wholeOrganization: boolean; choices: SegmentChoice[] }> {
  const listed = await api.get<{ wholeOrganization: boolean; segments: SegmentChoice[] }>(`/api/waves/${encodeURIComponent(waveId)}/segments`);
  return { wholeOrganization: listed.wholeOrganization, choices: listed.segments };
}
