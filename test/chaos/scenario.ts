/** The chaos run's seeded scenario: the same people, answers and respondents for a given seed, every time. */
import { seededRandom, shuffle } from '../../shared/random.ts';

export const UNITS = ['Acme > Technology > Alpha', 'Acme > Technology > Beta', 'Acme > Technology > Gamma', 'Acme > Product', 'Acme > People', 'Acme > Sales'];
export const TENURES = ['<1y', '1-3y', '3y+'];

export const STATEMENTS = [
  { id: 'chaos-clarity', text: { en: 'I know what is expected of me' }, scale: 'agree5', theme: 'Leadership' },
  { id: 'chaos-growth', text: { en: 'I have grown here in the past year' }, scale: 'agree5', theme: 'Growth' },
  { id: 'chaos-workload', text: { en: 'My workload is manageable' }, scale: 'agree5', theme: 'Wellbeing' },
  { id: 'chaos-enps', text: { en: 'How likely are you to recommend us as a place to work?' }, scale: 'enps', theme: 'Engagement' },
  { id: 'chaos-comment', text: { en: 'Anything else?' }, scale: 'text', theme: 'Comments' },
] as const;

export interface Person {
  email: string;
  unit: string;
  tenure: string;
  locale: string;
}

export interface Scenario {
  people: Person[];
  /** Who answers, in the order they submit, with their answers. */
  respondents: Array<{ email: string; answers: Record<string, number | string> }>;
}

export function buildScenario(seed: number, size: number, responseRate: number): Scenario {
  const random = seededRandom(seed);
  const people = Array.from({ length: size }, (_, index) => ({
    email: `p${String(index).padStart(4, '0')}@chaos.test`,
    unit: UNITS[Math.floor(random() * UNITS.length)],
    tenure: TENURES[Math.floor(random() * TENURES.length)],
    locale: random() < 0.2 ? 'sv' : 'en',
  }));
  const respondents = shuffle(people, random)
    .filter(() => random() < responseRate)
    .map((person) => {
      // Each unit leans its own way, so the numbers differ from group to group.
      const lean = UNITS.indexOf(person.unit) / UNITS.length;
      const point = () => 1 + Math.min(4, Math.floor((random() * 0.7 + lean * 0.3) * 5));
      const answers: Record<string, number | string> = {
        'chaos-clarity': point(),
        'chaos-growth': point(),
        'chaos-workload': point(),
        'chaos-enps': Math.floor(random() * 11),
      };
      if (random() < 0.15) answers['chaos-comment'] = `note from a respondent ${Math.floor(random() * 1000)}`;
      return { email: person.email, answers };
    });
  return { people, respondents };
}

export function rosterCsv(people: Person[]): string {
  return ['email,orgUnit,tenure,locale', ...people.map((person) => [person.email, person.unit, person.tenure, person.locale].join(','))].join('\n');
}
