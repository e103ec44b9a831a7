/**
 * `npm run bench [-- name… [-- arguments…]]`: runs the named benchmarks (all when none is named),
 * one after the other; arguments after the names (or after a second `--`) go to each benchmark,
 * e.g. `npm run bench -- scale -- 20000`. To add one, export a function from its file and list it here.
 */
export {};

type Bench = (args: string[]) => Promise<unknown>;
const numbers = (args: string[]) => args.map(Number).filter((n) => n > 0);

/** A benchmark written as a script reads process.argv when imported: give it only its own arguments. */
const script =
  (path: string): Bench =>
  async (args) => {
    process.argv = [process.argv[0], path, ...args];
    await import(path);
  };

const BENCHMARKS: Record<string, Bench> = {
  cost: async (args) => (await import('./cost.ts')).benchCost(numbers(args)[0]),
  results: async (args) => (await import('./results.ts')).benchResults(numbers(args).length > 0 ? numbers(args) : undefined),
  // `scale -- N [target] [--meter]`: with --meter, DynamoDB units per stage and the cloud's time extrapolated to target (default N) people.
  scale: async (args) => (await import('./scale.ts')).benchScale(numbers(args)[0], { meter: args.includes('--meter'), extrapolateTo: numbers(args)[1] }),
  submissions: async () => (await import('./submissions.ts')).benchSubmissions(),
  confidentiality: async () => (await import('./confidentiality.ts')).benchConfidentiality(),
  properties: async () => (await import('./properties.ts')).benchProperties(),
  attack: async () => (await import('./attack.ts')).benchAttack(),
  fuzz: async (args) => (await import('./fuzz.ts')).benchFuzz(numbers(args)[0]),
  // These two run as scripts when imported: bundles and fresh processes, and a real browser (needs `vite build` and chromium).
  'cold-start': script('./cold-start.ts'),
  'respondent-page': script('./respondent-page.ts'),
};

const argv = process.argv.slice(2);
const separator = argv.indexOf('--');
const names = (separator >= 0 ? argv.slice(0, separator) : argv).filter((arg) => arg in BENCHMARKS);
const args = separator >= 0 ? argv.slice(separator + 1) : argv.filter((arg) => !(arg in BENCHMARKS));
const unknown = args.filter((arg) => separator < 0 && !/^\d+$/.test(arg) && !arg.startsWith('-'));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
  console.log(`\n## ${name}`);
  await BENCHMARKS[name](args);
}
