/** The heatmap page shows one page of groups at a time, as the API answers them, and fetches the next when asked. */
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Heatmap } from '../../shared/api-results.ts';
import HeatmapPage from '../../web/dashboard/pages/Heatmap.svelte';
import { renderPage } from './dashboard-harness.ts';

const TOTAL = 250;
const SIZE = 100;

/** The API's page of `TOTAL` teams from `offset`: the whole organization first, then the page's groups. */
function aPage(offset: number): Heatmap {
  const teams = Array.from({ length: Math.min(SIZE, TOTAL - offset) }, (_, i) => ({ id: `u:t${offset + i}`, label: `Large Co > Team ${offset + i}` }));
  const segments = [{ id: 'u:root', label: 'Large Co', whole: true }, ...teams];
  return {
    wave: { id: 'w', name: 'Spring', k: 5 },
    k: 5,
    dimension: '1',
    dimensions: [{ id: '1', label: 'Org level 1' }],
    statements: [{ id: 'clear', text: 'Management makes its expectations clear', theme: 'Leadership', scale: 'agree5' }],
    segments,
    cells: segments.map((segment) => ({ statementId: 'clear', segmentId: segment.id, n: 12, favorable: { estimate: 0.5, lower: 0.3, upper: 0.7 } })),
    page: { offset, size: SIZE, total: TOTAL },
  };
}

describe('heatmap of many groups', () => {
  it('shows a page of groups with the whole organization, and fetches the next page and back', async () => {
    const { calls } = renderPage(
      HeatmapPage,
      ({ path }) => {
        const match = /^\/api\/waves\/w\/heatmap(?:\?offset=(\d+))?$/.exec(path);
        return match ? { status: 200, body: aPage(Number(match[1] ?? 0)) } : undefined;
      },
      { id: 'w' },
    );
    expect(await screen.findByRole('columnheader', { name: 'Large Co > Team 99' })).toBeTruthy();
    expect(screen.queryByRole('columnheader', { name: 'Large Co > Team 100' })).toBeNull();
    expect(screen.getByText(/^Groups 1–100 of 250/)).toBeTruthy();
    expect((screen.getByRole('button', { name: '← Previous groups' }) as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByRole('button', { name: 'Next groups →' }));
    expect(await screen.findByRole('columnheader', { name: 'Large Co > Team 100' })).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: /Whole organization/ })).toBeTruthy();
    expect(calls.map((call) => call.path)).toContain('/api/waves/w/heatmap?offset=100');

    await fireEvent.click(screen.getByRole('button', { name: 'Next groups →' }));
    await waitFor(() => expect(screen.getByText(/^Groups 201–250 of 250/)).toBeTruthy());
    expect((screen.getByRole('button', { name: 'Next groups →' }) as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByRole('button', { name: '← Previous groups' }));
    await waitFor(() => expect(screen.getByText(/^Groups 101–200 of 250/)).toBeTruthy());
  });
});
