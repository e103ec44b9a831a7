/**
 * The attacker's integer program for one audit question, written as CPLEX LP text (the format
 * HiGHS and GLPK both read), and the exact check of a solution the solver returns. Pure: the
 * solver itself is passed in by the caller (functions/certify-solver.ts), so the browser bundle,
 * which imports shared/, never loads it.
 *
 * Soundness rests on the check, not on the solver: a solution counts as a witness only when, in
 * integers, it meets every bound and every published equation exactly.
 */
import type { CertifyModel } from './certify-model.ts';

/** A mixed-integer solver: the LP text in, the value of each variable out (or none). */
export interface MilpSolver {
  /** Name and version, for the certificate. */
  name: string;
  solve(lp: string, options: { timeLimitSeconds: number }): { status: 'feasible' | 'infeasible' | 'unknown'; values?: Map<string, number> };
}

/** One data set consistent with the model's bounds: responded per finest group, and per statement a [point × finest group] array. */
export interface Solution {
  responded: Int32Array;
  counts: Int32Array[];
}

/** What a question asks of one group: its responded count (vector 0), answered (point −1) or one point's count. */
export interface Quantity {
  group: number;
  vector: number;
  point: number;
}

/** Visibility per vector (0 responded, 1 + s statement s) per cell. */
export type Visibility = Uint8Array[];

/**
 * Which unknowns a program leaves free; the others are fixed at their true values. Fixing is a
 * restriction of the attacker's solutions to ones that agree with the truth there: a witness found
 * with it is a witness of the whole program (sound), only a question answered "pinned" under it
 * may be an over-approximation.
 */
export interface Scope {
  /** 1 for each finest group left free. */
  profiles: Uint8Array;
  /** Statements left free (their unknowns in free finest groups). */
  statements: boolean[];
}

export function fullScope(model: CertifyModel): Scope {
  return { profiles: new Uint8Array(model.invited.length).fill(1), statements: model.statements.map(() => true) };
}

const rName = (f: number) => `r${f}`;
const xName = (s: number, p: number, f: number) => `x${s}_${p}_${f}`;

/** Σ of the quantity's unknowns over its group, as variable names. */
export function quantityTerms(model: CertifyModel, quantity: Quantity): string[] {
  const members = model.groups[quantity.group].members;
  const names: string[] = [];
  if (quantity.vector === 0) for (const f of members) names.push(rName(f));
  else {
    const s = quantity.vector - 1;
    const points = quantity.point >= 0 ? [quantity.point] : model.statements[s].points.map((_, p) => p);
    for (const p of points) for (const f of members) names.push(xName(s, p, f));
  }
  return names;
}

/** The quantity's value in a solution. */
export function quantityValue(model: CertifyModel, solution: Solution, quantity: Quantity): number {
  const members = model.groups[quantity.group].members;
  let sum = 0;
  if (quantity.vector === 0) {
    for (const f of members) sum += solution.responded[f];
    return sum;
  }
  const s = quantity.vector - 1;
  const F = model.invited.length;
  const flat = solution.counts[s];
  const points = model.statements[s].points.length;
  for (let p = Math.max(quantity.point, 0); p < (quantity.point >= 0 ? quantity.point + 1 : points); p++) {
    for (const f of members) sum += flat[p * F + f];
  }
  return sum;
}

/**
 * The integer program: every unknown, its bounds, a ≤ r, one equation per visible number, an
 * objective (coefficients per variable name) and optionally one extra constraint on a quantity.
 */
export function writeLp(
  model: CertifyModel,
  visibility: Visibility,
  objective: (name: string) => number,
  extra?: { quantity: Quantity; sense: '<=' | '>='; bound: number },
  integer = true,
  scope: Scope = fullScope(model),
): string {
  const F = model.invited.length;
  const free = scope.profiles;
  const out: string[] = [];
  const names: string[] = [];
  const freeProfiles: number[] = [];
  for (let f = 0; f < F; f++) if (free[f]) freeProfiles.push(f);
  for (const f of freeProfiles) names.push(rName(f));
  model.statements.forEach((statement, s) => {
    if (!scope.statements[s]) return;
    statement.points.forEach((_, p) => {
      for (const f of freeProfiles) names.push(xName(s, p, f));
    });
  });
  const isFree = (vector: number, f: number) => free[f] === 1 && (vector === 0 || scope.statements[vector - 1]);
  const truthOf = (vector: number, point: number, f: number) => (vector === 0 ? model.responded[f] : model.counts[vector - 1][point * F + f]);
  const terms = (list: string[]) => {
    const chunks: string[] = [];
    for (let i = 0; i < list.length; i += 40) chunks.push(list.slice(i, i + 40).join(' '));
    return chunks.join('\n  ');
  };
  out.push('Maximize');
  const objectiveTerms: string[] = [];
  for (const name of names) {
    const c = objective(name);
    if (c !== 0) objectiveTerms.push(`${c >= 0 ? '+' : '-'} ${Math.abs(c)} ${name}`);
  }
  if (objectiveTerms.length === 0 && names.length > 0) objectiveTerms.push(`0 ${names[0]}`);
  out.push(` obj: ${terms(objectiveTerms)}`);
  out.push('Subject To');
  let row = 0;
  // answered ≤ responded, per free finest group and free statement; a fixed statement's true
  // answered count is a lower bound on r (in Bounds below).
  const lower = new Int32Array(F);
  model.statements.forEach((statement, s) => {
    if (statement.points.length === 0) return;
    for (const f of freeProfiles) {
      if (!scope.statements[s]) {
        let answered = 0;
        for (let p = 0; p < statement.points.length; p++) answered += model.counts[s][p * F + f];
        if (answered > lower[f]) lower[f] = answered;
        continue;
      }
      const list = statement.points.map((_, p) => `+ ${xName(s, p, f)}`);
      out.push(` c${row++}: ${terms(list)} - ${rName(f)} <= 0`);
    }
  });
  forEachEquation(model, visibility, (members, vector, point, value) => {
    let rest = value;
    const list: string[] = [];
    for (const f of members) {
      if (isFree(vector, f)) list.push(`+ ${vector === 0 ? rName(f) : xName(vector - 1, point, f)}`);
      else rest -= truthOf(vector, point, f);
    }
    if (list.length > 0) out.push(` c${row++}: ${terms(list)} = ${rest}`);
  });
  if (extra) {
    let bound = extra.bound;
    const list: string[] = [];
    for (const name of quantityTerms(model, extra.quantity)) {
      const parsed = parseName(name);
      if (isFree(parsed.vector, parsed.f)) list.push(`+ ${name}`);
      else bound -= truthOf(parsed.vector, parsed.point, parsed.f);
    }
    if (list.length === 0) list.push(`0 ${names[0]}`);
    out.push(` c${row++}: ${terms(list)} ${extra.sense} ${bound}`);
  }
  out.push('Bounds');
  for (const f of freeProfiles) out.push(` ${lower[f]} <= ${rName(f)} <= ${model.invited[f]}`);
  model.statements.forEach((statement, s) => {
    if (!scope.statements[s]) return;
    statement.points.forEach((_, p) => {
      for (const f of freeProfiles) out.push(` 0 <= ${xName(s, p, f)} <= ${model.invited[f]}`);
    });
  });
  if (integer) {
    out.push('General');
    for (let i = 0; i < names.length; i += 40) out.push(` ${names.slice(i, i + 40).join(' ')}`);
  }
  out.push('End');
  return out.join('\n');
}

/** The vector, point and finest group of a variable name. */
function parseName(name: string): { vector: number; point: number; f: number } {
  if (name[0] === 'r') return { vector: 0, point: -1, f: Number(name.slice(1)) };
  const [s, p, f] = name.slice(1).split('_').map(Number);
  return { vector: s + 1, point: p, f };
}

/**
 * Every published equation once: Σ over the cell's finest groups = the published count. A
 * complement says what its segment says once the root is shown, so it is written only when its
 * segment is hidden.
 */
export function forEachEquation(
  model: CertifyModel,
  visibility: Visibility,
  emit: (members: Int32Array, vector: number, point: number, value: number) => void,
): void {
  const F = model.invited.length;
  for (let vector = 0; vector < visibility.length; vector++) {
    const shown = visibility[vector];
    const points = vector === 0 ? 1 : model.statements[vector - 1].points.length;
    model.cells.forEach((cell, c) => {
      if (!shown[c]) return;
      if (cell.complementOf !== undefined && shown[model.root] && shown[cell.complementOf]) return;
      for (let p = 0; p < points; p++) {
        let value = 0;
        if (vector === 0) for (const f of cell.members) value += model.responded[f];
        else {
          const flat = model.counts[vector - 1];
          for (const f of cell.members) value += flat[p * F + f];
        }
        emit(cell.members, vector, vector === 0 ? -1 : p, value);
      }
    });
  }
}

/** Read a solver's values into a solution and check it exactly; undefined when it is not a witness. */
export function readWitness(model: CertifyModel, visibility: Visibility, values: Map<string, number>, scope: Scope = fullScope(model)): Solution | undefined {
  const F = model.invited.length;
  const integer = (name: string) => {
    const parsed = parseName(name);
    if (!(scope.profiles[parsed.f] === 1 && (parsed.vector === 0 || scope.statements[parsed.vector - 1]))) {
      return parsed.vector === 0 ? model.responded[parsed.f] : model.counts[parsed.vector - 1][parsed.point * F + parsed.f];
    }
    const value = values.get(name) ?? 0;
    const rounded = Math.round(value);
    return Math.abs(value - rounded) > 1e-6 ? Number.NaN : rounded;
  };
  const responded = new Int32Array(F);
  for (let f = 0; f < F; f++) {
    const value = integer(rName(f));
    if (!(value >= 0 && value <= model.invited[f])) return undefined;
    responded[f] = value;
  }
  const counts = model.statements.map((statement, s) => {
    const flat = new Int32Array(statement.points.length * F);
    statement.points.forEach((_, p) => {
      for (let f = 0; f < F; f++) flat[p * F + f] = integer(xName(s, p, f));
    });
    return flat;
  });
  const solution = { responded, counts };
  return isFeasible(model, visibility, solution) ? solution : undefined;
}

/** Whether a data set meets every bound and reproduces every visible number exactly. */
export function isFeasible(model: CertifyModel, visibility: Visibility, solution: Solution): boolean {
  const F = model.invited.length;
  for (let f = 0; f < F; f++) if (!(solution.responded[f] >= 0 && solution.responded[f] <= model.invited[f])) return false;
  for (let s = 0; s < model.statements.length; s++) {
    const points = model.statements[s].points.length;
    const flat = solution.counts[s];
    for (let f = 0; f < F; f++) {
      let answered = 0;
      for (let p = 0; p < points; p++) {
        const value = flat[p * F + f];
        if (!(value >= 0)) return false;
        answered += value;
      }
      if (answered > solution.responded[f]) return false;
    }
  }
  let ok = true;
  forEachEquation(model, visibility, (members, vector, point, value) => {
    if (!ok) return;
    let sum = 0;
    if (vector === 0) for (const f of members) sum += solution.responded[f];
    else {
      const flat = solution.counts[vector - 1];
      for (const f of members) sum += flat[point * F + f];
    }
    if (sum !== value) ok = false;
  });
  return ok;
}
