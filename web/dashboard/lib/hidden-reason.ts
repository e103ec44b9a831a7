import type { MessageKey } from './i18n.svelte';

/** Why a cell is hidden, in words a reader accepts; the server sends a code, never a number. */
export function explainHidden(t: (key: MessageKey, values?: Record<string, string | number>) => string, reason: string | undefined, k: number | undefined): string {
  const why =
    reason === 'below-k'
      ? t('reasonBelowK', { k: k ?? 'k' })
      : reason === 'differencing'
        ? t('reasonDifferencing')
        : reason === 'small-distribution'
          ? t('reasonSmall')
          : t('reasonOther');
  return t('suppressedWhy', { reason: why });
}
