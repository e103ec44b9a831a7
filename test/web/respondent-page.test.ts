import { describe, expect, it, beforeEach } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import App from '../../web/respond/App.svelte';
import { Respondent } from '../../web/respond/respondent.svelte.ts';
import { hashToken } from '../../web/respond/saved-answers.ts';
import { pointPageAt, readRespondEndpoint } from '../../shared/respond-endpoint.ts';
import { aQuestionnaire, scriptedFetch } from './respondent-fixtures.ts';

const TOKEN = 'tok-123';

function open(...replies: Parameters<typeof scriptedFetch>) {
  const { fetcher, sent } = scriptedFetch(...replies);
  const respondent = new Respondent(TOKEN, localStorage, fetcher, 'en-GB');
  render(App, { respondent });
  return { sent, respondent };
}

beforeEach(() => localStorage.clear());

describe('respondent page', () => {
  it('explains confidentiality with the wave’s k before the first statement', async () => {
    open({ status: 200, body: aQuestionnaire({ k: 7 }) });
    const privacy = await screen.findByRole('heading', { name: /what happens to your answers/i });
    const firstStatement = screen.getByRole('group', { name: /Management makes its expectations clear/ });
    expect(privacy.compareDocumentPosition(firstStatement) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByText(/groups of at least 7 people/)).toBeTruthy();
  });

  it('offers each scale point and "prefer not to say" as a radio in a named group', async () => {
    open({ status: 200, body: aQuestionnaire() });
    const group = await screen.findByRole('group', { name: /Management makes its expectations clear/ });
    const radios = group.querySelectorAll('input[type=radio]');
    expect([...radios].map((r) => r.closest('label')!.textContent!.trim())).toEqual([
      'Strongly disagree',
      'Disagree',
      'Neither agree nor disagree',
      'Agree',
      'Strongly agree',
      'Prefer not to say',
    ]);
  });

  it('sends the token in the body only, skips "prefer not to say", and thanks the person', async () => {
    const { sent } = open({ status: 200, body: aQuestionnaire() }, { status: 201, body: { status: 'recorded' } });
    await fireEvent.click((await screen.findAllByRole('radio', { name: 'Agree' }))[0]);
    const second = screen.getByRole('group', { name: /training/ });
    await fireEvent.click(second.querySelectorAll('input')[5]);
    expect(screen.getByText('2 of 3 answered')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Send my answers' }));
    await screen.findByRole('heading', { name: 'Thank you!' });
    expect(sent[1]).toEqual({
      path: '/api/responses',
      body: { token: TOKEN, answers: { 'clear-expectations': 4 }, submission: expect.stringMatching(/^[\w-]{22}$/) },
    });
    expect(localStorage.length).toBe(0);
  });

  it('keeps the answers on the device when the connection drops, and sends them on retry', async () => {
    const { sent } = open({ status: 200, body: aQuestionnaire() }, 'offline', { status: 201 });
    await fireEvent.click((await screen.findAllByRole('radio', { name: 'Strongly agree' }))[0]);
    await fireEvent.click(screen.getByRole('button', { name: 'Send my answers' }));
    await screen.findByRole('alert');
    expect(localStorage.getItem(`baseline.answers.${hashToken(TOKEN)}`)).toContain('"clear-expectations":5');
    expect(JSON.stringify({ ...localStorage })).not.toContain(TOKEN);
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('heading', { name: 'Thank you!' });
    expect(sent[2].body.answers).toEqual({ 'clear-expectations': 5 });
  });

  it('resends a submission whose reply was lost exactly as it was, with its id, and locks its answers meanwhile', async () => {
    const { sent } = open({ status: 200, body: aQuestionnaire() }, { status: 503 }, { status: 201 });
    await fireEvent.click((await screen.findAllByRole('radio', { name: 'Agree' }))[0]);
    await fireEvent.click(screen.getByRole('button', { name: 'Send my answers' }));
    await screen.findByRole('alert');
    // The first try may be stored: a changed answer would be another submission, refused with 409 while this one goes uncounted.
    const strongly = screen.getAllByRole('radio', { name: 'Strongly agree' })[0] as HTMLInputElement;
    expect(strongly.closest('fieldset.statements')?.hasAttribute('disabled')).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('heading', { name: 'Thank you!' });
    expect(sent[2].body).toEqual(sent[1].body);
    expect(localStorage.length).toBe(0);
  });

  it('after the page was closed mid-send, asks again with the same submission and says "recorded" when it was', async () => {
    localStorage.setItem(`baseline.sending.${hashToken(TOKEN)}`, JSON.stringify({ id: 'A'.repeat(22), answers: { training: 2 } }));
    // The link reads as answered (the first try was counted, its reply lost); the retry of that submission gets its 201.
    const { sent } = open({ status: 409, body: { error: { code: 'already-answered', message: '' } } }, { status: 201 });
    await screen.findByRole('heading', { name: 'Thank you!' });
    expect(sent[1]).toEqual({ path: '/api/responses', body: { token: TOKEN, answers: { training: 2 }, submission: 'A'.repeat(22) } });
    expect(localStorage.length).toBe(0);
  });

  it('restores answers saved before the page was closed', async () => {
    localStorage.setItem(`baseline.answers.${hashToken(TOKEN)}`, JSON.stringify({ training: 2 }));
    open({ status: 200, body: aQuestionnaire() });
    const group = await screen.findByRole('group', { name: /training/ });
    const checked = group.querySelector<HTMLInputElement>('input:checked');
    expect(checked?.closest('label')?.textContent?.trim()).toBe('Disagree');
    expect(screen.getByText('1 of 3 answered')).toBeTruthy();
  });

  it.each([
    [404, 'We could not find this survey'],
    [409, 'You have already answered'],
    [410, 'This survey has closed'],
  ])('answers a %i with a kind message', async (status, heading) => {
    open({ status, body: { error: { code: 'x', message: 'x' } } });
    const shown = await screen.findByRole('heading', { name: heading });
    await waitFor(() => expect(document.activeElement).toBe(shown));
  });

  it('tells the person the link was used when the answers arrive a second time', async () => {
    open({ status: 200, body: aQuestionnaire() }, { status: 409, body: { error: { code: 'already-answered', message: '' } } });
    await fireEvent.click((await screen.findAllByRole('radio', { name: 'Agree' }))[0]);
    await fireEvent.click(screen.getByRole('button', { name: 'Send my answers' }));
    await screen.findByRole('heading', { name: 'You have already answered' });
  });

  it('switches to Swedish and remembers the choice', async () => {
    const { sent } = open({ status: 200, body: aQuestionnaire() }, { status: 200, body: aQuestionnaire({ lang: 'sv' }) });
    const picker = await screen.findByRole('combobox', { name: 'Language' });
    await fireEvent.change(picker, { target: { value: 'sv' } });
    await screen.findByRole('button', { name: 'Skicka mina svar' });
    expect(sent[1].body).toEqual({ token: TOKEN, lang: 'sv' });
    expect(localStorage.getItem('baseline.lang')).toBe('sv');
  });

  it('does not send a reply with every statement skipped, and says why', async () => {
    const { sent } = open({ status: 200, body: aQuestionnaire() });
    const first = await screen.findByRole('group', { name: /Management makes its expectations clear/ });
    await fireEvent.click(first.querySelectorAll('input')[5]);
    await fireEvent.click(screen.getByRole('button', { name: 'Send my answers' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/skipped every statement/);
    expect(sent.map((request) => request.path)).toEqual(['/api/questionnaire']);
  });

  it('lets the server pick the invitation’s language unless the person chose one on the page', async () => {
    const { sent } = open({ status: 200, body: aQuestionnaire({ lang: 'sv' }) });
    await screen.findByRole('button', { name: 'Skicka mina svar' });
    expect(sent[0].body).toEqual({ token: TOKEN });
  });

  it('fits eNPS on a phone with numbers on the points and the end labels written once beneath', async () => {
    const enps = {
      kind: 'enps' as const,
      points: Array.from({ length: 11 }, (_, value) => ({
        value,
        label: value === 0 ? '0 – Not at all likely' : value === 10 ? '10 – Extremely likely' : String(value),
      })),
    };
    open({ status: 200, body: aQuestionnaire({ statements: [{ id: 'recommend', text: 'Would you recommend us?', theme: 'eNPS', scale: enps }] }) });
    const group = await screen.findByRole('group', { name: /recommend/ });
    expect(group.querySelector('.ends')!.textContent).toBe('0 = Not at all likely10 = Extremely likely');
    // The visible point is the number; the radio's name still says what the end means.
    expect(screen.getByRole('radio', { name: '0 – Not at all likely' })).toBeTruthy();
  });

  it('shows health-check points as red, yellow and green swatches beside their words', async () => {
    const health3 = {
      kind: 'health3' as const,
      points: ['Red: this is a problem', 'Yellow: some issues', 'Green: this works well'].map((label, i) => ({ value: i + 1, label })),
    };
    open({ status: 200, body: aQuestionnaire({ statements: [{ id: 'tools', text: 'Our tools', theme: 'Health', scale: health3 }] }) });
    const group = await screen.findByRole('group', { name: /Our tools/ });
    expect([...group.querySelectorAll('.swatch')].map((swatch) => swatch.classList[1])).toEqual(['red', 'yellow', 'green']);
    expect(screen.getByRole('radio', { name: 'Green: this works well' })).toBeTruthy();
  });

  it('treats a link without a token as a bad link without asking the server', async () => {
    const { fetcher, sent } = scriptedFetch();
    render(App, { respondent: new Respondent('', localStorage, fetcher) });
    await screen.findByRole('heading', { name: 'We could not find this survey' });
    expect(sent).toEqual([]);
  });
});

describe('where the respondent page sends its requests', () => {
  const FUNCTION_URL = 'https://abc123.lambda-url.eu-west-1.on.aws';

  async function answerAndSend(endpoint: string) {
    const { fetcher, sent, headers } = scriptedFetch({ status: 200, body: aQuestionnaire() }, { status: 201, body: { status: 'recorded' } });
    render(App, { respondent: new Respondent(TOKEN, localStorage, fetcher, 'en', endpoint) });
    await fireEvent.click((await screen.findAllByRole('radio', { name: 'Agree' }))[0]);
    await fireEvent.click(screen.getByRole('button', { name: 'Send my answers' }));
    await screen.findByRole('heading', { name: 'Thank you!' });
    return { paths: sent.map((request) => request.path), headers };
  }

  it('posts both requests to the function URL the deployment wrote into the page, with no header that would cost a preflight', async () => {
    const page = pointPageAt('<!doctype html><html><head><title>Survey</title></head><body></body></html>', FUNCTION_URL);
    const endpoint = readRespondEndpoint(new DOMParser().parseFromString(page, 'text/html'));
    const { paths, headers } = await answerAndSend(endpoint);
    expect(paths).toEqual([`${FUNCTION_URL}/api/questionnaire`, `${FUNCTION_URL}/api/responses`]);
    for (const sentHeaders of headers) expect([...sentHeaders.keys()]).toEqual([]);
  });

  it('posts to its own origin when the page names no endpoint (embedded mode)', async () => {
    const { paths } = await answerAndSend(readRespondEndpoint(document));
    expect(paths).toEqual(['/api/questionnaire', '/api/responses']);
  });
});
