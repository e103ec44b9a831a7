/**
 * The shapes the respondent page exchanges with POST /api/questionnaire and POST /api/responses.
 * Declared here as plain types, not imported zod schemas, so no validation library ships in the
 * respondent bundle (its budget is 40 KB in total); the server validates everything it receives.
 */
export type ScaleKind = 'agree5' | 'enps' | 'health3' | 'choice' | 'text';

export interface ScalePoint {
  value: number | string;
  label: string;
}

export interface Statement {
  id: string;
  text: string;
  theme: string;
  scale: { kind: ScaleKind; points: ScalePoint[] };
}

export interface Questionnaire {
  survey: { name: string };
  wave: { id: string; name: string };
  k: number;
  lang: string;
  locales: string[];
  statements: Statement[];
}

/** A chosen scale value, comment text, or null for "prefer not to say" (which is sent as no answer). */
export type Answer = number | string | null;

export const COMMENT_MAX_LENGTH = 2000;
