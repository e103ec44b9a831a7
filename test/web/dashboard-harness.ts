import { render } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { createApiClient } from '../../web/dashboard/lib/api.ts';
import { APP_CONTEXT_KEY, type AppContext } from '../../web/dashboard/lib/app-context.ts';
import { I18n } from '../../web/dashboard/lib/i18n.svelte.ts';
import { Router } from '../../web/dashboard/lib/router.svelte.ts';
import { Session } from '../../web/dashboard/lib/session.svelte.ts';

type Handler = (request: { method: string; path: string; body: string | undefined }) => { status: number; body: unknown } | undefined;

/** A fake API: each call goes to the handler; anything it does not answer is a 404 like the server's. */
export function fakeApi(handler: Handler) {
  const calls: { method: string; path: string; body: string | undefined }[] = [];
  const fetcher = (async (path: string, init?: RequestInit) => {
    const request = { method: init?.method ?? 'GET', path, body: init?.body as string | undefined };
    calls.push(request);
    const reply = handler(request) ?? { status: 404, body: { error: { code: 'not-found', message: 'no route' } } };
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetcher, calls };
}

/** A staff token with the given roles; the dashboard only reads its claims, the server verifies it. */
export function aStaffToken(roles: string[] = ['admin']): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '');
  return `${encode({ alg: 'RS256' })}.${encode({ sub: 'staff-1', roles, exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
}

/** Render one dashboard page with the services App.svelte would provide, signed in as an admin. */
export function renderPage(page: Component<any>, handler: Handler, props: Record<string, unknown> = {}) {
  const { fetcher, calls } = fakeApi(handler);
  sessionStorage.clear();
  const session = new Session(sessionStorage);
  session.signInWith(aStaffToken());
  const i18n = new I18n(localStorage, 'en');
  const context: AppContext = {
    api: createApiClient({ token: () => session.token, onUnauthorized: () => session.signOut(), fetcher }),
    session,
    router: new Router(),
    i18n,
  };
  const view = render(page, { props, context: new Map([[APP_CONTEXT_KEY, context]]) });
  return { ...view, calls, context };
}
