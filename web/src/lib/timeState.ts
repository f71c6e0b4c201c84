import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

// The time range and auto-refresh are shared by every page and live in the URL
// (?range=6h&refresh=15s), so a copied link shows the same view.

export const RANGES = ['15m', '1h', '6h', '24h', '7d'] as const;
export type Range = (typeof RANGES)[number];
export const DEFAULT_RANGE: Range = '1h';

export const REFRESHES = ['off', '5s', '15s', '1m'] as const;
export type Refresh = (typeof REFRESHES)[number];
export const DEFAULT_REFRESH: Refresh = 'off';

const rangeSeconds: Record<Range, number> = { '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800 };
// Steps keep charts at 60-360 points and match the store's resolutions (raw, 5m, 1h rollups).
const rangeStep: Record<Range, string> = { '15m': '15s', '1h': '15s', '6h': '60s', '24h': '5m', '7d': '1h' };
const refreshMs: Record<Refresh, number | false> = { off: false, '5s': 5000, '15s': 15000, '1m': 60000 };

export function parseRange(v: string | null): Range {
  return (RANGES as readonly string[]).includes(v ?? '') ? (v as Range) : DEFAULT_RANGE;
}
export function parseRefresh(v: string | null): Refresh {
  return (REFRESHES as readonly string[]).includes(v ?? '') ? (v as Refresh) : DEFAULT_REFRESH;
}

/** The API's from/step for a range: from=-1h&step=15s. */
export function rangeQuery(r: Range): { from: string; step: string; seconds: number } {
  return { from: r === '7d' ? '-168h' : `-${r}`, step: rangeStep[r], seconds: rangeSeconds[r] };
}

export function refreshInterval(r: Refresh): number | false {
  return refreshMs[r];
}

/** keepParams carries the shared params (range, refresh) over to another page's path. */
export function keepParams(path: string, search: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const k of ['range', 'refresh']) {
    const v = search.get(k);
    if (v) out.set(k, v);
  }
  const s = out.toString();
  if (!s) return path;
  return path + (path.includes('?') ? '&' : '?') + s;
}

export function useTimeState() {
  const [search, setSearch] = useSearchParams();
  const range = parseRange(search.get('range'));
  const refresh = parseRefresh(search.get('refresh'));
  const set = useCallback(
    (key: 'range' | 'refresh', value: string, def: string) =>
      setSearch(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value === def) next.delete(key);
          else next.set(key, value);
          return next;
        },
        { replace: true },
      ),
    [setSearch],
  );
  return {
    range,
    refresh,
    interval: refreshInterval(refresh),
    setRange: (r: Range) => set('range', r, DEFAULT_RANGE),
    setRefresh: (r: Refresh) => set('refresh', r, DEFAULT_REFRESH),
    link: (path: string) => keepParams(path, search),
  };
}
