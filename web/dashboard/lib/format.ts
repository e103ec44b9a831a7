/**
 * Number formats shared by every page, so a share or a change reads the same everywhere. Every
 * number goes through Intl.NumberFormat in the dashboard's language: Swedish gets its decimal comma,
 * its space before "%" and its own minus sign without any string surgery here.
 */

const formats = new Map<string, Intl.NumberFormat>();

/** One formatter per language and option set: Intl.NumberFormat is costly to build and a table calls it per cell. */
function numberFormat(lang: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, options);
    formats.set(key, format);
  }
  return format;
}

/** A true minus (U+2212) where a language's Intl output uses the hyphen-minus (English does): "−2", never "-2". */
const trueMinus = (text: string) => text.replace('-', '\u2212');

/** 0.734 → "73%" ("73 %" in Swedish); proportions are shown as whole percents, never with false precision. */
export function formatPercent(share: number | null | undefined, lang = 'en'): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  return numberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A change in proportion (0.04) as signed whole percentage points: "+4", "−2", "0". */
export function formatPoints(change: number | null | undefined, lang = 'en'): string {
  if (change === null || change === undefined || Number.isNaN(change)) return '—';
  // Rounded first so that −0.4 points reads "0", not "−0".
  const points = Math.round(change * 100) || 0;
  return trueMinus(numberFormat(lang, { signDisplay: 'exceptZero', maximumFractionDigits: 0 }).format(points));
}

const INTERVAL_WORD: Record<string, string> = { en: 'to', sv: 'till' };

/** An interval of changes: "−2 to +10" ("−2 till +10" in Swedish). */
export function formatPointsInterval(lower: number, upper: number, lang = 'en'): string {
  return `${formatPoints(lower, lang)} ${INTERVAL_WORD[lang] ?? INTERVAL_WORD.en} ${formatPoints(upper, lang)}`;
}

/** A count with the language's grouping: "12,000" / "12 000". Strings (a "<5" mark) pass through. */
export function formatCount(n: number | string | null | undefined, lang = 'en'): string {
  if (n === null || n === undefined) return '—';
  return typeof n === 'number' ? trueMinus(numberFormat(lang).format(n)) : n;
}

/** A measured quantity with a fixed number of decimals: a mean score "3.85" / "3,85", seconds "1.2" / "1,2". */
export function formatDecimal(value: number | null | undefined, digits: number, lang = 'en'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return trueMinus(numberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value));
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
