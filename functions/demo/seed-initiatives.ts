/** The demo's initiative: "Career Steps", a career framework in Technology, measured against the rest of the organization. */
import type { AppDeps } from '../deps.ts';
import { createInitiative } from '../results/impact.ts';

export interface DemoWaves {
  annualSurveyId: string;
  wave2014Id: string;
  wave2015Id: string;
  /** "Soundwave > Technology" */
  technologyUnitPath: string;
}

/** Register the demo initiatives through the same path as POST /api/initiatives. */
export async function seedDemoInitiatives(deps: AppDeps, waves: DemoWaves): Promise<void> {
  await createInitiative(
    deps,
    {
      name: 'Career Steps',
      hypothesis:
        'A career framework with clear steps and a training budget per step makes expectations clearer and development easier to find in Technology, so "Management makes its expectations clear" and "I am offered training" rise there more than in the rest of the organization.',
      statements: [
        { id: 'mgmt-expectations', direction: 'up', minChange: 0.03 },
        { id: 'training', direction: 'up', minChange: 0.03 },
      ],
      target: { unit: waves.technologyUnitPath },
      baselineWaveIds: [waves.wave2014Id],
      followUpWaveIds: [waves.wave2015Id],
      phase: 'tweak',
    },
    // The story's working group registered its hypothesis in April 2014, after the baseline and
    // before the 2015 follow-up opened: the demo shows a pre-registered claim.
    { demo: true, registeredAt: '2014-04-07T09:00:00.000Z' },
  );
}
