/**
 * History routing: real paths (`/waves/w1/compare`) that the server answers with index.html.
 * Links are plain <a href>; one click handler turns same-origin clicks into pushState.
 */
import { ROUTES } from './routes.ts';

export interface Route {
  name: string;
  params: Record<string, string>;
}

/** Which page a path shows, with the path's id as `params.id`; unknown paths are `not-found`. */
export function matchRoute(pathname: string): Route {
  for (const [name, pattern] of ROUTES) {
    const match = pattern.exec(pathname);
    if (match) return { name, params: match[1] ? { id: decodeURIComponent(match[1]) } : {} };
  }
  return { name: 'not-found', params: {} };
}

export class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  readonly route = $derived(matchRoute(this.path));
  readonly query = $derived(new URLSearchParams(this.search));

  constructor() {
    addEventListener('popstate', () => this.sync());
    document.addEventListener('click', (event) => {
      const link = (event.target as Element | null)?.closest?.('a');
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      if (link.target || link.hasAttribute('download') || link.origin !== location.origin) return;
      if (link.pathname.startsWith('/api/') || link.pathname === '/r') return;
      event.preventDefault();
      this.navigate(link.pathname + link.search);
    });
  }

  navigate(to: string, { replace = false } = {}): void {
    if (replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    this.sync();
    if (!replace) scrollTo(0, 0);
  }

  private sync(): void {
    this.path = location.pathname;
    this.search = location.search;
  }
}
