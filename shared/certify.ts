/**
 * The audit behind the confidentiality certificate: attack the published cells of a closed wave
 * with integer programming (the model is in certify-model.ts), and hide cells until no protected
 * quantity is pinned to one value.
 *
 * Pinned means no integer data set consistent with what is published gives a different value.
 * The true data is one such data set; a quantity is cleared only by a witness, another integer
 * data set that reproduces every visible number exactly (certify-lp.ts checks each one in exact
 * integer arithmetic, whatever the solver claims). A quantity without a witness counts as pinned:
 * when the solver gives up or the time budget runs out, the answer is "pinned", and the cell is
 * hidden. Mistakes can only hide too much.
 *
 * The order of work, cheapest first:
 * 1. Unanimity: a quantity a single visible group of k or more gives away by its count sitting at
 *    a bound (0, or all its invitees) is allowed, counted, and not attacked (nothing can hide it
 *    short of hiding the group, and a unanimous group of k or more is the stated limit).
 * 2. A pool of witnesses: a few integer solutions for random objectives. Random directions push
 *    every unknown to a far vertex, so most quantities take a second value somewhere in the pool.
 * 3. Targeted questions for what is left: is there a solution with the quantity ≤ v0−1, or else
 *    ≥ v0+1? Each solution found also clears whatever else it moves.
 * 4. A quantity with neither is a leak. Hide the smallest visible cell of its vector that
 *    touches the group (its complement with it: with the root shown they say the same), and ask
 *    again, for the leaks only: hiding a cell drops an equation, so every witness stays a witness.
 */
import type { CertifyModel } from './certify-model.ts';
import {
  fullScope,
  isFeasible,
  quantityValue,
  readWitness,
  writeLp,
  type MilpSolver,
  type Quantity,
  type Scope,
  type Solution,
  type Visibility,
} from './certify-lp.ts';
import { applyMove, MoveFinder } from './certify-moves.ts';
import { seededRandom } from './random.ts';

/** The audit could not finish: a question no move or solver answered with nothing left to hide for it. */
export class AuditGaveUpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditGaveUpError';
  }
}

export interface AuditOptions {
  /** Without a solver, a question no move answers is a leak (hidden for, without proof: over-approximated). */
  solver?: MilpSolver;
  /** Wall-clock budget; past it every open question is answered "pinned". */
  deadline: number;
  /** Rounds of random-objective solutions in the first pool. */
  poolSize?: number;
  /** The largest program asked whole; beyond it, questions are asked in smaller scopes only (over-approximated). */
  maxVariables?: number;
  now?: () => number;
  /** Re-check every move on the whole data set (tests): the audit itself relies on the move's local checks. */
  checkMoves?: boolean;
  /**
   * Cells already published elsewhere (a responded count live participation showed while the wave
   * was open): visible in `visibility` and never hidden, since hiding them takes back nothing.
   */
  fixed?: Visibility;
}

export interface AuditResult {
  /** Cells the audit hid, as [vector, cell] (vector 0 responded, 1 + s statement s). */
  hidden: Array<[number, number]>;
  quantities: number;
  /** Quantities a single unanimous group of k or more gives away (allowed, counted). */
  unanimity: number;
  rounds: number;
  solves: number;
  /** Questions answered "pinned" because the budget ran out or the solver gave up. */
  unresolved: number;
  leaks: number;
  /** Whether some question was answered "pinned" without asking the whole program. */
  overApproximated: boolean;
  /** Questions answered by a move (certify-moves.ts), without a solver. */
  moves: number;
  /** Questions answered "pinned" without any proof (no move, no solver asked): hidden for. */
  unproven: number;
}

const DEFAULT_MAX_VARIABLES = 4_000;

/** Attack the model under `visibility` and hide cells (mutating it) until nothing protected is pinned. */
export function auditModel(model: CertifyModel, visibility: Visibility, options: AuditOptions): AuditResult {
  const now = options.now ?? (() => Date.now());
  const random = seededRandom(0x9e3779b9);
  const truth: Solution = { responded: model.responded, counts: model.counts };
  const { k } = model;
  const quantities: Quantity[] = [];
  const truthOf: number[] = [];
  model.groups.forEach((group, g) => {
    const add = (vector: number, point: number) => {
      const quantity = { group: g, vector, point };
      const value = quantityValue(model, truth, quantity);
      if (group.kind === 'count' && !(value > 0 && value < k)) return;
      quantities.push(quantity);
      truthOf.push(value);
    };
    add(0, -1);
    model.statements.forEach((statement, s) => {
      add(1 + s, -1);
      if (group.kind === 'small') statement.points.forEach((_, p) => add(1 + s, p));
    });
  });

  const containing = model.groups.map((group) => cellsContaining(model, group.members));
  const touching = model.groups.map((group) => cellsTouching(model, group.members));
  const cellValue = memoCellValues(model);
  // Cells with the same members (an attribute value and the root's cell for it) say the same.
  const bySignature = new Map<string, number[]>();
  model.cells.forEach((cell, c) => {
    const signature = cell.members.join(',');
    (bySignature.get(signature) ?? bySignature.set(signature, []).get(signature)!).push(c);
  });
  const sameAs = model.cells.map((cell) => bySignature.get(cell.members.join(','))!);
  const partnerOf = (c: number) => model.cells[c].complementOf ?? model.cells.findIndex((other) => other.complementOf === c);
  /** Hiding a cell helps only if no cell saying the same (its twins, its complement) is published anyway. */
  const hideable = (vector: number, c: number) => {
    const fixed = options.fixed?.[vector];
    if (!fixed) return true;
    const partner = partnerOf(c);
    return !sameAs[c].some((same) => fixed[same]) && !(partner >= 0 && sameAs[partner].some((same) => fixed[same]));
  };
  /**
   * Whether the views show the cell's exact counts: a cell with 1..k−1 respondents or answers shows
   * only "fewer than k" (results/describe.ts). The attack model takes every visible cell as exact (more
   * than is shown: the safe side for finding leaks), but a unanimity may rest only on what is shown.
   */
  const shownExactly = (vector: number, c: number) => {
    // A complement shows only n, shares and a rate (impact pages); its counts are a difference of
    // two segments', which unanimousDifference covers when both are shown.
    if (!visibility[vector][c] || model.cells[c].complementOf !== undefined) return false;
    const n = cellValue(vector, -1, c);
    return n === 0 || n >= k;
  };
  /** Whether one visible group of k or more pins the quantity by sitting at a bound. */
  const unanimous = (q: Quantity) => {
    for (const c of containing[q.group]) {
      const cell = model.cells[c];
      if (cell.invited < k) continue;
      if (shownExactly(0, c)) {
        const responded = cellValue(0, -1, c);
        if (responded === 0 || (q.vector === 0 && responded === cell.invited)) return true;
      }
      if (q.vector === 0 || !shownExactly(q.vector, c)) continue;
      const answered = cellValue(q.vector, -1, c);
      if (answered === 0) return true;
      const value = cellValue(q.vector, q.point, c);
      if (value === 0 || value === cell.invited) return true;
    }
    return false;
  };

  const memberBits = new Map<number, Uint8Array>();
  const bitsOf = (c: number) => {
    let bits = memberBits.get(c);
    if (!bits) {
      bits = new Uint8Array(model.invited.length);
      for (const f of model.cells[c].members) bits[f] = 1;
      memberBits.set(c, bits);
    }
    return bits;
  };
  /**
   * The same limit for a derived group: D = A \ B for visible cells B inside A, D of k or more
   * holding the group, its count (A's minus B's) at a bound. The attacker test uses this definition.
   */
  const unanimousDifference = (q: Quantity, value: number) => {
    const group = model.groups[q.group];
    if (value !== 0 && value !== group.invited) return false;
    const vectors = value === 0 && q.vector !== 0 ? [q.vector, 0] : [q.vector];
    for (const vector of vectors) {
      const point = vector === q.vector ? q.point : -1;
      for (const a of containing[q.group]) {
        if (!shownExactly(vector, a)) continue;
        const whole = model.cells[a];
        const inA = bitsOf(a);
        const countA = cellValue(vector, point, a);
        model.cells.forEach((part, b) => {
          if (b === a || !shownExactly(vector, b) || whole.invited - part.invited < k || part.invited === 0) return;
          if (value === 0 ? countA - cellValue(vector, point, b) !== 0 : countA - cellValue(vector, point, b) !== whole.invited - part.invited) return;
          const inB = bitsOf(b);
          for (const f of group.members) if (inB[f]) return;
          for (const f of part.members) if (!inA[f]) return;
          throw FOUND;
        });
      }
    }
    return false;
  };
  const FOUND = new Error('found');
  const excusedByDifference = (i: number) => {
    try {
      return unanimousDifference(quantities[i], truthOf[i]);
    } catch (error) {
      if (error === FOUND) return true;
      throw error;
    }
  };

  let solves = 0;
  let unresolved = 0;
  const pending = new Set<number>();
  const allowed = new Set<number>();
  quantities.forEach((q, i) => (unanimous(q) ? allowed.add(i) : pending.add(i)));
  const clearWith = (solution: Solution) => {
    for (const i of pending) if (quantityValue(model, solution, quantities[i]) !== truthOf[i]) pending.delete(i);
  };
  /**
   * A witness for the program, or undefined. With `relaxFirst`, the linear relaxation is asked
   * first: when even it is infeasible, so is the integer program (a proof, and much cheaper); when
   * its answer happens to be integral and checks out, it is a witness as it stands.
   */
  /**
   * A witness within the scope, or undefined. With `relaxFirst`, the linear relaxation is asked
   * first: when even it is infeasible, so is the integer program (a proof, and much cheaper); when
   * its answer happens to be integral and checks out, it is a witness as it stands.
   */
  const solve = (
    objective: (name: string) => number,
    extra: Parameters<typeof writeLp>[3],
    scope: Scope,
    relaxFirst = false,
  ): Solution | 'infeasible' | undefined => {
    const ask = (integer: boolean) => {
      const remaining = (options.deadline - now()) / 1000;
      if (remaining <= 0) return { status: 'unknown' as const };
      if (!options.solver) return { status: 'unknown' as const };
      solves++;
      return options.solver.solve(writeLp(model, visibility, objective, extra, integer, scope), { timeLimitSeconds: remaining });
    };
    if (relaxFirst) {
      const relaxed = ask(false);
      if (relaxed.status === 'infeasible') return 'infeasible';
      const witness = relaxed.values && readWitness(model, visibility, relaxed.values, scope);
      if (witness) return witness;
    }
    const result = ask(true);
    if (result.status === 'infeasible') return 'infeasible';
    if (result.status !== 'feasible' || !result.values) return undefined;
    return readWitness(model, visibility, result.values, scope);
  };
  const F = model.invited.length;
  const variablesIn = (scope: Scope) => {
    let free = 0;
    for (let f = 0; f < F; f++) free += scope.profiles[f];
    let perProfile = 1;
    model.statements.forEach((statement, s) => scope.statements[s] && (perProfile += statement.points.length));
    return free * perProfile;
  };
  const full = fullScope(model);
  const fullAllowed = options.solver !== undefined && variablesIn(full) <= (options.maxVariables ?? DEFAULT_MAX_VARIABLES);
  const allProfiles = full.profiles;
  const onlyStatement = (vector: number) => model.statements.map((_, s) => vector === s + 1);
  /** Finest groups in the group's units and the units next to them (parent, children, siblings). */
  const neighbourhood = (group: number): Uint8Array => {
    const near = new Set<string>();
    for (const f of model.groups[group].members) {
      const unit = model.unitOf[f];
      const parent = model.parentOf.get(unit) ?? null;
      near.add(unit);
      if (parent !== null) near.add(parent);
      for (const [other, otherParent] of model.parentOf) if (otherParent === unit || (parent !== null && otherParent === parent)) near.add(other);
    }
    return Uint8Array.from(model.unitOf, (unit) => (near.has(unit) ? 1 : 0));
  };
  let overApproximated = false;
  /**
   * A witness that moves the quantity past the bound: first near the group with only its own
   * statement free, then everywhere with only its statement free, then the whole program (its
   * relaxation first). Where the whole program is too large to ask, "no witness in the smaller
   * ones" is taken as pinned: hiding more, never less.
   */
  const witnessFor = (q: Quantity, sense: '<=' | '>=', bound: number): Solution | undefined => {
    const extra = { quantity: q, sense, bound };
    if (fullAllowed) {
      // The whole program's relaxation: infeasible proves the direction closed, in one LP.
      const relaxed = solveRelaxation(extra);
      if (relaxed === 'infeasible') return undefined;
      if (relaxed) return relaxed;
    }
    const near = neighbourhood(q.group);
    const scopes: Scope[] = [
      { profiles: allProfiles, statements: onlyStatement(q.vector) },
      { profiles: near, statements: full.statements },
    ];
    for (const scope of scopes) {
      if (variablesIn(scope) > (options.maxVariables ?? DEFAULT_MAX_VARIABLES)) continue;
      const found = solve(zero, extra, scope);
      if (found && found !== 'infeasible') return found;
    }
    if (!fullAllowed) {
      overApproximated = true;
      return undefined;
    }
    const found = solve(zero, extra, full);
    return found && found !== 'infeasible' ? found : undefined;
  };
  const solveRelaxation = (extra: Parameters<typeof writeLp>[3]): Solution | 'infeasible' | undefined => {
    const remaining = (options.deadline - now()) / 1000;
    if (remaining <= 0 || !options.solver) return undefined;
    solves++;
    const relaxed = options.solver.solve(writeLp(model, visibility, zero, extra, false, full), { timeLimitSeconds: remaining });
    if (relaxed.status === 'infeasible') return 'infeasible';
    return relaxed.values && readWitness(model, visibility, relaxed.values, full);
  };
  const zero = () => 0;
  const randomObjective = () => {
    const coefficients = new Map<string, number>();
    return (name: string) => {
      let c = coefficients.get(name);
      if (c === undefined) coefficients.set(name, (c = Math.floor(random() * 7) - 3));
      return c;
    };
  };

  const hidden: Array<[number, number]> = [];
  let rounds = 0;
  let leaksFound = 0;
  // The pool: random directions, one statement at a time (cheap), then the whole program.
  const refreshPool = (rounds: number) => {
    for (let poolRound = 0; poolRound < rounds && pending.size > 0; poolRound++) {
      for (let vector = 1; vector <= model.statements.length && pending.size > 0; vector++) {
        const witness = solve(randomObjective(), undefined, { profiles: allProfiles, statements: onlyStatement(vector) });
        if (witness && witness !== 'infeasible') clearWith(witness);
      }
      if (fullAllowed && pending.size > 0) {
        const witness = solve(randomObjective(), undefined, full);
        if (witness && witness !== 'infeasible') clearWith(witness);
      }
    }
  };
  const finder = new MoveFinder(model, visibility);
  let moves = 0;
  let unproven = 0;
  /** Answer every open question a move answers (certify-moves.ts); grouped so each group's membership is built once. */
  const clearByMoves = () => {
    finder.refresh(visibility);
    const byGroup = new Map<number, number[]>();
    for (const i of pending) (byGroup.get(quantities[i].group) ?? byGroup.set(quantities[i].group, []).get(quantities[i].group)!).push(i);
    const inside = new Uint8Array(F);
    for (const [g, list] of byGroup) {
      // Out of time: what is left stays open, and the caller's budget check answers it.
      if (now() >= options.deadline) return;
      const members = model.groups[g].members;
      for (const f of members) inside[f] = 1;
      for (const i of list) {
        const move = finder.find(quantities[i], members, inside);
        if (!move) continue;
        if (options.checkMoves) {
          const moved = applyMove(model, move);
          if (!isFeasible(model, visibility, moved) || quantityValue(model, moved, quantities[i]) === truthOf[i])
            throw new Error(`a move for ${model.groups[g].name} is not a witness`);
        }
        pending.delete(i);
        moves++;
      }
      for (const f of members) inside[f] = 0;
    }
  };
  clearByMoves();
  if (options.solver) refreshPool(options.poolSize ?? 2);
  for (;;) {
    if (now() >= options.deadline && pending.size > 0) {
      // Out of time: every open question is answered "pinned", and every visible cell but the
      // root that touches its group is hidden, in its vector and in responded (a responded count's
      // in every vector: each statement's answered count bounds it below).
      unresolved += pending.size;
      for (const i of pending) {
        const q = quantities[i];
        for (const vector of q.vector === 0 ? visibility.map((_, v) => v) : [q.vector, 0]) {
          for (const c of touching[q.group]) {
            if (c === model.root || !visibility[vector][c]) continue;
            visibility[vector][c] = 0;
            hidden.push([vector, c]);
          }
        }
      }
      break;
    }
    rounds++;
    if (rounds > 1) {
      clearByMoves();
      if (options.solver) refreshPool(1);
    }
    // One leak per group per round: the rest of its questions wait for the cell hidden for it.
    const leaks: number[] = [];
    const leaking = new Set<number>();
    for (const i of [...pending]) {
      if (!pending.has(i) || leaking.has(quantities[i].group)) continue;
      const q = quantities[i];
      const v0 = truthOf[i];
      const upper = groupUpper(model, q);
      if (excusedByDifference(i)) {
        pending.delete(i);
        allowed.add(i);
        continue;
      }
      if (!options.solver) {
        // No solver: a question no move answers is taken as pinned, without proof.
        unproven++;
        overApproximated = true;
        leaks.push(i);
        leaking.add(q.group);
        continue;
      }
      let witness: Solution | undefined;
      if (v0 > 0) witness = witnessFor(q, '<=', v0 - 1);
      if (!witness && v0 < upper) witness = witnessFor(q, '>=', v0 + 1);
      if (witness) {
        clearWith(witness);
        continue;
      }
      leaks.push(i);
      leaking.add(q.group);
    }
    if (leaks.length === 0) break;
    leaksFound += leaks.length;
    // Hide one cell per leaking group, unless a cell hidden this round already touches it (the
    // next round tells whether that was enough). The root goes only when nothing else can.
    const hiddenNow = new Set<number>();
    const done = new Set<number>();
    let rootNeeded: Quantity | undefined;
    for (const i of leaks) {
      const q = quantities[i];
      if (done.has(q.group)) continue;
      done.add(q.group);
      if (touching[q.group].some((c) => hiddenNow.has(c) && model.cells[c].complementOf === undefined)) continue;
      const choice = chooseCell(model, visibility, q, touching[q.group], containing[q.group], cellValue, hideable);
      if (!choice) {
        rootNeeded ??= q;
        continue;
      }
      for (const [vector, cell] of choice) {
        for (const same of sameAs[cell]) {
          // An empty complement's partner can be everyone (a one-unit wave): the root is never hidden here.
          if (!visibility[vector][same] || model.cells[same].members.length === model.cells[model.root].members.length) continue;
          visibility[vector][same] = 0;
          hidden.push([vector, same]);
          hiddenNow.add(same);
        }
      }
    }
    // Nothing left to hide but the whole organization's count (which would make the wave useless)
    // or counts published while the wave was open: give up, and the close falls to the solver-free
    // certificate.
    if (hiddenNow.size === 0 && rootNeeded) throw new AuditGaveUpError('only the whole organization, or counts already published, left to hide');
    // Only open questions need asking again; a unanimity that rested on a hidden cell is a question now.
    for (const i of [...allowed]) {
      if (!unanimous(quantities[i]) && !excusedByDifference(i)) {
        allowed.delete(i);
        pending.add(i);
      }
    }
    if (!isFeasible(model, visibility, truth)) throw new Error('the true counts no longer fit the published ones');
  }
  return { hidden, quantities: quantities.length, unanimity: allowed.size, rounds, solves, unresolved, leaks: leaksFound, overApproximated, moves, unproven };
}

/** The largest value the quantity can take: everyone invited in the group. */
function groupUpper(model: CertifyModel, _q: Quantity): number {
  return model.groups[_q.group].invited;
}

/** Cells (segments and complements) holding every finest group of the set. */
function cellsContaining(model: CertifyModel, members: Int32Array): number[] {
  if (members.length === 0) return [];
  let current = new Set(model.cellsOf[members[0]]);
  for (let i = 1; i < members.length && current.size > 0; i++) {
    const next = new Set<number>();
    for (const c of model.cellsOf[members[i]]) if (current.has(c)) next.add(c);
    current = next;
  }
  return [...current];
}

/** Cells holding at least one finest group of the set. */
function cellsTouching(model: CertifyModel, members: Int32Array): number[] {
  const touched = new Set<number>();
  for (const f of members) for (const c of model.cellsOf[f]) touched.add(c);
  return [...touched];
}

type CellValue = (vector: number, point: number, cell: number) => number;

/** A cell's true count per vector and point (point −1: responded, or answered), computed once. */
function memoCellValues(model: CertifyModel): CellValue {
  const F = model.invited.length;
  const memo = new Map<string, number>();
  return (vector, point, cell) => {
    const key = `${vector}:${point}:${cell}`;
    let value = memo.get(key);
    if (value !== undefined) return value;
    value = 0;
    const members = model.cells[cell].members;
    if (vector === 0) for (const f of members) value += model.responded[f];
    else {
      const flat = model.counts[vector - 1];
      const points = model.statements[vector - 1].points.length;
      for (let p = Math.max(point, 0); p < (point >= 0 ? point + 1 : points); p++) for (const f of members) value += flat[p * F + f];
    }
    memo.set(key, value);
    return value;
  };
}

/**
 * The cell to hide for a leak: the smallest visible cell (fewest respondents, then fewest
 * invitees), never the root, among those a derivation about the group can rest on: cells touching
 * the group, and cells inside the smallest visible cell holding it (a parent minus a child needs
 * the child). First in the quantity's own vector, then among responded cells (a ≤ r couples the
 * two), and for a responded count among every statement's cells; failing all, none (the caller hides the root only as a last resort). A complement goes with its
 * segment: with the root shown they say the same.
 */
function chooseCell(
  model: CertifyModel,
  visibility: Visibility,
  q: Quantity,
  touching: number[],
  containing: number[],
  cellValue: CellValue,
  hideable: (vector: number, c: number) => boolean,
): Array<[number, number]> | undefined {
  const F = model.invited.length;
  const wholeOrganization = model.cells[model.root].members.length;
  // A responded count is also bounded below by every statement's answered count (a ≤ r): "all of
  // them responded" can rest on statement cells alone, so those are candidates too, after its own.
  const statementVectors = model.statements.map((_, s) => 1 + s);
  for (const vector of q.vector === 0 ? [0, ...statementVectors] : [q.vector, 0]) {
    const holders = containing.filter((c) => visibility[vector][c] && c !== model.root);
    const candidates = new Set(touching);
    if (holders.length > 0) {
      const smallest = holders.reduce((a, b) => (model.cells[b].invited < model.cells[a].invited ? b : a));
      const inside = new Uint8Array(F);
      for (const f of model.cells[smallest].members) inside[f] = 1;
      model.cells.forEach((cell, c) => {
        if (cell.invited <= model.cells[smallest].invited && cell.members.every((f) => inside[f] === 1)) candidates.add(c);
      });
    }
    let best = -1;
    let bestKey: [number, number] = [Infinity, Infinity];
    for (const c of candidates) {
      // A cell with everyone in it (the only unit of a one-unit wave) is the root under another name.
      if (c === model.root || model.cells[c].members.length === wholeOrganization || !visibility[vector][c] || !hideable(vector, c)) continue;
      const key: [number, number] = [cellValue(vector, -1, c), model.cells[c].invited];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
        best = c;
        bestKey = key;
      }
    }
    if (best >= 0) return withPartner(model, vector, best);
  }
  return undefined;
}

function withPartner(model: CertifyModel, vector: number, cell: number): Array<[number, number]> {
  const of = model.cells[cell].complementOf;
  if (of !== undefined)
    return [
      [vector, cell],
      [vector, of],
    ];
  const complement = model.cells.findIndex((other) => other.complementOf === cell);
  return complement >= 0
    ? [
        [vector, cell],
        [vector, complement],
      ]
    : [[vector, cell]];
}
