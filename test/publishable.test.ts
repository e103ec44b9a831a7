/**
 * Issue 9: what is published is listed in one place (shared/publishable.ts). Every number a
 * response schema can carry must be listed there, and every listed number must exist: adding a
 * field to a view without saying what it is made of fails here.
 */
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  commentsSchema,
  comparisonSchema,
  heatmapSchema,
  impactSchema,
  participationSchema,
  planSchema,
  trendSchema,
  waveResultsSchema,
} from '../shared/api-results.ts';
import { PUBLISHED, type PublishedView } from '../shared/publishable.ts';
import { numberPaths } from './helpers/schema-numbers.ts';

const SCHEMAS: Record<PublishedView, z.ZodType> = {
  results: waveResultsSchema,
  comparison: comparisonSchema,
  heatmap: heatmapSchema,
  trend: trendSchema,
  impact: impactSchema,
  participation: participationSchema,
  plan: planSchema,
  comments: commentsSchema,
};

describe('the publishable set', () => {
  it.each(Object.keys(SCHEMAS) as PublishedView[])('%s: every number its schema can carry is listed, and nothing else', (view) => {
    const inSchema = numberPaths(SCHEMAS[view]).sort();
    const listed = Object.keys(PUBLISHED[view]).sort();
    expect(
      inSchema.filter((path) => !listed.includes(path)),
      'numbers in the schema that publishable.ts does not list',
    ).toEqual([]);
    expect(
      listed.filter((path) => !inSchema.includes(path)),
      'listed numbers no schema has',
    ).toEqual([]);
  });

  it('finds a field added to a view (the check has teeth)', async () => {
    const { z } = await import('zod');
    const extended = waveResultsSchema.extend({ statements: z.array(waveResultsSchema.shape.statements.element.extend({ median: z.number() })) });
    expect(numberPaths(extended)).toContain('statements[].median');
    expect(Object.keys(PUBLISHED.results)).not.toContain('statements[].median');
  });
});
