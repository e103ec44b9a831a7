import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/svelte';
import Participation from '../../web/dashboard/pages/Participation.svelte';
import Results from '../../web/dashboard/pages/Results.svelte';
import { PARTICIPATION_REFRESH_MS } from '../../shared/participation.ts';
import { renderPage } from './dashboard-harness.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('a results page', () => {
  it("lists the wave's groups from the segment list, never from participation (which lists every cell)", async () => {
    const { calls } = renderPage(
      Results,
      ({ path }) =>
        path.endsWith('/segments')
          ? { status: 200, body: { wholeOrganization: true, segments: [{ query: 'unit=Acme%20%3E%20Product', label: 'Acme > Product', kind: 'unit' }] } }
          : undefined,
      { waveId: 'w1' },
    );
    expect(await screen.findByRole('option', { name: 'Acme > Product' })).toBeTruthy();
    expect(calls.some((call) => call.path.includes('/participation'))).toBe(false);
  });
});

describe('participation while a wave is open', () => {
  it('asks the server no more often than the server refreshes: each poll is billed, a repeat shows nothing new', async () => {
    vi.useFakeTimers();
    const { calls } = renderPage(
      Participation,
      ({ path }) =>
        path.endsWith('/participation') ? { status: 200, body: { status: 'open', invited: 40, responded: 12, rate: 0.3, segments: [] } } : undefined,
      { waveId: 'w1' },
    );
    const polls = () => calls.filter((call) => call.path.endsWith('/participation')).length;
    await vi.advanceTimersByTimeAsync(0);
    expect(polls()).toBe(1);
    await vi.advanceTimersByTimeAsync(PARTICIPATION_REFRESH_MS - 1_000);
    expect(polls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(polls()).toBe(2);
    expect(PARTICIPATION_REFRESH_MS).toBeGreaterThanOrEqual(3 * 60_000);
  });

  it('does not poll while the tab is hidden; back in view it asks at once if a poll fell due meanwhile, else when it falls due', async () => {
    vi.useFakeTimers();
    let visibility: DocumentVisibilityState = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    const show = async (state: DocumentVisibilityState) => {
      visibility = state;
      document.dispatchEvent(new Event('visibilitychange'));
      await vi.advanceTimersByTimeAsync(0);
    };
    try {
      const { calls } = renderPage(
        Participation,
        ({ path }) =>
          path.endsWith('/participation') ? { status: 200, body: { status: 'open', invited: 40, responded: 12, rate: 0.3, segments: [] } } : undefined,
        { waveId: 'w1' },
      );
      const polls = () => calls.filter((call) => call.path.endsWith('/participation')).length;
      await vi.advanceTimersByTimeAsync(0);
      expect(polls()).toBe(1);
      await show('hidden');
      await vi.advanceTimersByTimeAsync(3 * PARTICIPATION_REFRESH_MS);
      expect(polls()).toBe(1);
      // Back after a poll fell due: at once, then every interval.
      await show('visible');
      expect(polls()).toBe(2);
      await vi.advanceTimersByTimeAsync(PARTICIPATION_REFRESH_MS);
      expect(polls()).toBe(3);
      // Away for a minute: no poll on coming back, the next when it falls due.
      await show('hidden');
      await vi.advanceTimersByTimeAsync(60_000);
      await show('visible');
      expect(polls()).toBe(3);
      await vi.advanceTimersByTimeAsync(PARTICIPATION_REFRESH_MS - 61_000);
      expect(polls()).toBe(3);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(polls()).toBe(4);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
  });
});
