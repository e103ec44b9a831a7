/** Survey programs and their waves; a draft wave can be edited, deleted, and asked how many it would invite. */
import { Hono } from 'hono';
import type { OrgUnit } from '../../shared/org.ts';
import { surveyCreateSchema, waveCreateSchema, type WaveCreate } from '../../shared/schemas.ts';
import { randomId } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { validate } from '../http.ts';
import { getRosterPointer, listUnits, type RosterPointer } from '../store/roster.ts';
import { getStatements } from '../store/statements.ts';
import { deleteDraftWave, getSurvey, getWave, listSurveys, listWavesOfSurvey, putSurvey, putWave, transitionWave, type Survey, type Wave } from '../store/waves.ts';
import { resolveAudience } from '../waves/open-wave.ts';

/** What the API shows of a wave: never its statement snapshot or resume points. */
export function publicWave(wave: Wave) {
  const { statements: _statements, openedThrough: _openedThrough, closeStage: _closeStage, closingSince: _closingSince, ...shown } = wave;
  return shown;
}

async function withWaves(deps: AppDeps, survey: Survey) {
  return { ...survey, waves: (await listWavesOfSurvey(deps.store, survey.id)).map(publicWave) };
}

export function surveyRoutes(deps: AppDeps) {
  return new Hono()
    .get('/', async (c) => {
      const surveys = await listSurveys(deps.store);
      return c.json({ surveys: await Promise.all(surveys.map((survey) => withWaves(deps, survey))) });
    })
    .post('/', validate('json', surveyCreateSchema), async (c) => {
      const survey: Survey = { id: randomId(), name: c.req.valid('json').name, createdAt: new Date().toISOString() };
      await putSurvey(deps.store, survey);
      return c.json({ ...survey, waves: [] }, 201);
    })
    .get('/:id', async (c) => c.json(await withWaves(deps, await getSurvey(deps.store, c.req.param('id')))))
    .post('/:id/waves', validate('json', waveCreateSchema), async (c) => {
      const survey = await getSurvey(deps.store, c.req.param('id'));
      const body = c.req.valid('json');
      await checkWaveBody(deps, body);
      const wave: Wave = { id: randomId(), surveyId: survey.id, ...draftFields(body), status: 'draft', createdAt: new Date().toISOString() };
      await putWave(deps.store, wave);
      return c.json(publicWave(wave), 201);
    })
    // A draft is edited whole (the form sends every field); once it opens, nothing here changes it.
    .put('/:id/waves/:waveId', validate('json', waveCreateSchema), async (c) => {
      const wave = await getWave(deps.store, c.req.param('waveId'));
      if (wave.surveyId !== c.req.param('id')) throw new NotFoundError(`wave ${wave.id}`);
      const body = c.req.valid('json');
      await checkWaveBody(deps, body);
      const fields = draftFields(body);
      const cleared = (['audience', 'opensAt', 'closesAt', 'remindAt'] as const).filter((name) => fields[name] === undefined);
      for (const name of cleared) delete fields[name];
      const updated = await transitionWave(deps.store, wave.id, ['draft'], 'draft', fields, cleared);
      return c.json(publicWave(updated));
    })
    .delete('/:id/waves/:waveId', async (c) => {
      const wave = await getWave(deps.store, c.req.param('waveId'));
      if (wave.surveyId !== c.req.param('id')) throw new NotFoundError(`wave ${wave.id}`);
      await deleteDraftWave(deps.store, wave.id);
      return c.body(null, 204);
    })
    // How many people opening this draft would invite, from the directory in force (for the open dialog).
    .get('/:id/waves/:waveId/invitees', async (c) => {
      const wave = await getWave(deps.store, c.req.param('waveId'));
      if (wave.surveyId !== c.req.param('id')) throw new NotFoundError(`wave ${wave.id}`);
      const [pointer, units] = await Promise.all([getRosterPointer(deps.store), listUnits(deps.store)]);
      return c.json({ invitees: countAudience(units, pointer, resolveAudience(units, wave.audience)) });
    });
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
