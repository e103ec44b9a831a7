/**
 * GET /api/waves/:id/segments: the groups of a closed wave the reader may open, as the results
 * routes take them, so that every picker lists exactly these (an analyst's granted units and what
 * lies below them; org-wide attribute values and the whole organization only with the whole
 * organization granted). Mounted at /waves.
 */
import { Hono } from 'hono';
import type { StaffVariables } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { mayRead, readerOf } from '../results/access.ts';
import { labelOf, loadClosedWave } from '../results/wave-context.ts';

export function segmentRoutes(deps: AppDeps) {
  return new Hono<{ Variables: StaffVariables }>().get('/:id/segments', async (c) => {
    const [context, reader] = await Promise.all([loadClosedWave(deps, c.req.param('id')), readerOf(deps, c.get('staff'))]);
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
