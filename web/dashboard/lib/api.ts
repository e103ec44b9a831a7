/**
 * The one way the dashboard talks to the API: JSON in and out, the staff token attached, errors
 * turned into ApiError with the server's code, message and field.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: string, contentType: string): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
  /** An authenticated download (CSV), saved through a temporary object URL. */
  download(path: string, filename: string): Promise<void>;
}

/** A client that reads the current token on every call and reports a 401 so the session can end. */
export function createApiClient(options: {
  token: () => string | null;
  onUnauthorized: () => void;
  /** The dashboard's language: the server words statements, verdicts and notes in it where it can. */
  lang?: () => string;
  fetcher?: typeof fetch;
}): ApiClient {
  const fetcher = options.fetcher ?? ((...args) => fetch(...args));

  async function send(method: string, path: string, body?: BodyInit, contentType?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    const token = options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.lang) headers['accept-language'] = options.lang();
    if (contentType) headers['content-type'] = contentType;
    const response = await fetcher(path, { method, headers, body });
    if (response.ok) return response;
    const payload = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; field?: string } } | null;
    if (response.status === 401) options.onUnauthorized();
    throw new ApiError(
      response.status,
      payload?.error?.code ?? `http-${response.status}`,
      payload?.error?.message ?? response.statusText,
      payload?.error?.field,
      payload,
    );
  }

  const json = async <T>(response: Response): Promise<T> => (response.status === 204 ? undefined : await response.json()) as T;

  return {
    get: async (path) => json(await send('GET', path)),
    post: async (path, body) =>
      json(await send('POST', path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json')),
    put: async (path, body, contentType) => json(await send('PUT', path, body, contentType)),
    patch: async (path, body) => json(await send('PATCH', path, JSON.stringify(body), 'application/json')),
    delete: async (path) => json(await send('DELETE', path)),
    download: async (path, filename) => {
      const blob = await (await send('GET', path)).blob();
      const url = URL.createObjectURL(blob);
      const link = Object.assign(document.createElement('a'), { href: url, download: filename });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  };
}
