/** Initiatives as the dashboard reads and writes them (issue 3). */
import type { Estimate } from './results';

export type Phase = 'think' | 'build' | 'ship' | 'tweak';
export const PHASES: Phase[] = ['think', 'build', 'ship', 'tweak'];

export interface Initiative {
  id: string;
  name: string;
  hypothesis: string;
  statements: { id: string; direction: 'up' | 'down'; minChange?: number }[];
  target: string;
  comparison?: string;
  baselineWaveIds: string[];
  followUpWaveIds: string[];
  phase: Phase;
}

export interface ImpactStatement {
  id: string;
  text: string;
  hidden?: boolean;
  reason?: string;
  target?: { before?: Estimate; after?: Estimate; change?: Estimate; n?: number };
  comparison?: { before?: Estimate; after?: Estimate; change?: Estimate; n?: number };
  did?: Estimate & { verdict?: string; words?: string; detectable?: { down: number | null; up: number | null } };
  parallelTrends?: { words?: string; ok?: boolean };
  regressionToMean?: string;
}

export interface Impact {
  initiative: Initiative;
  k?: number;
  statements: ImpactStatement[];
  warnings?: string[];
}

/** Chart tone for an impact verdict: blue when consistent, vermillion when contradicted, gray when noise. */
export function toneOfImpact(verdict: string | undefined): 'rose' | 'fell' | 'noise' {
  if (verdict?.startsWith('consistent')) return 'rose';
  if (verdict?.startsWith('contradict')) return 'fell';
  return 'noise';
}
