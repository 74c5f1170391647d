import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, apiPath, problemKind, readCookie, type FetchLike } from './api';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (call: Call, index: number) => Response | Promise<Response>;

/** A fake fetch that records every call and answers with handler. */
function fakeFetch(handler: Handler): FetchLike & { calls: Call[] } {
  const calls: Call[] = [];
  const fn = async (url: string, init: RequestInit) => {
    const call: Call = {
      method: init.method ?? 'GET',
      url,
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    };
    calls.push(call);
    return handler(call, calls.length - 1);
  };
  return Object.assign(fn, { calls });
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const problem = (status: number, type: string, detail: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type, title: 'x', status, detail }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
const noContent = () => new Response(null, { status: 204 });

function client(handler: Handler, cookie = 'other=1; chorus_csrf=tok%2Ben; x=y') {
  const fetch = fakeFetch(handler);
  const ended = vi.fn();
  const api = new ApiClient({ fetch, cookies: () => cookie, language: () => 'fr', onSessionEnded: ended });
  return { api, fetch, ended };
}

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('a=1; chorus_csrf=abc%3D; b=2', 'chorus_csrf')).toBe('abc=');
    expect(readCookie('chorus_csrf_old=1', 'chorus_csrf')).toBeNull();
    expect(readCookie('', 'chorus_csrf')).toBeNull();
  });
});

describe('problemKind', () => {
  it('reads the kind from the type, or from the status', () => {
    expect(problemKind('/problems/forbidden', 403)).toBe('forbidden');
    expect(problemKind('https://chorus.example/problems/not_found', 404)).toBe('not_found');
    expect(problemKind('about:blank', 410)).toBe('gone');
    expect(problemKind('about:blank', 500)).toBe('other');
  });
});

describe('ApiClient', () => {
  it('sends JSON with Accept-Language and no CSRF header on GET', async () => {
    const { api, fetch } = client(() => json(200, { signedIn: false }));
    await expect(api.get('/api/session')).resolves.toEqual({ signedIn: false });
    const [call] = fetch.calls;
    expect(call?.method).toBe('GET');
    expect(call?.headers['Accept-Language']).toBe('fr');
    expect(call?.headers['X-CSRF-Token']).toBeUndefined();
    expect(call?.headers['Content-Type']).toBeUndefined();
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('sends the CSRF cookie as X-CSRF-Token on %s', async (method) => {
    const { api, fetch } = client(() => noContent());
    await api.request(method, '/api/x', { body: { a: 1 } });
    expect(fetch.calls[0]?.headers['X-CSRF-Token']).toBe('tok+en');
    expect(fetch.calls[0]?.headers['Content-Type']).toBe('application/json');
    expect(fetch.calls[0]?.body).toEqual({ a: 1 });
  });

  it('returns undefined for 204 and 202 without a body', async () => {
    const { api } = client((_, i) => (i === 0 ? noContent() : new Response('', { status: 202 })));
    await expect(api.post('/api/auth/logout')).resolves.toBeUndefined();
    await expect(api.post('/api/auth/password-reset', { email: 'a@b.c' })).resolves.toBeUndefined();
  });

  it('turns problem+json into an ApiError with detail, type and status', async () => {
    const { api } = client(() => problem(403, '/problems/forbidden', 'Ask your guardian first.'));
    const error = await api.get('/api/groups/g1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, type: '/problems/forbidden', detail: 'Ask your guardian first.', kind: 'forbidden' });
  });

  it('remembers the language the server wrote the detail in', async () => {
    const { api } = client(() => problem(403, '/problems/forbidden', 'Demande d’abord à ton parent.', { 'Content-Language': 'fr' }));
    const error = await api.get('/api/groups/g1').catch((e: unknown) => e);
    expect(error).toMatchObject({ language: 'fr', detail: 'Demande d’abord à ton parent.' });
    const { api: plain } = client(() => problem(404, '/problems/not_found', 'Nothing here.'));
    expect(await plain.get('/api/x').catch((e: unknown) => e)).toMatchObject({ language: 'en' });
  });

  it('gives an ApiError without detail for a body that is not a problem', async () => {
    const { api } = client(() => new Response('<h1>Bad gateway</h1>', { status: 502, headers: { 'Content-Type': 'text/html' } }));
    const error = (await api.get('/api/panels').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.detail).toBeNull();
    expect(error.type).toBe('about:blank');
  });

  it('reports a network failure as status 0', async () => {
    const { api } = client(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = (await api.get('/api/panels').catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ status: 0, kind: 'network' });
  });

  it('reads Retry-After on 429', async () => {
    const { api } = client(() => problem(429, '/problems/too_many_requests', 'Wait a moment.', { 'Retry-After': '30' }));
    const error = (await api.post('/api/auth/login', { email: 'a', password: 'b' }).catch((e: unknown) => e)) as ApiError;
    expect(error.retryAfter).toBe(30);
    expect(error.kind).toBe('too_many_requests');
  });

  it('refreshes once on 401 and retries the request', async () => {
    let expired = true;
    const { api, fetch, ended } = client((call) => {
      if (call.url === '/api/auth/refresh') {
        expired = false;
        return noContent();
      }
      return expired ? problem(401, '/problems/unauthorized', 'Sign in again.') : json(200, { panels: [] });
    });
    await expect(api.get('/api/panels')).resolves.toEqual({ panels: [] });
    expect(fetch.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/panels', 'POST /api/auth/refresh', 'GET /api/panels']);
    expect(fetch.calls[1]?.headers['X-CSRF-Token']).toBe('tok+en');
    expect(ended).not.toHaveBeenCalled();
  });

  it('shares one refresh among concurrent callers', async () => {
    let expired = true;
    let releaseRefresh: () => void = () => undefined;
    const { api, fetch } = client((call) => {
      if (call.url === '/api/auth/refresh') {
        return new Promise<Response>((resolve) => {
          releaseRefresh = () => {
            expired = false;
            resolve(noContent());
          };
        });
      }
      return expired ? problem(401, '/problems/unauthorized', 'expired') : json(200, { url: call.url });
    });
    const all = Promise.all([api.get('/api/a'), api.get('/api/b'), api.post('/api/c', {})]);
    await vi.waitFor(() => expect(fetch.calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(1));
    // Let every first attempt come back with 401 before the refresh ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    releaseRefresh();
    await expect(all).resolves.toEqual([{ url: '/api/a' }, { url: '/api/b' }, { url: '/api/c' }]);
    expect(fetch.calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(1);
  });

  it('does not refresh again for a request that left before a refresh that already succeeded', async () => {
    let expired = true;
    let answerA: (r: Response) => void = () => undefined;
    const { api, fetch } = client((call, index) => {
      if (call.url === '/api/auth/refresh') {
        expired = false;
        return noContent();
      }
      if (call.url === '/api/a' && index === 0) return new Promise<Response>((resolve) => (answerA = resolve));
      return expired ? problem(401, '/problems/unauthorized', 'expired') : json(200, { ok: call.url });
    });
    const a = api.get('/api/a'); // stays in flight with the old cookie
    await expect(api.get('/api/b')).resolves.toEqual({ ok: '/api/b' }); // refreshes
    answerA(problem(401, '/problems/unauthorized', 'expired'));
    await expect(a).resolves.toEqual({ ok: '/api/a' });
    expect(fetch.calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(1);
  });

  it('gives up after one failed refresh and reports the session ended', async () => {
    const { api, fetch, ended } = client((call) =>
      call.url === '/api/auth/refresh' ? problem(401, '/problems/unauthorized', 'no') : problem(401, '/problems/unauthorized', 'Sign in.'),
    );
    const error = (await api.get('/api/me/consents').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(error.detail).toBe('Sign in.');
    expect(fetch.calls).toHaveLength(2);
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('never refreshes for sign-in, set-up or the refresh itself', async () => {
    const { api, fetch } = client(() => problem(401, '/problems/unauthorized', 'This e-mail address and password do not match.'));
    await expect(api.post('/api/auth/login', { email: 'a@b.c', password: 'x' })).rejects.toMatchObject({ status: 401 });
    await expect(api.post('/api/setup', {})).rejects.toMatchObject({ status: 401 });
    await expect(api.get('/api/x', { refresh: false })).rejects.toMatchObject({ status: 401 });
    expect(fetch.calls.map((c) => c.url)).toEqual(['/api/auth/login', '/api/setup', '/api/x']);
  });

  it('does not refresh on 403', async () => {
    const { api, fetch } = client(() => problem(403, '/problems/forbidden', 'No.'));
    await expect(api.get('/api/groups/1')).rejects.toMatchObject({ status: 403 });
    expect(fetch.calls).toHaveLength(1);
  });

  it('downloads a file with its name', async () => {
    const { api } = client(
      () =>
        new Response('zip-bytes', {
          status: 200,
          headers: { 'Content-Type': 'application/zip', 'Content-Disposition': 'attachment; filename="chorus-export.zip"' },
        }),
    );
    const { blob, fileName } = await api.download('/api/me/export');
    expect(fileName).toBe('chorus-export.zip');
    expect(await blob.text()).toBe('zip-bytes');
  });
});

describe('apiPath', () => {
  it('escapes parameters', () => {
    expect(apiPath`/api/panels/${'a/b?c'}/groups`).toBe('/api/panels/a%2Fb%3Fc/groups');
  });
});
