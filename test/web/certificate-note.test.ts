/** The wave page's confidentiality certificate says which method certified the wave, and only counts that method checked. */
import { screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Certificate } from '../../shared/certify-certificate.ts';
import CertificateNote from '../../web/dashboard/components/CertificateNote.svelte';
import { renderPage } from './dashboard-harness.ts';

const base: Certificate = {
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
};

describe('the confidentiality certificate note', () => {
  it('an audited wave: what the attack checked', () => {
    renderPage(CertificateNote, () => undefined, { certificate: base });
    expect(screen.getByText(/attacked as an analyst would/)).toBeTruthy();
    expect(screen.getByText(/^51 small groups and 1.?386 of their counts checked against 325 published cells/)).toBeTruthy();
  });

  it('the solver-free certificate: its own words, and no "0 small groups checked"', () => {
    const atoms: Certificate = {
      ...base,
      method: 'over-approximated',
      overApproximations: ['atoms'],
      solver: 'atoms (no solver)',
      checked: { finestGroups: 133, smallGroups: 0, countGroups: 0, quantities: 0, cells: 4155 },
      unanimity: 0,
    };
    renderPage(CertificateNote, () => undefined, { certificate: atoms });
    expect(screen.getByText(/swapping the answers of people no shown group tells apart changes no published number/)).toBeTruthy();
    expect(screen.queryByText(/small groups and .* of their counts checked/)).toBeNull();
    expect(screen.getByText('Hidden: 65 for fewer than k, 143 by the equality rules, 76 by the audit.')).toBeTruthy();
  });
});
