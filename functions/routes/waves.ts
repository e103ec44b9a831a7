/** Waves: opening and closing (jobs), the invitation links export, participation. */
import { z } from '@hono/zod-openapi';
import { SHARD_COUNT } from '../../shared/keys.ts';
import { participationSchema } from '../../shared/api-results.ts';
import { jobStartedSchema, waveViewSchema } from '../../shared/schemas.ts';
import { ADMIN, createContractApp, errorResponses, jsonContent, staffRoute, waveIdParams } from '../contract.ts';
import { toCsv } from '../../shared/csv.ts';
import { deriveWaveKeys, inviteeToken, openEmail, randomId } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ConflictError } from '../errors.ts';
import { launchJob } from '../jobs/run-job.ts';
import { appendAudit } from '../store/audit.ts';
import { getWaveSecret, invitationPages } from '../store/invitations.ts';
import { countLinksExported, countReminderRound, getWave, setWaveDelivery } from '../store/waves.ts';
import { getParticipation } from '../waves/participation.ts';
import { publicWave } from './surveys.ts';

const waveRoute = (method: 'get' | 'post', path: string, summary: string, ok: Record<number, unknown>) =>
  staffRoute(ADMIN, { method, path: `/{waveId}${path}`, summary, request: { params: waveIdParams }, responses: { ...ok, ...errorResponses } });

export const waveRouteDefs = {
  get: waveRoute('get', '', 'a wave', { 200: jsonContent(waveViewSchema, 'the wave') }),
  open: staffRoute(ADMIN, {
    method: 'post',
    path: '/{waveId}/open',
    summary: 'job: snapshot, segments, invitations, and mail unless ?delivery=mail-merge (the organization sends the links itself from the audited export)',
    request: { params: waveIdParams, query: z.object({ delivery: z.enum(['mail', 'mail-merge']).optional() }) },
    responses: { 202: jsonContent(jobStartedSchema, 'the job to poll'), ...errorResponses },
  }),
  close: waveRoute('post', '/close', 'job: the close pipeline', { 202: jsonContent(jobStartedSchema, 'the job to poll') }),
  remind: waveRoute('post', '/remind', 'job: mail a reminder to those who have not answered (nobody is told who they are)', {
    202: jsonContent(jobStartedSchema, 'the job to poll and the round'),
  }),
  participation: waveRoute('get', '/participation', 'invited and responded per segment; below k shown as "<k"', {
    200: jsonContent(participationSchema, 'participation'),
  }),
  invitations: waveRoute('get', '/invitations.csv', 'email,link for self-distribution (audited); the cloud answers 303 to a download link', {
    200: { description: 'the links', content: { 'text/csv': { schema: z.string() } } },
    303: { description: 'a short-lived download link (cloud)' },
  }),
};

export function waveRoutes(deps: AppDeps) {
  return (
    createContractApp()
      .openapi(waveRouteDefs.get, async (c) => c.json(publicWave(await getWave(deps.store, c.req.param('waveId')))))
      // One open and one close per wave, however often they are asked for: a second request (a double
      // click, a retry, the schedule) answers the same job, and starts it again only if its runner died.
      .openapi(waveRouteDefs.open, async (c) => {
        const { delivery } = c.req.valid('query');
        if (delivery) await setWaveDelivery(deps.store, c.req.param('waveId'), delivery);
        return c.json({ jobId: await launchJob(deps, 'open-wave', c.req.param('waveId')) }, 202);
      })
      .openapi(waveRouteDefs.close, async (c) => c.json({ jobId: await launchJob(deps, 'close-wave', c.req.param('waveId')) }, 202))
      .openapi(waveRouteDefs.remind, async (c) => {
        const wave = await getWave(deps.store, c.req.param('waveId'));
        if (wave.status !== 'open') throw new ConflictError('wrong-status', `wave ${wave.id} is ${wave.status}; reminders go out only while a wave is open`);
        const round = await countReminderRound(deps.store, wave.id);
        return c.json({ jobId: await launchJob(deps, 'remind-wave', wave.id, { round }), round }, 202);
      })
      .openapi(waveRouteDefs.participation, async (c) => c.json(await getParticipation(deps, await getWave(deps.store, c.req.param('waveId')))))
      .openapi(waveRouteDefs.invitations, async (c) => {
        const wave = await getWave(deps.store, c.req.param('waveId'));
        const secret = wave.status === 'open' ? await getWaveSecret(deps.store, wave.id) : undefined;
        if (!secret) throw new ConflictError('wrong-status', `wave ${wave.id} is ${wave.status}; links exist only while a wave is open`);
        const keys = deriveWaveKeys(secret, wave.id);
        const rows: string[][] = [['email', 'link']];
        for (let shard = 0; shard < SHARD_COUNT; shard++) {
          for await (const page of invitationPages(deps.store, wave.id, shard)) {
            for (const invitation of page) {
              const email = invitation.email ?? openEmail(keys, invitation.tokenHash, invitation.sealedEmail!);
              rows.push([email, `${deps.publicBaseUrl}/r#${inviteeToken(keys, email)}`]);
            }
          }
        }
        await appendAudit(deps.store, { at: new Date().toISOString(), action: 'invitation-links-exported', actor: c.get('staff').subject, waveId: wave.id });
        await countLinksExported(deps.store, wave.id);
        const fileName = `invitations-${wave.id}.csv`;
        if (deps.files) {
          // Too large for a Lambda response at scale: hand over a short-lived download link instead.
          return c.redirect(await deps.files.publish(`exports/${randomId(16)}.csv`, toCsv(rows), 'text/csv; charset=utf-8', fileName), 303);
        }
        return c.body(toCsv(rows), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${fileName}"`,
          'cache-control': 'no-store',
        });
      })
  );
}
