/**
 * The demo organization: a music-streaming company of about 400 people, generated from a fixed
 * seed. Pure data; seed-demo.ts sends it through the real submission and close paths.
 */
import type { RosterPerson } from '../../shared/roster.ts';
import type { Statement } from '../../shared/schemas.ts';
import { seededRandom, shuffle } from '../../shared/random.ts';

export const DEMO_ROOT = 'Soundwave';

const UNITS: Array<[path: string, people: number]> = [
  ['Technology', 3],
  ['Technology > Playback > Squad Alpha', 22],
  ['Technology > Playback > Squad Beta', 21],
  ['Technology > Playback > Squad Gamma', 20],
  ['Technology > Discovery > Squad Delta', 22],
  ['Technology > Discovery > Squad Epsilon', 21],
  ['Technology > Platform > Squad Zeta', 21],
  ['Technology > Platform > Squad Eta', 20],
  ['Product', 70],
  ['Design', 40],
  ['Marketing > Brand', 38],
  ['Marketing > Growth', 42],
  ['People', 60],
];
const TENURE = ['<1 year', '1-3 years', '3-5 years', '5+ years'];
const LOCATIONS = ['Stockholm', 'London', 'New York'];

/** About 400 people: Technology (150, in tribes and squads), Product, Design, Marketing, People. */
export function demoPeople(): RosterPerson[] {
  const random = seededRandom(2014);
  const people: RosterPerson[] = [];
  for (const [path, count] of UNITS) {
    for (let i = 0; i < count; i++) {
      const unitPath = [DEMO_ROOT, ...path.split(' > ')];
      const slug = unitPath.slice(1).join('-').toLowerCase().replaceAll(' ', '');
      people.push({
        email: `${slug}.${String(i + 1).padStart(2, '0')}@soundwave.example`,
        unitPath,
        attributes: { tenure: TENURE[Math.floor(random() * TENURE.length)], location: LOCATIONS[Math.floor(random() * LOCATIONS.length)] },
      });
    }
  }
  return people;
}

export const isTechnology = (person: RosterPerson) => person.unitPath[1] === 'Technology';

/** The demo's themes, named in both of the dashboard's languages. */
const THEMES = {
  Leadership: { en: 'Leadership', sv: 'Ledarskap' },
  Growth: { en: 'Growth', sv: 'Utveckling' },
  Wellbeing: { en: 'Wellbeing', sv: 'Välmående' },
  Belonging: { en: 'Belonging', sv: 'Tillhörighet' },
  Engagement: { en: 'Engagement', sv: 'Engagemang' },
  Comments: { en: 'Comments', sv: 'Kommentarer' },
};

const agree = (id: string, en: string, sv: string, theme: keyof typeof THEMES): Statement => ({ id, text: { en, sv }, scale: 'agree5', theme: THEMES[theme] });

export const DEMO_STATEMENTS: Statement[] = [
  agree('mgmt-expectations', 'Management makes its expectations clear', 'Ledningen gör sina förväntningar tydliga', 'Leadership'),
  agree(
    'training',
    'I am offered training or development to further myself professionally',
    'Jag erbjuds utbildning eller utveckling för att växa professionellt',
    'Growth',
  ),
  agree('career-path', 'I can see a path for my career here', 'Jag ser en karriärväg för mig här', 'Growth'),
  agree('feedback', 'I get useful feedback on my work', 'Jag får användbar återkoppling på mitt arbete', 'Growth'),
  agree('manager-support', 'My manager supports me when I need it', 'Min chef stöttar mig när jag behöver det', 'Leadership'),
  agree('strategy', 'I understand where the company is heading', 'Jag förstår vart företaget är på väg', 'Leadership'),
  agree('workload', 'My workload is manageable', 'Min arbetsbelastning är hanterbar', 'Wellbeing'),
  agree('balance', 'I can balance work and life outside work', 'Jag kan balansera arbete och fritid', 'Wellbeing'),
  agree('speak-up', 'I feel safe to speak up', 'Jag känner mig trygg att säga vad jag tycker', 'Belonging'),
  agree('belonging', 'I feel I belong here', 'Jag känner att jag hör hemma här', 'Belonging'),
  agree('recognition', 'Good work is recognized here', 'Bra arbete uppmärksammas här', 'Engagement'),
  agree('pride', 'I am proud to work here', 'Jag är stolt över att arbeta här', 'Engagement'),
  {
    id: 'enps',
    text: {
      en: 'How likely are you to recommend Soundwave as a place to work?',
      sv: 'Hur troligt är det att du skulle rekommendera Soundwave som arbetsplats?',
    },
    scale: 'enps',
    theme: THEMES.Engagement,
  },
  { id: 'comments', text: { en: 'Anything else you want to tell us?', sv: 'Något mer du vill berätta?' }, scale: 'text', theme: THEMES.Comments },
];

export const PULSE_STATEMENT_IDS = ['mgmt-expectations', 'workload', 'speak-up', 'belonging', 'enps', 'comments'];

/** The share answering 4 or 5 per statement, outside the two statements the story is about. */
const BASE_FAVORABLE: Record<string, number> = {
  'career-path': 0.46,
  feedback: 0.58,
  'manager-support': 0.7,
  strategy: 0.55,
  workload: 0.5,
  balance: 0.62,
  'speak-up': 0.66,
  belonging: 0.72,
  recognition: 0.53,
  pride: 0.74,
};

/**
 * The favorable count for the story's two statements, fixed so the year-over-year change in
 * Technology rounds to +4 and +6 points while the rest of the organization stays flat.
 */
export function storyFavorable(statementId: string, year: 2014 | 2015, technology: boolean, respondents: number): number | undefined {
  const share: Record<string, [number, number, number, number]> = {
    // [Technology 2014, Technology 2015, rest 2014, rest 2015]
    'mgmt-expectations': [0.45, 0.4917, 0.52, 0.52],
    training: [0.4, 0.4583, 0.48, 0.48],
  };
  const row = share[statementId];
  if (!row) return undefined;
  return Math.round(respondents * row[(technology ? 0 : 2) + (year === 2015 ? 1 : 0)]);
}

/** Answers for a group of respondents: exactly `favorable` of them answer 4 or 5. */
export function agreeAnswers(respondents: number, favorable: number, random: () => number): number[] {
  const values: number[] = [];
  for (let i = 0; i < respondents; i++) {
    if (i < favorable) values.push(random() < 0.6 ? 4 : 5);
    else values.push(random() < 0.45 ? 3 : random() < 0.7 ? 2 : 1);
  }
  return shuffle(values, random);
}

export function baseFavorable(statementId: string): number {
  return BASE_FAVORABLE[statementId] ?? 0.6;
}

export const DEMO_COMMENTS = [
  'The career framework finally makes promotions understandable.',
  'More time for learning would help.',
  'Great team, but too many meetings.',
  'I would like clearer priorities from leadership.',
  'Onboarding was excellent.',
  'Please keep the hybrid setup.',
];
