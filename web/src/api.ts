// The HTTP client for the Chorus API (docs/api-people.md): JSON in and out,
// the CSRF header on unsafe methods, problem+json errors as ApiError, and one
// shared refresh of the session when an access token has expired.

/** A problem details object (RFC 9457) as the server sends it. */
export interface Problem {
  type: string;
  title?: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** Problem types the contract names (matched on the end of `type`). */
export type ProblemKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_many_requests'
  | 'gone'
  | 'network'
  | 'other';

/** An answer that was not 2xx, or no answer at all (status 0). */
export class ApiError extends Error {
  readonly status: number;
  /** The problem's `type` ("/problems/forbidden"), "about:blank" when the body was not a problem. */
  readonly type: string;
  /** Text that is safe to show people, when the server gave one. */
  readonly detail: string | null;
  readonly problem: Problem | null;
  /** Seconds from Retry-After (429), when present. */
  readonly retryAfter: number | null;
  /** The language the server wrote `detail` in (Content-Language), English when it did not say. */
  readonly language: string;

  constructor(status: number, problem: Problem | null, retryAfter: number | null = null, language = 'en') {
    const detail = typeof problem?.detail === 'string' && problem.detail.trim() !== '' ? problem.detail : null;
    super(detail ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.type = problem?.type ?? 'about:blank';
    this.detail = detail;
    this.problem = problem;
    this.retryAfter = retryAfter;
    this.language = language;
  }

  /** The kind of problem, from `type` (or from the status when the type says nothing). */
  get kind(): ProblemKind {
    return problemKind(this.type, this.status);
  }
}

const kinds: readonly ProblemKind[] = ['invalid', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'too_many_requests', 'gone'];
const byStatus: Readonly<Record<number, ProblemKind>> = {
  0: 'network',
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  422: 'invalid',
  429: 'too_many_requests',
};

/** Maps a problem type ("/problems/forbidden" or a full URL ending so) and status to a kind. */
export function problemKind(type: string, status: number): ProblemKind {
  const last = type.replace(/\/+$/, '').split('/').pop() ?? '';
  const named = kinds.find((kind) => kind === last);
  return named ?? byStatus[status] ?? 'other';
}

/** The fetch the client needs (the browser's, or a fake in tests). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  fetch?: FetchLike;
  /** Prefix for every path; "" for the same origin. */
  baseUrl?: string;
  /** Returns document.cookie (or a fake). */
  cookies?: () => string;
  /** The UI language, sent as Accept-Language. */
  language?: () => string;
  /** Called when a refresh fails: the session is over. */
  onSessionEnded?: () => void;
}

export interface RequestOptions {
  body?: unknown;
  /** Set false to never refresh and retry on 401 (sign-in, set-up, the refresh itself). */
  refresh?: boolean;
  signal?: AbortSignal;
  /** Sends a string body as it is with this Content-Type (captions as text/vtt), instead of JSON. */
  contentType?: string;
}

export const csrfCookie = 'chorus_csrf';
export const csrfHeader = 'X-CSRF-Token';
const refreshPath = '/api/auth/refresh';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Paths where a 401 means "wrong credentials or token", never "access token expired". */
const neverRefresh = /^\/api\/(auth\/|setup$)/;

/** Reads one cookie's value from a Cookie header string. */
export function readCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

function retryAfterSeconds(response: Response): number | null {
  const value = response.headers.get('Retry-After');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function problemOf(response: Response): Promise<Problem | null> {
  const type = response.headers.get('Content-Type') ?? '';
  if (!/json/i.test(type)) return null;
  try {
    const body: unknown = await response.json();
    if (body && typeof body === 'object') {
      const problem = body as Partial<Problem>;
      return { ...problem, type: typeof problem.type === 'string' ? problem.type : 'about:blank', status: response.status };
    }
  } catch {
    // not JSON after all
  }
  return null;
}

/**
 * The API client. Browser sessions are cookies: the client never sees the
 * tokens, it only echoes the CSRF cookie and asks for a refresh when an
 * access token has expired.
 */
export class ApiClient {
  private readonly fetchImpl: FetchLike;
  private readonly baseUrl: string;
  private readonly cookies: () => string;
  private readonly language: () => string;
  private readonly onSessionEnded: () => void;
  private refreshing: Promise<boolean> | null = null;
  /** How many refreshes succeeded; a request that started before one just retries. */
  private refreshes = 0;

  constructor(options: ApiClientOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.baseUrl = options.baseUrl ?? '';
    this.cookies = options.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));
    this.language = options.language ?? (() => 'en');
    this.onSessionEnded = options.onSessionEnded ?? (() => undefined);
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T = void>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T = void>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  patch<T = void>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  delete<T = void>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /** Sends a request and returns the parsed JSON body (undefined for an empty answer). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204 || response.status === 205) return undefined as T;
    const text = await response.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as T;
    }
  }

  /** Sends a GET and returns the body as a Blob with the server's file name, for downloads. */
  async download(path: string): Promise<{ blob: Blob; fileName: string | null }> {
    const response = await this.send('GET', path, {});
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    return { blob: await response.blob(), fileName: match?.[1] ? decodeURIComponent(match[1]) : null };
  }

  /**
   * Asks for new session cookies. Concurrent callers share one request: a
   * refresh token is single-use, and presenting it twice signs the person
   * out everywhere.
   */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.raw('POST', refreshPath, {})
        .then((response) => {
          if (response.ok) this.refreshes++;
          return response.ok;
        })
        .catch(() => false)
        .finally(() => {
          this.refreshing = null;
        });
    }
    return this.refreshing;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const generation = this.refreshes;
    let response = await this.raw(method, path, options);
    if (response.status === 401 && options.refresh !== false && !neverRefresh.test(path)) {
      const problem = await problemOf(response.clone());
      if (problemKind(problem?.type ?? 'about:blank', 401) === 'unauthorized') {
        // Someone else's refresh finished after this request left: the new cookies are already here.
        const renewed = this.refreshes !== generation || (await this.refresh());
        if (renewed) {
          response = await this.raw(method, path, options);
        } else {
          this.onSessionEnded();
        }
      }
    }
    if (!response.ok) {
      const language = response.headers.get('Content-Language') ?? 'en';
      throw new ApiError(response.status, await problemOf(response), retryAfterSeconds(response), language);
    }
    return response;
  }

  private async raw(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    const language = this.language();
    if (language) headers['Accept-Language'] = language;
    let body: BodyInit | undefined;
    if (options.body instanceof FormData) {
      body = options.body;
    } else if (options.contentType && typeof options.body === 'string') {
      headers['Content-Type'] = options.contentType;
      body = options.body;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (unsafeMethods.has(method)) {
      const token = readCookie(this.cookies(), csrfCookie);
      if (token) headers[csrfHeader] = token;
    }
    try {
      return await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body,
        credentials: 'same-origin',
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ApiError(0, { type: '/problems/network', status: 0 });
    }
  }
}

/** Builds an API path from segments, escaping each parameter. */
export function apiPath(strings: TemplateStringsArray, ...values: readonly (string | number)[]): string {
  return strings.reduce((path, part, i) => path + part + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}
