/**
 * Answer scales: which values a statement accepts, their labels per locale, and how a value maps to
 * favorable / neutral / unfavorable. Every count, result and validation goes through here.
 */

export const SCALE_KINDS = ['agree5', 'enps', 'health3', 'choice', 'text'] as const;
export type ScaleKind = (typeof SCALE_KINDS)[number];

/** Locale → text; the first key is the statement's default locale. */
export type LocalizedText = Record<string, string>;

export interface ChoiceOption {
  id: string;
  text: LocalizedText;
}

export type Favorability = 'favorable' | 'neutral' | 'unfavorable';

export const MAX_COMMENT_LENGTH = 2000;

const AGREE5_LABELS: Record<string, string[]> = {
  en: ['Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree', 'Strongly agree'],
  sv: ['Instämmer inte alls', 'Instämmer inte', 'Varken eller', 'Instämmer', 'Instämmer helt'],
};
const HEALTH3_LABELS: Record<string, string[]> = {
  en: ['Red: this is a problem', 'Yellow: some issues', 'Green: this works well'],
  sv: ['Röd: det här är ett problem', 'Gul: vissa problem', 'Grön: det här fungerar bra'],
};
const ENPS_ENDS: Record<string, [string, string]> = {
  en: ['Not at all likely', 'Extremely likely'],
  sv: ['Inte alls troligt', 'Mycket troligt'],
};

export interface ScalePoint {
  value: number | string;
  label: string;
}

/** The values a closed scale counts, in display order. Text scales have none. */
export function scaleValues(kind: ScaleKind, options: readonly ChoiceOption[] = []): Array<number | string> {
  switch (kind) {
    case 'agree5':
      return [1, 2, 3, 4, 5];
    case 'enps':
      return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    case 'health3':
      return [1, 2, 3];
    case 'choice':
      return options.map((option) => option.id);
    case 'text':
      return [];
  }
}

/** Scale points with labels in the requested locale (English when the scale has no such locale). */
export function scalePoints(kind: ScaleKind, lang: string, options: readonly ChoiceOption[] = []): ScalePoint[] {
  const pick = <T>(table: Record<string, T>): T => table[lang] ?? table.en;
  switch (kind) {
    case 'agree5':
      return pick(AGREE5_LABELS).map((label, index) => ({ value: index + 1, label }));
    case 'health3':
      return pick(HEALTH3_LABELS).map((label, index) => ({ value: index + 1, label }));
    case 'enps': {
      const [low, high] = pick(ENPS_ENDS);
      return scaleValues('enps').map((value) => ({
        value,
        label: value === 0 ? `0 – ${low}` : value === 10 ? `10 – ${high}` : String(value),
      }));
    }
    case 'choice':
      return options.map((option) => ({ value: option.id, label: localize(option.text, lang) }));
    case 'text':
      return [];
  }
}

/**
 * A theme's name in the requested locale. A theme is one name for every language ("Growth") or a
 * name per locale ({ en: "Growth", sv: "Utveckling" }), so a Swedish dashboard groups by Swedish names.
 */
export function localizeTheme(theme: string | LocalizedText, lang: string): string {
  return typeof theme === 'string' ? theme : localize(theme, lang);
}

/** Text in the requested locale, else the text's first locale. */
export function localize(text: LocalizedText, lang: string): string {
  return text[lang] ?? text[Object.keys(text)[0]] ?? '';
}

/** Where a value falls; undefined for scales without a favorable direction (choice, text). */
export function favorability(kind: ScaleKind, value: number | string): Favorability | undefined {
  if (typeof value !== 'number') return undefined;
  switch (kind) {
    case 'agree5':
      return value >= 4 ? 'favorable' : value === 3 ? 'neutral' : 'unfavorable';
    case 'health3':
      return value === 3 ? 'favorable' : value === 2 ? 'neutral' : 'unfavorable';
    case 'enps':
      // Promoters, passives and detractors (Reichheld's bands).
      return value >= 9 ? 'favorable' : value >= 7 ? 'neutral' : 'unfavorable';
    default:
      return undefined;
  }
}

/** Why a value is not acceptable for the scale, or undefined when it is. */
export function invalidAnswer(kind: ScaleKind, value: unknown, options: readonly ChoiceOption[] = []): string | undefined {
  if (kind === 'text') {
    if (typeof value !== 'string') return 'must be text';
    // A blank comment would count as answered but list nothing: a comment count no view can show
    // (the page leaves blanks out; only a crafted request sends one).
    if (value.trim() === '') return 'must not be blank: leave the question out to skip it';
    if (value.length > MAX_COMMENT_LENGTH) return `must be at most ${MAX_COMMENT_LENGTH} characters`;
    return undefined;
  }
  const allowed = scaleValues(kind, options);
  if (!allowed.includes(value as number | string)) {
    return `must be one of ${allowed.join(', ')}`;
  }
  return undefined;
}
