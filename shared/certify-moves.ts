/**
 * Cheap exact witnesses for the confidentiality audit (shared/certify.ts): small integer moves of
 * the true counts that keep every visible number and every bound, so no solver is needed for most
 * questions.
 *
 * A move is a direction d over finest groups with entries ±1 on two or four of them, orthogonal to
 * every visible cell of the vectors it touches (Σ_{f∈S} d_f = 0), applied to one or more count
 * vectors with a sign σ:
 * - `swap`: x[s,p] += σd, x[s,p'] −= σd (answered counts unchanged, so r is untouched);
 * - `answer`: x[s,p] += σd (one more or one fewer answer of s, within a ≤ r);
 * - `respondent`: r += σd, carrying into x[s,p_s] += σd for the statements whose a ≤ r needs it.
 * The directions: two finest groups of one atom (the same visible cells of the vector), a 2×2
 * rectangle of attribute values inside one unit (always orthogonal: every published cell is a unit,
 * a unit × value or a value, and each is balanced), and a rectangle across a unit and one of its
 * neighbours (orthogonal only where the cells that part them are hidden; checked).
 *
 * Soundness: the truth meets every bound and every visible equation; a move changes the counts
 * only of the finest groups in its support, and is accepted only after checking in integers that
 * each of them stays within its bounds (0 ≤ x, a ≤ r ≤ invited) and that every visible cell of
 * every vector it touches keeps its sum. The moved data set is then an integer solution of the
 * attacker's program with the quantity at another value: the quantity is not pinned.
 */
import type { CertifyModel } from './certify-model.ts';
import type { Quantity, Visibility } from './certify-lp.ts';
import { parseProfileKey, profileKey } from './org.ts';

/** A direction: finest groups and their ±1. */
export type Direction = Array<[number, number]>;

/** A move, as the data set it leads to differs from the truth. */
export interface Move {
  direction: Direction;
  /** Vector 0 (responded) with coefficient, and per statement point coefficients. */
  responded: number;
  points: Array<{ statement: number; point: number; coefficient: number }>;
}

/** Finds moves for one model; its caches follow the visibility as cells get hidden (call `refresh`). */
export class MoveFinder {
  private readonly F: number;
  private readonly answered: Int32Array[];
  private readonly maxAnswered: Int32Array;
  private readonly byKey = new Map<string, number>();
  private readonly unitOf: string[];
  private readonly attributesOf: Array<Record<string, string>>;
  private readonly valuesOf = new Map<string, Set<string>>();
  private readonly neighbours = new Map<string, string[]>();
  private atomsByVector: Int32Array[] = [];
  private visibilityClass: number[] = [];
  private orthogonalMemo = new Map<string, boolean>();
  private readonly staticDirections = new Map<number, Direction[]>();
  private readonly sums: Int32Array;
  private atomMembers: Int32Array[][] = [];

  constructor(
    private readonly model: CertifyModel,
    private visibility: Visibility,
  ) {
    const F = (this.F = model.invited.length);
    this.sums = new Int32Array(model.cells.length);
    this.answered = model.statements.map((statement, s) => {
      const out = new Int32Array(F);
      for (let p = 0; p < statement.points.length; p++) for (let f = 0; f < F; f++) out[f] += model.counts[s][p * F + f];
      return out;
    });
    this.maxAnswered = new Int32Array(F);
    for (const answered of this.answered) for (let f = 0; f < F; f++) if (answered[f] > this.maxAnswered[f]) this.maxAnswered[f] = answered[f];
    this.unitOf = model.unitOf;
    this.attributesOf = model.profileKeys.map((key, f) => {
      this.byKey.set(key, f);
      return parseProfileKey(key).attributes;
    });
    for (const attributes of this.attributesOf)
      for (const [name, value] of Object.entries(attributes)) (this.valuesOf.get(name) ?? this.valuesOf.set(name, new Set()).get(name)!).add(value);
    // A missing value is a value of its own for rectangles: nobody with it is in any of the attribute's cells.
    for (const values of this.valuesOf.values()) values.add('');
    const children = new Map<string, string[]>();
    for (const [unit, parent] of model.parentOf) if (parent !== null) (children.get(parent) ?? children.set(parent, []).get(parent)!).push(unit);
    for (const [unit, parent] of model.parentOf) {
      const near = new Set<string>(children.get(unit) ?? []);
      if (parent !== null) {
        near.add(parent);
        for (const sibling of children.get(parent) ?? []) if (sibling !== unit) near.add(sibling);
      }
      this.neighbours.set(unit, [...near]);
    }
    this.refresh(visibility);
  }

  /** Recompute the atoms after cells were hidden; vectors with the same visibility share theirs. */
  refresh(visibility: Visibility): void {
    this.visibility = visibility;
    const cache = new Map<string, { atoms: Int32Array; members: Int32Array[] }>();
    this.atomsByVector = [];
    this.atomMembers = [];
    this.visibilityClass = [];
    this.orthogonalMemo = new Map();
    const classes = new Map<string, number>();
    for (const shown of visibility) {
      const key = shown.join('');
      if (!classes.has(key)) classes.set(key, classes.size);
      this.visibilityClass.push(classes.get(key)!);
      let entry = cache.get(key);
      if (!entry) {
        const ids = new Map<string, number>();
        const atoms = new Int32Array(this.F);
        const lists: number[][] = [];
        for (let f = 0; f < this.F; f++) {
          const signature: number[] = [];
          for (const c of this.model.cellsOf[f]) if (shown[c]) signature.push(c);
          const sig = signature.join(',');
          let id = ids.get(sig);
          if (id === undefined) {
            id = lists.length;
            ids.set(sig, id);
            lists.push([]);
          }
          atoms[f] = id;
          lists[id].push(f);
        }
        entry = { atoms, members: lists.map((list) => Int32Array.from(list)) };
        cache.set(key, entry);
      }
      this.atomsByVector.push(entry.atoms);
      this.atomMembers.push(entry.members);
    }
  }

  /** A move that changes the quantity of a group, or undefined. `inside` marks the group's finest groups. */
  find(q: Quantity, members: Int32Array, inside: Uint8Array): Move | undefined {
    for (const direction of this.directions(q.vector, members, inside)) {
      let gain = 0;
      for (const [f, d] of direction) if (inside[f]) gain += d;
      if (gain === 0) continue;
      for (const sigma of [1, -1]) {
        const move = this.tryMoves(q, direction, sigma);
        if (move) return move;
      }
    }
    return undefined;
  }

  /** Candidate directions with a finest group of the group in their support (lazily, cheapest first). */
  private *directions(vector: number, members: Int32Array, inside: Uint8Array): Generator<Direction> {
    const atoms = this.atomsByVector[vector];
    const atomMembers = this.atomMembers[vector];
    for (const f of members) {
      for (const other of atomMembers[atoms[f]])
        if (!inside[other])
          yield [
            [f, 1],
            [other, -1],
          ];
    }
    for (const f of members) {
      let list = this.staticDirections.get(f);
      if (!list) {
        list = [...this.rectangles(f)];
        this.staticDirections.set(f, list);
      }
      yield* list;
    }
  }

  /** Rectangles and pairs through f that do not depend on what is visible (built once per finest group). */
  private *rectangles(f: number): Generator<Direction> {
    {
      const unit = this.unitOf[f];
      const attributes = this.attributesOf[f];
      const names = [...this.valuesOf.keys()];
      // Inside the unit: change two attributes.
      for (let i = 0; i < names.length; i++) {
        for (let j = i + 1; j < names.length; j++) {
          for (const a of this.valuesOf.get(names[i])!) {
            if (a === (attributes[names[i]] ?? '')) continue;
            for (const b of this.valuesOf.get(names[j])!) {
              if (b === (attributes[names[j]] ?? '')) continue;
              const f2 = this.lookup(unit, attributes, { [names[i]]: a });
              const f3 = this.lookup(unit, attributes, { [names[j]]: b });
              const f4 = this.lookup(unit, attributes, { [names[i]]: a, [names[j]]: b });
              if (f2 !== undefined && f3 !== undefined && f4 !== undefined)
                yield [
                  [f, 1],
                  [f2, -1],
                  [f3, -1],
                  [f4, 1],
                ];
            }
          }
        }
      }
      // Across a neighbouring unit: change one attribute (or none: a pair, checked like any other).
      for (const near of this.neighbours.get(unit) ?? []) {
        const f3 = this.lookup(near, attributes, {});
        if (f3 === undefined) continue;
        yield [
          [f, 1],
          [f3, -1],
        ];
        for (const name of names) {
          for (const a of this.valuesOf.get(name)!) {
            if (a === (attributes[name] ?? '')) continue;
            const f2 = this.lookup(unit, attributes, { [name]: a });
            const f4 = this.lookup(near, attributes, { [name]: a });
            if (f2 !== undefined && f4 !== undefined)
              yield [
                [f, 1],
                [f2, -1],
                [f3, -1],
                [f4, 1],
              ];
          }
        }
      }
    }
  }

  private lookup(unit: string, attributes: Record<string, string>, change: Record<string, string>): number | undefined {
    const next: Record<string, string> = { ...attributes };
    for (const [name, value] of Object.entries(change)) {
      if (value === '') delete next[name];
      else next[name] = value;
    }
    return this.byKey.get(profileKey({ unitId: unit, attributes: next }));
  }

  /** Whether the direction keeps every visible cell of the vector (memoized per visibility, sign-free). */
  private orthogonal(vector: number, direction: Direction): boolean {
    const sign = direction[0][1];
    let key = `${this.visibilityClass[vector]}`;
    for (const [f, d] of direction) key += `,${f * d * sign}`;
    let known = this.orthogonalMemo.get(key);
    if (known !== undefined) return known;
    const shown = this.visibility[vector];
    const touched: number[] = [];
    for (const [f, d] of direction)
      for (const c of this.model.cellsOf[f]) {
        if (!shown[c]) continue;
        if (this.sums[c] === 0) touched.push(c);
        this.sums[c] += d;
      }
    known = true;
    for (const c of touched) {
      if (this.sums[c] !== 0) known = false;
      this.sums[c] = 0;
    }
    // A cell whose sum came back to 0 midway may be listed twice; both reads saw the final sum.
    this.orthogonalMemo.set(key, known);
    return known;
  }

  private count(s: number, p: number, f: number): number {
    return this.model.counts[s][p * this.F + f];
  }

  /** The first template that fits the quantity and the bounds, with the direction scaled by σ. */
  private tryMoves(q: Quantity, direction: Direction, sigma: number): Move | undefined {
    const { model } = this;
    const scaled: Direction = direction.map(([f, d]) => [f, d * sigma]);
    if (q.vector === 0) return this.respondentMove(scaled, undefined);
    const s = q.vector - 1;
    const points = model.statements[s].points.length;
    if (!this.orthogonal(q.vector, scaled)) return this.respondentMoveCarrying(scaled, s, q.point);
    const pointsToTry = q.point >= 0 ? [q.point] : Array.from({ length: points }, (_, p) => p);
    for (const p of pointsToTry) {
      // answer: x[s,p] += d within a ≤ r.
      if (scaled.every(([f, d]) => (d > 0 ? this.answered[s][f] < model.responded[f] : this.count(s, p, f) >= 1)))
        return { direction: scaled, responded: 0, points: [{ statement: s, point: p, coefficient: 1 }] };
      if (q.point < 0) continue;
      // swap: x[s,p] += d, x[s,p'] −= d.
      for (let other = 0; other < points; other++) {
        if (other === p) continue;
        if (scaled.every(([f, d]) => (d > 0 ? this.count(s, other, f) >= 1 : this.count(s, p, f) >= 1)))
          return {
            direction: scaled,
            responded: 0,
            points: [
              { statement: s, point: p, coefficient: 1 },
              { statement: s, point: other, coefficient: -1 },
            ],
          };
      }
    }
    return this.respondentMoveCarrying(scaled, s, q.point);
  }

  private respondentMoveCarrying(scaled: Direction, s: number, point: number): Move | undefined {
    if (!this.orthogonal(s + 1, scaled)) return undefined;
    const points = this.model.statements[s].points.length;
    for (const p of point >= 0 ? [point] : Array.from({ length: points }, (_, p) => p)) {
      const move = this.respondentMove(scaled, { statement: s, point: p });
      if (move) return move;
    }
    return undefined;
  }

  /**
   * r += d; a statement whose a ≤ r the lower r would break (or `carry`, forced) moves one answer
   * with it, at a point every decreasing finest group has.
   */
  private respondentMove(scaled: Direction, carry: { statement: number; point: number } | undefined): Move | undefined {
    const { model } = this;
    if (!this.orthogonal(0, scaled)) return undefined;
    for (const [f, d] of scaled) if (d > 0 ? model.responded[f] >= model.invited[f] : model.responded[f] < 1) return undefined;
    const moved: Move['points'] = [];
    for (let s = 0; s < model.statements.length; s++) {
      const forced = carry?.statement === s;
      const needed = scaled.some(([f, d]) => d < 0 && this.answered[s][f] > model.responded[f] - 1);
      if (!forced && !needed) continue;
      if (!this.orthogonal(s + 1, scaled)) return undefined;
      const points = model.statements[s].points.length;
      let chosen = -1;
      for (const p of forced ? [carry.point] : Array.from({ length: points }, (_, p) => p)) {
        if (scaled.every(([f, d]) => d > 0 || this.count(s, p, f) >= 1)) {
          chosen = p;
          break;
        }
      }
      if (chosen < 0) return undefined;
      moved.push({ statement: s, point: chosen, coefficient: 1 });
    }
    return { direction: scaled, responded: 1, points: moved };
  }
}

/** The data set a move leads to (for tests and spot checks: the audit relies on the local checks above). */
export function applyMove(model: CertifyModel, move: Move): { responded: Int32Array; counts: Int32Array[] } {
  const F = model.invited.length;
  const responded = Int32Array.from(model.responded);
  const counts = model.counts.map((flat) => Int32Array.from(flat));
  for (const [f, d] of move.direction) {
    responded[f] += move.responded * d;
    for (const { statement, point, coefficient } of move.points) counts[statement][point * F + f] += coefficient * d;
  }
  return { responded, counts };
}
