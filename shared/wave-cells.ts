/**
 * From a wave's tally to its stored cells: per segment (and per segment's complement) the invited
 * and responded counts and each statement's point counts, with the confidentiality decision made
 * once over the whole segment set for every count vector (invited, responded, each statement).
 */
import { AuditGaveUpError, auditModel } from './certify.ts';
import { hideUntilAtomsHoldK } from './certify-atoms.ts';
import type { Certificate } from './certify-certificate.ts';
import type { MilpSolver } from './certify-lp.ts';
import { buildCertifyModel } from './certify-model.ts';
import { complementId, decideVisibility, type Visibility } from './disclosure.ts';
import { parseProfileKey, profileKey, UnitTree, type OrgUnit, type ProfileCount } from './org.ts';
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
  /**
   * Segments whose responded count live participation published before the close (functions/waves/
   * participation.ts `publishedWhileOpen`): the audit takes them as known at their final count and
   * cannot hide them; the solver-free certificate keeps them.
   */
  publishedWhileOpen?: readonly string[];
  /** The integer-programming audit (issue 9); without it only the algebraic rules run and the certificate says so. */
  audit?: { solver?: MilpSolver; budgetMs?: number; now?: () => number; maxVariables?: number; maxProgram?: number; checkMoves?: boolean };
}

export interface WaveCellsResult {
  cells: SegmentCell[];
  certificate: Certificate;
}

/** The time the audit gets by default before it answers every open question "pinned" (and hides). */
export const AUDIT_BUDGET_MS = 40_000;

/**
 * The time a close gives the audit: it runs synchronously, so the run's lease heartbeat waits for
 * it; a third of the default lease (60 s) leaves room for the rest of the stage.
 */
export const CLOSE_AUDIT_BUDGET_MS = 20_000;

/**
 * The largest attacker's program (finest groups × (1 + scale points over all statements)) the
 * close audits. Measured on this machine, HiGHS in WebAssembly needs 0.1–1 s per question on a
 * program of a few thousand unknowns, and a 400-person wave asks thousands of questions: beyond
 * this size the audit runs out of budget. Larger waves get the solver-free certificate
 * (certify-atoms.ts, `overApproximations: ['atoms']`); see the README's privacy paragraph.
 */
export const AUDIT_MAX_VARIABLES = 4_000;

/**
 * The largest attacker's program (same measure) a close audits at all; see `certify`. Without a
 * solver the moves alone never settled a larger one in the budget (the demo, 133 finest groups ×
 * 14 statements, ran its 20 s out; on a 400-person bench organization they gave up after 37 s), so
 * a larger wave goes straight to the solver-free certificate instead of spending the budget first.
 */
export const AUDIT_MAX_PROGRAM = AUDIT_MAX_VARIABLES;

/** Every segment's and every complement's cell for a closed wave, certified (see shared/certify.ts), and the certificate. */
export function certifyWaveCells(input: WaveCellsInput): WaveCellsResult {
  const started = (input.audit?.now ?? Date.now)();
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
  const decideOnce = (counts: ProfileCount[]) => decideVisibility({ k, units, segments: plainSegments, counts, invitees });
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
  return certify(input, [...cells.values()], started);
}

/**
 * Primary suppression of groups under k invitees, then the integer-programming audit over every
 * responded and statement cell at once; the hidden cells' reasons and the certificate follow.
 */
function certify(input: WaveCellsInput, cells: SegmentCell[], started: number): WaveCellsResult {
  const { k, statements } = input;
  const rootId = unitSegmentId(new UnitTree(input.units).root.id);
  if (input.segments.length === 0) return { cells, certificate: emptyCertificate(input, started) };
  // The whole attacker's program: responded plus every point of every statement, per finest group.
  // Sized before it is built: building it (its protected groups above all) is itself too slow for
  // an organization the audit would not take.
  const finestGroups = new Set([...input.invitees.map((entry) => profileKey(entry.profile)), ...Object.keys(input.tally)]).size;
  const pointsOf = (id: string) => new Set(Object.values(input.tally).flatMap((entry) => Object.keys(entry.statements[id] ?? {}))).size;
  const variables = finestGroups * (1 + statements.reduce((sum, statement) => sum + pointsOf(statement.id), 0));
  // Beyond AUDIT_MAX_PROGRAM the audit cannot finish in a close's budget today (the demo, 133
  // finest groups × 14 statements, needed more than 20 s; 10,000 people did not finish building in
  // minutes): such a close gets the solver-free certificate at once.
  const audit = input.audit && variables <= (input.audit.maxProgram ?? AUDIT_MAX_PROGRAM) ? input.audit : undefined;
  // The solver is asked only where the whole program is small enough to answer in the budget;
  // elsewhere a question no move answers is hidden for without proof (over-approximated).
  const solver = audit?.solver && variables <= (audit.maxVariables ?? AUDIT_MAX_VARIABLES) ? audit.solver : undefined;
  const model = audit ? buildCertifyModel({ ...input, segments: input.segments.map(stripInvited) }) : undefined;
  // Vector 0 is responded, 1 + s statement s, as in the model.
  const get = (vector: number, cell: SegmentCell) => (vector === 0 ? cell.respondedVisible : cell.statements[statements[vector - 1].id].visible);
  const hide = (vector: number, cell: SegmentCell, reason: HiddenReason) => {
    if (vector === 0) {
      cell.respondedVisible = false;
      cell.respondedReason = reason;
    } else {
      const statementCell = cell.statements[statements[vector - 1].id];
      statementCell.visible = false;
      statementCell.reason = reason;
    }
  };
  const vectors = statements.length + 1;
  const byId = new Map(cells.map((cell) => [cell.segment.id, cell]));
  const published = new Set(input.publishedWhileOpen ?? []);
  const modelCells = model ? model.cells.map((modelCell) => byId.get(modelCell.id)!) : cells;
  for (const cell of modelCells) {
    if (cell.invited > 0 && cell.invited < k) for (let vector = 0; vector < vectors; vector++) if (get(vector, cell)) hide(vector, cell, 'below-k');
  }
  const overApproximations: Certificate['overApproximations'] = [];
  let result: ReturnType<typeof auditModel> | undefined;
  let hiddenByAtoms = 0;
  /** Hide whole segments (every vector, with their complements) until every atom holds k or more invitees. */
  const hideToAtoms = (): void => {
    const complements = new Map(cells.flatMap((cell) => (cell.segment.kind === 'complement' ? [[cell.segment.of, cell] as const] : [])));
    const shownAnywhere = (cell: SegmentCell | undefined) => cell !== undefined && Array.from({ length: vectors }, (_, v) => get(v, cell)).some(Boolean);
    const segmentCells = cells.filter((cell) => cell.segment.kind !== 'complement' && cell.segment.id !== rootId);
    const toHide = hideUntilAtomsHoldK({
      k,
      tree: new UnitTree(input.units),
      invitees: input.invitees,
      segments: segmentCells.map(({ segment }) => ({
        id: segment.id,
        kind: (segment as Segment).kind,
        ...('unitId' in segment ? { unitId: segment.unitId } : {}),
        shown: shownAnywhere(byId.get(segment.id)) || shownAnywhere(complements.get(segment.id)) || published.has(segment.id),
        forced: published.has(segment.id),
      })),
    });
    for (const cell of segmentCells) {
      if (!toHide.has(cell.segment.id)) continue;
      for (const target of [cell, complements.get(cell.segment.id)]) {
        if (!target) continue;
        for (let vector = 0; vector < vectors; vector++) {
          if (!get(vector, target)) continue;
          hide(vector, target, 'differencing');
          hiddenByAtoms++;
        }
      }
    }
  };
  if (audit && model) {
    overApproximations.push('exact-counts');
    if (model.statements.some((statement) => statement.emptyPoints.length > 0)) overApproximations.push('empty-points');
    // A responded count shows only beside its invited count (results/describe.ts, participation).
    const shown = (vector: number, cell: SegmentCell) => get(vector, cell) && (vector !== 0 || cell.invitedVisible);
    const fixed = Array.from({ length: vectors }, (_, vector) =>
      Uint8Array.from(modelCells, (cell) => (vector === 0 && published.has(cell.segment.id) ? 1 : 0)),
    );
    const visibility = Array.from({ length: vectors }, (_, vector) =>
      Uint8Array.from(modelCells, (cell, c) => (shown(vector, cell) || fixed[vector][c] ? 1 : 0)),
    );
    const now = audit.now ?? Date.now;
    try {
      result = auditModel(model, visibility, {
        solver,
        deadline: started + (audit.budgetMs ?? AUDIT_BUDGET_MS),
        now,
        checkMoves: audit.checkMoves,
        fixed,
      });
    } catch (error) {
      if (!(error instanceof AuditGaveUpError)) throw error;
    }
    if (result && result.unresolved === 0) {
      for (const [vector, c] of result.hidden) hide(vector, modelCells[c], 'differencing');
      if (result.unproven > 0) overApproximations.push('no-proof');
      else if (result.overApproximated) overApproximations.push('neighbourhoods');
    } else {
      // Out of budget (or a question only the whole organization's cell could answer for): the
      // equality rules' cells alone leaked (an attacker found 65 derivations in such a wave), and
      // the audit's own fallback, hiding every cell its open questions touch, left the demo its
      // root alone. The solver-free certificate keeps the units and is sound.
      result = undefined;
      overApproximations.splice(0, overApproximations.length, 'atoms');
      hideToAtoms();
    }
  } else if (input.audit) {
    // Too large for the audit in a close's time: the solver-free certificate (certify-atoms.ts).
    overApproximations.push('atoms');
    hideToAtoms();
  } else overApproximations.push('no-solver');

  const hidden = { belowK: 0, differencing: 0, audit: result?.hidden.length ?? hiddenByAtoms };
  for (const cell of modelCells) {
    for (let vector = 0; vector < vectors; vector++) {
      if (get(vector, cell)) continue;
      const reason = vector === 0 ? cell.respondedReason : cell.statements[statements[vector - 1].id].reason;
      if (reason === 'below-k') hidden.belowK++;
    }
  }
  hidden.differencing = modelCells.length * vectors - countVisible(modelCells, vectors, get) - hidden.belowK - hidden.audit;
  const certificate: Certificate = {
    k,
    method: overApproximations.includes('no-solver')
      ? 'rules-only'
      : overApproximations.some((item) => item === 'budget' || item === 'neighbourhoods' || item === 'no-proof' || item === 'atoms')
        ? 'over-approximated'
        : 'exact',
    overApproximations,
    solver: overApproximations.includes('atoms') ? 'atoms (no solver)' : solver ? `moves, then ${solver.name}` : audit ? 'moves (no solver)' : 'none',
    checked: {
      finestGroups,
      smallGroups: model?.groups.filter((group) => group.kind === 'small').length ?? 0,
      countGroups: model?.groups.filter((group) => group.kind === 'count').length ?? 0,
      quantities: result?.quantities ?? 0,
      cells: modelCells.length * vectors,
    },
    hidden,
    unanimity: result?.unanimity ?? 0,
    leaks: result?.leaks ?? 0,
    rounds: result?.rounds ?? 0,
    solves: result?.solves ?? 0,
    moves: result?.moves ?? 0,
    unproven: result?.unproven ?? 0,
    ms: Math.max(0, (input.audit?.now ?? Date.now)() - started),
  };
  publishReasons(cells, k);
  return { cells, certificate };
}

/**
 * The reason a hidden cell gives is published too, so it may depend only on what is public: a
 * group of fewer than k invitees (the directory says so) is `below-k`; every other hidden cell is
 * `differencing`, whether the rules hid it for fewer than k answers or the audit hid it for a
 * smaller group. Saying which would publish "1..k−1 answered here" (or "0 or k or more"), a range
 * the audit does not model: an attacker put two teams' "fewer than k answered" under their
 * department's n and pinned that 2 people sitting directly in the department both answered.
 */
function publishReasons(cells: SegmentCell[], k: number): void {
  for (const cell of cells) {
    const reason: HiddenReason = cell.invited > 0 && cell.invited < k ? 'below-k' : 'differencing';
    if (!cell.respondedVisible) cell.respondedReason = reason;
    for (const statementCell of Object.values(cell.statements)) if (!statementCell.visible) statementCell.reason = reason;
  }
}

function emptyCertificate(input: WaveCellsInput, started: number): Certificate {
  return {
    k: input.k,
    method: 'exact',
    overApproximations: [],
    solver: input.audit?.solver?.name ?? 'none',
    checked: { finestGroups: 0, smallGroups: 0, countGroups: 0, quantities: 0, cells: 0 },
    hidden: { belowK: 0, differencing: 0, audit: 0 },
    unanimity: 0,
    leaks: 0,
    rounds: 0,
    solves: 0,
    moves: 0,
    unproven: 0,
    ms: Math.max(0, (input.audit?.now ?? Date.now)() - started),
  };
}

function countVisible(cells: SegmentCell[], vectors: number, get: (vector: number, cell: SegmentCell) => boolean): number {
  let visible = 0;
  for (const cell of cells) for (let vector = 0; vector < vectors; vector++) if (get(vector, cell)) visible++;
  return visible;
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
