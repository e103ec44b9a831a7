/** Jobs to poll (open, close, remind, import): GET /api/jobs/{jobId}. */
import { jobStatusSchema } from '../../shared/schemas.ts';
import { ADMIN, createContractApp, errorResponses, jobIdParams, jsonContent, staffRoute } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { getJob } from '../store/jobs.ts';

export const jobRouteDefs = {
  get: staffRoute(ADMIN, {
    method: 'get',
    path: '/{jobId}',
    summary: 'a job to poll',
    request: { params: jobIdParams },
    responses: { 200: jsonContent(jobStatusSchema, 'the job'), ...errorResponses },
  }),
};

export function jobRoutes(deps: AppDeps) {
  return createContractApp().openapi(jobRouteDefs.get, async (c) => {
    const { payload: _payload, ...job } = await getJob(deps.store, c.req.param('jobId'));
    return c.json(job);
  });
}
