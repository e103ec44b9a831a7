import type { Change, Estimate } from './results';

/** One cell of a heatmap as the dashboard reads it: a share, a change, or a reason it is hidden. */
export interface HeatCell {
  statementId: string;
  segmentId: string;
  favorable?: Estimate | number;
  n?: number;
  change?: Change;
  hidden?: boolean;
  reason?: string;
}

export interface Heatmap {
  dimension: string;
  dimensions?: { id: string; label: string }[];
  k?: number;
  statements: { id: string; text: string; theme?: string }[];
  segments: { id: string; label: string }[];
  cells: HeatCell[] | Record<string, Record<string, Omit<HeatCell, 'statementId' | 'segmentId'>>>;
}

/** Cells by statement and segment, whichever layout the server sent. */
export function indexCells(map: Heatmap): (statementId: string, segmentId: string) => HeatCell | undefined {
  if (Array.isArray(map.cells)) {
    const byKey = new Map(map.cells.map((cell) => [`${cell.statementId}\u0000${cell.segmentId}`, cell]));
    return (statementId, segmentId) => byKey.get(`${statementId}\u0000${segmentId}`);
  }
  const nested = map.cells;
  return (statementId, segmentId) => {
    const cell = nested[statementId]?.[segmentId];
    return cell ? { ...cell, statementId, segmentId } : undefined;
  };
}

export const shareOf = (favorable: Estimate | number | undefined): number | undefined =>
  typeof favorable === 'number' ? favorable : favorable?.estimate;

/**
 * Fill for a share: a single-hue blue ramp (readable in grayscale and by every common
 * color-vision deficiency), light at 0% and dark at 100%.
 */
export function shareColor(share: number): { background: string; color: string } {
  const lightness = 96 - share * 68;
  return { background: `hsl(207 80% ${lightness}%)`, color: lightness < 55 ? '#fff' : '#1b1b1f' };
}

/**
 * Fill for a change, decided by the verdict rule alone: blue when it rose, vermillion when it
 * fell, pale gray when noise, so a color never claims more than the verdict word does.
 */
export function changeColor(change: Change): { background: string; color: string } {
  const strength = Math.min(1, Math.abs(change.estimate) / 0.15);
  if (change.verdict === 'rose') return { background: `hsl(207 85% ${80 - strength * 50}%)`, color: strength > 0.5 ? '#fff' : '#1b1b1f' };
  if (change.verdict === 'fell') return { background: `hsl(22 90% ${82 - strength * 44}%)`, color: strength > 0.6 ? '#fff' : '#1b1b1f' };
  return { background: '#f1f1f4', color: '#1b1b1f' };
}
