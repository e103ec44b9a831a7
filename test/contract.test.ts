/**
 * Routes define the contract: every registered route is in /api/openapi.json, declares the roles
 * that may call it (or is one of the named public routes), and refuses a caller without a token;
 * the document is valid OpenAPI 3.1.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES } from '../functions/app.ts';
import { ROLES_FIELD } from '../functions/contract.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';

type Operation = { [ROLES_FIELD]?: string[]; 'x-public'?: boolean; parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

let rt: TestRuntime;
let document: Document;
beforeAll(async () => {
  rt = await startTestRuntime();
  const response = await rt.app.request('/api/openapi.json');
  expect(response.status).toBe(200);
  document = (await response.json()) as Document;
});
afterAll(async () => {
  await rt.stop();
});

/** Every handler registered on the app, as the document names it: `GET /api/waves/{waveId}`. */
function registeredRoutes(): string[] {
  const routes = rt.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
  return [...new Set(routes)];
}
const operationOf = (route: string) => {
  const [method, path] = route.split(' ');
  return document.paths[path]?.[method.toLowerCase()];
};
/** A path anyone could call: each parameter filled with a well-formed id. */
const concrete = (path: string) => path.replace(/\{[A-Za-z]+\}/g, 'abc123');

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('has every registered route, and only those', () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(30);
    for (const route of registered) expect(operationOf(route), route).toBeDefined();
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(registered.sort());
  });

  it('names path parameters for what they identify, never a bare id', () => {
    for (const path of Object.keys(document.paths)) expect(path, path).not.toContain('{id}');
  });
});

describe('roles come from the route declarations', () => {
  it('every route declares its roles or is one of the named public routes', () => {
    for (const route of registeredRoutes()) {
      const operation = operationOf(route)!;
      if ((PUBLIC_ROUTES as readonly string[]).includes(route)) expect(operation[ROLES_FIELD], route).toBeUndefined();
      else expect(operation[ROLES_FIELD]?.length, route).toBeGreaterThan(0);
    }
  });

  it('every declared route answers 401 without a token, and 403 to an analyst where only admins are declared', async () => {
    const analyst = await rt.token('analyst');
    for (const route of registeredRoutes()) {
      if ((PUBLIC_ROUTES as readonly string[]).includes(route)) continue;
      const [method, path] = route.split(' ');
      expect((await rt.app.request(concrete(path), { method })).status, route).toBe(401);
      if (!operationOf(route)![ROLES_FIELD]!.includes('analyst')) {
        const response = await rt.app.request(concrete(path), { method, headers: { authorization: `Bearer ${analyst}` } });
        expect(response.status, route).toBe(403);
      }
    }
  });

  it('lets an analyst reach the routes declared for analysts (no 401 or 403)', async () => {
    const analyst = await rt.token('analyst');
    for (const route of registeredRoutes()) {
      const operation = operationOf(route)!;
      if (!operation[ROLES_FIELD]?.includes('analyst')) continue;
      const [method, path] = route.split(' ');
      const status = (await rt.app.request(concrete(path), { method, headers: { authorization: `Bearer ${analyst}` } })).status;
      expect([401, 403], `${route} answered ${status}`).not.toContain(status);
    }
  });
});
