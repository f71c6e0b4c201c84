import { describe, expect, it } from 'vitest';
import { keepParams, parseRange, parseRefresh, rangeQuery, refreshInterval } from './timeState';

describe('time state', () => {
  it('parses the URL with defaults for junk', () => {
    expect(parseRange('6h')).toBe('6h');
    expect(parseRange('2y')).toBe('1h');
    expect(parseRefresh('15s')).toBe('15s');
    expect(parseRefresh(null)).toBe('off');
  });
  it('maps ranges to API parameters Go can parse', () => {
    expect(rangeQuery('7d')).toMatchObject({ from: '-168h', step: '1h' });
    expect(rangeQuery('15m')).toMatchObject({ from: '-15m', step: '15s' });
    expect(refreshInterval('1m')).toBe(60000);
    expect(refreshInterval('off')).toBe(false);
  });
  it('carries range and refresh over to links', () => {
    const s = new URLSearchParams('range=6h&refresh=5s&q=orders');
    expect(keepParams('/clusters/demo', s)).toBe('/clusters/demo?range=6h&refresh=5s');
    expect(keepParams('/x?size=1000', s)).toBe('/x?size=1000&range=6h&refresh=5s');
    expect(keepParams('/x', new URLSearchParams())).toBe('/x');
  });
});
