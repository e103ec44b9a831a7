/**
 * Load the demo organization through the real paths: the directory upload, the open job, the
 * exactly-once submission and the close job. Same seed, same results on every machine.
 */
import { isSeeded, putSeededMarker } from '../store/demo.ts';
import { deriveWaveKeys, inviteeToken, randomId } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { runJob } from '../jobs/run-job.ts';
import type { JobKind } from '../jobs/runner.ts';
import { getWaveSecret } from '../store/invitations.ts';
import { getJob, putJob } from '../store/jobs.ts';
import { replaceRoster } from '../store/roster.ts';
import { putStatement } from '../store/statements.ts';
import { putSurvey, putWave, type Wave } from '../store/waves.ts';
import { createCollector } from '../waves/collect.ts';
import type { RosterPerson } from '../../shared/roster.ts';
import { seededRandom, shuffle } from '../../shared/random.ts';
import {
  agreeAnswers,
  baseFavorable,
  DEMO_COMMENTS,
  DEMO_ROOT,
  DEMO_STATEMENTS,
  demoPeople,
  isTechnology,
  PULSE_STATEMENT_IDS,
  storyFavorable,
} from './demo-organization.ts';
import { seedDemoInitiatives } from './seed-initiatives.ts';

/** Whether this data folder was set up before (with or without the demo). */
export async function isFreshDataFolder(deps: AppDeps): Promise<boolean> {
  return !(await isSeeded(deps.store));
}

export async function markSeeded(deps: AppDeps, demo: boolean): Promise<void> {
  await putSeededMarker(deps.store, demo);
}

export async function seedDemo(deps: AppDeps): Promise<{ surveys: string[] }> {
  const people = demoPeople();
  await replaceRoster(deps.store, people, ['tenure', 'location'], { demo: true });
  for (const statement of DEMO_STATEMENTS) await putStatement(deps.store, { ...statement, demo: true }).catch(ignoreExisting);

  const annual = { id: randomId(), name: 'Annual survey', createdAt: '2014-02-01T00:00:00.000Z', demo: true };
  await putSurvey(deps.store, annual);
  const annualWaveIds: string[] = [];
  for (const year of [2014, 2015] as const) {
    const wave = await createWave(
      deps,
      annual.id,
      String(year),
      DEMO_STATEMENTS.map((s) => s.id),
      `${year}-03-03T08:00:00.000Z`,
      `${year}-03-21T17:00:00.000Z`,
    );
    await runToEnd(deps, 'open-wave', wave.id);
    await answerAnnual(deps, wave, year, people);
    await runToEnd(deps, 'close-wave', wave.id);
    annualWaveIds.push(wave.id);
  }

  const pulse = { id: randomId(), name: 'Quarterly pulse', createdAt: new Date().toISOString(), demo: true };
  await putSurvey(deps.store, pulse);
  const wave = await createWave(deps, pulse.id, 'Q4 pulse', PULSE_STATEMENT_IDS, new Date().toISOString(), undefined);
  await runToEnd(deps, 'open-wave', wave.id);
  const random = seededRandom(4);
  await answer(deps, wave, shuffle(people, random).slice(0, Math.round(people.length * 0.55)), () => ({
    'mgmt-expectations': random() < 0.6 ? 4 : 2,
    workload: random() < 0.5 ? 4 : 3,
    'speak-up': random() < 0.65 ? 5 : 2,
    enps: Math.floor(random() * 11),
  }));
  await seedDemoInitiatives(deps, {
    annualSurveyId: annual.id,
    wave2014Id: annualWaveIds[0],
    wave2015Id: annualWaveIds[1],
    technologyUnitPath: `${DEMO_ROOT} > Technology`,
  });
  return { surveys: [annual.name, pulse.name] };
}

async function createWave(deps: AppDeps, surveyId: string, name: string, statementIds: string[], opensAt: string, closesAt: string | undefined): Promise<Wave> {
  const wave: Wave = { id: randomId(), surveyId, name, statementIds, k: 5, status: 'draft', createdAt: opensAt, opensAt, closesAt, demo: true };
  await putWave(deps.store, wave);
  return wave;
}

async function runToEnd(deps: AppDeps, kind: JobKind, waveId: string): Promise<void> {
  const id = randomId();
  await putJob(deps.store, { id, kind, status: 'running', payload: { waveId } });
  await runJob(deps, { id, kind, payload: { waveId } });
  const job = await getJob(deps.store, id);
  if (job.status !== 'done') throw new Error(`demo ${kind} failed: ${job.error}`);
}

/** About 80% answer; in Technology the two story statements move by the fixed amounts, elsewhere nothing moves. */
async function answerAnnual(deps: AppDeps, wave: Wave, year: 2014 | 2015, people: RosterPerson[]) {
  const random = seededRandom(year);
  for (const technology of [true, false]) {
    const group = people.filter((person) => isTechnology(person) === technology);
    const respondents = shuffle(group, random).slice(0, Math.round(group.length * 0.8));
    const columns: Record<string, number[]> = {};
    for (const statement of DEMO_STATEMENTS.filter((s) => s.scale === 'agree5')) {
      const favorable = storyFavorable(statement.id, year, technology, respondents.length) ?? Math.round(respondents.length * baseFavorable(statement.id));
      columns[statement.id] = agreeAnswers(respondents.length, favorable, random);
    }
    let index = 0;
    await answer(deps, wave, respondents, () => {
      const answers: Record<string, number | string> = { enps: Math.min(10, Math.floor(random() * 6) + Math.floor(random() * 6)) };
      for (const [id, values] of Object.entries(columns)) answers[id] = values[index];
      if (random() < 0.15) answers.comments = DEMO_COMMENTS[Math.floor(random() * DEMO_COMMENTS.length)];
      index++;
      return answers;
    });
  }
}

async function answer(deps: AppDeps, wave: Wave, respondents: RosterPerson[], answersFor: () => Record<string, number | string>) {
  const collector = createCollector(deps);
  const keys = deriveWaveKeys((await getWaveSecret(deps.store, wave.id))!, wave.id);
  for (const person of respondents) {
    await collector.submit({ token: inviteeToken(keys, person.email), answers: answersFor() });
  }
}

function ignoreExisting(error: unknown) {
  if (!(error instanceof Error) || error.name !== 'ConflictError') throw error;
}
