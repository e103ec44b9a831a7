/** Every input is bounded: a path, query, CSV header or cell past its bound is a 4xx naming it, and nothing is written. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { snapshotTables } from './helpers/tables.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
  const roster = ['email,orgUnit,team', 'a@acme.test,Acme > Tech,x', 'b@acme.test,Acme > Ops,y'].join('\n');
  expect((await rt.staff('/api/roster', { method: 'PUT', body: roster, headers: { 'content-type': 'text/csv' } })).status).toBe(200);
});
afterAll(async () => {
  await rt.stop();
});

type ErrorBody = { error: { code: string; message: string; field?: string } };
const long = 'w'.repeat(5000);

/** Send as admin; expect a 4xx naming `field` and no item changed in either table. */
async function expectRejected(path: string, init: RequestInit, status: number, field: string | RegExp) {
  const before = await snapshotTables(rt.deps.store);
  const response = await rt.staff(path, init);
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = JSON.parse(text) as ErrorBody & { rejected?: Array<{ field: string; message: string }> };
  const named = body.error?.field ?? body.rejected?.map((rejection) => rejection.field).join(',');
  expect(named).toMatch(field);
  expect(await snapshotTables(rt.deps.store)).toBe(before);
  return body;
}

describe('path parameters', () => {
  it.each([
    ['GET', `/api/waves/${long}`],
    ['GET', `/api/surveys/${long}`],
    ['GET', `/api/jobs/${long}`],
    ['GET', `/api/staff/${long}/grants`],
    ['PUT', `/api/staff/${long}/grants`],
    ['GET', `/api/initiatives/${long}/impact`],
    ['GET', `/api/waves/${long}/results`],
    ['POST', `/api/waves/${long}/open`],
  ])('%s %s (5,000 characters) is a 400 naming the path', async (method, path) => {
    await expectRejected(path, { method, body: method === 'GET' ? undefined : JSON.stringify({ units: [] }) }, 400, /path|id|subject/);
  });
});

describe('query strings', () => {
  it.each([
    [`/api/compare?from=${long}&to=x&unit=Acme`, 'from'],
    [`/api/surveys/abc/trend?statement=${long}`, 'statement'],
    [`/api/waves/abc/results?unit=${long}`, 'unit'],
  ])('%s is a 400 naming the parameter', async (path, field) => {
    await expectRejected(path, {}, 400, field);
  });
});

describe('the directory upload', () => {
  const upload = (csv: string) => ({ method: 'PUT', body: csv, headers: { 'content-type': 'text/csv' } });

  it.each(['constructor', 'Constructor', 'toString', 'hasOwnProperty', 'prototype', '__proto__', 'valueOf'])(
    'refuses a column named %s, writing nothing',
    async (name) => {
      await expectRejected('/api/roster', upload(`email,orgUnit,${name}\nc@acme.test,Acme > New unit,1\n`), 400, name);
    },
  );

  it('refuses an email longer than 254 characters before writing a unit', async () => {
    const email = `${'e'.repeat(1100)}@acme.test`;
    await expectRejected('/api/roster', upload(`email,orgUnit\nc@acme.test,Acme > Brand new\n${email},Acme > Another new\n`), 400, 'email');
  });

  it('refuses a cell longer than 2,000 characters and a unit path 21 levels deep', async () => {
    await expectRejected('/api/roster', upload(`email,orgUnit,team\nc@acme.test,Acme > New,${long}\n`), 400, 'team');
    const deep = Array.from({ length: 21 }, (_, level) => `L${level}`).join(' > ');
    await expectRejected('/api/roster', upload(`email,orgUnit\nc@acme.test,${deep}\n`), 400, 'orgUnit');
  });

  it('refuses a row whose attribute is too long, even with ?partial=true: the person is not imported without it', async () => {
    const response = await rt.staff(
      '/api/roster?partial=true',
      upload(`email,orgUnit,team\nc@acme.test,Acme > Tech,${'t'.repeat(81)}\nd@acme.test,Acme > Tech,ok\n`),
    );
    const body = (await response.json()) as { imported: number; rejected: Array<{ line: number; field: string }> };
    expect(body).toMatchObject({ imported: 1, rejected: [{ line: 2, field: 'team' }] });
  });
});

describe('the aggregate import', () => {
  it('refuses a statement cell that could be no key, writing nothing', async () => {
    const created = (await (await rt.staff('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Imported' }) })).json()) as { id: string };
    const csv = `statement,n,favorable\n${long},20,50\n`;
    await expectRejected(
      '/api/waves/import',
      { method: 'POST', body: JSON.stringify({ surveyId: created.id, name: 'Old', opensAt: '2020-03-01T00:00:00Z', csv }) },
      400,
      'csv',
    );
  });
});

describe('a directory under another top unit', () => {
  it('leaves the unit list readable (units are never forgotten, so there are two roots now)', async () => {
    const other = 'email,orgUnit\nz@other.test,Other > Team\n';
    expect((await rt.staff('/api/roster', { method: 'PUT', body: other, headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    const response = await rt.staff('/api/staff/units');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { units: string[] }).units).toEqual(expect.arrayContaining(['Acme > Tech', 'Other > Team']));
  });
});
