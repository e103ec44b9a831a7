/** Initiatives: register, list, and read the impact page. */
import {
  impactQuerySchema,
  impactSchema,
  initiativeCreateSchema,
  initiativeEditSchema,
  initiativeListSchema,
  initiativeSchema,
} from '../../shared/api-results.ts';
import { createContractApp, errorResponses, initiativeIdParams, jsonBody, jsonContent, jsonOrCsvContent, STAFF, staffRoute } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { preferredLang } from '../http.ts';
import { mayReadInitiativeSlices, readerOf } from '../results/access.ts';
import { impactCsv } from '../results/csv.ts';
import { buildImpact, createInitiative, updateInitiative } from '../results/impact.ts';
import { listInitiatives } from '../store/initiatives.ts';
import { listUnits } from '../store/roster.ts';
import { listSurveys } from '../store/waves.ts';
import { respondWith } from './results.ts';

export const initiativeRouteDefs = {
  list: staffRoute(STAFF, {
    method: 'get',
    path: '/',
    summary: 'initiatives',
    responses: { 200: jsonContent(initiativeListSchema, 'initiatives'), ...errorResponses },
  }),
  create: staffRoute(STAFF, {
    method: 'post',
    path: '/',
    summary: 'register an initiative; a comparison overlapping the target is a 400',
    request: { body: jsonBody(initiativeCreateSchema) },
    responses: { 201: jsonContent(initiativeSchema, 'created'), ...errorResponses },
  }),
  edit: staffRoute(STAFF, {
    method: 'patch',
    path: '/{initiativeId}',
    summary: 'edit an initiative (hypothesis, statements, follow-up waves, phase); kept in its history with the date, the registration never changes',
    request: { params: initiativeIdParams, body: jsonBody(initiativeEditSchema) },
    responses: { 200: jsonContent(initiativeSchema, 'the initiative'), ...errorResponses },
  }),
  impact: staffRoute(STAFF, {
    method: 'get',
    path: '/{initiativeId}/impact',
    summary: 'difference-in-differences per statement, verdict against the hypothesis, pre-trend check, regression-to-the-mean note, confounding warnings',
    request: { params: initiativeIdParams, query: impactQuerySchema },
    responses: { 200: jsonOrCsvContent(impactSchema, 'impact'), ...errorResponses },
  }),
};

export function initiativeRoutes(deps: AppDeps) {
  return (
    createContractApp()
      .openapi(initiativeRouteDefs.list, async (c) => {
        // The demo's initiatives go with the demo: once its surveys are removed they are not listed (their waves are gone).
        const [initiatives, surveys, reader, units] = await Promise.all([
          listInitiatives(deps.store),
          listSurveys(deps.store),
          readerOf(deps, c.get('staff')),
          listUnits(deps.store),
        ]);
        const demoPresent = surveys.some((survey) => survey.demo);
        // An analyst sees only initiatives whose target and comparison lie inside their grants.
        const rootPath = units.find((unit) => unit.parentId === null)?.name ?? '';
        const shown = initiatives.filter((initiative) => (demoPresent || !initiative.demo) && mayReadInitiativeSlices(reader, rootPath, initiative));
        return c.json({ initiatives: shown });
      })
      .openapi(initiativeRouteDefs.create, async (c) =>
        c.json(await createInitiative(deps, c.req.valid('json'), { reader: await readerOf(deps, c.get('staff')) }), 201),
      )
      // A later edit: kept in the history with its date; the registration time and text never change.
      .openapi(initiativeRouteDefs.edit, async (c) =>
        c.json(await updateInitiative(deps, c.req.param('initiativeId'), c.req.valid('json'), await readerOf(deps, c.get('staff')))),
      )
      .openapi(initiativeRouteDefs.impact, async (c) => {
        const { format, lang } = c.req.valid('query');
        const language = preferredLang(c, lang);
        const view = await buildImpact(deps, c.req.param('initiativeId'), { reader: await readerOf(deps, c.get('staff')), lang: language });
        return respondWith(c, format, view, impactCsv, `impact-${view.initiative.name}`, language);
      })
  );
}
