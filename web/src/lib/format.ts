// Number formatting for a data-dense console: short, stable widths, never "NaN".

const dash = '—';

function valid(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

function trim(n: number, digits: number): string {
  // 3 significant digits for small magnitudes, no trailing ".0".
  const s = n.toFixed(n >= 100 ? 0 : n >= 10 ? Math.min(1, digits) : digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** formatBytes(1536) = "1.5 KiB". Negative numbers mean "unknown" in the API. */
export function formatBytes(n: number | null | undefined, digits = 1): string {
  if (!valid(n) || n < 0) return dash;
  if (n < 1024) return `${Math.round(n)} B`;
  let i = 0;
  let v = n;
  while (v >= 1024 && i < byteUnits.length - 1) {
    v /= 1024;
    i++;
  }
  return `${trim(v, digits)} ${byteUnits[i]}`;
}

/** formatBytesRate(2048) = "2 KiB/s". */
export function formatBytesRate(n: number | null | undefined): string {
  if (!valid(n) || n < 0) return dash;
  return `${formatBytes(n)}/s`;
}

const siUnits = ['', 'k', 'M', 'G', 'T', 'P'];

/** formatNumber(12345) = "12.3k"; exact below 10,000. */
export function formatNumber(n: number | null | undefined): string {
  if (!valid(n)) return dash;
  const a = Math.abs(n);
  if (a < 10000) return Number.isInteger(n) ? n.toLocaleString('en-US') : trim(n, a < 1 ? 2 : 1);
  let i = 0;
  let v = a;
  while (v >= 1000 && i < siUnits.length - 1) {
    v /= 1000;
    i++;
  }
  return `${n < 0 ? '-' : ''}${trim(v, 1)}${siUnits[i]}`;
}

/** formatInt(1234567) = "1,234,567" (offsets and lag are shown exactly). */
export function formatInt(n: number | null | undefined): string {
  if (!valid(n)) return dash;
  return Math.round(n).toLocaleString('en-US');
}

/** formatRate(12.34) = "12.3/s"; "0/s" for zero, a dash when unknown. */
export function formatRate(n: number | null | undefined, unit = ''): string {
  if (!valid(n) || n < 0) return dash;
  if (n > 0 && n < 0.01) return `<0.01${unit}/s`;
  return `${formatNumber(n)}${unit}/s`;
}

/** formatDuration(90_000) = "1m 30s" (milliseconds in). */
export function formatDuration(ms: number | null | undefined): string {
  if (!valid(ms) || ms < 0) return dash;
  if (ms < 1000) return `${trim(ms, ms < 10 ? 1 : 0)} ms`;
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m && !d) parts.push(`${m}m`);
  if (s && !d && !h) parts.push(`${s}s`);
  return parts.slice(0, 2).join(' ') || '0s';
}

/**
 * formatSeconds(95) = "1m 35s": a lag or drain time in seconds. Negative (the API's "unknown")
 * is a dash, 0 is "0s", under a second "<1s".
 */
export function formatSeconds(sec: number | null | undefined): string {
  if (!valid(sec) || sec < 0) return dash;
  if (sec === 0) return '0s';
  if (sec < 1) return '<1s';
  return formatDuration(sec * 1000);
}

/** formatAgo(date, now) = "12s ago". */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return dash;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return dash;
  const ms = Math.max(0, now - t);
  if (ms < 1000) return 'just now';
  return `${formatDuration(ms)} ago`;
}

/** formatUntil(date, now) = "in 1h 59m": a time ahead; "now" once past. */
export function formatUntil(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return dash;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return dash;
  const ms = t - now;
  if (ms < 1000) return 'now';
  return `in ${formatDuration(ms)}`;
}

/** formatPercent(0.1234) = "12.3%". */
export function formatPercent(ratio: number | null | undefined): string {
  if (!valid(ratio)) return dash;
  return `${trim(ratio * 100, 1)}%`;
}

export const DASH = dash;
