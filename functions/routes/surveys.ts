/** Survey programs and their waves. */
import { Hono } from 'hono';
import { surveyCreateSchema, waveCreateSchema } from '../../shared/schemas.ts';
import { randomId } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ValidationError } from '../errors.ts';
import { validate } from '../http.ts';
import { listUnits } from '../store/roster.ts';
import { getStatements } from '../store/statements.ts';
import { getSurvey, listSurveys, listWavesOfSurvey, putSurvey, putWave, type Survey, type Wave } from '../store/waves.ts';
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
      const found = await getStatements(deps.store, body.statementIds);
      const unknown = body.statementIds.filter((id) => !found.has(id));
      if (unknown.length > 0) throw new ValidationError(`unknown statement ids: ${unknown.join(', ')}`, 'statementIds');
      if (body.audience) resolveAudience(await listUnits(deps.store), body.audience);
      const wave: Wave = {
        id: randomId(),
        surveyId: survey.id,
        name: body.name,
        statementIds: body.statementIds,
        k: body.minGroupSize,
        audience: body.audience,
        opensAt: body.opensAt,
        closesAt: body.closesAt,
        status: 'draft',
        createdAt: new Date().toISOString(),
      };
      await putWave(deps.store, wave);
      return c.json(publicWave(wave), 201);
    });
}
