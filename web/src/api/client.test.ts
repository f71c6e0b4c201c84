import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, errorFrom, getCsrfToken, qs, request, setCsrfToken, setUnauthorizedHandler } from './client';
import { login, logout, me } from './endpoints';

function respond(status: number, body?: unknown, raw?: string) {
  return new Response(raw ?? (body === undefined ? null : JSON.stringify(body)), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

let fetchMock: ReturnType<typeof vi.fn>;
beforeEach(() => {
  fetchMock = vi.fn();
  vi.stubGlobal('fetch', fetchMock);
  setCsrfToken(null);
  setUnauthorizedHandler(null);
});
afterEach(() => vi.unstubAllGlobals());

describe('error envelope', () => {
  it('turns the envelope into an ApiError with its message and code', async () => {
    fetchMock.mockResolvedValue(respond(404, { error: { code: 'not_found', message: 'no topic "nope" in cluster "prod"' } }));
    const err = await request<never>('/api/v1/clusters/prod/topics/nope').catch((e: ApiError) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(404);
    expect(err.code).toBe('not_found');
    expect(err.message).toBe('no topic "nope" in cluster "prod"');
  });
  it('falls back to the status when the body is not an envelope', async () => {
    expect((await errorFrom(respond(502, undefined, '<html>bad gateway</html>'))).message).toBe('HTTP 502: bad gateway: is Gregor running?');
    expect((await errorFrom(respond(500, undefined, ''))).message).toBe('HTTP 500: internal server error');
    expect((await errorFrom(respond(400, undefined, 'plain text reason'))).message).toBe('plain text reason');
  });
  it('reports a network failure as such', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    const err = await request<never>('/api/v1/clusters').catch((e: ApiError) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/Cannot reach Gregor/);
  });
});

describe('401 handling', () => {
  it('calls the unauthorized handler on a 401', async () => {
    const h = vi.fn();
    setUnauthorizedHandler(h);
    fetchMock.mockResolvedValue(respond(401, { error: { code: 'unauthorized', message: 'session expired' } }));
    await expect(request('/api/v1/clusters')).rejects.toThrow('session expired');
    expect(h).toHaveBeenCalledTimes(1);
  });
  it('does not for the login itself (a wrong password is not a lost session)', async () => {
    const h = vi.fn();
    setUnauthorizedHandler(h);
    fetchMock.mockResolvedValue(respond(401, { error: { code: 'unauthorized', message: 'wrong user or password' } }));
    await expect(login('admin', 'nope')).rejects.toThrow('wrong user or password');
    await expect(me()).rejects.toThrow();
    expect(h).not.toHaveBeenCalled();
  });
  it('does not for other errors', async () => {
    const h = vi.fn();
    setUnauthorizedHandler(h);
    fetchMock.mockResolvedValue(respond(403, { error: { code: 'forbidden', message: 'role viewer may not change anything' } }));
    await expect(request('/api/v1/users', { method: 'POST', body: {} })).rejects.toThrow('role viewer may not change anything');
    expect(h).not.toHaveBeenCalled();
  });
});

describe('CSRF', () => {
  it('keeps the token from login and sends it on non-GET requests only', async () => {
    fetchMock.mockResolvedValueOnce(respond(200, { user: 'admin', role: 'admin', method: 'session', csrf_token: 'tok-1' }));
    await login('admin', 'pw');
    expect(getCsrfToken()).toBe('tok-1');
    const [, loginInit] = fetchMock.mock.calls[0];
    expect(loginInit.method).toBe('POST');
    expect(JSON.parse(loginInit.body)).toEqual({ user: 'admin', password: 'pw' });

    fetchMock.mockResolvedValueOnce(respond(200, { clusters: [] }));
    await request('/api/v1/clusters');
    expect(fetchMock.mock.calls[1][1].headers['X-CSRF-Token']).toBeUndefined();

    fetchMock.mockResolvedValueOnce(respond(201, { id: 't' }));
    await request('/api/v1/auth/tokens', { method: 'POST', body: { name: 'ci' } });
    expect(fetchMock.mock.calls[2][1].headers['X-CSRF-Token']).toBe('tok-1');
    expect(fetchMock.mock.calls[2][1].credentials).toBe('same-origin');

    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await logout();
    expect(fetchMock.mock.calls[3][1].headers['X-CSRF-Token']).toBe('tok-1');
    expect(getCsrfToken()).toBeNull();
  });
  it('takes the token again from /auth/me after a reload', async () => {
    fetchMock.mockResolvedValueOnce(respond(200, { user: 'admin', role: 'admin', method: 'session', csrf_token: 'tok-2' }));
    await me();
    expect(getCsrfToken()).toBe('tok-2');
  });
});

describe('URLs', () => {
  it('builds query strings without empty values', () => {
    expect(qs({ q: 'ord', sort: 'size', order: undefined, limit: 100, offset: 0, internal: '' })).toBe('?q=ord&sort=size&limit=100&offset=0');
    expect(qs({})).toBe('');
  });
  it('puts requests under the <base href> path', async () => {
    const base = document.createElement('base');
    base.setAttribute('href', '/gregor/');
    document.head.appendChild(base);
    try {
      fetchMock.mockResolvedValue(respond(200, { clusters: [] }));
      await request('/api/v1/clusters');
      expect(fetchMock.mock.calls[0][0]).toBe('/gregor/api/v1/clusters');
    } finally {
      base.remove();
    }
  });
});
