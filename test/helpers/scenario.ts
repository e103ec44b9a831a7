/** Fixture builders: a directory, a statement bank and an open wave, built through the real API. */
import { expect } from 'vitest';
import type { TestRuntime } from './embedded.ts';

export interface PersonRow {
  email: string;
  orgUnit: string;
  [attribute: string]: string;
}

/** A directory of `count` people spread round-robin over the given units, with a tenure attribute. */
export function aRoster(
  count: number,
  units = ['Acme > Technology > Squad Alpha', 'Acme > Technology > Squad Beta', 'Acme > Product', 'Acme > People'],
): PersonRow[] {
  return Array.from({ length: count }, (_, index) => ({
    email: `person${String(index).padStart(5, '0')}@acme.test`,
    orgUnit: units[index % units.length],
    tenure: ['<1y', '1-3y', '3y+'][Math.floor(index / units.length) % 3],
  }));
}

export function rosterCsv(rows: PersonRow[]): string {
  const columns = Object.keys(rows[0]);
  return [columns.join(','), ...rows.map((row) => columns.map((column) => row[column] ?? '').join(','))].join('\n');
}

export const STATEMENTS = [
  {
    id: 'mgmt-expectations',
    text: { en: 'Management makes its expectations clear', sv: 'Ledningen gör sina förväntningar tydliga' },
    scale: 'agree5',
    theme: 'Leadership',
  },
  { id: 'training', text: { en: 'I am offered training or development to further myself professionally' }, scale: 'agree5', theme: 'Growth' },
  { id: 'enps', text: { en: 'How likely are you to recommend us as a place to work?' }, scale: 'enps', theme: 'Engagement' },
  { id: 'comment', text: { en: 'Anything else?' }, scale: 'text', theme: 'Comments' },
] as const;

export interface OpenWave {
  surveyId: string;
  waveId: string;
  tokens: string[];
}

class WaveBuilder {
  private rows: PersonRow[] = aRoster(40);
  private k = 5;
  private audience?: string[];

  constructor(private readonly runtime: TestRuntime) {}

  withRoster(rows: PersonRow[] | number) {
    this.rows = typeof rows === 'number' ? aRoster(rows) : rows;
    return this;
  }

  withK(k: number) {
    this.k = k;
    return this;
  }

  withAudience(audience: string[]) {
    this.audience = audience;
    return this;
  }

  /** Upload the directory and statements, create a survey and a draft wave. */
  async draft(): Promise<{ surveyId: string; waveId: string }> {
    const rt = this.runtime;
    const roster = await rt.staff('/api/roster', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: rosterCsv(this.rows) });
    expect(roster.status, await roster.clone().text()).toBe(200);
    for (const statement of STATEMENTS) {
      const response = await rt.staff('/api/statements', { method: 'POST', body: JSON.stringify(statement) });
      expect([201, 409]).toContain(response.status);
    }
    const survey = (await (await rt.staff('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Pulse' }) })).json()) as { id: string };
    const created = await rt.staff(`/api/surveys/${survey.id}/waves`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Spring', statementIds: STATEMENTS.map((statement) => statement.id), minGroupSize: this.k, audience: this.audience }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const wave = (await created.json()) as { id: string };
    return { surveyId: survey.id, waveId: wave.id };
  }

  /** draft(), then open it and wait for the job; the tokens come from the mailed links. */
  async open(): Promise<OpenWave> {
    const rt = this.runtime;
    const before = rt.mail.length;
    const { surveyId, waveId } = await this.draft();
    const opened = await rt.staff(`/api/waves/${waveId}/open`, { method: 'POST' });
    expect(opened.status).toBe(202);
    const { jobId } = (await opened.json()) as { jobId: string };
    await rt.jobsIdle();
    const job = (await (await rt.staff(`/api/jobs/${jobId}`)).json()) as { status: string; error?: string };
    expect(job.status, job.error).toBe('done');
    return { surveyId, waveId, tokens: rt.tokens().slice(before) };
  }
}

export const aWave = (runtime: TestRuntime) => new WaveBuilder(runtime);

/** Close a wave through the API and wait for the job. */
export async function closeWave(runtime: TestRuntime, waveId: string): Promise<{ status: string; error?: string }> {
  const closed = await runtime.staff(`/api/waves/${waveId}/close`, { method: 'POST' });
  expect(closed.status, await closed.clone().text()).toBe(202);
  const { jobId } = (await closed.json()) as { jobId: string };
  await runtime.jobsIdle();
  return (await (await runtime.staff(`/api/jobs/${jobId}`)).json()) as { status: string; error?: string };
}

export function anAnswer(index: number) {
  return { 'mgmt-expectations': (index % 5) + 1, training: ((index * 3) % 5) + 1, enps: index % 11 };
}
