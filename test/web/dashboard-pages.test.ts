import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import Directory from '../../web/dashboard/admin/Directory.svelte';
import Compare from '../../web/dashboard/pages/Compare.svelte';
import Planner from '../../web/dashboard/pages/Planner.svelte';
import Manage from '../../web/dashboard/admin/Manage.svelte';
import WavePage from '../../web/dashboard/pages/Wave.svelte';
import Comments from '../../web/dashboard/pages/Comments.svelte';
import { matchRoute } from '../../web/dashboard/lib/router.svelte.ts';
import { toCsv } from '../../web/dashboard/lib/csv.ts';
import { renderPage } from './dashboard-harness.ts';
import type { Comparison } from '../../shared/api-results.ts';

const interval = (estimate: number, half = 0.06) => ({ estimate, lower: estimate - half, upper: estimate + half });

describe('people directory upload', () => {
  it('shows each rejected row with its line, field and problem, and says nothing was imported', async () => {
    const { container, calls } = renderPage(Directory, ({ method, path }) =>
      method === 'PUT' && path === '/api/roster'
        ? { status: 400, body: { imported: 0, rejected: [{ line: 3, field: 'email', message: 'not an email address' }] } }
        : undefined,
    );
    const input = container.querySelector('input[type=file]') as HTMLInputElement;
    const file = new File(['email,orgUnit\na@x.se,Acme\nnot-an-email,Acme\n'], 'people.csv', { type: 'text/csv' });
    await fireEvent.change(input, { target: { files: [file] } });
    await fireEvent.submit(container.querySelector('form')!);
    const table = await screen.findByRole('table', { name: 'Rejected rows' });
    expect(within(table).getByRole('row', { name: /3 email not an email address/ })).toBeTruthy();
    expect(screen.getByText(/Nothing was imported\. Rejected rows: 1\./)).toBeTruthy();
    expect(calls.find((c) => c.method === 'PUT')?.body).toContain('not-an-email');
  });
});

describe('year over year', () => {
  const comparison: Comparison = {
    from: { id: 'w2014', name: '2014', k: 5, responseRate: 0.8 },
    to: { id: 'w2015', name: '2015', k: 5, responseRate: 0.82 },
    k: 5,
    segment: { id: 'u:tech', label: 'Soundwave > Technology' },
    basis: 'year-over-year',
    statements: [
      {
        id: 'clear',
        text: 'Management makes its expectations clear',
        theme: 'Leadership',
        scale: 'agree5',
        before: { n: 120, favorable: interval(0.6) },
        after: { n: 124, favorable: interval(0.64) },
        change: {
          ...interval(0.04, 0.06),
          p: 0.2,
          q: 0.3,
          verdict: 'noise',
          detectable: { down: -0.11, up: 0.12 },
          words: "rose 4 points: can't tell from noise",
        },
      },
      {
        id: 'training',
        text: 'I am offered training',
        theme: 'Growth',
        scale: 'agree5',
        before: { n: 120, favorable: interval(0.5) },
        after: { n: 124, favorable: interval(0.56) },
        change: { ...interval(0.06, 0.05), p: 0.01, q: 0.02, verdict: 'rose', detectable: { down: -0.1, up: 0.1 }, words: 'rose 6 points' },
      },
      { id: 'small', text: 'A small-group statement', theme: 'Growth', scale: 'agree5', hidden: true, reason: 'differencing' },
    ],
  };

  it('shows each change in points with its interval, verdict and response rates; a hidden cell says why and shows no number', async () => {
    history.replaceState(null, '', '/compare?to=w2015');
    renderPage(Compare, ({ path }) => {
      if (path === '/api/surveys') return { status: 200, body: { surveys: [] } };
      if (path.startsWith('/api/waves/w2015/compare-previous')) return { status: 200, body: comparison };
      if (path.includes('/segments')) return { status: 200, body: { wholeOrganization: true, segments: [] } };
      return undefined;
    });
    const clear = await screen.findByRole('row', { name: /Management makes its expectations clear/ });
    expect(within(clear).getByText('+4')).toBeTruthy();
    expect(within(clear).getByText('−2 to +10')).toBeTruthy();
    expect(within(clear).getByText('Can’t tell from noise')).toBeTruthy();
    const training = screen.getByRole('row', { name: /I am offered training/ });
    expect(within(training).getByText('+6')).toBeTruthy();
    expect(within(training).getByText(/Rose/)).toBeTruthy();
    const hidden = screen.getByRole('row', { name: /A small-group statement/ });
    expect(hidden.textContent).toMatch(/Hidden: too few answered, or showing it would let someone work out a smaller group/);
    expect(hidden.textContent).not.toMatch(/\d/);
    expect(screen.getByText(/Response rate: 80% → 82%/)).toBeTruthy();
  });
});

describe('power planner', () => {
  it('answers as you type: larger groups detect smaller changes', async () => {
    renderPage(Planner, () => undefined);
    const detectableAt = () => {
      const text = screen.getByText(/Only changes beyond/).textContent!;
      const [down, up] = [...text.matchAll(/([−+]\d+)/g)].map((m) => Number(m[1].replace('−', '-')));
      return { down, up };
    };
    const small = detectableAt();
    await fireEvent.input(screen.getByLabelText(/first wave/), { target: { value: '1000' } });
    await fireEvent.input(screen.getByLabelText(/second wave/), { target: { value: '1000' } });
    await waitFor(() => expect(detectableAt().up).toBeLessThan(small.up));
    expect(detectableAt().down).toBeGreaterThan(small.down);
  });
});

describe('opening a wave', () => {
  it('starts the job and follows it until it says done', async () => {
    let polls = 0;
    const surveys = { surveys: [{ id: 's1', name: 'Pulse', waves: [{ id: 'w1', name: 'Q4', status: 'draft', k: 5 }] }] };
    globalThis.confirm = () => true;
    renderPage(Manage, ({ method, path }) => {
      if (path === '/api/surveys') return { status: 200, body: surveys };
      if (path === '/api/statements') return { status: 200, body: { statements: [] } };
      if (method === 'POST' && path === '/api/waves/w1/open') return { status: 202, body: { jobId: 'j1' } };
      if (path === '/api/jobs/j1') {
        polls++;
        return { status: 200, body: { id: 'j1', kind: 'open-wave', status: polls < 2 ? 'running' : 'done', progress: { done: polls * 50, total: 100 } } };
      }
      return undefined;
    });
    await fireEvent.click(await screen.findByRole('button', { name: 'Open Q4' }));
    await screen.findByText(/Open: done\./, {}, { timeout: 3000 });
    expect(polls).toBeGreaterThanOrEqual(2);
  });
});

describe('opening a wave for mail merge', () => {
  it('offers sending the invitations yourself: the open mails nobody and says where the links are', async () => {
    const asked: string[] = [];
    globalThis.confirm = (message?: string) => (asked.push(message ?? ''), true);
    const surveys = { surveys: [{ id: 's1', name: 'Pulse', waves: [{ id: 'w1', name: 'Q4', status: 'draft', k: 5 }] }] };
    const { calls } = renderPage(Manage, ({ method, path }) => {
      if (path === '/api/surveys') return { status: 200, body: surveys };
      if (path === '/api/statements') return { status: 200, body: { statements: [] } };
      if (method === 'POST' && path.startsWith('/api/waves/w1/open')) return { status: 202, body: { jobId: 'j1' } };
      if (path === '/api/jobs/j1') return { status: 200, body: { id: 'j1', kind: 'open-wave', status: 'done' } };
      return undefined;
    });
    await fireEvent.click(await screen.findByRole('radio', { name: 'Send invitations yourself (mail merge)' }));
    expect(screen.getByText(/No mail is sent: download the invitation links \(CSV\)/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Open Q4' }));
    await screen.findByText(/Open: done\./, {}, { timeout: 3000 });
    expect(calls.find((call) => call.method === 'POST')?.path).toBe('/api/waves/w1/open?delivery=mail-merge');
    expect(asked[0]).toContain('without mailing anyone');
  });
});

describe('an open wave', () => {
  it('says when it closes by itself at the latest, whatever its closing time', async () => {
    const wave = { id: 'w1', name: 'Q4', status: 'open', k: 5, openedAt: '2031-01-01T00:00:00.000Z', closesAtLatest: '2031-06-30T00:00:00.000Z' };
    renderPage(
      WavePage,
      ({ path }) => (path === '/api/surveys' ? { status: 200, body: { surveys: [{ id: 's1', name: 'Pulse', waves: [wave] }] } } : undefined),
      {
        id: 'w1',
      },
    );
    expect((await screen.findByText(/Closes by itself .* at the latest \(180 days after it opened\)/)).textContent).toMatch(/2031/);
  });
});

describe('reminding', () => {
  it('sends a reminder for an open wave after asking, and follows the job', async () => {
    const asked: string[] = [];
    globalThis.confirm = (message?: string) => (asked.push(message ?? ''), true);
    let started = false;
    renderPage(Manage, ({ method, path }) => {
      if (path === '/api/surveys')
        return { status: 200, body: { surveys: [{ id: 's1', name: 'Pulse', waves: [{ id: 'w1', name: 'Q4', status: 'open', k: 5 }] }] } };
      if (path === '/api/statements') return { status: 200, body: { statements: [] } };
      if (method === 'POST' && path === '/api/waves/w1/remind') return ((started = true), { status: 202, body: { jobId: 'r1', round: 1 } });
      if (path === '/api/jobs/r1') return { status: 200, body: { id: 'r1', kind: 'remind-wave', status: 'done', result: { round: 1, reminded: 7 } } };
      return undefined;
    });
    await fireEvent.click(await screen.findByRole('button', { name: 'Send reminder Q4' }));
    await screen.findByText(/Send reminder: done\./, {}, { timeout: 3000 });
    expect(started).toBe(true);
    expect(asked[0]).toContain('never who');
  });
});

describe('routes and exports', () => {
  it.each([
    ['/', 'surveys', undefined],
    ['/waves/w%201', 'wave', 'w 1'],
    ['/initiatives/career-steps', 'impact', 'career-steps'],
    ['/admin/directory', 'roster', undefined],
    ['/nowhere', 'not-found', undefined],
  ])('%s shows the %s page', (path, name, id) => {
    expect(matchRoute(path)).toEqual({ name, params: id ? { id } : {} });
  });

  it('writes CSV a spreadsheet cannot run as a formula', () => {
    expect(toCsv(['unit', 'note'], [['=HYPERLINK("x")', 'a, b']])).toBe('unit,note\r\n"\'=HYPERLINK(""x"")","a, b"\r\n');
  });
});

describe('language', () => {
  it('switches the dashboard’s own words to Swedish and remembers the choice', async () => {
    const { context } = renderPage(Planner, () => undefined);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Power planner');
    context.i18n.choose('sv');
    await screen.findByRole('heading', { level: 1, name: 'Styrkeplanerare' });
    expect(screen.getByText(/Bara förändringar bortom/)).toBeTruthy();
    expect(localStorage.getItem('baseline.dashboardLang')).toBe('sv');
    context.i18n.choose('en');
  });
});

describe('comments', () => {
  it('shows the first page, then appends the next one on demand, in the order the server gave', async () => {
    const comment = (text: string) => ({ statementId: 'comment', text });
    renderPage(
      Comments,
      ({ path }) => {
        if (path === '/api/statements') return { status: 200, body: { statements: [{ id: 'comment', text: { en: 'Anything else?' } }] } };
        if (path === '/api/waves/w1/segments') return { status: 200, body: { wholeOrganization: true, segments: [] } };
        if (path === '/api/waves/w1/comments')
          return {
            status: 200,
            body: { segment: { id: 'u:root', label: 'Acme' }, comments: [comment('first'), comment('second')], total: 3, nextCursor: 'c1', units: [] },
          };
        if (path === '/api/waves/w1/comments?cursor=c1')
          return { status: 200, body: { segment: { id: 'u:root', label: 'Acme' }, comments: [comment('third')], total: 3, units: [] } };
        return undefined;
      },
      { waveId: 'w1' },
    );
    expect(await screen.findByText('2 of 3 comments shown.')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Show more comments' }));
    await waitFor(() => expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['first', 'second', 'third']));
    expect(screen.queryByRole('button', { name: 'Show more comments' })).toBeNull();
  });
});
