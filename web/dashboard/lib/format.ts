/** Number formats shared by every page, so a share or a change reads the same everywhere. */

/** 0.734 → "73%"; proportions are shown as whole percents, never with false precision. */
export function formatPercent(share: number | null | undefined, lang = 'en'): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A change in proportion (0.04) as signed whole percentage points: "+4", "−2", "0". */
export function formatPoints(change: number | null | undefined): string {
  if (change === null || change === undefined || Number.isNaN(change)) return '—';
  const points = Math.round(change * 100);
  if (points === 0) return '0';
  return points > 0 ? `+${points}` : `−${Math.abs(points)}`;
}

/** An interval of changes: "−2 to +10". */
export function formatPointsInterval(lower: number, upper: number): string {
  return `${formatPoints(lower)} to ${formatPoints(upper)}`;
}

export function formatCount(n: number | string | null | undefined, lang = 'en'): string {
  if (n === null || n === undefined) return '—';
  return typeof n === 'number' ? new Intl.NumberFormat(lang).format(n) : n;
}

export function formatDate(iso: string | undefined, lang = 'en'): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(iso));
}

/** A scheduled instant in the reader's time zone: "1 Sep 2031, 08:00". */
export function formatDateTime(iso: string | undefined, lang = 'en'): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A time of day: "14:05". */
export function formatTime(iso: string | undefined, lang = 'en'): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(new Date(iso));
}
