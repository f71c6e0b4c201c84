import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderAt } from '../test/render';
import { GroupPage, ranges } from './Group';

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

function mockApi(routes: Record<string, unknown>) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const path = url.split('?')[0];
      const body = routes[path];
      if (body === undefined) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'nope ' + path } }), { status: 404 });
      return new Response(JSON.stringify(body), { status: 200 });
    }),
  );
}

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
    expect(cells[2]).toHaveTextContent('no commit');
    expect(cells[4]).toHaveTextContent('no commit');
    expect(within(rows[0]).getAllByRole('cell')[2]).toHaveTextContent(/^0$/); // a real commit at 0 stays 0
    expect(screen.getByTestId('stopped-warning')).toHaveTextContent('nothing is consuming payments');
    await waitFor(() => expect(screen.getByText(/No history in this range yet/)).toBeInTheDocument());
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
