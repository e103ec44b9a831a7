/**
 * Initiatives: registering one (the groups must exist and must not overlap) and its impact page
 * (difference-in-differences per statement against the comparison group, read against the
 * hypothesis, with the pre-trend check, the regression-to-the-mean note and confounding warnings).
 */
import type { GroupChange, Impact, ImpactStatement, Initiative, InitiativeCreate, InitiativeEdit, Slice } from '../../shared/api-results.ts';
import { complementId } from '../../shared/disclosure.ts';
import {
  checkParallelTrends,
  groupsDisjoint,
  judgeImpacts,
  impactWords,
  type ImpactWords,
  periodsOverlap,
  planInitiative,
  reachOfHope,
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
import { editInitiative, getInitiative, listInitiatives, putInitiative } from '../store/initiatives.ts';
import { getWave, type Wave } from '../store/waves.ts';
import { getWaveSnapshot } from '../waves/snapshot.ts';
import { assertMayReadInitiative, type Reader } from './access.ts';
import { getCellsByIds } from '../store/cells.ts';
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
    throw new ValidationError(
      'comparison: the comparison group overlaps the target; choose a group with nobody in the target (the default is everyone outside it)',
      'comparison',
    );
  }
  return { targetId: found.id, comparisonId: other.id };
}

/** Follow-ups (none yet is normal) must come after the last baseline wave; a draft counts from when it was made. */
async function assertFollowUpsAfter(deps: AppDeps, baseline: Wave[], followUpWaveIds: string[]): Promise<Wave[]> {
  const followUp = (
    await Promise.all(
      followUpWaveIds.map((id, index) =>
        getWave(deps.store, id).catch(() => {
          throw new ValidationError(`followUpWaveIds.${index}: no wave ${id}`, `followUpWaveIds.${index}`);
        }),
      ),
    )
  ).sort(byTime);
  if (followUp.length > 0 && when(followUp[0]) <= when(baseline[baseline.length - 1])) {
    throw new ValidationError('followUpWaveIds: every follow-up wave must open after the last baseline wave', 'followUpWaveIds');
  }
  return followUp;
}

/** Register an initiative; 400 naming the field when a wave, statement or group is wrong. */
export async function createInitiative(
  deps: AppDeps,
  input: InitiativeCreate,
  extra: { demo?: boolean; reader?: Reader; registeredAt?: string } = {},
): Promise<Initiative> {
  const load = async (ids: string[], field: string) =>
    Promise.all(
      ids.map((id, index) =>
        getWave(deps.store, id).catch(() => {
          throw new ValidationError(`${field}.${index}: no wave ${id}`, `${field}.${index}`);
        }),
      ),
    );
  const baseline = (await load(input.baselineWaveIds, 'baselineWaveIds')).sort(byTime);
  await assertFollowUpsAfter(deps, baseline, input.followUpWaveIds ?? []);
  const last = baseline[baseline.length - 1];
  const context = await groupsOfWave(deps, last);
  if (!context) throw new ValidationError(`baselineWaveIds: wave ${last.name} has not opened yet, so its groups are not fixed`, 'baselineWaveIds');
  const { targetId, comparisonId } = resolveGroups(context, input.target, input.comparison);
  if (extra.reader) assertMayReadInitiative(extra.reader, context, targetId, comparisonId);
  const asked = new Set((last.statements ?? []).map((statement) => statement.id));
  input.statements.forEach((statement, index) => {
    if (!asked.has(statement.id))
      throw new ValidationError(`statements.${index}.id: the baseline wave did not ask "${statement.id}"`, `statements.${index}.id`);
  });
  const initiative: Initiative = {
    ...input,
    followUpWaveIds: input.followUpWaveIds ?? [],
    id: randomId(),
    // The registration time: what the impact page weighs the claim by. No edit ever changes it.
    createdAt: extra.registeredAt ?? new Date().toISOString(),
    registered: { hypothesis: input.hypothesis, statements: input.statements },
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
    const times = waves
      .filter((wave) => wave !== undefined)
      .map(when)
      .sort();
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
  const pageWords = registrationWords(opts.lang);
  const initiative = await getInitiative(deps.store, id);
  const baselineWaves = (await Promise.all(initiative.baselineWaveIds.map((waveId) => getWave(deps.store, waveId)))).sort(byTime);
  const followUpWaves = (await Promise.all((initiative.followUpWaveIds ?? []).map((waveId) => getWave(deps.store, waveId).catch(() => undefined))))
    .filter((wave) => wave !== undefined)
    .sort(byTime);
  // The verdict needs a closed follow-up; before that (none yet, a draft, an open wave) the page plans.
  const judgedWave = [...followUpWaves].reverse().find((wave) => wave.status === 'closed');
  const registration = registrationOf(initiative.createdAt, judgedWave ?? followUpWaves[followUpWaves.length - 1], pageWords);
  const notClosedBaseline = baselineWaves.find((wave) => wave.status !== 'closed');
  if (notClosedBaseline) {
    return plannedImpact(deps, initiative, baselineWaves, followUpWaves, registration, {
      pending: pageWords.baselineNotClosed(notClosedBaseline.name, notClosedBaseline.status),
      reader: opts.reader,
      lang: opts.lang,
    });
  }
  if (!judgedWave) {
    const next = followUpWaves[followUpWaves.length - 1];
    const pending = next ? pageWords.followUpPending(next.name, next.status) : pageWords.noFollowUp;
    return plannedImpact(deps, initiative, baselineWaves, followUpWaves, registration, { pending, reader: opts.reader, lang: opts.lang });
  }
  const baselineContexts = (await Promise.all(baselineWaves.map((wave) => loadClosedWave(deps, wave.id)))).sort((a, b) => byTime(a.wave, b.wave));
  const first = baselineContexts[0];
  const before = baselineContexts[baselineContexts.length - 1];
  const after = await loadClosedWave(deps, judgedWave.id);
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
    const cell = cellsOf.get(context)!.get(ids[role]);
    return comparableCount(statementOf(context, statementId), cell?.statements[statementId], k, cell?.invited);
  };

  const rows = initiative.statements.map((wanted) => {
    const statement = statementOf(after, wanted.id) ?? statementOf(before, wanted.id);
    const ref = statement ? statementRef(statement, opts.lang) : { id: wanted.id, text: wanted.id, theme: '', scale: 'agree5' };
    const parts = [
      countOf(before, 'targetId', wanted.id),
      countOf(after, 'targetId', wanted.id),
      countOf(before, 'comparisonId', wanted.id),
      countOf(after, 'comparisonId', wanted.id),
    ];
    const missing = parts.find((part) => !part.count);
    const base = { ...ref, direction: wanted.direction, ...(wanted.minChange !== undefined ? { minChange: wanted.minChange } : {}) };
    if (missing) return { base, reason: missing.reason ?? 'differencing', input: undefined };
    const [tb, ta, cb, ca] = parts.map((part) => part.count as Count);
    const input: ImpactInput = {
      direction: wanted.direction,
      minChange: wanted.minChange,
      target: { before: tb, after: ta },
      comparison: { before: cb, after: ca },
    };
    return { base, reason: undefined, input };
  });
  const present = rows.filter((row) => row.input !== undefined);
  const judged = judgeImpacts(
    present.map((row) => row.input!),
    undefined,
    words,
  );

  const statements: ImpactStatement[] = rows.map((row) => {
    if (!row.input) return { ...row.base, hidden: true, reason: row.reason };
    const judgement = judged[present.indexOf(row)];
    const hoped = judgement.verdict === 'consistent' ? reachOfHope(judgement, row.input) : undefined;
    const did = { ...judgement, ...(hoped ? { hoped } : {}) };
    const shown: ImpactStatement = { ...row.base, target: groupChange(row.input.target), comparison: groupChange(row.input.comparison), did };
    if (baselineContexts.length > 1) {
      const earliestTarget = countOf(first, 'targetId', row.base.id).count;
      const earliestComparison = countOf(first, 'comparisonId', row.base.id).count;
      shown.parallelTrends =
        earliestTarget && earliestComparison
          ? {
              checked: true,
              ...checkParallelTrends(
                {
                  target: { before: earliestTarget, after: row.input.target.before },
                  comparison: { before: earliestComparison, after: row.input.comparison.before },
                },
                undefined,
                words,
              ),
            }
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
    status: 'judged',
    registration,
    baseline: baselineContexts.map((context) => waveRef(context.wave, undefined)),
    followUp: { ...waveRef(after.wave, undefined), status: after.wave.status },
    responseRates: {
      target: {
        before: beforeIds && waveRef(before.wave, beforeCells.get(beforeIds.targetId), k).responseRate,
        after: afterIds && waveRef(after.wave, afterCells.get(afterIds.targetId), k).responseRate,
      },
      comparison: {
        before: beforeIds && waveRef(before.wave, beforeCells.get(beforeIds.comparisonId), k).responseRate,
        after: afterIds && waveRef(after.wave, afterCells.get(afterIds.comparisonId), k).responseRate,
      },
    },
    statements,
    warnings,
  };
}

/** The page's words about when the hypothesis was registered and why there is no verdict yet. */
const REGISTRATION_WORDS = {
  en: {
    before: (date: string) => `Registered on ${date}, before the follow-up opened: a hypothesis set before the data existed.`,
    registeredNoFollowUp: (date: string) => `Registered on ${date}, before any follow-up wave: a hypothesis set before the data existed.`,
    during: (date: string) => `Registered on ${date}, while the follow-up was running and before any of its results were shown.`,
    after: (date: string) => `Registered on ${date}, after the follow-up's results were known: exploratory, not a test of a hypothesis set beforehand.`,
    noFollowUp:
      'No follow-up wave yet. This page shows the baseline and whether the hoped-for change will be detectable; the verdict comes once a follow-up wave has closed.',
    followUpPending: (name: string, status: string) =>
      status === 'draft'
        ? `The follow-up wave “${name}” is a draft: it has not opened yet. The verdict comes once it has run and closed; until then, this is the plan.`
        : `The follow-up wave “${name}” is ${status === 'open' ? 'open' : 'closing'}: no results are shown while people answer. The verdict comes once it has closed.`,
    baselineNotClosed: (name: string, status: string) =>
      `The baseline wave “${name}” is ${status === 'draft' ? 'a draft' : status}: its levels, and the plan, come once it has closed.`,
  },
  sv: {
    before: (date: string) => `Registrerad ${date}, innan uppföljningen öppnade: en hypotes satt innan data fanns.`,
    registeredNoFollowUp: (date: string) => `Registrerad ${date}, före någon uppföljning: en hypotes satt innan data fanns.`,
    during: (date: string) => `Registrerad ${date}, medan uppföljningen pågick och innan några av dess resultat visades.`,
    after: (date: string) => `Registrerad ${date}, efter att uppföljningens resultat var kända: utforskande, inte en prövning av en hypotes satt i förväg.`,
    noFollowUp:
      'Ingen uppföljning ännu. Sidan visar baslinjen och om den förändring man hoppas på kommer att kunna upptäckas; utlåtandet kommer när en uppföljning har stängt.',
    followUpPending: (name: string, status: string) =>
      status === 'draft'
        ? `Uppföljningen ”${name}” är ett utkast: den har inte öppnat än. Utlåtandet kommer när den har genomförts och stängt; till dess är detta planen.`
        : `Uppföljningen ”${name}” ${status === 'open' ? 'är öppen' : 'håller på att stänga'}: inga resultat visas medan folk svarar. Utlåtandet kommer när den har stängt.`,
    baselineNotClosed: (name: string, status: string) =>
      `Baslinjemätningen ”${name}” är ${status === 'draft' ? 'ett utkast' : status === 'open' ? 'öppen' : status}: dess nivåer, och planen, kommer när den har stängt.`,
  },
};

function registrationWords(lang: string): (typeof REGISTRATION_WORDS)['en'] {
  return lang === 'sv' ? REGISTRATION_WORDS.sv : REGISTRATION_WORDS.en;
}

/**
 * Pre-registration: a hypothesis registered before its follow-up opened is a test; one registered
 * after the follow-up's results were shown (they are shown only once it has closed) is exploratory.
 */
function registrationOf(at: string, followUp: Wave | undefined, words: ReturnType<typeof registrationWords>): Impact['registration'] {
  const date = at.slice(0, 10);
  if (!followUp) return { at, timing: 'before-follow-up', words: words.registeredNoFollowUp(date) };
  const opened = followUp.status === 'draft' ? undefined : followUp.opensAt;
  if (!opened || at < opened) return { at, timing: 'before-follow-up', words: words.before(date) };
  const resultsShown = followUp.status === 'closed' ? (followUp.closesAt ?? opened) : undefined;
  if (!resultsShown || at < resultsShown) return { at, timing: 'during-follow-up', words: words.during(date) };
  return { at, timing: 'after-results', words: words.after(date) };
}

/** Before a verdict: the hypothesis, each group's baseline level with its interval, and the planner's verdict. */
async function plannedImpact(
  deps: AppDeps,
  initiative: Initiative,
  baselineWaves: Wave[],
  followUpWaves: Wave[],
  registration: Impact['registration'],
  opts: { pending: string; reader: Reader; lang: string },
): Promise<Impact> {
  const words = impactWords(opts.lang);
  const last = baselineWaves[baselineWaves.length - 1];
  const next = followUpWaves[followUpWaves.length - 1];
  const base = {
    initiative,
    k: Math.max(...baselineWaves.map((wave) => wave.k), next?.k ?? 0),
    status: 'planned' as const,
    pending: opts.pending,
    registration,
    baseline: baselineWaves.map((wave) => waveRef(wave, undefined)),
    ...(next ? { followUp: { ...waveRef(next, undefined), status: next.status } } : {}),
    responseRates: { target: {}, comparison: {} },
    warnings: [] as string[],
  };
  const refOf = (statementId: string) => {
    const statement = (last.statements ?? []).find((candidate) => candidate.id === statementId);
    return statement ? statementRef(statement, opts.lang) : { id: statementId, text: statementId, theme: '', scale: 'agree5' };
  };
  const plain = initiative.statements.map((wanted) => ({
    ...refOf(wanted.id),
    direction: wanted.direction,
    ...(wanted.minChange !== undefined ? { minChange: wanted.minChange } : {}),
  }));
  if (last.status !== 'closed') return { ...base, statements: plain };

  const context = await loadClosedWave(deps, last.id);
  let ids: { targetId: string; comparisonId: string } | undefined;
  try {
    ids = resolveGroups(context, initiative.target, initiative.comparison);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
  }
  if (!ids) return { ...base, statements: plain, warnings: [words.notAGroup] };
  assertMayReadInitiative(opts.reader, context, ids.targetId, ids.comparisonId);
  const cells = await getCellsByIds(deps.store, last.id, [ids.targetId, ids.comparisonId]);
  const k = base.k;
  const counted = initiative.statements.map((wanted, index) => {
    const statement = closedStatements(last).find((candidate) => candidate.id === wanted.id);
    const [targetCell, comparisonCell] = [cells.get(ids.targetId), cells.get(ids.comparisonId)];
    const target = comparableCount(statement, targetCell?.statements[wanted.id], k, targetCell?.invited);
    const comparison = comparableCount(statement, comparisonCell?.statements[wanted.id], k, comparisonCell?.invited);
    return { wanted, row: plain[index], target, comparison };
  });
  const present = counted.filter((entry) => entry.target.count && entry.comparison.count);
  const plan = planInitiative(
    present.map((entry) => ({
      direction: entry.wanted.direction,
      minChange: entry.wanted.minChange,
      target: entry.target.count!,
      comparison: entry.comparison.count!,
    })),
    { respondents: last.responded },
    undefined,
    words,
  );
  const side = (count: Count) => ({ n: count.n, favorable: wilson(count.x, count.n) });
  const statements: ImpactStatement[] = counted.map((entry) => {
    if (!entry.target.count || !entry.comparison.count)
      return { ...entry.row, hidden: true, reason: entry.target.reason ?? entry.comparison.reason ?? 'differencing' };
    return {
      ...entry.row,
      baseline: { target: side(entry.target.count), comparison: side(entry.comparison.count) },
      plan: plan.statements[present.indexOf(entry)],
    };
  });
  const rate = (segmentId: string) => waveRef(last, cells.get(segmentId), k).responseRate;
  return {
    ...base,
    responseRates: { target: { before: rate(ids.targetId) }, comparison: { before: rate(ids.comparisonId) } },
    statements,
    ...(present.length > 0 ? { plan: { verdict: plan.verdict, words: plan.words, suggestions: plan.suggestions } } : {}),
  };
}

/** PATCH /api/initiatives/:id: a later edit, kept with its date; the registration stays as it was. */
export async function updateInitiative(deps: AppDeps, id: string, edit: InitiativeEdit, reader: Reader): Promise<Initiative> {
  const initiative = await getInitiative(deps.store, id);
  const baseline = (await Promise.all(initiative.baselineWaveIds.map((waveId) => getWave(deps.store, waveId)))).sort(byTime);
  const last = baseline[baseline.length - 1];
  const context = await groupsOfWave(deps, last);
  if (context && !reader.admin) {
    const { targetId, comparisonId } = resolveGroups(context, initiative.target, initiative.comparison);
    assertMayReadInitiative(reader, context, targetId, comparisonId);
  }
  if (edit.followUpWaveIds) await assertFollowUpsAfter(deps, baseline, edit.followUpWaveIds);
  if (edit.statements) {
    const asked = new Set((last.statements ?? []).map((statement) => statement.id));
    edit.statements.forEach((statement, index) => {
      if (!asked.has(statement.id))
        throw new ValidationError(`statements.${index}.id: the baseline wave did not ask "${statement.id}"`, `statements.${index}.id`);
    });
  }
  await editInitiative(deps.store, id, edit as Record<string, unknown>, new Date().toISOString());
  return getInitiative(deps.store, id);
}
