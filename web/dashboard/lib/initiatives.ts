/** Initiative helpers shared by the list and the impact page. */
export const PHASES = ['think', 'build', 'ship', 'tweak'] as const;
export type Phase = (typeof PHASES)[number];

/** Chart tone for an impact verdict: blue when consistent, vermillion when contradicted, gray when noise. */
export function toneOfImpact(verdict: string | undefined): 'rose' | 'fell' | 'noise' {
  if (verdict === 'consistent') return 'rose';
  if (verdict === 'contradicts') return 'fell';
  return 'noise';
}

/** A group typed as an org unit path, or `<attribute>:<value>`, as the results routes take it. */
export function parseSlice(text: string): { unit?: string; filter?: string } {
  const trimmed = text.trim();
  return trimmed.includes(' > ') || !trimmed.includes(':') ? { unit: trimmed } : { filter: trimmed };
}
