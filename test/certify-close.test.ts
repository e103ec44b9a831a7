/** The close stores its confidentiality certificate on the wave, and GET /api/waves/:id returns it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCertificateSchema } from '../shared/published-wave.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave, closeWave } from './helpers/scenario.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
}, 60_000);
afterAll(async () => {
  await rt.stop();
});

describe('the confidentiality certificate of a closed wave', () => {
  it('is stored at close and says what was checked and hidden, and by which method', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(30).open();
    for (let i = 0; i < 22; i++) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    expect((await closeWave(rt, waveId)).status).toBe('done');
    const wave = (await (await rt.staff(`/api/waves/${waveId}`)).json()) as { certificate?: unknown };
    // What the API publishes of it (shared/published-wave.ts): not the audit's path.
    const certificate = publishedCertificateSchema.strict().parse(wave.certificate);
    expect(certificate.k).toBe(5);
    // The audit ran in the close: a certificate against the integer-programming attacker.
    expect(['exact', 'over-approximated']).toContain(certificate.method);
    expect(certificate.overApproximations).not.toContain('no-solver');
    expect(certificate.checked.smallGroups + certificate.checked.countGroups).toBeGreaterThan(0);
    expect(certificate.checked.cells).toBeGreaterThan(0);
    expect(certificate.hidden).toBeLessThanOrEqual(certificate.checked.cells);
  });
});
