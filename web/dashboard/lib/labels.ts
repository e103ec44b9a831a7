/**
 * Words the API leaves to the reader's language: a complement group (the API says "¬ <group>"),
 * a heatmap's org level, a theme named per locale, a scale's kind.
 */
import { outsideOf } from '../../../shared/segment-labels.ts';
import { localizeTheme, scalePoints } from '../../../shared/scales.ts';
import type { MessageKey } from './i18n.svelte.ts';
import type { ScaleKind } from './types.ts';

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** A group's label as the reader says it: "Everyone outside Soundwave > Technology" / "Alla utanför …". */
export function wordGroupLabel(t: Translate, label: string): string {
  const plain = outsideOf(label);
  return plain === undefined ? label : t('everyoneOutsideOf', { group: plain });
}

/** A heatmap dimension: an org level by its depth, an attribute by its own name. */
export function wordDimension(t: Translate, dimension: { id: string; label: string }): string {
  return /^\d+$/.test(dimension.id) ? t('orgLevel', { n: Number(dimension.id) }) : dimension.label;
}

export const themeName = (theme: string | Record<string, string> | undefined, lang: string): string => (theme === undefined ? '' : localizeTheme(theme, lang));

const SCALE_NAMES: Record<ScaleKind, MessageKey> = {
  agree5: 'scaleAgree5',
  enps: 'scaleEnps',
  health3: 'scaleHealth3',
  choice: 'scaleChoice',
  text: 'scaleText',
};

/** A scale's human name ("Agree scale, 1–5"), never its code. */
export const scaleName = (t: Translate, kind: ScaleKind): string => t(SCALE_NAMES[kind]);

/** What a respondent picks from, in the reader's language: the two ends of a rated scale, or every option of a choice. */
export function scaleChoices(t: Translate, kind: ScaleKind, lang: string, options: { id: string; text: Record<string, string> }[] = []): string {
  const points = scalePoints(kind, lang, options);
  if (points.length === 0) return '';
  if (kind === 'choice') return points.map((point) => point.label).join(' · ');
  return t('scaleFromTo', { low: points[0].label, high: points[points.length - 1].label });
}
