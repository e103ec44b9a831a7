/**
 * `npm run bench [-- name… [runs]]`: runs the named benchmarks (all when none is named), one after
 * the other. To add one, export a function from its file and list it here.
 */
export {};

const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  results: async () => (await import('./results.ts')).benchResults(),
  submissions: async () => (await import('./submissions.ts')).benchSubmissions(),
  confidentiality: async () => (await import('./confidentiality.ts')).benchConfidentiality(),
  properties: async () => (await import('./properties.ts')).benchProperties(),
  attack: async () => (await import('./attack.ts')).benchAttack(),
  // These two run as scripts when imported: bundles and fresh processes, and a real browser (needs `vite build` and chromium).
  'cold-start': () => import('./cold-start.ts'),
  'respondent-page': () => import('./respondent-page.ts'),
};

// A number is a run count for the benchmarks that take one (cold-start, respondent-page), not a name.
const wanted = process.argv.slice(2).filter((arg) => !/^\d+$/.test(arg));
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)) {
  console.log(`\n## ${name}`);
  await BENCHMARKS[name]();
}
