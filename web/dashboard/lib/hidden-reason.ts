import type { MessageKey } from './i18n.svelte.ts';

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const REASON_KEYS: Record<string, MessageKey> = {
  differencing: 'reasonDifferencing',
  'small-group': 'reasonSmall',
  'not-asked': 'reasonNotAsked',
  'not-a-segment': 'reasonNotSegment',
};

/** Why a cell is hidden, in words a reader accepts; the server sends a code, never a number. */
export function explainHidden(t: Translate, reason: string | undefined, k: number | undefined): string {
  const why = reason === 'below-k' ? t('reasonBelowK', { k: k ?? 'k' }) : reason && REASON_KEYS[reason] ? t(REASON_KEYS[reason]) : t('reasonOther');
  return t('suppressedWhy', { reason: why });
}
