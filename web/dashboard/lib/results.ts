/**
 * The results API as the dashboard reads it (issue 3). Everything a hidden cell lacks is optional:
 * a suppressed cell carries a reason and never a number.
 */
import type { ApiClient } from './api';
import type { Participation } from './types';

export interface Estimate {
  estimate: number;
  lower: number;
  upper: number;
}

export interface Hidden {
  hidden?: boolean;
  reason?: string;
}

export interface StatementResult extends Hidden {
  id: string;
  text: string;
  theme: string;
  scale: string;
  n?: number;
  counts?: Record<string, number>;
  favorable?: Estimate;
  neutral?: Estimate;
  unfavorable?: Estimate;
  mean?: { mean: number; lower: number; upper: number };
  enps?: Estimate;
}

export interface WaveResults {
  wave?: { id: string; name: string; k?: number };
  responseRate?: number;
  invited?: number | string;
  responded?: number | string;
  statements: StatementResult[];
}

export interface Change extends Estimate {
  p?: number;
  q?: number;
  verdict: 'rose' | 'fell' | 'noise';
  detectable?: { down: number | null; up: number | null };
  words?: string;
}

export interface ComparedStatement extends Hidden {
  id: string;
  text: string;
  theme?: string;
  before?: { favorable?: Estimate; n?: number };
  after?: { favorable?: Estimate; n?: number };
  change?: Change;
}

export interface Comparison {
  from: { id: string; name: string; responseRate?: number };
  to: { id: string; name: string; responseRate?: number };
  k?: number;
  statements: ComparedStatement[];
}

/** One row of an IntervalBars chart. */
export interface IntervalRow {
  key: string;
  label: string;
  value: number | null;
  lower?: number;
  upper?: number;
  /** Shown instead of a bar when the value is hidden or missing. */
  note?: string;
  tone?: 'favorable' | 'rose' | 'fell' | 'noise';
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
export const isHidden = (cell: Hidden & { favorable?: Estimate; change?: Change }): boolean =>
  Boolean(cell.hidden) || (cell.favorable === undefined && cell.change === undefined);

export interface SegmentChoice {
  /** The query the results routes take: `unit=<path>` or `filter=<attribute>:<value>`. */
  query: string;
  label: string;
  kind: 'unit' | 'attribute';
}

/**
 * The slices a wave can be read by: its segments (fixed at open) that are units or attribute
 * values. Any other slice would be refused by the server, so none is offered.
 */
export async function listSegmentChoices(api: ApiClient, waveId: string): Promise<SegmentChoice[]> {
  const participation = await api.get<Participation>(`/api/waves/${encodeURIComponent(waveId)}/participation`);
  const choices: SegmentChoice[] = [];
  for (const segment of participation.segments) {
    if (segment.kind === 'unit') choices.push({ query: `unit=${encodeURIComponent(segment.label)}`, label: segment.label, kind: 'unit' });
    else if (segment.kind === 'attribute') {
      const [attribute, ...rest] = segment.label.split(': ');
      choices.push({ query: `filter=${encodeURIComponent(`${attribute}:${rest.join(': ')}`)}`, label: segment.label, kind: 'attribute' });
    }
  }
  return choices;
}
