/**
 * From a wave's tally to its stored cells: per segment (and per segment's complement) the invited
 * and responded counts and each statement's point counts, with the confidentiality decision made
 * once over the whole segment set for every count vector (invited, responded, each statement).
 */
import { complementId, decideVisibility, type Visibility } from './disclosure.ts';
import { parseProfileKey, UnitTree, type OrgUnit, type ProfileCount } from './org.ts';
import { segmentsOfProfile, unitSegmentId, type Segment, type WaveSegment } from './segments.ts';
import { answeredCount, type CountedStatement, type PointCounts, type Tally } from './tally.ts';

export type HiddenReason = 'below-k' | 'differencing';

/** One statement's counts in one segment of a closed wave. */
export interface StatementCell {
  n: number;
  counts: PointCounts;
  visible: boolean;
  reason?: HiddenReason;
}

/** Complement groups ("everyone outside this segment") are published cells too: initiatives compare against them. */
export type CellSegment = Segment | { id: string; kind: 'complement'; of: string };

/** A segment's stored results: exact counts, and whether each may be shown. */
export interface SegmentCell {
  segment: CellSegment;
  invited: number;
  responded: number;
  invitedVisible: boolean;
  respondedVisible: boolean;
  respondedReason?: HiddenReason;
  statements: Record<string, StatementCell>;
}

export interface WaveCellsInput {
  k: number;
  units: OrgUnit[];
  invitees: ProfileCount[];
  segments: WaveSegment[];
  statements: readonly CountedStatement[];
  tally: Tally;
}

/** Every segment's and every complement's cell for a closed wave. */
export function computeWaveCells(input: WaveCellsInput): SegmentCell[] {
  const { k, units, invitees, segments, statements, tally } = input;
  const tree = new UnitTree(units);
  const kept = new Set(segments.map((segment) => segment.id));
  const rootId = unitSegmentId(tree.root.id);

  const cells = new Map<string, SegmentCell>();
  const emptyCell = (segment: CellSegment, invited: number): SegmentCell => ({
    segment,
    invited,
    responded: 0,
    invitedVisible: true,
    respondedVisible: true,
    statements: Object.fromEntries(statements.map((statement) => [statement.id, { n: 0, counts: {}, visible: true }])),
  });
  for (const segment of segments) cells.set(segment.id, emptyCell(stripInvited(segment), segment.invited));

  const profiles = Object.entries(tally).map(([key, entry]) => ({ profile: parseProfileKey(key), entry }));
  for (const { profile, entry } of profiles) {
    for (const segmentId of segmentsOfProfile(profile, tree, kept)) {
      const cell = cells.get(segmentId)!;
      cell.responded += entry.respondents;
      for (const statement of statements) addCounts(cell.statements[statement.id].counts, entry.statements[statement.id]);
    }
  }
  const root = cells.get(rootId)!;
  for (const segment of segments) {
    if (segment.id === rootId) continue;
    const inside = cells.get(segment.id)!;
    const outside = emptyCell({ id: complementId(segment.id), kind: 'complement', of: segment.id }, root.invited - inside.invited);
    outside.responded = root.responded - inside.responded;
    for (const statement of statements) {
      outside.statements[statement.id].counts = subtractCounts(root.statements[statement.id].counts, inside.statements[statement.id].counts);
    }
    cells.set(outside.segment.id, outside);
  }
  for (const cell of cells.values()) {
    for (const statement of statements) cell.statements[statement.id].n = answeredCount(cell.statements[statement.id].counts);
  }

  const plainSegments = segments.map(stripInvited);
  const decideOnce = (counts: ProfileCount[]) => decideVisibility({ k, units, segments: plainSegments, counts });
  // Most statements are answered by everyone who responded, so the respondent-ordered count
  // vectors repeat: decide each distinct one once.
  const decided = new Map<string, Map<string, Visibility>>();
  const decide = (counts: ProfileCount[]) => {
    const signature = counts.map((entry) => entry.count).join(',');
    let visibility = decided.get(signature);
    if (!visibility) {
      visibility = decideOnce(counts);
      decided.set(signature, visibility);
    }
    return visibility;
  };
  applyVisibility(cells, decideOnce(invitees), (cell, visibility) => (cell.invitedVisible = visibility.visible));
  applyVisibility(cells, decide(profiles.map(({ profile, entry }) => ({ profile, count: entry.respondents }))), (cell, visibility) => {
    cell.respondedVisible = visibility.visible;
    if (!visibility.visible) cell.respondedReason = visibility.reason;
  });
  for (const statement of statements) {
    const answered = profiles.map(({ profile, entry }) => ({ profile, count: answeredCount(entry.statements[statement.id]) }));
    applyVisibility(cells, decide(answered), (cell, visibility) => {
      const statementCell = cell.statements[statement.id];
      statementCell.visible = visibility.visible;
      if (!visibility.visible) statementCell.reason = visibility.reason;
    });
  }
  return [...cells.values()];
}

function applyVisibility(cells: Map<string, SegmentCell>, decided: Map<string, Visibility>, apply: (cell: SegmentCell, visibility: Visibility) => void) {
  for (const [id, cell] of cells) {
    // A cell the rules did not rule on is never shown: failing closed is the only safe default.
    apply(cell, decided.get(id) ?? { visible: false, reason: 'differencing' });
  }
}

function stripInvited({ invited: _invited, ...segment }: WaveSegment): Segment {
  return segment as Segment;
}

function addCounts(target: PointCounts, source: PointCounts | undefined) {
  for (const [point, count] of Object.entries(source ?? {})) target[point] = (target[point] ?? 0) + count;
}

function subtractCounts(total: PointCounts, part: PointCounts): PointCounts {
  const result: PointCounts = {};
  for (const [point, count] of Object.entries(total)) {
    const rest = count - (part[point] ?? 0);
    if (rest > 0) result[point] = rest;
  }
  return result;
}
