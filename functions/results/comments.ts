/**
 * Comments of a closed wave, only for groups of 10 or more respondents, shuffled, never filtered
 * by attributes, a page at a time (one response held a 300,000-person wave's 24,000 comments: 2.9
 * MB of the 6 MB a Lambda response may hold). Against differencing (a parent's comments minus a
 * child's), units are readable only along a partition: a unit's segment-sized children are split
 * off only when each child and the remainder (the unit's own people and its too-small children)
 * has 0 or 10+ respondents, so every readable view is a union of blocks of at least 10. Only
 * responded counts the close certified visible take part: a hidden count is unknown here, so its
 * unit is not split off (nor read, when it is the unit's own), and the readable set reveals
 * nothing the cells do not.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { COMMENT_MIN_RESPONDENTS, COMMENTS_PAGE_BYTES, COMMENTS_PAGE_DEFAULT, type Comments } from '../../shared/api-results.ts';
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

/**
 * Where a page starts: a shuffle (its seed) and how far into it. The first page draws the seed; the
 * next pages carry it, so paging through one list shows each comment once, in one random order.
 */
interface Cursor {
  seed: string;
  offset: number;
}

const encodeCursor = ({ seed, offset }: Cursor) => Buffer.from(`${seed}.${offset}`).toString('base64url');

function decodeCursor(text: string): Cursor {
  const match = /^([0-9a-f]{32})\.(\d{1,9})$/.exec(Buffer.from(text, 'base64url').toString('latin1'));
  if (!match) throw new ValidationError('cursor: not a nextCursor this list gave; ask for the first page without one', 'cursor');
  return { seed: match[1], offset: Number(match[2]) };
}

/**
 * The same comments in the same order for the same seed. The order is keyed on what the page shows
 * and nothing else: the client picks seeds, so whatever else it were keyed on (where a comment is
 * stored, say) could be worked out by asking with many.
 */
function shuffled<T extends { statementId: string; text: string }>(items: T[], seed: string): T[] {
  const ranked = items.map((item) => ({ item, rank: createHmac('sha256', seed).update(`${item.statementId}\n${item.text}`).digest('hex') }));
  // Equal ranks are equal comments: which comes first shows nothing.
  return ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0)).map(({ item }) => item);
}

/** From `offset`, at most `limit` comments and about COMMENTS_PAGE_BYTES of them (never none while any are left). */
function pageOf<T extends { statementId: string; text: string }>(items: T[], offset: number, limit: number): T[] {
  const page: T[] = [];
  let bytes = 0;
  for (const item of items.slice(offset, offset + limit)) {
    // As the response will carry it: escaped, so a comment of control characters counts six bytes for each.
    bytes += Buffer.byteLength(JSON.stringify(item)) + 1;
    if (page.length > 0 && bytes > COMMENTS_PAGE_BYTES) break;
    page.push(item);
  }
  return page;
}

/** GET /api/waves/:id/comments?statement=&unit=&limit=&cursor= */
export async function buildComments(
  deps: AppDeps,
  waveId: string,
  query: { statement?: string; unit?: string; limit?: number; cursor?: string },
  reader: Reader,
): Promise<Comments> {
  const cursor = query.cursor === undefined ? { seed: randomBytes(16).toString('hex'), offset: 0 } : decodeCursor(query.cursor);
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
      total: 0,
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
  const page = pageOf(shuffled(comments, cursor.seed), cursor.offset, query.limit ?? COMMENTS_PAGE_DEFAULT);
  const next = cursor.offset + page.length;
  return {
    segment,
    comments: page,
    total: comments.length,
    ...(next < comments.length ? { nextCursor: encodeCursor({ seed: cursor.seed, offset: next }) } : {}),
    units,
  };
}
