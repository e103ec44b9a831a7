/**
 * Counting responses: per profile (unit + attribute values), per statement, per scale point. The
 * close counts shard by shard with this, the recount checks the stored counts with this, and the
 * demo and the benchmarks go through it too, so there is one way to count.
 */
import type { ScaleKind } from './scales.ts';

export interface CountedStatement {
  id: string;
  scale: ScaleKind;
}

/** answers to one statement: scale value → count */
export type PointCounts = Record<string, number>;

export interface ProfileTally {
  respondents: number;
  /** statement id → scale value → count; text (comment) statements count answers under "text". */
  statements: Record<string, PointCounts>;
}

/** profile key → tally */
export type Tally = Record<string, ProfileTally>;

export interface CountableResponse {
  profileKey: string;
  answers: Record<string, number | string>;
}

/** Add responses into a tally (mutates and returns it). */
export function addToTally(tally: Tally, responses: Iterable<CountableResponse>, statements: readonly CountedStatement[]): Tally {
  for (const response of responses) {
    const entry = (tally[response.profileKey] ??= { respondents: 0, statements: {} });
    entry.respondents += 1;
    for (const statement of statements) {
      const value = response.answers[statement.id];
      if (value === undefined) continue;
      const point = statement.scale === 'text' ? 'text' : String(value);
      const counts = (entry.statements[statement.id] ??= {});
      counts[point] = (counts[point] ?? 0) + 1;
    }
  }
  return tally;
}

/** Sum tallies (the close combines its shards' partial counts with this). */
export function mergeTallies(tallies: Iterable<Tally>): Tally {
  const merged: Tally = {};
  for (const tally of tallies) {
    for (const [key, entry] of Object.entries(tally)) {
      const target = (merged[key] ??= { respondents: 0, statements: {} });
      target.respondents += entry.respondents;
      for (const [statementId, counts] of Object.entries(entry.statements)) {
        const targetCounts = (target.statements[statementId] ??= {});
        for (const [point, count] of Object.entries(counts)) targetCounts[point] = (targetCounts[point] ?? 0) + count;
      }
    }
  }
  return merged;
}

/** How many answered a statement in a point-count map. */
export function answeredCount(counts: PointCounts | undefined): number {
  let total = 0;
  for (const count of Object.values(counts ?? {})) total += count;
  return total;
}
