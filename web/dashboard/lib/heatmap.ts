import type { Change, HeatCell, Heatmap } from './results';

/** Cells by statement and segment. */
export function indexCells(map: Heatmap): (statementId: string, segmentId: string) => HeatCell | undefined {
  const byKey = new Map(map.cells.map((cell) => [`${cell.statementId}\u0000${cell.segmentId}`, cell]));
  return (statementId, segmentId) => byKey.get(`${statementId}\u0000${segmentId}`);
}

/** The share a cell is colored by: its estimate, or for a group under 10 the middle of its band. */
export const shareOf = (cell: HeatCell | undefined): number | undefined => cell?.favorable?.estimate ?? cell?.favorableBand?.value;
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
