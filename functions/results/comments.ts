/**
 * Comments of a closed wave, only for groups of 10 or more respondents, shuffled, never filtered
 * by attributes. Against differencing (a parent's comments minus a child's), units are readable
 * only along a partition: a unit's segment-sized children are split off only when each child and
 * the remainder (the unit's own people and its too-small children) has 0 or 10+ respondents, so
 * every readable view is a union of blocks of at least 10. Only responded counts the close
 * certified visible take part: a hidden count is unknown here, so its unit is not split off (nor
 * read, when it is the unit's own), and the readable set reveals nothing the cells do not.
 */
import { randomInt } from 'node:crypto';
import { COMMENT_MIN_RESPONDENTS, type Comments } from '../../shared/api-results.ts';
import { unitSegmentId } from '../../shared/segments.ts';
import type { AppDeps } from '../deps.ts';
import { ValidationError } from '../errors.ts';
import { commentPages } from '../store/responses.ts';
import { assertMayRead, mayRead, type Reader } from './access.ts';
import { getCellsByIds } from '../store/cells.ts';
import { labelOf, loadClosedWave, resolveSegment, type WaveContext } from './wave-context.ts';

/** Unit ids whose comments may be read on their own; `respondedOf` is undefined where the count is not certified visible. */
export function readableUnits(context: WaveContext, respondedOf: (unitId: string) => number | undefined): Set<string> {
  const readable = new Set<string>();
  const isSegment = (unitId: string) => context.segments.has(unitSegmentId(unitId));
  const enough = (n: number) => n === 0 || n >= COMMENT_MIN_RESPONDENTS;
  const visit = (unitId: string) => {
    const total = respondedOf(unitId);
    if (total === undefined || total < COMMENT_MIN_RESPONDENTS) return;
    readable.add(unitId);
    const children = context.tree.children(unitId).filter((child) => isSegment(child.id));
    if (children.length === 0) return;
    const counts = children.map((child) => respondedOf(child.id));
    if (counts.some((count) => count === undefined)) return;
    const known = counts as number[];
    const rest = total - known.reduce((sum, count) => sum + count, 0);
    if (known.every(enough) && enough(rest)) for (const child of children) visit(child.id);
  };
  visit(context.tree.root.id);
  return readable;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** GET /api/waves/:id/comments?statement=&unit= */
export async function buildComments(deps: AppDeps, waveId: string, query: { statement?: string; unit?: string }, reader: Reader): Promise<Comments> {
  const context = await loadClosedWave(deps, waveId);
  const segmentId = resolveSegment(context, { unit: query.unit });
  assertMayRead(reader, context, [segmentId]);
  if (query.statement && !(context.wave.statements ?? []).some((statement) => statement.id === query.statement && statement.scale === 'text')) {
    throw new ValidationError(`statement: "${query.statement}" is not a comment statement of this wave`, 'statement');
  }
  const unitSegments = [...context.segments.values()].filter((segment) => segment.kind === 'unit');
  const cells = await getCellsByIds(
    deps.store,
    waveId,
    unitSegments.map((segment) => segment.id),
  );
  // A unit's comment list shows how many in it commented. Where the audit certified the wave, that
  // count is the comment statement's cell and must be one it left visible (the attacker test shows
  // comment counts pinning small groups otherwise); a rules-only wave keeps the rule above.
  const audited = context.wave.certificate !== undefined && context.wave.certificate.method !== 'rules-only';
  const textStatements = (context.wave.statements ?? []).filter((statement) => statement.scale === 'text').map((statement) => statement.id);
  const readable = readableUnits(context, (unitId) => {
    const cell = cells.get(unitSegmentId(unitId));
    if (!cell) return 0;
    const commentsCertified = !audited || textStatements.every((id) => cell.statements[id]?.visible !== false);
    return cell.invitedVisible && cell.respondedVisible && commentsCertified ? cell.responded : undefined;
  });
  const units = [...readable]
    .filter((unitId) => mayRead(reader, context, unitSegmentId(unitId)))
    .map((unitId) => ({ id: unitSegmentId(unitId), label: labelOf(context, unitSegmentId(unitId)) }));
  const segment = { id: segmentId, label: labelOf(context, segmentId) };
  const unitId = [...readable].find((id) => unitSegmentId(id) === segmentId);
  if (!unitId) {
    return {
      segment,
      hidden: true,
      reason: `fewer than ${COMMENT_MIN_RESPONDENTS} respondents in this group, or in what would be left by comparing it with a group it contains`,
      comments: [],
      units,
    };
  }
  const comments: Comments['comments'] = [];
  for await (const page of commentPages(deps.store, waveId)) {
    for (const comment of page) {
      if (query.statement && comment.statementId !== query.statement) continue;
      if (!context.tree.byId.has(comment.unitId)) continue;
      if (context.tree.ancestry(comment.unitId).some((unit) => unit.id === unitId)) comments.push({ statementId: comment.statementId, text: comment.text });
    }
  }
  return { segment, comments: shuffle(comments), units };
}
