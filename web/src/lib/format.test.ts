import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatBytesRate, formatDuration, formatInt, formatNumber, formatPercent, formatRate, formatSeconds, formatUntil } from './format';

describe('formatBytes', () => {
  it('uses binary units with at most one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(110187)).toBe('108 KiB');
    expect(formatBytes(34359738368)).toBe('32 GiB');
    expect(formatBytes(5.5 * 1024 ** 4)).toBe('5.5 TiB');
  });
  it('shows a dash for unknown (negative, null, NaN)', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(undefined)).toBe('—');
    expect(formatBytes(NaN)).toBe('—');
  });
  it('formats byte rates', () => {
    expect(formatBytesRate(11517.6)).toBe('11.2 KiB/s');
    expect(formatBytesRate(-1)).toBe('—');
  });
});

describe('formatNumber and formatInt', () => {
  it('is exact below 10,000 and short above', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(9999)).toBe('9,999');
    expect(formatNumber(12345)).toBe('12.3k');
    expect(formatNumber(2_500_000)).toBe('2.5M');
    expect(formatNumber(-45_000)).toBe('-45k');
    expect(formatNumber(0.256)).toBe('0.26');
  });
  it('formats offsets exactly', () => {
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatInt(null)).toBe('—');
  });
});

describe('formatRate', () => {
  it('formats per-second rates', () => {
    expect(formatRate(88.001)).toBe('88/s');
    expect(formatRate(7.1352)).toBe('7.1/s');
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(0.001)).toBe('<0.01/s');
    expect(formatRate(15000)).toBe('15k/s');
    expect(formatRate(undefined)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('formats milliseconds to the two largest units', () => {
    expect(formatDuration(3.758)).toBe('3.8 ms');
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1000)).toBe('1s');
    expect(formatDuration(90_000)).toBe('1m 30s');
    expect(formatDuration(3_723_000)).toBe('1h 2m');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2d 3h');
    expect(formatDuration(-5)).toBe('—');
  });
  it('formats ages', () => {
    const now = Date.parse('2026-01-01T00:01:00Z');
    expect(formatAgo('2026-01-01T00:00:48Z', now)).toBe('12s ago');
    expect(formatAgo('2026-01-01T00:01:00Z', now)).toBe('just now');
    expect(formatAgo(undefined, now)).toBe('—');
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatUntil('2026-01-01T02:00:00Z', now)).toBe('in 1h 59m');
    expect(formatUntil('2026-01-01T00:00:30Z', now)).toBe('now');
    expect(formatUntil(null, now)).toBe('—');
  });
});

describe('formatSeconds', () => {
  it('formats lag times in seconds, a dash for unknown', () => {
    expect(formatSeconds(-1)).toBe('—');
    expect(formatSeconds(null)).toBe('—');
    expect(formatSeconds(0)).toBe('0s');
    expect(formatSeconds(0.4)).toBe('<1s');
    expect(formatSeconds(27.8)).toBe('28s');
    expect(formatSeconds(95)).toBe('1m 35s');
    expect(formatSeconds(7322)).toBe('2h 2m');
  });
});
