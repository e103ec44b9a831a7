/**
 * GET /api/waves/:id/segments: the groups of a closed wave the reader may open, as the results
 * routes take them, so that every picker lists exactly these (an analyst's granted units and what
 * lies below them; org-wide attribute values and the whole organization only with the whole
 * organization granted). Mounted at /waves.
 */
import { z } from '@hono/zod-openapi';
import { createContractApp, errorResponses, jsonContent, STAFF, staffRoute, waveIdParams } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { mayRead, readerOf } from '../results/access.ts';
import { labelOf, loadClosedWave } from '../results/wave-context.ts';

const segmentListSchema = z.object({
  wholeOrganization: z.boolean(),
  segments: z.array(z.object({ query: z.string(), label: z.string(), kind: z.enum(['unit', 'attribute']) })),
});

export const segmentRouteDefs = {
  list: staffRoute(STAFF, {
    method: 'get',
    path: '/{waveId}/segments',
    summary: 'the groups of a closed wave the reader may open (an analyst: inside the grants), as the results routes take them',
    request: { params: waveIdParams },
    responses: { 200: jsonContent(segmentListSchema, 'groups'), ...errorResponses },
  }),
};

export function segmentRoutes(deps: AppDeps) {
  return createContractApp().openapi(segmentRouteDefs.list, async (c) => {
    const [context, reader] = await Promise.all([loadClosedWave(deps, c.req.param('waveId')), readerOf(deps, c.get('staff'))]);
    const rootId = `u:${encodeURIComponent(context.tree.root.id)}`;
    const segments: Array<{ query: string; label: string; kind: 'unit' | 'attribute' }> = [];
    for (const segment of context.segments.values()) {
      if (segment.id === rootId || segment.kind === 'unitAttribute' || !mayRead(reader, context, segment.id)) continue;
      const label = labelOf(context, segment.id);
      if (segment.kind === 'unit') segments.push({ query: `unit=${encodeURIComponent(context.tree.path(segment.unitId))}`, label, kind: 'unit' });
      else segments.push({ query: `filter=${encodeURIComponent(`${segment.attribute}:${segment.value}`)}`, label, kind: 'attribute' });
    }
    segments.sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
    return c.json({ wholeOrganization: mayRead(reader, context, rootId), segments });
  });
}
