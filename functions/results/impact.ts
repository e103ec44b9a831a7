/**
 * Initiatives: registering one (the groups must exist and must not overlap) and its impact page
 * (difference-in-differences per statement against the comparison group, read against the
 * hypothesis, with the pre-trend check, the regression-to-the-mean note and confounding warnings).
 */
import type { GroupChange, Impact, ImpactStatement, Initiative, InitiativeCreate, Slice } from '../../shared/api-results.ts';
import { complementId } from '../../shared/disclosure.ts';
import {
  checkParallelTrends,
  groupsDisjoint,
  judgeImpacts,
  impactWords,
  type ImpactWords,
  periodsOverlap,
  regressionToMeanNote,
  type GroupCounts,
  type GroupShape,
  type ImpactInput,
} from '../../shared/initiative.ts';
import { newcombeDiff, wilson } from '../../shared/stats.ts';
import type { Count } from '../../shared/verdict.ts';
import { randomId } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ValidationError } from '../errors.ts';
import { getInitiative, listInitiatives, putInitiative } from '../store/initiatives.ts';
import { getWave, type Wave } from '../store/waves.ts';
import { getWaveSnapshot } from '../waves/snapshot.ts';
import { assertMayReadInitiative, type Reader } from './access.ts';
import { getCellsByIds } from './cells.ts';
import { closedStatements, comparableCount, statementRef, waveRef } from './describe.ts';
import { findSegmentId, labelOf, loadClosedWave, type WaveContext } from './wave-context.ts';
import { UnitTree } from '../../shared/org.ts';

const when = (wave: Wave) => wave.opensAt ?? wave.createdAt;
const byTime = (a: Wave, b: Wave) => when(a).localeCompare(when(b));

/** The structural shape of a segment id of a wave, for the overlap checks. */
function shapeOf(context: WaveContext, segmentId: string): GroupShape {
  const plain = (id: string) => {
    const segment = context.segments.get(id)!;
    if (segment.kind === 'unit') return { unitId: segment.unitId };
    if (segment.kind === 'attribute') return { attribute: { name: segment.attribute, value: segment.value } };
    return { unitId: segment.unitId, attribute: { name: segment.attribute, value: segment.value } };
  };
  return segmentId.startsWith('not:') ? { kind: 'outside', of: plain(segmentId.slice(4)) } : { kind: 'group', ...plain(segmentId) };
}

/** A wave's frozen groups without requiring it to be closed (an initiative is registered before its follow-up runs). */
async function groupsOfWave(deps: AppDeps, wave: Wave): Promise<WaveContext | undefined> {
  if (wave.status === 'closed') return loadClosedWave(deps, wave.id);
  const snapshot = await getWaveSnapshot(deps.store, wave.id);
  if (!snapshot) return undefined;
  const tree = new UnitTree(snapshot.units);
  const unitByPath = new Map<string, string>();
  for (const unit of snapshot.units) {
    const path = tree.path(unit.id);
    unitByPath.set(path, unit.id);
    unitByPath.set(path.split(' > ').slice(1).join(' > '), unit.id);
  }
  return { wave, tree, segments: new Map(snapshot.segments.map((segment) => [segment.id, segment])), unitByPath };
}

function resolveGroups(context: WaveContext, target: Slice, comparison: Slice | undefined): { targetId: string; comparisonId: string } {
  const found = findSegmentId(context, target);
  if (!found.id) throw new ValidationError(`target.${found.field}: ${found.problem}`, `target.${found.field}`);
  if (found.id === `u:${encodeURIComponent(context.tree.root.id)}` && !comparison) {
    throw new ValidationError('target: the whole organization has nobody outside it to compare with; name a comparison group or a smaller target', 'target');
  }
  if (!comparison) return { targetId: found.id, comparisonId: complementId(found.id) };
  const other = findSegmentId(context, comparison);
  if (!other.id) throw new ValidationError(`comparison.${other.field}: ${other.problem}`, `comparison.${other.field}`);
  if (!groupsDisjoint(context.tree, shapeOf(context, found.id), shapeOf(context, other.id))) {
    throw new ValidationError('comparison: the comparison group overlaps the target; choose a group with nobody in the target (the default is everyone outside it)', 'comparison');
  }
  return { targetId: found.id, comparisonId: other.id };
}

/** Register an initiative; 400 naming the field when a wave, statement or group is wrong. */
export async function createInitiative(deps: AppDeps, input: InitiativeCreate, extra: { demo?: boolean; reader?: Reader } = {}): Promise<Initiative> {
  const load = async (ids: string[], field: string) =>
    Promise.all(
      ids.map((id, index) =>
        getWave(deps.store, id).catch(() => {
          throw new ValidationError(`${field}.${index}: no wave ${id}`, `${field}.${index}`);
        }),
      ),
    );
  const baseline = (await load(input.baselineWaveIds, 'baselineWaveIds')).sort(byTime);
  const followUp = (await load(input.followUpWaveIds, 'followUpWaveIds')).sort(byTime);
  if (when(followUp[0]) <= when(baseline[baseline.length - 1])) {
    throw new ValidationError('followUpWaveIds: every follow-up wave must open after the last baseline wave', 'followUpWaveIds');
  }
  const last = baseline[baseline.length - 1];
  const context = await groupsOfWave(deps, last);
  if (!context) throw new ValidationError(`baselineWaveIds: wave ${last.name} has not opened yet, so its groups are not fixed`, 'baselineWaveIds');
  const { targetId, comparisonId } = resolveGroups(context, input.target, input.comparison);
  if (extra.reader) assertMayReadInitiative(extra.reader, context, targetId, comparisonId);
  const asked = new Set((last.statements ?? []).map((statement) => statement.id));
  input.statements.forEach((statement, index) => {
    if (!asked.has(statement.id)) throw new ValidationError(`statements.${index}.id: the baseline wave did not ask "${statement.id}"`, `statements.${index}.id`);
  });
  const initiative: Initiative = {
    ...input,
    id: randomId(),
    createdAt: new Date().toISOString(),
    ...(extra.demo ? { demo: true } : {}),
    targetLabel: labelOf(context, targetId),
    comparisonLabel: labelOf(context, comparisonId),
  };
  await putInitiative(deps.store, initiative);
  return initiative;
}

/** Other initiatives whose target overlaps this one's in an overlapping period: their effects cannot be told apart. */
async function confoundingWarnings(
  deps: AppDeps,
  initiative: Initiative,
  context: WaveContext,
  targetId: string,
  period: { from: string; to: string },
  words: ImpactWords,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const other of await listInitiatives(deps.store)) {
    if (other.id === initiative.id) continue;
    const waves = await Promise.all([...other.baselineWaveIds, ...other.followUpWaveIds].map((id) => getWave(deps.store, id).catch(() => undefined)));
    const times = waves.filter((wave) => wave !== undefined).map(when).sort();
    if (times.length === 0 || !periodsOverlap(period, { from: times[0], to: times[times.length - 1] })) continue;
    const found = findSegmentId(context, other.target);
    const overlaps = found.id ? !groupsDisjoint(context.tree, shapeOf(context, targetId), shapeOf(context, found.id)) : true;
    if (overlaps) {
      warnings.push(words.confounded(other.name, other.targetLabel));
    }
  }
  return warnings;
}

const groupChange = (counts: GroupCounts): GroupChange => ({
  before: { n: counts.before.n, favorable: wilson(counts.before.x, counts.before.n) },
  after: { n: counts.after.n, favorable: wilson(counts.after.x, counts.after.n) },
  change: newcombeDiff(counts.after.x, counts.after.n, counts.before.x, counts.before.n),
});

/** GET /api/initiatives/:id/impact. */
export async function buildImpact(deps: AppDeps, id: string, opts: { reader: Reader; lang: string }): Promise<Impact> {
  const words = impactWords(opts.lang);
  const initiative = await getInitiative(deps.store, id);
  const baselineContexts = (await Promise.all(initiative.baselineWaveIds.map((waveId) => loadClosedWave(deps, waveId)))).sort((a, b) => byTime(a.wave, b.wave));
  const followUps = (await Promise.all(initiative.followUpWaveIds.map((waveId) => loadClosedWave(deps, waveId)))).sort((a, b) => byTime(a.wave, b.wave));
  const first = baselineContexts[0];
  const before = baselineContexts[baselineContexts.length - 1];
  const after = followUps[followUps.length - 1];
  const involved = baselineContexts.length > 1 ? [first, before, after] : [before, after];
  const k = Math.max(...involved.map((context) => context.wave.k));

  // Each wave has its own frozen groups; unit ids are stable, so the same slice names the same people's units.
  const groups = new Map<WaveContext, { targetId: string; comparisonId: string } | undefined>();
  for (const context of involved) {
    let resolved: { targetId: string; comparisonId: string } | undefined;
    try {
      resolved = resolveGroups(context, initiative.target, initiative.comparison);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
    if (resolved) assertMayReadInitiative(opts.reader, context, resolved.targetId, resolved.comparisonId);
    groups.set(context, resolved);
  }
  const cellsOf = new Map(
    await Promise.all(
      involved.map(async (context) => {
        const ids = groups.get(context);
        return [context, ids ? await getCellsByIds(deps.store, context.wave.id, [ids.targetId, ids.comparisonId]) : new Map()] as const;
      }),
    ),
  );
  const statementOf = (context: WaveContext, statementId: string) => closedStatements(context.wave).find((statement) => statement.id === statementId);
  const countOf = (context: WaveContext, role: 'targetId' | 'comparisonId', statementId: string) => {
    const ids = groups.get(context);
    if (!ids) return { reason: 'not-a-segment' as const };
    return comparableCount(statementOf(context, statementId), cellsOf.get(context)!.get(ids[role])?.statements[statementId], k);
  };

  const rows = initiative.statements.map((wanted) => {
    const statement = statementOf(after, wanted.id) ?? statementOf(before, wanted.id);
    const ref = statement ? statementRef(statement, opts.lang) : { id: wanted.id, text: wanted.id, theme: '', scale: 'agree5' };
    const parts = [countOf(before, 'targetId', wanted.id), countOf(after, 'targetId', wanted.id), countOf(before, 'comparisonId', wanted.id), countOf(after, 'comparisonId', wanted.id)];
    const missing = parts.find((part) => !part.count);
    const base = { ...ref, direction: wanted.direction, ...(wanted.minChange !== undefined ? { minChange: wanted.minChange } : {}) };
    if (missing) return { base, reason: missing.reason ?? 'differencing', input: undefined };
    const [tb, ta, cb, ca] = parts.map((part) => part.count as Count);
    const input: ImpactInput = { direction: wanted.direction, minChange: wanted.minChange, target: { before: tb, after: ta }, comparison: { before: cb, after: ca } };
    return { base, reason: undefined, input };
  });
  const present = rows.filter((row) => row.input !== undefined);
  const judged = judgeImpacts(present.map((row) => row.input!), undefined, words);

  const statements: ImpactStatement[] = rows.map((row) => {
    if (!row.input) return { ...row.base, hidden: true, reason: row.reason };
    const did = judged[present.indexOf(row)];
    const shown: ImpactStatement = { ...row.base, target: groupChange(row.input.target), comparison: groupChange(row.input.comparison), did };
    if (baselineContexts.length > 1) {
      const earliestTarget = countOf(first, 'targetId', row.base.id).count;
      const earliestComparison = countOf(first, 'comparisonId', row.base.id).count;
      shown.parallelTrends =
        earliestTarget && earliestComparison
          ? { checked: true, ...checkParallelTrends({ target: { before: earliestTarget, after: row.input.target.before }, comparison: { before: earliestComparison, after: row.input.comparison.before } }, undefined, words) }
          : { checked: false, words: words.hiddenBaseline };
    } else {
      shown.parallelTrends = { checked: false, words: words.unchecked };
    }
    const note = regressionToMeanNote(row.input.target.before, row.input.comparison.before, row.input.direction, undefined, words);
    if (note) shown.regressionToMean = note;
    return shown;
  });

  const afterIds = groups.get(after);
  const beforeIds = groups.get(before);
  const [afterCells, beforeCells] = [cellsOf.get(after)!, cellsOf.get(before)!];
  const period = { from: when(first.wave), to: when(after.wave) };
  const warnings = afterIds ? await confoundingWarnings(deps, initiative, after, afterIds.targetId, period, words) : [];
  if (!afterIds || !beforeIds) warnings.push(words.notAGroup);
  return {
    initiative,
    k,
    baseline: baselineContexts.map((context) => waveRef(context.wave, undefined)),
    followUp: waveRef(after.wave, undefined),
    responseRates: {
      target: { before: beforeIds && waveRef(before.wave, beforeCells.get(beforeIds.targetId), k).responseRate, after: afterIds && waveRef(after.wave, afterCells.get(afterIds.targetId), k).responseRate },
      comparison: { before: beforeIds && waveRef(before.wave, beforeCells.get(beforeIds.comparisonId), k).responseRate, after: afterIds && waveRef(after.wave, afterCells.get(afterIds.comparisonId), k).responseRate },
    },
    statements,
    warnings,
  };
}
