/** Initiative helpers shared by the list and the impact page. */
export const PHASES = ['think', 'build', 'ship', 'tweak'] as const;
export type Phase = (typeof PHASES)[number];

/** Chart tone for an impact verdict: blue when consistent, vermillion when contradicted, gray when noise. */
export function toneOfImpact(verdict: string | undefined): 'rose' | 'fell' | 'noise' {
  if (verdict === 'consistent') return 'rose';
  if (verdict === 'contradicts') return 'fell';
  return 'noise';
}

/** A group picked from a wave's list (`unit=<path>` or `filter=<attribute>:<value>`) as an initiative names it. */
export function sliceOfQuery(query: string): { unit?: string; filter?: string } {
  const params = new URLSearchParams(query);
  const unit = params.get('unit');
  const filter = params.get('filter');
  return { ...(unit ? { unit } : {}), ...(filter ? { filter } : {}) };
}
