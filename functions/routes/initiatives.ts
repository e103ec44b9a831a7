/** Initiatives: register, list, and read the impact page. */
import { Hono } from 'hono';
import { impactQuerySchema, initiativeCreateSchema, initiativeEditSchema } from '../../shared/api-results.ts';
import type { StaffVariables } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { validate, preferredLang } from '../http.ts';
import { readerOf } from '../results/access.ts';
import { impactCsv } from '../results/csv.ts';
import { buildImpact, createInitiative, updateInitiative } from '../results/impact.ts';
import { listInitiatives } from '../store/initiatives.ts';
import { listSurveys } from '../store/waves.ts';
import { respondWith } from './results.ts';

export function initiativeRoutes(deps: AppDeps) {
  return new Hono<{ Variables: StaffVariables }>()
    .get('/', async (c) => {
      // The demo's initiatives go with the demo: once its surveys are removed they are not listed (their waves are gone).
      const [initiatives, surveys] = await Promise.all([listInitiatives(deps.store), listSurveys(deps.store)]);
      const demoPresent = surveys.some((survey) => survey.demo);
      return c.json({ initiatives: initiatives.filter((initiative) => demoPresent || !initiative.demo) });
    })
    .post('/', validate('json', initiativeCreateSchema), async (c) => c.json(await createInitiative(deps, c.req.valid('json'), { reader: await readerOf(deps, c.get('staff')) }), 201))
    // A later edit: kept in the history with its date; the registration time and text never change.
    .patch('/:id', validate('json', initiativeEditSchema), async (c) =>
      c.json(await updateInitiative(deps, c.req.param('id'), c.req.valid('json'), await readerOf(deps, c.get('staff')))),
    )
    .get('/:id/impact', validate('query', impactQuerySchema), async (c) => {
      const { format, lang } = c.req.valid('query');
      const view = await buildImpact(deps, c.req.param('id'), { reader: await readerOf(deps, c.get('staff')), lang: preferredLang(c, lang) });
      return respondWith(c, format, view, impactCsv, `impact-${view.initiative.name}`);
    });
}
