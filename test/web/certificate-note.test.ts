/** The wave page's confidentiality certificate says which method certified the wave, and only counts that method checked. */
import { screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { publishCertificate, type PublishedCertificate } from '../../shared/published-wave.ts';
import CertificateNote from '../../web/dashboard/components/CertificateNote.svelte';
import { renderPage } from './dashboard-harness.ts';

// As the close stores it; the page gets what GET /api/waves/:id publishes of it.
const base: PublishedCertificate = publishCertificate({
  k: 5,
  method: 'exact',
  overApproximations: ['exact-counts'],
  solver: 'moves, then HiGHS 1.15 (WebAssembly), mixed-integer',
  checked: { finestGroups: 22, smallGroups: 51, countGroups: 52, quantities: 1386, cells: 325 },
  hidden: { belowK: 65, differencing: 143, audit: 76 },
  unanimity: 18,
  leaks: 0,
  rounds: 3,
  solves: 40,
  ms: 1200,
});

describe('the confidentiality certificate note', () => {
  it('an audited wave: what the attack checked', () => {
    renderPage(CertificateNote, () => undefined, { certificate: base });
    expect(screen.getByText(/attacked as an analyst would/)).toBeTruthy();
    expect(screen.getByText(/^Every count of 51 small groups checked against 325 published cells/)).toBeTruthy();
  });

  it('the solver-free certificate: its own words, and no "0 small groups checked"', () => {
    const atoms: PublishedCertificate = {
      ...base,
      method: 'over-approximated',
      overApproximations: ['atoms'],
      solver: 'atoms (no solver)',
      checked: { finestGroups: 133, smallGroups: 0, countGroups: 0, cells: 4155 },
    };
    renderPage(CertificateNote, () => undefined, { certificate: atoms });
    expect(screen.getByText(/swapping the answers of people no shown group tells apart changes no published number/)).toBeTruthy();
    expect(screen.queryByText(/small groups checked/)).toBeNull();
    // One count of hidden cells: why each is hidden would say how many answered.
    expect(screen.getByText(/^Hidden: 284 of the 4.?155 cells, in groups of fewer than k invited or so that no smaller group can be worked out/)).toBeTruthy();
  });
});
