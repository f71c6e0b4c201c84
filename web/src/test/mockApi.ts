import { vi } from 'vitest';

/** A mocked response with another status than 200. */
export class Status {
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {}
}

export interface MockRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Route = unknown | ((req: MockRequest) => unknown);

/**
 * mockApi stubs fetch with routes keyed by "METHOD /path" or "/path" (GET). A route is a body
 * (200), a Status, or a function of the request returning either. Unknown routes are 404s with
 * the error envelope. Returns the mock, whose calls are [url, init].
 */
export function mockApi(routes: Record<string, Route>) {
  const fn = vi.fn(async (url: string, init?: RequestInit) => {
    const u = new URL(url, 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    let route = routes[`${method} ${u.pathname}`];
    if (route === undefined && method === 'GET') route = routes[u.pathname];
    if (route === undefined)
      return new Response(JSON.stringify({ error: { code: 'not_found', message: `nope ${method} ${u.pathname}` } }), { status: 404 });
    const req: MockRequest = { method, path: u.pathname, query: u.searchParams, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    const out = typeof route === 'function' ? (route as (r: MockRequest) => unknown)(req) : route;
    if (out instanceof Status) return new Response(out.body === undefined ? null : JSON.stringify(out.body), { status: out.status });
    return new Response(JSON.stringify(out), { status: 200 });
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}

/** The requests a mockApi answered: method, path and query of each. */
export function calls(fn: ReturnType<typeof mockApi>): { method: string; path: string; query: URLSearchParams; body: unknown }[] {
  return fn.mock.calls.map(([url, init]) => {
    const u = new URL(String(url), 'http://localhost');
    return { method: (init?.method ?? 'GET').toUpperCase(), path: u.pathname, query: u.searchParams, body: init?.body ? JSON.parse(String(init.body)) : undefined };
  });
}
