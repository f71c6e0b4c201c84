import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderAt } from '../test/render';
import type { GroupLag, LagPartition } from '../api/types';
import { GroupPage, groupDrain, mergePartitions, ranges } from './Group';

afterEach(() => vi.unstubAllGlobals());

const billing = {
  id: 'billing',
  state: 'Empty',
  type: 'classic',
  protocol_type: '',
  coordinator: 2,
  members: null,
  stats: { members: 0, topics: ['payments'], lag: 38 },
  partitions: [
    { topic: 'payments', partition: 0, committed: 0, end_offset: 21, lag: 21 },
    { topic: 'payments', partition: 1, committed: null, end_offset: 50, lag: null },
    { topic: 'payments', partition: 2, committed: 0, end_offset: 17, lag: 17 },
  ],
};

/** A mocked response with another status than 200. */
class Status {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

function mockApi(routes: Record<string, unknown>) {
  const fn = vi.fn(async (url: string) => {
    const path = url.split('?')[0];
    const body = routes[path];
    if (body === undefined) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'nope ' + path } }), { status: 404 });
    if (body instanceof Status) return new Response(JSON.stringify(body.body), { status: body.status });
    return new Response(JSON.stringify(body), { status: 200 });
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}

const noHistory = { entity: 'group:demo/billing', metric: 'lag', from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z', step_seconds: 15, points: [] };
const STOP_REASON = 'no member owns the partition and its offset has not moved since Gregor started watching (28s) while lag grew to 21';

function part(p: Partial<LagPartition> & { partition: number }): LagPartition {
  return {
    topic: 'payments',
    status: 'STOP',
    reason: STOP_REASON,
    committed: 0,
    end_offset: 21,
    lag: 21,
    lag_seconds: 27.8,
    consume_rate: 0,
    produce_rate: 7,
    drain_seconds: -1,
    lead: 0,
    window_from: '2026-01-01T00:00:00Z',
    window_to: '2026-01-01T00:00:05Z',
    ...p,
  };
}

const billingLag: GroupLag = {
  group: 'billing',
  state: 'Empty',
  type: 'classic',
  members: 0,
  status: 'STOP',
  reason: STOP_REASON,
  counts: { STOP: 2, NO_OFFSET: 1 },
  lag_messages: 38,
  lag_seconds: 3725,
  partitions: [
    part({ partition: 0, lag_seconds: 3725, lag_at_least: true }),
    part({ partition: 1, status: 'NO_OFFSET', reason: 'no commit', committed: -1, end_offset: 50, lag: -1, lag_seconds: -1, drain_seconds: 0, produce_rate: 2.5 }),
    part({ partition: 2, end_offset: 17, lag: 17, lag_seconds: 20 }),
  ],
  members_load: null,
  skew: { min_partitions: 0, max_partitions: 0, min_lag: 0, max_lag: 0 },
  rebalances: { state: 'Empty', state_since: '2026-01-01T00:00:00Z', last_hour: 2 },
  dead_letter_topics: ['payments.DLQ'],
  notes: ['the group is empty: no consumer is running'],
};

describe('GroupPage', () => {
  it('shows "no commit", never 0, for a partition without a committed offset', async () => {
    mockApi({
      '/api/v1/clusters/demo/groups/billing': billing,
      '/api/v1/metrics/query': { entity: 'group:demo/billing', metric: 'lag', from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z', step_seconds: 15, points: [] },
    });
    renderAt(<GroupPage />, { path: '/clusters/demo/groups/billing', route: '/clusters/:cluster/groups/:group' });
    const table = await screen.findByRole('table', { name: 'Lag per partition' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    const cells = within(rows[1]).getAllByRole('cell');
    expect(cells[3]).toHaveTextContent('no commit'); // Committed
    expect(cells[5]).toHaveTextContent('no commit'); // Lag
    expect(within(rows[0]).getAllByRole('cell')[3]).toHaveTextContent(/^0$/); // a real commit at 0 stays 0
    expect(screen.getByTestId('stopped-warning')).toHaveTextContent('nothing is consuming payments');
    await waitFor(() => expect(screen.getByText(/No history in this range yet/)).toBeInTheDocument());
  });

  it('shows the lag evaluation: status, reason, lag time, falling behind, rebalances, DLQ, notes', async () => {
    mockApi({
      '/api/v1/clusters/demo/groups/billing': billing,
      '/api/v1/clusters/demo/groups/billing/lag': billingLag,
      '/api/v1/metrics/query': noHistory,
    });
    renderAt(<GroupPage />, { path: '/clusters/demo/groups/billing', route: '/clusters/:cluster/groups/:group' });
    const summary = await screen.findByTestId('lag-summary');
    expect(within(summary).getByTestId('group-lag-status')).toHaveTextContent('STOP');
    expect(within(summary).getByTestId('group-lag-status')).toHaveAttribute('data-status', 'STOP');
    expect(within(summary).getByTestId('lag-reason')).toHaveTextContent(STOP_REASON);
    expect(within(summary).getByTestId('lag-counts')).toHaveTextContent('2 STOP · 1 no offset');
    expect(within(summary).getByTestId('lag-messages')).toHaveTextContent(/^38$/);
    expect(within(summary).getByTestId('lag-time')).toHaveTextContent('≥ 1h 2m'); // lag_at_least
    expect(within(summary).getByTestId('lag-drain')).toHaveTextContent('falling behind');
    expect(within(summary).getByTestId('lag-rebalances')).toHaveTextContent(/^2$/);
    expect(within(summary).getByTestId('lag-dlq')).toHaveTextContent('Dead-letter topics: payments.DLQ');
    expect(within(summary).getByRole('link', { name: 'payments.DLQ' })).toHaveAttribute('href', '/clusters/demo/topics/payments.DLQ');
    expect(within(summary).getByTestId('lag-notes')).toHaveTextContent('the group is empty: no consumer is running');
    expect(screen.queryByTestId('lag-pending')).toBeNull();

    // The partition table merges the evaluation in: Status, Lag time, Consume/s, Produce/s, Drain.
    const table = screen.getByRole('table', { name: 'Lag per partition' });
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Topic', 'Part.', 'Status', 'Committed', 'End offset', 'Lag', 'Lag time', 'Consume/s', 'Produce/s', 'Drain', 'Consumer']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    const c0 = within(rows[0]).getAllByRole('cell');
    expect(c0[2]).toHaveTextContent('STOP');
    expect(c0[3]).toHaveTextContent(/^0$/); // a real commit at 0 stays 0
    expect(c0[5]).toHaveTextContent(/^21$/);
    expect(c0[6]).toHaveTextContent('≥ 1h 2m');
    expect(c0[7]).toHaveTextContent(/^0$/);
    expect(c0[8]).toHaveTextContent(/^7$/);
    expect(c0[9]).toHaveTextContent('falling behind');
    const c1 = within(rows[1]).getAllByRole('cell');
    expect(c1[2]).toHaveTextContent('NO OFFSET');
    expect(c1[3]).toHaveTextContent('no commit'); // never 0
    expect(c1[5]).toHaveTextContent('no commit');
    expect(c1[6]).toHaveTextContent('—');
    expect(c1[8]).toHaveTextContent('2.5');
    const c2 = within(rows[2]).getAllByRole('cell');
    expect(c2[6]).toHaveTextContent(/^20s$/);
    expect(within(table).queryAllByText(/^0$/).length).toBeGreaterThan(0);
  });

  it('shows the rest of the page and a quiet note while the lag is not evaluated (503)', async () => {
    const fetch = mockApi({
      '/api/v1/clusters/demo/groups/billing': billing,
      '/api/v1/clusters/demo/groups/billing/lag': new Status(503, { error: { code: 'unavailable', message: 'lag of group "billing" not evaluated yet' } }),
      '/api/v1/metrics/query': noHistory,
    });
    renderAt(<GroupPage />, { path: '/clusters/demo/groups/billing', route: '/clusters/:cluster/groups/:group' });
    expect(await screen.findByTestId('lag-pending')).toHaveTextContent(/lag evaluation pending/i);
    expect(screen.queryByTestId('api-error')).toBeNull(); // quiet: no error alert
    expect(screen.queryByTestId('lag-summary')).toBeNull();
    const table = screen.getByRole('table', { name: 'Lag per partition' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getAllByRole('cell')[3]).toHaveTextContent('no commit');
    expect(within(rows[0]).getAllByRole('cell')[9]).toHaveTextContent('—'); // no drain without evaluation
    expect(screen.getByTestId('stat-lag')).toHaveTextContent('38');
    expect(fetch.mock.calls.filter(([u]) => String(u).endsWith('/lag'))).toHaveLength(1); // no retry storm
  });

  it('merges partitions by topic and partition, keeping no commit as null', () => {
    const rows = mergePartitions(
      [
        { topic: 'b', partition: 0, committed: 5, end_offset: 9, lag: 4 },
        { topic: 'a', partition: 1, committed: null, end_offset: 3, lag: null },
      ],
      [part({ topic: 'a', partition: 1, committed: -1, lag: -1 }), part({ topic: 'a', partition: 0, committed: -1, lag: -1, end_offset: 8 }), part({ topic: 'b', partition: 0, status: 'OK' })],
    );
    expect(rows.map((r) => `${r.topic}/${r.partition}:${r.committed}:${r.lag}:${r.eval?.status}`)).toEqual([
      'a/0:null:null:STOP',
      'a/1:null:null:STOP',
      'b/0:5:4:OK',
    ]);
  });

  it('computes the time to drain', () => {
    expect(groupDrain(billingLag)).toEqual({ seconds: -1, behind: true });
    const ok = { ...billingLag, partitions: [part({ partition: 0, drain_seconds: 12 }), part({ partition: 1, drain_seconds: 40 }), part({ partition: 2, lag: 0, drain_seconds: 0 })] };
    expect(groupDrain(ok)).toEqual({ seconds: 40, behind: false });
  });

  it('shows the API error message', async () => {
    mockApi({});
    renderAt(<GroupPage />, { path: '/clusters/demo/groups/gone', route: '/clusters/:cluster/groups/:group' });
    expect(await screen.findByRole('alert')).toHaveTextContent('nope /api/v1/clusters/demo/groups/gone');
  });

  it('compacts partition lists', () => {
    expect(ranges([5, 0, 1, 2, 3, 7, 8])).toBe('0-3, 5, 7-8');
    expect(ranges([])).toBe('');
  });
});
