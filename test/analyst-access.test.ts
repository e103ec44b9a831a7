/**
 * The analyst's own units: grants are picked from the unit tree (a unit that does not exist is a
 * 400 naming it), and the groups a wave offers an analyst are exactly those inside the grants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let waveId: string;

const put = (units: string[]) => rt.staff('/api/staff/local-analyst/grants', { method: 'PUT', body: JSON.stringify({ units }) });

beforeAll(async () => {
  rt = await startTestRuntime();
  // The directory (Acme > Technology > Squad Alpha | Squad Beta, Acme > Product, Acme > People), then a wave imported onto its units.
  const { surveyId } = await aWave(rt).withRoster(40).draft();
  const csv = [
    'statement,unit,n,favorable',
    'training,,400,50',
    'training,Technology,200,50',
    'training,Technology > Squad Alpha,100,50',
    'training,Technology > Squad Beta,100,50',
    'training,Product,100,50',
    'training,People,100,50',
  ].join('\n');
  const imported = await rt.staff('/api/waves/import', { method: 'POST', body: JSON.stringify({ surveyId, name: 'Vendor 2014', opensAt: '2014-03-03', csv }) });
  expect(imported.status, await imported.clone().text()).toBe(201);
  waveId = ((await imported.json()) as { waveId: string }).waveId;
});
afterAll(async () => {
  await rt?.stop();
});

describe('grants', () => {
  it('lists the unit tree to pick from', async () => {
    const { units } = (await (await rt.staff('/api/staff/units')).json()) as { units: string[] };
    expect(units).toEqual([
      'Acme',
      'Acme > People',
      'Acme > Product',
      'Acme > Technology',
      'Acme > Technology > Squad Alpha',
      'Acme > Technology > Squad Beta',
    ]);
  });

  it('refuses a unit that does not exist with a 400 naming it, and stores full paths', async () => {
    const typo = await put(['Acme > Technology', 'Acme > Tecnology', 'Sales']);
    expect(typo.status).toBe(400);
    const { error } = (await typo.json()) as { error: { field: string; message: string } };
    expect(error.field).toBe('units');
    expect(error.message).toBe('units: no such org units in the directory: Acme > Tecnology, Sales');
    const saved = await put(['Technology']);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ units: ['Acme > Technology'] });
  });
});

describe('the groups a wave offers', () => {
  it('an analyst gets exactly the granted unit and what lies below it; an admin everything', async () => {
    expect((await put(['Acme > Technology'])).status).toBe(200);
    const mine = (await (await rt.staff(`/api/waves/${waveId}/segments`, { role: 'analyst' })).json()) as {
      wholeOrganization: boolean;
      segments: Array<{ label: string; query: string }>;
    };
    expect(mine.wholeOrganization).toBe(false);
    expect(mine.segments.map((segment) => segment.label)).toEqual(['Acme > Technology', 'Acme > Technology > Squad Alpha', 'Acme > Technology > Squad Beta']);
    // Every group offered opens; one outside is refused.
    for (const segment of mine.segments) expect((await rt.staff(`/api/waves/${waveId}/results?${segment.query}`, { role: 'analyst' })).status).toBe(200);
    expect((await rt.staff(`/api/waves/${waveId}/results?unit=${encodeURIComponent('Acme > Product')}`, { role: 'analyst' })).status).toBe(403);

    const all = (await (await rt.staff(`/api/waves/${waveId}/segments`)).json()) as { wholeOrganization: boolean; segments: Array<{ label: string }> };
    expect(all.wholeOrganization).toBe(true);
    expect(all.segments.map((segment) => segment.label)).toContain('Acme > Product');
  });
});
