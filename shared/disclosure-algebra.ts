/**
 * The attacker's exact algebra for disclosure control: counts as unknowns, "total = Σ parts" as
 * equations, and elimination modulo a large prime to find which unknowns the visible counts pin
 * down. Split from disclosure.ts, which decides what to hide; this only answers what is learnable.
 */

/** One count in the system. */
export interface Variable {
  value: number;
  /** Invitees in the group, when the directory is given (a group's size is public). */
  invited?: number;
  /** Whether a segment shows this count; the others are remainders nobody ever sees. */
  published: boolean;
}

/** total = Σ parts */
export interface Equation {
  total: number;
  parts: number[];
  /** Follows from the others: it helps peeling, and exact elimination can do without it. */
  implied?: boolean;
}

/** Every count an equation mentions, its total first. */
export function equationCells(equation: Equation): number[] {
  return [equation.total, ...equation.parts];
}

const PRIME = 67_108_859; // below 2^26, so a product of two residues stays an exact double

/**
 * Exact elimination over what peeling left unknown, in the integers modulo a large prime.
 *
 * First the mirror image of peeling: an unknown that occurs in one remaining equation only absorbs
 * it (the equation then says nothing about the others), so both are set aside. What is left, the
 * core, is usually small and is brought to reduced row echelon form, each row remembering the
 * equations it combines. An unknown is determined exactly when it is orthogonal to every solution
 * of the homogeneous system; instead of listing those, take two random ones (random values for the
 * free unknowns, the rest following from the core rows and, in reverse order, the set-aside
 * equations): a determined unknown is 0 in both, an undetermined one is nonzero in either with
 * probability 1 − 1/PRIME² — and a wrong guess only hides one cell too many. Working modulo a prime
 * finds at least what the rationals find unless the prime divides a pivot, which the ±1
 * coefficients here make practically impossible.
 */
export function solveRemainder(known: boolean[], variables: Variable[], equations: Equation[], exposed: (n: number, invited?: number) => boolean): number[][] {
  const unknownsOf = new Map<number, number[]>();
  const occurrences = new Map<number, number[]>();
  equations.forEach((equation, e) => {
    const unknowns = equationCells(equation).filter((cell) => !known[cell]);
    if (unknowns.length === 0 || equation.implied) return;
    unknownsOf.set(e, unknowns);
    for (const cell of unknowns) {
      if (!occurrences.has(cell)) occurrences.set(cell, []);
      occurrences.get(cell)!.push(e);
    }
  });
  const coefficientIn = (e: number, cell: number) => (cell === equations[e].total ? 1 : PRIME - 1);

  const setAside: { cell: number; equation: number }[] = [];
  const setAsideBy = new Map<number, number>();
  const removed = new Set<number>();
  const remaining = (cell: number) => occurrences.get(cell)!.filter((e) => !removed.has(e));
  const queue = [...occurrences.keys()];
  while (queue.length > 0) {
    const cell = queue.pop()!;
    const live = remaining(cell);
    if (live.length !== 1) continue;
    const [e] = live;
    removed.add(e);
    setAsideBy.set(cell, e);
    setAside.push({ cell, equation: e });
    for (const other of unknownsOf.get(e)!) if (other !== cell && remaining(other).length === 1) queue.push(other);
  }

  // Row echelon form: each row is reduced by the rows before it only, so it holds no earlier pivot.
  const pivots = new Map<number, Row>();
  const order: number[] = [];
  for (const [e, unknowns] of unknownsOf) {
    if (removed.has(e)) continue;
    let row = reduce({ coefficients: new Map(unknowns.map((cell) => [cell, coefficientIn(e, cell)])), used: [e] }, pivots);
    if (row.coefficients.size === 0) continue;
    let pivot = -1;
    for (const column of row.coefficients.keys()) if (pivot < 0 || column < pivot) pivot = column;
    row = scale(row, inverse(row.coefficients.get(pivot)!));
    row.rank = order.length;
    pivots.set(pivot, row);
    order.push(pivot);
  }

  // Two random solutions of the homogeneous system, as values per unknown; seeded, so the same
  // counts always get the same answer.
  const random = seededResidues(0x5eed);
  const solutions = [0, 1].map(() => {
    const value = new Map<number, number>();
    for (const cell of occurrences.keys()) if (!pivots.has(cell) && !setAsideBy.has(cell)) value.set(cell, random());
    for (let i = order.length - 1; i >= 0; i--) {
      const pivot = order[i];
      let sum = 0;
      for (const [column, coefficient] of pivots.get(pivot)!.coefficients) if (column !== pivot) sum = (sum + coefficient * value.get(column)!) % PRIME;
      value.set(pivot, (PRIME - sum) % PRIME);
    }
    for (let i = setAside.length - 1; i >= 0; i--) {
      const { cell, equation } = setAside[i];
      let sum = 0;
      for (const other of unknownsOf.get(equation)!) if (other !== cell) sum = (sum + coefficientIn(equation, other) * value.get(other)!) % PRIME;
      value.set(cell, (((PRIME - sum) % PRIME) * inverse(coefficientIn(equation, cell))) % PRIME);
    }
    return value;
  });

  const leaks: number[][] = [];
  for (const cell of occurrences.keys()) {
    if (!exposed(variables[cell].value, variables[cell].invited) || solutions.some((value) => value.get(cell) !== 0)) continue;
    leaks.push(certificate(cell));
  }
  return leaks;

  /** The equations that pin the unknown down: its set-aside equations rewritten over the core, and the core rows that explain them. */
  function certificate(cell: number): number[] {
    const coefficients = new Map([[cell, 1]]);
    const used = new Set<number>();
    // Each set-aside equation only holds unknowns set aside after it, so substituting never loops.
    const pending = [cell];
    while (pending.length > 0) {
      const column = pending.pop()!;
      const e = setAsideBy.get(column);
      const coefficient = coefficients.get(column);
      if (e === undefined || coefficient === undefined) continue;
      used.add(e);
      const factor = (coefficient * inverse(coefficientIn(e, column))) % PRIME;
      for (const other of unknownsOf.get(e)!) {
        const next = ((((coefficients.get(other) ?? 0) - factor * coefficientIn(e, other)) % PRIME) + PRIME) % PRIME;
        if (next === 0) coefficients.delete(other);
        else {
          coefficients.set(other, next);
          if (setAsideBy.has(other)) pending.push(other);
        }
      }
    }
    return reduce({ coefficients, used: [...used] }, pivots).used;
  }
}

interface Row {
  coefficients: Map<number, number>;
  used: number[];
  /** Position among the echelon rows. */
  rank?: number;
}

/** The row less every multiple of echelon rows it holds a pivot of, taken in echelon order (a row only ever brings in later pivots). */
function reduce(input: Row, pivots: Map<number, Row>): Row {
  const coefficients = new Map(input.coefficients);
  const used = new Set(input.used);
  const queue = new MinHeap();
  for (const column of coefficients.keys()) {
    const pivotRow = pivots.get(column);
    if (pivotRow) queue.push(pivotRow.rank!, column);
  }
  while (queue.size > 0) {
    const column = queue.pop();
    const factor = coefficients.get(column);
    if (factor === undefined) continue;
    const pivotRow = pivots.get(column)!;
    for (const e of pivotRow.used) used.add(e);
    for (const [other, value] of pivotRow.coefficients) {
      const before = coefficients.get(other);
      const next = ((((before ?? 0) - factor * value) % PRIME) + PRIME) % PRIME;
      if (next === 0) coefficients.delete(other);
      else {
        coefficients.set(other, next);
        const otherRow = before === undefined ? pivots.get(other) : undefined;
        if (otherRow) queue.push(otherRow.rank!, other);
      }
    }
  }
  return { coefficients, used: [...used] };
}

/** A binary heap of columns keyed by their echelon rank. */
class MinHeap {
  private readonly keys: number[] = [];
  private readonly values: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, value: number): void {
    let i = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): number {
    const top = this.values[0];
    const lastKey = this.keys.pop()!;
    const lastValue = this.values.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.values[0] = lastValue;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.keys.length && this.keys[left] < this.keys[smallest]) smallest = left;
        if (right < this.keys.length && this.keys[right] < this.keys[smallest]) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }
  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.values[a], this.values[b]] = [this.values[b], this.values[a]];
  }
}

function scale(a: Row, factor: number): Row {
  const coefficients = new Map<number, number>();
  for (const [column, value] of a.coefficients) coefficients.set(column, (value * factor) % PRIME);
  return { coefficients, used: a.used, rank: a.rank };
}

/** Pseudo-random residues in 1..PRIME-1 (a multiplicative congruential generator modulo PRIME). */
function seededResidues(seed: number): () => number {
  let state = (seed % (PRIME - 1)) + 1;
  return () => (state = (state * 48_271) % PRIME);
}

function inverse(a: number): number {
  let [r0, r1, s0, s1] = [PRIME, a, 0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % PRIME) + PRIME) % PRIME;
}
