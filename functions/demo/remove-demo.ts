/**
 * Remove the demo organization in one action: its waves and everything stored under them, its
 * surveys, directory, initiatives and statements. What the organization added keeps working: a
 * wave it created (or imported) under a demo survey keeps that survey, and a demo statement that
 * one of its waves or initiatives uses stays in the bank as its own. Removed statement ids are
 * retired, never freed, so no later statement can take one with another meaning.
 */
import type { AppDeps } from '../deps.ts';
import { adoptSurvey, deleteSurvey, deleteWaveData } from '../store/demo.ts';
import { clearRoster, getRosterPointer } from '../store/roster.ts';
import { adoptStatements, listStatements, retireStatements } from '../store/statements.ts';
import { listSurveys, listWavesOfSurvey } from '../store/waves.ts';
import { deleteDemoInitiatives, listInitiatives } from '../store/initiatives.ts';

export async function removeDemo(deps: AppDeps): Promise<{ removed: { surveys: number; waves: number; statements: number; people: number } }> {
  const { store } = deps;
  const allSurveys = await listSurveys(store);
  const surveys = allSurveys.filter((survey) => survey.demo);
  // Statement ids the organization's own waves (native or imported) and initiatives use.
  const kept = new Set<string>();
  for (const survey of allSurveys) {
    for (const wave of await listWavesOfSurvey(store, survey.id)) if (!wave.demo) for (const id of wave.statementIds) kept.add(id);
  }
  for (const initiative of await listInitiatives(store)) if (!initiative.demo) for (const statement of initiative.statements) kept.add(statement.id);
  let waves = 0;
  let removedSurveys = 0;
  for (const survey of surveys) {
    let ownWaves = 0;
    for (const wave of await listWavesOfSurvey(store, survey.id)) {
      if (!wave.demo) {
        ownWaves++;
        continue;
      }
      waves++;
      await deleteWaveData(store, wave.id);
    }
    if (ownWaves > 0) {
      // The organization added waves here: the survey is theirs now.
      await adoptSurvey(store, survey.id);
      continue;
    }
    await deleteSurvey(store, survey.id);
    removedSurveys++;
  }
  await deleteDemoInitiatives(store);
  const demoStatements = (await listStatements(store)).filter((statement) => statement.demo);
  const statements = demoStatements.filter((statement) => !kept.has(statement.id));
  await retireStatements(
    store,
    statements.map((statement) => statement.id),
  );
  await adoptStatements(
    store,
    demoStatements.filter((statement) => kept.has(statement.id)).map((statement) => statement.id),
  );
  const pointer = await getRosterPointer(store);
  const people = pointer?.demo ? pointer.count : 0;
  if (pointer?.demo) await clearRoster(store);
  deps.logger.info('demo removed', { surveys: removedSurveys, waves });
  return { removed: { surveys: removedSurveys, waves, statements: statements.length, people } };
}
