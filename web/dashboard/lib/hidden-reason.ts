import type { FavorableBand } from '../../../shared/api-results';
import { formatPercent } from './format';
import type { MessageKey } from './i18n.svelte';

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const REASON_KEYS: Record<string, MessageKey> = {
  'differencing': 'reasonDifferencing',
  'small-group': 'reasonSmall',
  'not-asked': 'reasonNotAsked',
  'not-a-segment': 'reasonNotSegment',
};

/** Why a cell is hidden, in words a reader accepts; the server sends a code, never a number. */
export function explainHidden(t: Translate, reason: string | undefined, k: number | undefined): string {
  const why = reason === 'below-k' ? t('reasonBelowK', { k: k ?? 'k' }) : reason && REASON_KEYS[reason] ? t(REASON_KEYS[reason]) : t('reasonOther');
  return t('suppressedWhy', { reason: why });
}

/** A small group's % favorable, as the band the server gives: "25% or less", "about 40%", "75% or more". */
export function formatBand(t: Translate, band: FavorableBand, lang: string): string {
  const value = formatPercent(band.value, lang);
  return t(band.kind === 'at-most' ? 'bandAtMost' : band.kind === 'at-least' ? 'bandAtLeast' : 'bandAbout', { value });
}
