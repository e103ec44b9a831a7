/** Survey programs and their waves; a draft wave can be edited, deleted, and asked how many it would invite. */
import type { OrgUnit } from '../../shared/org.ts';
import { publishCertificate, publishedResponded } from '../../shared/published-wave.ts';
import {
  inviteesSchema,
  surveyCreateSchema,
  surveyListSchema,
  surveyViewSchema,
  waveCreateSchema,
  waveViewSchema,
  type WaveCreate,
} from '../../shared/schemas.ts';
import { ADMIN, createContractApp, errorResponses, jsonBody, jsonContent, STAFF, staffRoute, surveyIdParams, surveyWaveParams } from '../contract.ts';
import { randomId } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { getRosterPointer, listUnits, type RosterPointer } from '../store/roster.ts';
import { getStatements } from '../store/statements.ts';
import {
  closesAtLatest,
  deleteDraftWave,
  getSurvey,
  getWave,
  listSurveys,
  listWavesOfSurvey,
  putSurvey,
  putWave,
  transitionWave,
  type Survey,
  type Wave,
} from '../store/waves.ts';
import { resolveAudience } from '../waves/open-wave.ts';

/**
 * What the API shows of a wave: never its statement snapshot or resume points, and of its answers
 * only what its certified cells show (shared/published-wave.ts): the total who responded where the
 * whole organization's count is certified, the certificate without the numbers of the audit's
 * path. `acknowledged` is the close's own count of answered invitations: the same total, unchecked.
 */
export function publicWave(wave: Wave) {
  const {
    statements: _statements,
    openedThrough: _openedThrough,
    closeStage: _closeStage,
    closingSince: _closingSince,
    acknowledged: _acknowledged,
    // The close's own bookkeeping: when its markers expire says nothing a staff view needs.
    markersExpireAt: _markersExpireAt,
    // How the live counts are stored: bookkeeping too.
    liveCounts: _liveCounts,
    invitationsExpireAt: _invitationsExpireAt,
    responded,
    certificate,
    ...shown
  } = wave;
  const total = publishedResponded(responded, wave.k);
  // An open wave closes by itself then at the latest, closesAt or not (shared/open-period.ts).
  const latest = wave.status === 'opening' || wave.status === 'open' ? closesAtLatest(wave) : undefined;
  return {
    ...shown,
    ...(latest ? { closesAtLatest: latest } : {}),
    ...(total !== undefined ? { responded: total } : {}),
    ...(certificate ? { certificate: publishCertificate(certificate) } : {}),
  };
}

async function withWaves(deps: AppDeps, survey: Survey) {
  return { ...survey, waves: (await listWavesOfSurvey(deps.store, survey.id)).map(publicWave) };
}

export const surveyRouteDefs = {
  list: staffRoute(STAFF, {
    method: 'get',
    path: '/',
    summary: 'survey programs with their waves',
    responses: { 200: jsonContent(surveyListSchema, 'every survey'), ...errorResponses },
  }),
  create: staffRoute(ADMIN, {
    method: 'post',
    path: '/',
    summary: 'create a survey program',
    request: { body: jsonBody(surveyCreateSchema) },
    responses: { 201: jsonContent(surveyViewSchema, 'created'), ...errorResponses },
  }),
  get: staffRoute(STAFF, {
    method: 'get',
    path: '/{surveyId}',
    summary: 'a survey with its waves',
    request: { params: surveyIdParams },
    responses: { 200: jsonContent(surveyViewSchema, 'the survey'), ...errorResponses },
  }),
  createWave: staffRoute(ADMIN, {
    method: 'post',
    path: '/{surveyId}/waves',
    summary: 'create a draft wave',
    request: { params: surveyIdParams, body: jsonBody(waveCreateSchema) },
    responses: { 201: jsonContent(waveViewSchema, 'created'), ...errorResponses },
  }),
  editWave: staffRoute(ADMIN, {
    method: 'put',
    path: '/{surveyId}/waves/{waveId}',
    summary: 'replace a draft wave whole (only while it is a draft)',
    request: { params: surveyWaveParams, body: jsonBody(waveCreateSchema) },
    responses: { 200: jsonContent(waveViewSchema, 'the edited draft'), ...errorResponses },
  }),
  deleteWave: staffRoute(ADMIN, {
    method: 'delete',
    path: '/{surveyId}/waves/{waveId}',
    summary: 'delete a draft wave',
    request: { params: surveyWaveParams },
    responses: { 204: { description: 'deleted' }, ...errorResponses },
  }),
  invitees: staffRoute(ADMIN, {
    method: 'get',
    path: '/{surveyId}/waves/{waveId}/invitees',
    summary: 'how many people opening this draft would invite (null when the directory kept no unit counts)',
    request: { params: surveyWaveParams },
    responses: { 200: jsonContent(inviteesSchema, 'the count'), ...errorResponses },
  }),
};

export function surveyRoutes(deps: AppDeps) {
  return (
    createContractApp()
      .openapi(surveyRouteDefs.list, async (c) => {
        const surveys = await listSurveys(deps.store);
        return c.json({ surveys: await Promise.all(surveys.map((survey) => withWaves(deps, survey))) });
      })
      .openapi(surveyRouteDefs.create, async (c) => {
        const survey: Survey = { id: randomId(), name: c.req.valid('json').name, createdAt: new Date().toISOString() };
        await putSurvey(deps.store, survey);
        return c.json({ ...survey, waves: [] }, 201);
      })
      .openapi(surveyRouteDefs.get, async (c) => c.json(await withWaves(deps, await getSurvey(deps.store, c.req.param('surveyId')))))
      .openapi(surveyRouteDefs.createWave, async (c) => {
        const survey = await getSurvey(deps.store, c.req.param('surveyId'));
        const body = c.req.valid('json');
        await checkWaveBody(deps, body);
        const wave: Wave = { id: randomId(), surveyId: survey.id, ...draftFields(body), status: 'draft', createdAt: new Date().toISOString() };
        await putWave(deps.store, wave);
        return c.json(publicWave(wave), 201);
      })
      // A draft is edited whole (the form sends every field); once it opens, nothing here changes it.
      .openapi(surveyRouteDefs.editWave, async (c) => {
        const wave = await getWave(deps.store, c.req.param('waveId'));
        if (wave.surveyId !== c.req.param('surveyId')) throw new NotFoundError(`wave ${wave.id}`);
        const body = c.req.valid('json');
        await checkWaveBody(deps, body);
        const fields = draftFields(body);
        const cleared = (['audience', 'opensAt', 'closesAt', 'remindAt'] as const).filter((name) => fields[name] === undefined);
        for (const name of cleared) delete fields[name];
        const updated = await transitionWave(deps.store, wave.id, ['draft'], 'draft', fields, cleared);
        return c.json(publicWave(updated));
      })
      .openapi(surveyRouteDefs.deleteWave, async (c) => {
        const wave = await getWave(deps.store, c.req.param('waveId'));
        if (wave.surveyId !== c.req.param('surveyId')) throw new NotFoundError(`wave ${wave.id}`);
        await deleteDraftWave(deps.store, wave.id);
        return c.body(null, 204);
      })
      // How many people opening this draft would invite, from the directory in force (for the open dialog).
      .openapi(surveyRouteDefs.invitees, async (c) => {
        const wave = await getWave(deps.store, c.req.param('waveId'));
        if (wave.surveyId !== c.req.param('surveyId')) throw new NotFoundError(`wave ${wave.id}`);
        const [pointer, units] = await Promise.all([getRosterPointer(deps.store), listUnits(deps.store)]);
        return c.json({ invitees: countAudience(units, pointer, resolveAudience(units, wave.audience)) });
      })
  );
}

/** The statements exist and the audience's units are in the directory: a 400 naming the field otherwise. */
async function checkWaveBody(deps: AppDeps, body: WaveCreate): Promise<void> {
  const found = await getStatements(deps.store, body.statementIds);
  const unknown = body.statementIds.filter((id) => !found.has(id));
  if (unknown.length > 0) throw new ValidationError(`unknown statement ids: ${unknown.join(', ')}`, 'statementIds');
  if (body.audience) resolveAudience(await listUnits(deps.store), body.audience);
}

/** The fields of a draft the wave form sets; statementIds keep the order HR gave them (it is the questionnaire's order). */
function draftFields(body: WaveCreate) {
  return {
    name: body.name,
    statementIds: body.statementIds,
    k: body.minGroupSize,
    audience: body.audience,
    opensAt: body.opensAt,
    closesAt: body.closesAt,
    remindAt: body.remindAt,
  } satisfies Partial<Wave>;
}

/** People in the audience's units and below, from the per-unit counts kept with the directory; null when those were not kept. */
function countAudience(units: OrgUnit[], pointer: RosterPointer | undefined, audience: Set<string> | undefined): number | null {
  if (!pointer) return 0;
  if (!audience) return pointer.count;
  if (!pointer.unitCounts) return null;
  const parentOf = new Map(units.map((unit) => [unit.id, unit.parentId]));
  let total = 0;
  for (const [unitId, count] of Object.entries(pointer.unitCounts)) {
    for (let id: string | null | undefined = unitId; id; id = parentOf.get(id)) {
      if (audience.has(id)) {
        total += count;
        break;
      }
    }
  }
  return total;
}
