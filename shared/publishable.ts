/**
 * What Baseline publishes (issue 9): every number any route, view or CSV can show about a wave or
 * across waves, and what it is made of. Anything not listed here is not published; a test
 * (test/publishable.test.ts) walks every response schema and fails on a number it does not find
 * here, or on an entry no schema has.
 *
 * The sources, from the attacker's point of view (the close's audit models exactly these):
 * - `setting`: chosen by staff (k, a hoped-for change, the planner's inputs); says nothing about answers.
 * - `directory`: invited counts of a group; public to staff anyway (the directory is theirs).
 * - `cell`: an exact count of one cell the close certified visible: a group's responded count,
 *   a statement's answered count n, its count at each scale point.
 * - `derived`: a function of certified cells of one group in one wave (shares and their
 *   intervals, means, eNPS, response rates): it adds nothing an attacker could not compute.
 * - `compared`: a function of certified cells of one group in two waves, or of a target and its
 *   comparison group (itself a certified cell: "everyone outside" is a complement cell).
 * Cross-wave views apply the larger k of the waves they combine, and read only cells certified in
 * their own wave.
 *
 * CSV exports are written from these JSON views (functions/results/csv.ts takes the view, never a
 * cell), so they publish a subset of the same numbers, rounded. Comments publish one count per
 * readable unit (how many comments), and only for units whose certified responded count is 10 or more.
 * An imported wave (POST /api/waves/import) publishes through the same views: n and % favorable
 * of its stored cells (no invited count, no response rate, no distribution when only % favorable
 * was imported). Participation while a wave is open shows counts that move with each submission;
 * the rules decide them at each refresh, the integer-programming audit only at close.
 */

export type Source = 'setting' | 'directory' | 'cell' | 'derived' | 'compared';

export interface PublishedNumber {
  source: Source;
  what: string;
}

type Entries = Record<string, PublishedNumber>;

const entry = (source: Source, what: string): PublishedNumber => ({ source, what });

/** An estimate with its interval: estimate, lower, upper. */
function interval(path: string, source: Source, what: string): Entries {
  return {
    [`${path}.estimate`]: entry(source, what),
    [`${path}.lower`]: entry(source, `${what}: lower end of its 95% interval`),
    [`${path}.upper`]: entry(source, `${what}: upper end of its 95% interval`),
  };
}

/** A wave as a view names it: its k, and the group's participation when certified. */
function waveRef(path: string): Entries {
  return {
    [`${path}.k`]: entry('setting', 'the wave’s minimum group size'),
    [`${path}.invited`]: entry('directory', 'how many of the group were invited'),
    [`${path}.responded`]: entry('cell', 'how many of the group responded (certified responded cell)'),
    [`${path}.responseRate`]: entry('derived', 'responded / invited'),
  };
}

/** One side of a comparison: n and % favorable of a certified statement cell. */
function side(path: string, source: Source = 'cell'): Entries {
  return {
    [`${path}.n`]: entry(source, 'how many answered the statement (certified statement cell)'),
    ...interval(`${path}.favorable`, 'derived', '% favorable: favorable points’ counts / n (Wilson interval)'),
  };
}

/** A judged change: after − before with Newcombe's interval, p, BH q, the detectable change. */
function change(path: string, what: string): Entries {
  return {
    ...interval(path, 'compared', what),
    [`${path}.p`]: entry('compared', 'two-proportion z-test p-value'),
    [`${path}.q`]: entry('compared', 'Benjamini–Hochberg q across the view'),
    [`${path}.detectable.down`]: entry('compared', 'smallest fall these group sizes could show at 80% power'),
    [`${path}.detectable.up`]: entry('compared', 'smallest rise these group sizes could show at 80% power'),
  };
}

/** How a group's share shows in the share views (heatmap cells, trend points). */
function share(path: string): Entries {
  return {
    [`${path}.n`]: entry('cell', 'how many answered (certified statement cell)'),
    ...interval(`${path}.favorable`, 'derived', '% favorable (Wilson interval)'),
  };
}

/** Every number of every view, by view, keyed by its path in the view's JSON. */
export const PUBLISHED = {
  /** GET /api/waves/:id/results (and its CSV): one group of one closed wave. */
  results: {
    ...waveRef('wave'),
    'statements[].n': entry('cell', 'how many answered the statement (certified statement cell)'),
    'statements[].counts.*': entry('cell', 'how many answered each scale point (certified statement cell)'),
    ...interval('statements[].favorable', 'derived', '% favorable'),
    ...interval('statements[].neutral', 'derived', '% neutral'),
    ...interval('statements[].unfavorable', 'derived', '% unfavorable'),
    ...interval('statements[].mean', 'derived', 'mean score (t interval)'),
    ...interval('statements[].enps', 'derived', 'eNPS: % promoters − % detractors (adjusted Wald interval)'),
  },
  /** GET /api/compare and /api/waves/:id/compare-previous: one group in two closed waves. */
  comparison: {
    ...waveRef('from'),
    ...waveRef('to'),
    k: entry('setting', 'the larger k of the two waves: it applies to both'),
    ...side('statements[].before'),
    ...side('statements[].after'),
    ...change('statements[].change', 'change in % favorable, after − before (Newcombe interval)'),
  },
  /** GET /api/waves/:id/heatmap: statements × the groups of one dimension, and the change since the previous wave. */
  heatmap: {
    ...waveRef('wave'),
    ...waveRef('previous'),
    k: entry('setting', 'the larger k of this wave and the previous one'),
    'segments[].responseRate': entry('derived', 'responded / invited of the group’s certified cell'),
    'segments[].previousResponseRate': entry('derived', 'the same in the previous wave'),
    ...share('cells[]'),
    ...change('cells[].change', 'change in % favorable since the previous wave'),
    'page.offset': entry('setting', 'the first group of the page, as asked'),
    'page.size': entry('setting', 'how many groups a page holds (fewer when a wave asks many statements)'),
    'page.total': entry('directory', 'how many groups of the dimension this reader may see (each has at least k invited)'),
  },
  /** GET /api/surveys/:id/trend: one statement of one group across a survey's closed waves. */
  trend: {
    'points[].k': entry('setting', 'that wave’s k'),
    'points[].responseRate': entry('derived', 'responded / invited of the group’s certified cell in that wave'),
    ...share('points[]'),
  },
  /** GET /api/initiatives/:id/impact: target against its comparison group (by default its complement cell). */
  impact: {
    'initiative.statements[].minChange': entry('setting', 'the smallest change the working group would call a success'),
    'initiative.registered.statements[].minChange': entry('setting', 'the same, as registered'),
    k: entry('setting', 'the largest k of the waves involved'),
    ...waveRef('baseline[]'),
    ...waveRef('followUp'),
    'responseRates.target.before': entry('derived', 'target’s responded / invited, baseline wave'),
    'responseRates.target.after': entry('derived', 'target’s responded / invited, follow-up wave'),
    'responseRates.comparison.before': entry('derived', 'comparison group’s responded / invited, baseline wave'),
    'responseRates.comparison.after': entry('derived', 'comparison group’s responded / invited, follow-up wave'),
    'statements[].minChange': entry('setting', 'the smallest change worth having'),
    ...side('statements[].target.before'),
    ...side('statements[].target.after'),
    ...interval('statements[].target.change', 'compared', 'target’s change'),
    ...side('statements[].comparison.before'),
    ...side('statements[].comparison.after'),
    ...interval('statements[].comparison.change', 'compared', 'comparison group’s change'),
    ...change('statements[].did', 'difference-in-differences: target’s change − comparison’s change'),
    ...side('statements[].baseline.target'),
    ...side('statements[].baseline.comparison'),
    'statements[].plan.detectable.down': entry('compared', 'smallest fall the baseline sizes could show'),
    'statements[].plan.detectable.up': entry('compared', 'smallest rise the baseline sizes could show'),
    'statements[].plan.neededPerGroup': entry('compared', 'group size needed to detect the hoped-for change'),
    ...interval('statements[].parallelTrends.difference', 'compared', 'difference of target’s and comparison’s pre-trends'),
  },
  /** GET /api/waves/:id/participation: invited and responded per group; after close from the certified cells. */
  participation: {
    invited: entry('directory', 'how many were invited'),
    responded: entry('cell', 'how many responded (after close: the certified root cell)'),
    rate: entry('derived', 'responded / invited'),
    'segments[].invited': entry('directory', 'how many of the group were invited'),
    'segments[].responded': entry('cell', 'how many of the group responded (after close: certified responded cell)'),
    'segments[].rate': entry('derived', 'responded / invited'),
  },
  /** GET /api/plan: the power planner; computed from its inputs only, no survey data. */
  plan: {
    'inputs.n1': entry('setting', 'first group size'),
    'inputs.n2': entry('setting', 'second group size'),
    'inputs.p': entry('setting', 'baseline % favorable'),
    'inputs.change': entry('setting', 'the change hoped for'),
    'twoWaves.detectable.down': entry('setting', 'smallest detectable fall'),
    'twoWaves.detectable.up': entry('setting', 'smallest detectable rise'),
    'twoWaves.neededPerWave': entry('setting', 'group size needed per wave'),
    'initiative.detectable.down': entry('setting', 'smallest detectable fall'),
    'initiative.detectable.up': entry('setting', 'smallest detectable rise'),
    'initiative.neededPerGroup': entry('setting', 'group size needed per group'),
  },
  /**
   * GET /api/waves/:id/comments: how many comments the unit's list holds over every page, the number
   * a whole list published before pages by its length. Only for units readable on their own: 10 or
   * more respondents and, where the close's audit ran, every comment statement's cell certified
   * visible (functions/results/comments.ts).
   */
  comments: {
    total: entry('cell', "how many comments the unit's list holds (the comment statements' certified cells)"),
  },
} as const satisfies Record<string, Entries>;

export type PublishedView = keyof typeof PUBLISHED;
