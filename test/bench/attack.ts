/**
 * `npm run bench -- attack`: the harvesting attacker of test/attack-harvest.test.ts, run to the
 * end (no early stop) on more and larger generated organizations. Prints, per organization, how
 * many numbers it harvested through HTTP and what it derived about groups of 1..k−1.
 */
import { startTestRuntime } from '../helpers/embedded.ts';
import { attack, describePin, generateOrganization, harvestEverything, runHarvestOrg, SMALL_ORG, summarize, type OrgShape } from '../helpers/harvest-attack.ts';

const SHAPES: OrgShape[] = [
  SMALL_ORG,
  { ...SMALL_ORG, seed: 21 },
  { seed: 33, departments: 4, teamsPerDepartment: [2, 3], teamSize: [5, 10], directInDepartment: [0, 3], directInRoot: 3 },
];

export async function benchAttack(): Promise<void> {
  for (const shape of SHAPES) {
    const rt = await startTestRuntime();
    // As in the test: room for the exact audit on a loaded machine (out of budget, a close falls to the solver-free certificate).
    rt.deps.timing.closeAuditBudgetMs = 120_000;
    try {
      const rows = generateOrganization(shape);
      const org = await runHarvestOrg(rt, rows, { k: 5, waves: 2, seed: shape.seed });
      const methods = await Promise.all(
        org.waveIds.map(async (id) => ((await (await rt.staff(`/api/waves/${id}`)).json()) as { certificate?: { method: string } }).certificate?.method),
      );
      const started = performance.now();
      const harvest = await harvestEverything(rt, org);
      const report = await attack(org, harvest);
      console.log(`seed ${shape.seed}, ${rows.length} people, certified ${methods.join(' / ')}: ${Math.round((performance.now() - started) / 1000)} s`);
      console.log(summarize(report));
      for (const pin of report.derivations.filter((candidate) => candidate.invitees === 1 && candidate.kind !== 'none-answered').slice(0, 5))
        console.log(`  e.g. ${describePin(org, pin)}`);
    } finally {
      await rt.stop();
    }
  }
}
