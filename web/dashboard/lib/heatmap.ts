import type { Change, HeatCell, Heatmap } from './results.ts';

/** Cells by statement and segment. */
export function indexCells(map: Heatmap): (statementId: string, segmentId: string) => HeatCell | undefined {
  const byKey = new Map(map.cells.map((cell) => [`${cell.statementId}\u0000${cell.segmentId}`, cell]));
  return (statementId, segmentId) => byKey.get(`${statementId}\u0000${segmentId}`);
}

/** The share a cell is colored by: its estimate, or for a group under 10 the middle of its band. */
export const shareOf = (cell: HeatCell | undefined): number | undefined => cell?.favorable?.estimate;
/**
 * Steps of ColorBrewer's single-hue Blues and Oranges, each with the text color that keeps WCAG AA
 * contrast on it (checked: black on the light steps, white on the dark ones, 4.5:1 or more).
 */
const BLUES: [string, string][] = [
  ['#f7fbff', '#1b1b1f'],
  ['#deebf7', '#1b1b1f'],
  ['#c6dbef', '#1b1b1f'],
  ['#9ecae1', '#1b1b1f'],
  ['#6baed6', '#1b1b1f'],
  ['#4292c6', '#1b1b1f'],
  ['#2171b5', '#ffffff'],
  ['#08519c', '#ffffff'],
  ['#08306b', '#ffffff'],
];
const ROSE: [string, string][] = [BLUES[1], BLUES[3], BLUES[5], BLUES[7]];
const FELL: [string, string][] = [
  ['#fee6ce', '#1b1b1f'],
  ['#fdae6b', '#1b1b1f'],
  ['#f16913', '#1b1b1f'],
  ['#a63603', '#ffffff'],
];

const fill = ([background, color]: [string, string]) => ({ background, color });
const step = (ramp: [string, string][], t: number) => ramp[Math.min(ramp.length - 1, Math.max(0, Math.floor(t * ramp.length)))];

/** Fill for a share: light at 0%, dark at 100%, one hue, readable in grayscale and by every common color-vision deficiency. */
export function shareColor(share: number): { background: string; color: string } {
  return fill(step(BLUES, share));
}

/**
 * Fill for a change, decided by the verdict rule alone: blue when it rose, orange when it fell,
 * pale gray when noise, so a color never claims more than the verdict word does.
 */
export function changeColor(change: Change): { background: string; color: string } {
  const strength = Math.min(0.999, Math.abs(change.estimate) / 0.15);
  if (change.verdict === 'rose') return fill(step(ROSE, strength));
  if (change.verdict === 'fell') return fill(step(FELL, strength));
  return { background: '#f1f1f4', color: '#1b1b1f' };
}
