/**
 * Disclosure control, applied once at close over the whole segment set of a wave (DESIGN.md,
 * "Confidentiality"): primary suppression of cells under k, then complementary suppression until
 * no hidden group of 1..k-1 people can be worked out from the visible counts.
 *
 * Model. Every group the structure names is a variable: a unit's total T(u), the people who sit
 * directly in it N(u), those of them with one value of an attribute y(u, a, v) (or with no value),
 * a unit × value total TA(u, a, v), for every unit and value whether or not it is a segment, and
 * the remainders a visible total minus its visible parts would expose (a unit less its
 * segment-sized children; people with no value or a value too rare to be a segment). Equations
 * "total = Σ parts" tie them, and together they imply every linear relation between the published
 * counts:
 *   T(u) = N(u) + Σ T(child);  TA(u,a,v) = y(u,a,v) + Σ TA(child,a,v);  N(u) = Σ_v y(u,a,v).
 * A segment is T or TA (an attribute value org-wide is TA of the root); its complement "rest of
 * the organization" is T(root) minus it, so with the root shown a complement tells exactly what
 * its segment does and the two are shown or hidden together.
 *
 * The attacker knows the visible cells and every variable that is 0 (a 0 hides nobody, so hiding it
 * protects no one). They peel: an equation with one unknown left gives it away, repeatedly; an
 * equation with a known total gives away the sum of its unknown parts, opened up through hidden
 * sub-totals as far as helps; then they solve what is left exactly (elimination over a large prime
 * field). Whenever a group they pin down, or everyone outside it, is 1..k-1 people, the smallest
 * visible cell the deduction rests on (nearest first, preferring one no equation gives straight
 * back) is hidden, and they attack again. The root is kept visible whenever it is k or more.
 *
 * test/disclosure-attack.test.ts is the independent check: an attacker with exact rational
 * arithmetic over people-level unknowns, on generated organizations of many shapes.
 */
import type { OrgUnit, ProfileCount } from './org.ts';
import { UnitTree } from './org.ts';
import type { Segment } from './segments.ts';
import { attributeSegmentId, countBySegment, unitAttributeSegmentId, unitSegmentId } from './segments.ts';
import { equationCells, solveRemainder, type Equation, type Variable } from './disclosure-algebra.ts';

export type Visibility = { visible: true } | { visible: false; reason: 'below-k' | 'differencing' };

/** Id of the "rest of the organization" for a segment: everyone in the root unit not in it. */
export function complementId(segmentId: string): string {
  return `not:${segmentId}`;
}

interface System {
  variables: Variable[];
  equations: Equation[];
  variableOf: Map<string, number>;
  root: number;
  everyone: number;
}

/**
 * Decide which cells may be shown: primary suppression (0 < n < k), then complementary
 * suppression until no hidden cell (or sum of hidden cells) can be solved from visible ones to a
 * value in 1..k-1. The map covers every segment id and `complementId(id)` for every segment.
 */
export function decideVisibility(input: {
  k: number;
  units: OrgUnit[];
  segments: Segment[];
  counts: ProfileCount[];
  /**
   * The directory. With it, a group the visible counts pin down is exposed when it has 1..k-1
   * invitees whatever its count (a 0 is news about named people), and a 0 is no longer taken as
   * free knowledge: only a group nobody was invited to is known without being shown.
   */
  invitees?: ProfileCount[];
}): Map<string, Visibility> {
  const { k, segments } = input;
  const result = new Map<string, Visibility>();
  if (segments.length === 0) return result;
  const system = buildSystem(input);
  const { variables, everyone, root } = system;
  const small = (n: number) => n > 0 && n < k;
  const everyoneInvited = variables[root].invited ?? 0;
  /** A group is exposed when it, or everyone outside it, is 1..k-1 people (respondents, or invitees when the directory is given). */
  const exposed = (n: number, invited?: number) =>
    small(n) || small(everyone - n) || (invited !== undefined && (small(invited) || small(everyoneInvited - invited)));

  const primary = variables.map((v) => v.published && small(v.value));
  const hidden = variables.map((v) => !v.published || small(v.value));
  if (!small(everyone)) {
    // A complement under k hides its segment, or the root would give the complement away.
    variables.forEach((v, i) => {
      if (v.published && small(everyone - v.value)) hidden[i] = true;
    });
    hideUntilSafe(system, hidden, exposed);
  }

  for (const segment of segments) {
    const index = system.variableOf.get(segment.id)!;
    const n = variables[index].value;
    result.set(segment.id, !hidden[index] ? { visible: true } : { visible: false, reason: primary[index] ? 'below-k' : 'differencing' });
    // With the root shown, a complement is visible exactly when its segment is.
    const rest = everyone - n;
    const restVisible = hidden[root] ? rest === 0 : !hidden[index];
    result.set(complementId(segment.id), restVisible ? { visible: true } : { visible: false, reason: small(rest) ? 'below-k' : 'differencing' });
  }
  return result;
}

const ONE_CUT_PER_ROUND_BELOW = 3000;

/** Known without being shown: nobody in it (nobody invited, when the directory is given). */
function isEmpty(variable: Variable): boolean {
  return variable.invited !== undefined ? variable.invited === 0 : variable.value === 0;
}

/** Complementary suppression to a fixed point: attack, hide one visible cell per deduction found, repeat. */
function hideUntilSafe(system: System, hidden: boolean[], exposed: (n: number, invited?: number) => boolean): void {
  const { variables, equations } = system;
  const equationsOf: number[][] = variables.map(() => []);
  equations.forEach((equation, e) => {
    equationsOf[equation.total].push(e);
    for (const part of equation.parts) equationsOf[part].push(e);
  });

  for (;;) {
    const peeled = peel(variables, equations, equationsOf, hidden);
    let leaks = peelingLeaks(peeled, variables, equations, equationsOf, exposed);
    if (leaks.length === 0) leaks = solveRemainder(peeled.known, variables, equations, exposed);
    if (leaks.length === 0) return;
    // Small systems get one cut per attack, which hides the fewest cells. Large ones get several
    // per round to stay fast; a deduction resting on a cell hidden earlier in the same round may
    // already be broken, so it waits for the next attack.
    const attacked = hidden.slice();
    const newlyHidden = new Set<number>();
    /** Whether some equation holding the cell has every other cell known, and known without it. */
    const givenBack = (cell: number) =>
      equationsOf[cell].some((e) =>
        equationCells(equations[e]).every((other) => {
          if (other === cell) return true;
          if (!peeled.known[other] || newlyHidden.has(other)) return false;
          const from = peeled.source[other];
          return from < 0 || !equationCells(equations[from]).includes(cell);
        }),
      );
    for (const used of leaks) {
      const levels = visibleBehind(used, variables, equations, attacked, peeled.source, system.root);
      if (levels.some((level) => level.some((cell) => newlyHidden.has(cell)))) continue;
      const first = levels.find((level) => level.length > 0);
      if (!first) {
        // Cannot happen (a deduction from the root alone only yields the root or 0); if it ever
        // does, failing safe beats failing the close.
        hidden[system.root] = true;
        newlyHidden.add(system.root);
        continue;
      }
      // Hiding a cell that another equation gives straight back protects nobody and invites the
      // next cut; prefer cells that stay unknown once hidden.
      const useful = levels.find((level) => level.some((cell) => !givenBack(cell)));
      const pool = useful ? useful.filter((cell) => !givenBack(cell)) : first;
      const chosen = pool.reduce((a, b) => (variables[b].value < variables[a].value ? b : a));
      hidden[chosen] = true;
      newlyHidden.add(chosen);
      if (variables.length < ONE_CUT_PER_ROUND_BELOW) break;
    }
  }
}

interface Peeled {
  known: boolean[];
  /** For each variable learned by peeling, the equation that gave it away; -1 otherwise. */
  source: Int32Array;
}

/** What the attacker learns from equations with one unknown, repeated to a fixed point. */
function peel(variables: Variable[], equations: Equation[], equationsOf: number[][], hidden: boolean[]): Peeled {
  const known = variables.map((v, i) => !hidden[i] || isEmpty(v));
  const source = new Int32Array(variables.length).fill(-1);
  const unknownCount = equations.map((eq) => equationCells(eq).filter((cell) => !known[cell]).length);
  const queue: number[] = [];
  unknownCount.forEach((count, e) => count === 1 && queue.push(e));
  // First in, first out: every learned cell keeps its shortest derivation, so a fix lands near the leak.
  for (let head = 0; head < queue.length; head++) {
    const e = queue[head];
    if (unknownCount[e] !== 1) continue;
    const learned = equationCells(equations[e]).find((cell) => !known[cell])!;
    known[learned] = true;
    source[learned] = e;
    for (const other of equationsOf[learned]) {
      unknownCount[other]--;
      if (unknownCount[other] === 1) queue.push(other);
    }
  }
  return { known, source };
}

/**
 * Groups the peeling exposes: a learned variable, or the unknown parts of an equation whose total is
 * known (their sum is then known too). An unknown part that is itself a total is opened up into
 * its own parts when that leaves fewer people unknown (a unit's hidden child opened into its
 * visible grandchildren and its rest), so "everyone but these visible teams" is caught at any
 * depth. Each leak is the list of equations the deduction used.
 */
function peelingLeaks(
  peeled: Peeled,
  variables: Variable[],
  equations: Equation[],
  equationsOf: number[][],
  exposed: (n: number, invited?: number) => boolean,
): number[][] {
  const { known, source } = peeled;
  const leaks: number[][] = [];
  variables.forEach((v, i) => {
    if (source[i] >= 0 && exposed(v.value, v.invited)) leaks.push([source[i]]);
  });
  /** Fewest people left unknown when the variable is opened up as far as helps, and the equations opened. */
  const opened = new Map<number, { unknown: number; invited?: number; used: number[] }>();
  const open = (cell: number): { unknown: number; invited?: number; used: number[] } => {
    if (known[cell]) return { unknown: 0, invited: variables[cell].invited === undefined ? undefined : 0, used: [] };
    let best = opened.get(cell);
    if (best) return best;
    best = { unknown: variables[cell].value, invited: variables[cell].invited, used: [] };
    for (const e of equationsOf[cell]) {
      if (equations[e].total !== cell) continue;
      const inside = openParts(e);
      if (inside.unknown < best.unknown || (inside.invited !== undefined && inside.invited < best.invited!)) best = inside;
    }
    opened.set(cell, best);
    return best;
  };
  const openParts = (e: number) => {
    let unknown = 0;
    let invited: number | undefined = variables[equations[e].total].invited === undefined ? undefined : 0;
    const used = [e];
    for (const part of equations[e].parts) {
      const inside = open(part);
      unknown += inside.unknown;
      if (invited !== undefined) invited += inside.invited ?? 0;
      used.push(...inside.used);
    }
    return { unknown, invited, used };
  };
  equations.forEach((equation, e) => {
    if (!known[equation.total]) return;
    const { unknown, invited, used } = openParts(e);
    if ((unknown > 0 || (invited ?? 0) > 0) && exposed(unknown, invited)) leaks.push(used);
  });
  return leaks;
}

/**
 * The visible cells (with anyone in them) a deduction rests on, nearest first: those in its own
 * equations, then, for cells the attacker learned rather than saw, those in the equations that gave
 * them away, and so on. The root is left out: a deduction resting on the root alone only ever
 * yields the root's own count or 0, and the root is the one count everybody needs.
 */
function visibleBehind(used: number[], variables: Variable[], equations: Equation[], hidden: boolean[], source: Int32Array, root: number): number[][] {
  const visited = new Set<number>(used);
  const seen = new Set<number>();
  const levels: number[][] = [];
  let frontier = used;
  while (frontier.length > 0) {
    const level: number[] = [];
    const next: number[] = [];
    for (const e of frontier) {
      for (const cell of equationCells(equations[e])) {
        if (isEmpty(variables[cell]) || cell === root || seen.has(cell)) continue;
        seen.add(cell);
        if (!hidden[cell]) level.push(cell);
        else if (source[cell] >= 0 && !visited.has(source[cell])) {
          visited.add(source[cell]);
          next.push(source[cell]);
        }
      }
    }
    levels.push(level);
    frontier = next;
  }
  return levels;
}

/**
 * The variables and equations of a wave's segment set, valued with one count vector. Every unit
 * and every value (and "no value") gets its own variables, segment or not, so the model is as fine
 * as what an attacker who knows the directory can tell apart. A variable that is 0 and shows in no
 * segment is left out: it is known, and so adds nothing to an equation.
 */
function buildSystem(input: { units: OrgUnit[]; segments: Segment[]; counts: ProfileCount[]; invitees?: ProfileCount[] }): System {
  const tree = new UnitTree(input.units);
  const kept = new Set(input.segments.map((segment) => segment.id));
  const segmentCounts = countBySegment(input.counts, tree, kept);
  const everyone = input.counts.reduce((sum, { count }) => sum + count, 0);

  // Direct members per unit, and per unit × attribute × value (MISSING: no value).
  const MISSING = '\u0000missing';
  const valuesOf = new Map<string, Set<string>>();
  const valueSet = (attribute: string) => {
    let values = valuesOf.get(attribute);
    if (!values) valuesOf.set(attribute, (values = new Set([MISSING])));
    return values;
  };
  for (const segment of input.segments) if (segment.kind !== 'unit') valueSet(segment.attribute).add(segment.value);
  for (const { profile } of [...input.counts, ...(input.invitees ?? [])])
    for (const [attribute, value] of Object.entries(profile.attributes)) valueSet(attribute).add(value);
  const directCount = new Map<string, number>();
  const direct = new Map<string, Map<string, Map<string, number>>>();
  const directInvited = new Map<string, number>();
  const directInvitedBy = new Map<string, Map<string, Map<string, number>>>();
  const tallyDirect = (counts: ProfileCount[], byUnit: Map<string, number>, byValue: Map<string, Map<string, Map<string, number>>>) => {
    for (const { profile, count } of counts) {
      if (count === 0) continue;
      if (!tree.byId.has(profile.unitId)) throw new Error(`unknown org unit ${profile.unitId}`);
      byUnit.set(profile.unitId, (byUnit.get(profile.unitId) ?? 0) + count);
      let byAttribute = byValue.get(profile.unitId);
      if (!byAttribute) byValue.set(profile.unitId, (byAttribute = new Map()));
      for (const attribute of valuesOf.keys()) {
        let values = byAttribute.get(attribute);
        if (!values) byAttribute.set(attribute, (values = new Map()));
        const value = profile.attributes[attribute] ?? MISSING;
        values.set(value, (values.get(value) ?? 0) + count);
      }
    }
  };
  if (input.invitees) tallyDirect(input.invitees, directInvited, directInvitedBy);
  for (const { profile, count } of input.counts) {
    if (count === 0) continue;
    if (!tree.byId.has(profile.unitId)) throw new Error(`unknown org unit ${profile.unitId}`);
    directCount.set(profile.unitId, (directCount.get(profile.unitId) ?? 0) + count);
    let byAttribute = direct.get(profile.unitId);
    if (!byAttribute) direct.set(profile.unitId, (byAttribute = new Map()));
    for (const attribute of valuesOf.keys()) {
      let byValue = byAttribute.get(attribute);
      if (!byValue) byAttribute.set(attribute, (byValue = new Map()));
      const value = profile.attributes[attribute] ?? MISSING;
      byValue.set(value, (byValue.get(value) ?? 0) + count);
    }
  }

  const variables: Variable[] = [];
  const variableOf = new Map<string, number>();
  const equations: Equation[] = [];
  const withDirectory = input.invitees !== undefined;
  /** A variable, or undefined when it is empty (nobody in it, or nobody invited with the directory) and published nowhere. */
  const addVariable = (value: number, names: string[], invited?: number): number | undefined => {
    const shown = names.filter((name) => kept.has(name));
    const variable: Variable = withDirectory ? { value, invited: invited ?? 0, published: shown.length > 0 } : { value, published: shown.length > 0 };
    if (isEmpty(variable) && shown.length === 0) return undefined;
    for (const name of shown) variableOf.set(name, variables.length);
    variables.push(variable);
    return variables.length - 1;
  };
  const valueOf = (index: number | undefined) => (index === undefined ? 0 : variables[index].value);
  const invitedOf = (index: number | undefined) => (index === undefined ? 0 : (variables[index].invited ?? 0));
  /** A sum variable over parts: its count and its invitees are the parts' sums. */
  const addSum = (parts: (number | undefined)[], names: string[]) =>
    addVariable(
      parts.reduce<number>((sum, c) => sum + valueOf(c), 0),
      names,
      parts.reduce<number>((sum, c) => sum + invitedOf(c), 0),
    );
  const addEquation = (total: number | undefined, parts: (number | undefined)[], implied = false) => {
    if (total === undefined || isEmpty(variables[total])) return;
    equations.push({ total, parts: parts.filter((part): part is number => part !== undefined), implied });
  };

  /**
   * total = first + parts, through a "rest" variable when some parts are not segments: the rest
   * (first plus those parts) is the group a visible total minus its visible parts would expose.
   */
  const addTotal = (names: string[], first: number | undefined, parts: { index: number | undefined; shown: boolean }[]) => {
    let base = first;
    const hiddenParts = parts.filter((part) => !part.shown && part.index !== undefined).map((part) => part.index);
    const shownParts = parts.filter((part) => part.shown).map((part) => part.index);
    if (hiddenParts.length > 0) {
      base = addSum([first, ...hiddenParts], []);
      addEquation(base, [first, ...hiddenParts]);
    }
    const total = addSum([base, ...shownParts], names);
    addEquation(total, [base, ...shownParts]);
    return total;
  };

  const childrenOf = new Map<string, string[]>(input.units.map((unit) => [unit.id, []]));
  for (const unit of input.units) if (unit.parentId !== null) childrenOf.get(unit.parentId)?.push(unit.id);
  const unitTotal = new Map<string, number | undefined>();
  const valueTotal = new Map<string, number | undefined>();
  const otherTotal = new Map<string, number | undefined>();
  const valueKey = (unitId: string, attribute: string, value: string) => `${unitId}\u0000${attribute}\u0000${value}`;
  // Children before parents, so every equation's parts exist when its total is added.
  const bottomUp = [...input.units].sort((a, b) => tree.depth(b.id) - tree.depth(a.id));
  for (const unit of bottomUp) {
    const children = childrenOf.get(unit.id)!;
    const n = addVariable(directCount.get(unit.id) ?? 0, [], directInvited.get(unit.id) ?? 0);
    const t = addTotal(
      [unitSegmentId(unit.id)],
      n,
      children.map((child) => ({ index: unitTotal.get(child), shown: kept.has(unitSegmentId(child)) })),
    );
    unitTotal.set(unit.id, t);
    for (const [attribute, values] of valuesOf) {
      const byValue = direct.get(unit.id)?.get(attribute);
      const invitedByValue = directInvitedBy.get(unit.id)?.get(attribute);
      const ys = new Map<string, number | undefined>();
      for (const value of values) {
        const y = addVariable(byValue?.get(value) ?? 0, [], invitedByValue?.get(value) ?? 0);
        ys.set(value, y);
        const names = value === MISSING ? [] : [unitAttributeSegmentId(unit.id, attribute, value)];
        if (unit.parentId === null && value !== MISSING) names.push(attributeSegmentId(attribute, value));
        const parts = children.map((child) => ({
          index: valueTotal.get(valueKey(child, attribute, value)),
          shown: value !== MISSING && kept.has(unitAttributeSegmentId(child, attribute, value)),
        }));
        valueTotal.set(valueKey(unit.id, attribute, value), addTotal(names, y, parts));
      }
      // People with no value, or a value too rare to be a segment: directly here, and in the whole unit.
      const isShownValue = (value: string) => value !== MISSING && kept.has(attributeSegmentId(attribute, value));
      const rare = [...values].filter((value) => !isShownValue(value)).map((value) => ys.get(value));
      const other = addSum(rare, []);
      addEquation(other, rare);
      addEquation(n, [other, ...[...values].filter(isShownValue).map((value) => ys.get(value))]);
      const childOthers = children.map((child) => otherTotal.get(`${child}\u0000${attribute}`));
      const otherSum = addSum([other, ...childOthers], []);
      addEquation(otherSum, [other, ...childOthers]);
      otherTotal.set(`${unit.id}\u0000${attribute}`, otherSum);
      // Implied by the above, but stated, so that opening a hidden unit into its value cells
      // (or the rare values into theirs) is a single step.
      const totalOf = (value: string) => valueTotal.get(valueKey(unit.id, attribute, value));
      addEquation(otherSum, [...values].filter((value) => !isShownValue(value)).map(totalOf), true);
      addEquation(t, [otherSum, ...[...values].filter(isShownValue).map(totalOf)], true);
    }
  }
  for (const segment of input.segments) {
    const index = variableOf.get(segment.id);
    if (index === undefined || variables[index].value !== segmentCounts.get(segment.id)) {
      throw new Error(`segment ${segment.id} does not match the organization's units`);
    }
  }
  const root = variableOf.get(unitSegmentId(tree.root.id));
  if (root === undefined) throw new Error('the root unit must be a segment whenever any segment is');
  return { variables, equations, variableOf, root, everyone };
}
