/**
 * CSV for tables the dashboard computes itself (the server's `?format=csv` covers results views),
 * with the server's own cell rule: formula-like cells are escaped.
 */
import { toCsv as rowsToCsv } from '../../../shared/csv.ts';

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return rowsToCsv([header, ...rows]);
}

/** Hand a CSV string to the browser as a download. */
export function downloadCsv(filename: string, csv: string): void {
  // The byte-order mark tells Excel the file is UTF-8, as the server's CSVs do.
  const url = URL.createObjectURL(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
