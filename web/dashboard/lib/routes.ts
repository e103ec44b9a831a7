/**
 * The dashboard's pages: one path pattern each, the path's id (if any) as the first group. Plain
 * data apart from the router's state, so the browser tests visit every page this table lists.
 */
export const ROUTES: ReadonlyArray<readonly [name: string, pattern: RegExp]> = [
  ['signin', /^\/signin$/],
  ['surveys', /^\/$/],
  ['wave', /^\/waves\/([^/]+)$/],
  ['compare', /^\/compare$/],
  ['heatmap', /^\/waves\/([^/]+)\/heatmap$/],
  ['trend', /^\/surveys\/([^/]+)\/trend$/],
  ['initiatives', /^\/initiatives$/],
  ['impact', /^\/initiatives\/([^/]+)$/],
  ['planner', /^\/planner$/],
  ['roster', /^\/admin\/directory$/],
  ['statements', /^\/admin\/statements$/],
  ['manage', /^\/admin\/surveys$/],
  ['import', /^\/admin\/import$/],
  ['grants', /^\/admin\/grants$/],
];
