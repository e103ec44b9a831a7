/** Bad input gets a 4xx naming what is wrong, never a 500, and writes nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARD_COUNT } from '../shared/keys.ts';
import { sealedResponsePages } from '../functions/store/responses.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { aRoster, aWave, rosterCsv, type OpenWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let wave: OpenWave;
beforeAll(async () => {
  rt = await startTestRuntime();
  wave = await aWave(rt).withRoster(12).open();
});
afterAll(async () => {
  await rt.stop();
});

type ErrorBody = { error: { code: string; message: string; field?: string } };

async function sealedCount() {
  let count = 0;
  for (let shard = 0; shard < SHARD_COUNT; shard++) for await (const page of sealedResponsePages(rt.deps.store, wave.waveId, shard)) count += page.length;
  return count;
}

const rawPost = (path: string, body: string, type = 'application/json') => rt.app.request(path, { method: 'POST', headers: { 'content-type': type }, body });

describe('a submission', () => {
  it.each([
    ['malformed JSON', () => rawPost('/api/responses', '{"token": '), 400, 'body'],
    ['answers of the wrong type', () => rt.post('/api/responses', { token: wave.tokens[0], answers: 'all good' }), 400, 'answers'],
    ['a token that is not a token', () => rt.post('/api/responses', { token: 'abc', answers: {} }), 400, 'token'],
    [
      'an unknown statement id',
      () => rt.post('/api/responses', { token: wave.tokens[0], answers: { 'no-such-statement': 3 } }),
      400,
      'answers.no-such-statement',
    ],
    [
      'an out-of-range value',
      () => rt.post('/api/responses', { token: wave.tokens[0], answers: { 'mgmt-expectations': 6 } }),
      400,
      'answers.mgmt-expectations',
    ],
    ['a number for a comment', () => rt.post('/api/responses', { token: wave.tokens[0], answers: { comment: 5 } }), 400, 'answers.comment'],
    ['a blank comment', () => rt.post('/api/responses', { token: wave.tokens[0], answers: { comment: ' \n ' } }), 400, 'answers.comment'],
    ['an extra field', () => rt.post('/api/responses', { token: wave.tokens[0], answers: {}, email: 'me@acme.test' }), 400, 'body'],
    ['a 1 MB body', () => rawPost('/api/responses', JSON.stringify({ token: wave.tokens[0], answers: { comment: 'x'.repeat(1024 * 1024) } })), 413, 'body'],
    ['an unknown token', () => rt.post('/api/responses', { token: 'B'.repeat(43), answers: {} }), 404, undefined],
  ])('with %s gets %i naming the field, and nothing is stored', async (_, send, status, field) => {
    const response = await send();
    expect(response.status).toBe(status);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.message.length).toBeGreaterThan(5);
    if (field && field !== 'body') expect(body.error.field).toBe(field);
    expect(await sealedCount()).toBe(0);
  });
});

describe('a directory upload', () => {
  const put = (csv: string, query = '', type = 'text/csv') => rt.staff(`/api/roster${query}`, { method: 'PUT', headers: { 'content-type': type }, body: csv });
  const people = async () => ((await (await rt.staff('/api/roster')).json()) as { people: number }).people;

  it.each([
    ['a missing column', 'email,team\na@acme.test,Acme', 'orgUnit', 1],
    ['an empty file', '', 'file', 1],
    ['a bad email', 'email,orgUnit\nnot-an-email,Acme > Tech', 'email', 2],
    ['a duplicate email', 'email,orgUnit\na@acme.test,Acme > Tech\nA@acme.test,Acme > Tech', 'email', 3],
    ['a ">" in a unit name', 'email,orgUnit\na@acme.test,Acme > R>D', 'orgUnit', 2],
    ['an unclosed quote', 'email,orgUnit\n"a@acme.test,Acme', 'file', 2],
  ])('with %s is refused with the line and field, and the directory stays as it was', async (_, csv, field, line) => {
    const before = await people();
    const response = await put(csv);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { imported: number; rejected: Array<{ line: number; field: string; message: string }> };
    expect(body.imported).toBe(0);
    expect(body.rejected[0]).toMatchObject({ line, field });
    expect(await people()).toBe(before);
  });

  it('imports the good rows and reports the bad ones with ?partial=true', async () => {
    const rows = `${rosterCsv(aRoster(6))}\nbroken,Acme > Product,1-3y`;
    const response = await put(rows, '?partial=true');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ imported: 6, rejected: [{ line: 8, field: 'email', message: '"broken" is not an email address' }] });
    expect(await people()).toBe(6);
  });

  it('refuses a body that is not CSV with 415', async () => {
    expect((await put('{}', '', 'application/json')).status).toBe(415);
  });
});

describe('staff bodies', () => {
  it.each([
    ['a choice statement without options', '/api/statements', { id: 'pick', text: { en: 'Pick one' }, scale: 'choice', theme: 'T' }, 'options'],
    ['a statement id with spaces', '/api/statements', { id: 'my statement', text: { en: 'x' }, scale: 'agree5', theme: 'T' }, 'id'],
    ['an unknown scale', '/api/statements', { id: 'ok', text: { en: 'x' }, scale: 'stars', theme: 'T' }, 'scale'],
    ['a survey without a name', '/api/surveys', { name: '' }, 'name'],
  ])('%s is a 400 naming the field', async (_, path, body, field) => {
    const response = await rt.staff(path, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.field).toBe(field);
  });

  it('refuses a wave with k below 3, unknown statements or an unknown audience unit', async () => {
    const create = (body: object) =>
      rt.staff(`/api/surveys/${wave.surveyId}/waves`, { method: 'POST', body: JSON.stringify({ name: 'W', statementIds: ['mgmt-expectations'], ...body }) });
    const field = async (response: Response) => ((await response.json()) as ErrorBody).error.field;
    expect(await field(await create({ minGroupSize: 2 }))).toBe('minGroupSize');
    expect(await field(await create({ statementIds: ['nope'] }))).toBe('statementIds');
    expect(await field(await create({ audience: ['Acme > Nowhere'] }))).toBe('audience');
    expect(await field(await create({ opensAt: '2026-12-01T00:00:00Z', closesAt: '2026-11-01T00:00:00Z' }))).toBe('closesAt');
  });
});
