import { getContext, setContext } from 'svelte';
import type { ApiClient } from './api.ts';
import type { I18n } from './i18n.svelte.ts';
import type { Router } from './router.svelte.ts';
import type { Session } from './session.svelte.ts';

/** What every page needs, provided once by App.svelte instead of module-level singletons, so tests can swap any of it. */
export interface AppContext {
  api: ApiClient;
  session: Session;
  router: Router;
  i18n: I18n;
}

export const APP_CONTEXT_KEY = Symbol('baseline-app');

/** Make the services available to every component below the caller. */
export function provideApp(context: AppContext): AppContext {
  return setContext(APP_CONTEXT_KEY, context);
}

/** The services App.svelte provided. */
export function useApp(): AppContext {
  return getContext<AppContext>(APP_CONTEXT_KEY);
}
