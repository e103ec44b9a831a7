/**
 * A survey of two closed waves a year apart over a large organization (2,000 units and more),
 * written through the store functions the close uses (snapshot, cells), not by a close: opening
 * and answering 20,000 invitations per wave would take minutes, and what the views read after a
 * close is exactly these items. Every cell is shown and every change judged, the largest answer
 * the views can give for this organization (a real close hides some).
 */
import type { OrgUnit, ProfileCount } from '../../shared/org.ts';
import { buildSegments } from '../../shared/segments.ts';
import { seededRandom } from '../../shared/random.ts';
import type { SegmentCell } from '../../shared/wave-cells.ts';
import { randomId } from '../../functions/crypto.ts';
import { putCells } from '../../functions/store/cells.ts';
import { putStatement, type StoredStatement } from '../../functions/store/statements.ts';
import { putSurvey, putWave } from '../../functions/store/waves.ts';
import { putWaveSnapshot } from '../../functions/waves/snapshot.ts';
import type { TestRuntime } from './embedded.ts';

const TENURE = ['<1 year', '1-3 years', '3-5 years', '5+ years'];
/** Invited per leaf unit and tenure, and how many of them answered: ≥ 10 per unit, so every change is judged. */
const INVITED_PER_PROFILE = 4;
const RESPONDED_PER_PROFILE = 3;

/** 14 statements, as in the 10,000-person wave: 13 on the agree scale, one eNPS. */
export const LARGE_STATEMENTS: StoredStatement[] = [
  ...[
    'Management makes its expectations clear',
    'I am offered training or development to further myself professionally',
    'I see a path for my career here',
    'I get useful feedback on my work',
    'My manager supports me when I need it',
    'I understand where the organization is heading',
    'My workload is manageable',
    'I can balance work and life',
    'I can speak up without fear',
    'I feel I belong here',
    'Good work is recognized',
    'I am proud to work here',
    'I have the tools I need to do my job well',
  ].map((text, index): StoredStatement => ({ id: `large-${index}`, text: { en: text }, scale: 'agree5', theme: 'Large' })),
  { id: 'large-enps', text: { en: 'How likely are you to recommend us as a place to work?' }, scale: 'enps', theme: 'Large' },
];

/**
 * `flat`: 2,000 units right under the root (one level of 2,000 groups). `nested`: 40 divisions of
 * 49 teams (2,000 units under the root; level 2 has 1,960 groups).
 */
export function largeOrganization(shape: 'flat' | 'nested', size = 2_000): OrgUnit[] {
  const units: OrgUnit[] = [{ id: 'root', name: 'Large Co', parentId: null }];
  if (shape === 'flat') {
    for (let i = 0; i < size; i++) units.push({ id: `u${i}`, name: `Team ${i}`, parentId: 'root' });
    return units;
  }
  const divisions = 40;
  for (let d = 0; d < divisions; d++) units.push({ id: `d${d}`, name: `Division ${d}`, parentId: 'root' });
  for (let t = 0; t < size - divisions; t++) units.push({ id: `t${t}`, name: `Team ${t}`, parentId: `d${t % divisions}` });
  return units;
}

function randomCounts(random: () => number, scale: string, n: number): Record<string, number> {
  const points = scale === 'enps' ? 11 : 5;
  const first = scale === 'enps' ? 0 : 1;
  const counts: Record<string, number> = {};
  for (let p = 0; p < points; p++) counts[String(first + p)] = 0;
  for (let i = 0; i < n; i++) counts[String(first + Math.floor(random() * points))]++;
  return counts;
}

async function putClosedWave(rt: TestRuntime, surveyId: string, units: OrgUnit[], name: string, opensAt: string, seed: number): Promise<string> {
  const random = seededRandom(seed);
  const parents = new Set(units.map((unit) => unit.parentId));
  const leaves = units.filter((unit) => !parents.has(unit.id));
  const invitees: ProfileCount[] = leaves.flatMap((unit) =>
    TENURE.map((tenure) => ({ profile: { unitId: unit.id, attributes: { tenure } }, count: INVITED_PER_PROFILE })),
  );
  // The heatmap reads unit and attribute groups; unit × tenure cells are left out to keep the fixture quick.
  const segments = buildSegments(units, invitees, 5).filter((segment) => segment.kind !== 'unitAttribute');
  const waveId = randomId();
  await putWaveSnapshot(rt.deps.store, waveId, { rosterVersion: 'large', units, invitees, segments });
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  const leavesUnder = new Map<string, number>();
  for (const leaf of leaves)
    for (let at: OrgUnit | undefined = leaf; at; at = at.parentId ? byId.get(at.parentId) : undefined)
      leavesUnder.set(at.id, (leavesUnder.get(at.id) ?? 0) + 1);
  const cells: SegmentCell[] = segments.map((segment) => {
    const people = segment.kind === 'unit' ? (leavesUnder.get(segment.unitId) ?? 0) * TENURE.length : leaves.length;
    const responded = people * RESPONDED_PER_PROFILE;
    return {
      segment,
      invited: people * INVITED_PER_PROFILE,
      responded,
      invitedVisible: true,
      respondedVisible: true,
      statements: Object.fromEntries(
        LARGE_STATEMENTS.map((statement) => [statement.id, { n: responded, counts: randomCounts(random, statement.scale, responded), visible: true }]),
      ),
    };
  });
  await putCells(rt.deps.store, waveId, cells);
  const invited = leaves.length * TENURE.length * INVITED_PER_PROFILE;
  await putWave(rt.deps.store, {
    id: waveId,
    surveyId,
    name,
    statementIds: LARGE_STATEMENTS.map((statement) => statement.id),
    statements: LARGE_STATEMENTS,
    k: 5,
    status: 'closed',
    createdAt: opensAt,
    opensAt,
    invited,
    responded: (invited / INVITED_PER_PROFILE) * RESPONDED_PER_PROFILE,
  });
  return waveId;
}

/** Two closed waves a year apart (so the heatmap judges every change); answers the later one. */
export async function aLargeClosedSurvey(rt: TestRuntime, shape: 'flat' | 'nested', size = 2_000): Promise<{ surveyId: string; waveId: string }> {
  for (const statement of LARGE_STATEMENTS) await putStatement(rt.deps.store, statement).catch(() => undefined);
  const surveyId = randomId();
  await putSurvey(rt.deps.store, { id: surveyId, name: `Large ${shape}`, createdAt: '2024-01-01T00:00:00.000Z' });
  const units = largeOrganization(shape, size);
  await putClosedWave(rt, surveyId, units, 'Spring 2024', '2024-03-01T00:00:00.000Z', 1);
  const waveId = await putClosedWave(rt, surveyId, units, 'Spring 2025', '2025-03-01T00:00:00.000Z', 2);
  return { surveyId, waveId };
}
