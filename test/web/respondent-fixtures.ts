import type { Questionnaire } from '../../web/respond/questionnaire.ts';

const agree5 = {
  kind: 'agree5' as const,
  points: ['Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree', 'Strongly agree'].map((label, i) => ({
    value: i + 1,
    label,
  })),
};

/** A small questionnaire as POST /api/questionnaire answers it: two agree5 statements and a comment. */
export function aQuestionnaire(overrides: Partial<Questionnaire> = {}): Questionnaire {
  return {
    survey: { name: 'Quarterly pulse' },
    wave: { id: 'w1', name: 'Q3' },
    k: 5,
    lang: 'en',
    locales: ['en', 'sv'],
    statements: [
      { id: 'clear-expectations', text: 'Management makes its expectations clear', theme: 'Leadership', scale: agree5 },
      { id: 'training', text: 'I am offered training or development', theme: 'Growth', scale: agree5 },
      { id: 'comment', text: 'Anything else?', theme: 'Comments', scale: { kind: 'text', points: [] } },
    ],
    ...overrides,
  };
}

type Reply = { status: number; body?: unknown } | 'offline';

/** A fetch that answers each call with the next scripted reply and records what was sent. */
export function scriptedFetch(...replies: Reply[]) {
  const sent: { path: string; body: any }[] = [];
  /** The headers each request carried. */
  const headers: Headers[] = [];
  const fetcher = (async (path: string, init?: RequestInit) => {
    sent.push({ path, body: JSON.parse(String(init?.body)) });
    headers.push(new Headers(init?.headers));
    const reply = replies.shift() ?? 'offline';
    if (reply === 'offline') throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetcher, sent, headers };
}
