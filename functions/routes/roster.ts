/** The people directory: replaced whole by a CSV upload, with a report of every rejected row. */
import { z } from '@hono/zod-openapi';
import { parseRoster } from '../../shared/roster.ts';
import { rosterQuerySchema, rosterReportSchema, rosterSummarySchema, rosterUploadSchema } from '../../shared/schemas.ts';
import { ADMIN, createContractApp, errorResponses, jsonContent, staffRoute } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { randomId } from '../crypto.ts';
import { BaselineError, ConflictError } from '../errors.ts';
import { getRosterPointer, replaceRoster } from '../store/roster.ts';

export const rosterRouteDefs = {
  summary: staffRoute(ADMIN, {
    method: 'get',
    path: '/',
    summary: 'the directory in force: how many people, which attributes',
    responses: { 200: jsonContent(rosterSummarySchema, 'the directory'), ...errorResponses },
  }),
  uploadUrl: staffRoute(ADMIN, {
    method: 'post',
    path: '/uploads',
    summary: 'a presigned URL to upload a directory larger than a request body (cloud only; 409 in embedded mode)',
    responses: { 201: jsonContent(rosterUploadSchema, 'where to PUT the file'), ...errorResponses },
  }),
  replace: staffRoute(ADMIN, {
    method: 'put',
    path: '/',
    summary:
      'replace the people directory (the body, or a file uploaded through POST /api/roster/uploads); a bad row refuses the whole file unless ?partial=true',
    request: { query: rosterQuerySchema, body: { content: { 'text/csv': { schema: z.string() } } } },
    responses: {
      200: jsonContent(rosterReportSchema, 'imported, with the rows left out'),
      400: jsonContent(rosterReportSchema, 'nothing imported: every rejected row'),
      ...errorResponses,
    },
  }),
};

export function rosterRoutes(deps: AppDeps) {
  return createContractApp()
    .openapi(rosterRouteDefs.summary, async (c) => {
      const pointer = await getRosterPointer(deps.store);
      // What is in force, so the directory page can say it after a reload.
      return c.json({
        people: pointer?.count ?? 0,
        attributes: pointer?.attributeNames ?? [],
        demo: pointer?.demo ?? false,
        ...(pointer?.uploadedAt ? { uploadedAt: pointer.uploadedAt } : {}),
        ...(pointer?.unitCounts ? { units: Object.keys(pointer.unitCounts).length } : {}),
        ...(pointer?.locales ? { locales: pointer.locales } : {}),
      });
    })
    .openapi(rosterRouteDefs.uploadUrl, async (c) => {
      // A directory larger than a request body may be: PUT it to the URL, then PUT /api/roster?upload=<key>.
      if (!deps.files)
        throw new ConflictError('uploads-not-configured', 'this installation takes the directory directly: PUT /api/roster with a text/csv body');
      const key = `roster/${randomId(16)}.csv`;
      return c.json({ key, uploadUrl: await deps.files.createUploadUrl(key, 'text/csv'), method: 'PUT', contentType: 'text/csv' }, 201);
    })
    .openapi(rosterRouteDefs.replace, async (c) => {
      const { partial: partialFlag, upload } = c.req.valid('query');
      let csv: string;
      if (upload) {
        if (!deps.files) throw new ConflictError('uploads-not-configured', 'this installation takes the directory directly in the request body');
        csv = await deps.files.take(upload);
      } else {
        const type = c.req.header('content-type') ?? '';
        if (!/^text\/csv\b/i.test(type)) throw new BaselineError(415, 'unsupported-media-type', 'send the directory as text/csv', 'content-type');
        csv = await c.req.text();
      }
      const parsed = parseRoster(csv);
      const partial = partialFlag === 'true';
      if (parsed.people.length === 0 || (parsed.rejected.length > 0 && !partial)) {
        // Nothing is written: a directory with a bad row is refused whole unless ?partial=true.
        return c.json({ imported: 0, rejected: parsed.rejected }, 400);
      }
      const imported = await replaceRoster(deps.store, parsed.people, parsed.attributeNames);
      return c.json({ imported, rejected: parsed.rejected });
    });
}
