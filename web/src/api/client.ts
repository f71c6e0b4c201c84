import { basePath } from '../lib/base';

/** An error from the API, with the message of its error envelope. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

type Unauthorized = () => void;

let csrfToken: string | null = null;
let onUnauthorized: Unauthorized | null = null;

export function setCsrfToken(t: string | null | undefined) {
  csrfToken = t ?? null;
}
export function getCsrfToken() {
  return csrfToken;
}
/** Called on a 401 from any request but the login itself (the session expired or is gone). */
export function setUnauthorizedHandler(h: Unauthorized | null) {
  onUnauthorized = h;
}

const statusText: Record<number, string> = {
  400: 'bad request',
  401: 'not signed in',
  403: 'forbidden',
  404: 'not found',
  409: 'conflict',
  500: 'internal server error',
  502: 'bad gateway: is Gregor running?',
  503: 'unavailable',
  504: 'gateway timeout: is Gregor running?',
};

/** errorFrom turns a failed response into an ApiError carrying the envelope's message. */
export async function errorFrom(res: Response): Promise<ApiError> {
  let code = 'http_' + res.status;
  let message = '';
  try {
    const text = await res.text();
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (body?.error?.message) message = body.error.message;
      if (body?.error?.code) code = body.error.code;
    } catch {
      if (text && text.length < 300 && !/^\s*</.test(text)) message = text.trim();
    }
  } catch {
    /* no body */
  }
  if (!message) message = `HTTP ${res.status}${statusText[res.status] ? ': ' + statusText[res.status] : ''}`;
  return new ApiError(res.status, code, message);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not call the unauthorized handler on 401 (login, the first /auth/me). */
  quiet401?: boolean;
}

/** apiUrl("/api/v1/clusters") is the URL under the base path. */
export function apiUrl(path: string): string {
  return basePath() + path.replace(/^\//, '');
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = (opts.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!['GET', 'HEAD', 'OPTIONS'].includes(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Cannot reach Gregor: ' + ((e as Error)?.message || 'network error'));
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && !opts.quiet401) onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Query-string builder that drops empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}
