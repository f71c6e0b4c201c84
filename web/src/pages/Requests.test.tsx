import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { appRow, clusters, me, req, renderRoutes } from '../test/selfserve';
import { RequestsPage } from './Requests';

afterEach(() => vi.unstubAllGlobals());

const regions = {
  '/api/v1/clusters/demo/regions': {
    regions: [
      { name: 'east', brokers: [1, 2], missing_brokers: [], replicas: 0, leaders: 0, disk_used_bytes: 0, disk_total_bytes: 0, bytes_in_per_sec: 0, topics: [] },
      { name: 'west', brokers: [3], missing_brokers: [], replicas: 0, leaders: 0, disk_used_bytes: 0, disk_total_bytes: 0, bytes_in_per_sec: 0, topics: [] },
    ],
    unassigned_brokers: [],
  },
};

function backend(role = 'viewer', over: Record<string, unknown> = {}) {
  return mockApi({
    ...me('ann', role),
    ...clusters,
    ...regions,
    '/api/v1/applications': { applications: [appRow('app-a', 'team-a', true), appRow('app-b', 'team-b', false)], teams: ['team-a'] },
    '/api/v1/requests': { requests: [], total: 0 },
    ...over,
  });
}
const at = (path = '/requests') => renderRoutes({ '/requests': <RequestsPage /> }, path);
const lists = (fetch: ReturnType<typeof mockApi>) => calls(fetch).filter((c) => c.method === 'GET' && c.path === '/api/v1/requests');

describe('RequestsPage', () => {
  it('files a topic request with the region from the cluster and the right body', async () => {
    const fetch = backend('viewer', { 'POST /api/v1/requests': (r: MockRequest) => new Status(201, req({ id: 5, spec: r.body as never })) });
    at();
    await userEvent.click(await screen.findByTestId('new-request-button'));
    const form = await screen.findByTestId('request-form');
    // Only my team's application is offered.
    expect(within(within(form).getByTestId('req-application')).getAllByRole('option').map((o) => o.textContent)).toEqual(['app-a']);
    await userEvent.type(within(form).getByTestId('req-topic'), 'orders');
    const region = await within(form).findByTestId('req-region');
    // Without a region the form says why.
    await userEvent.click(within(form).getByTestId('req-submit'));
    expect(await within(form).findByTestId('request-form-error')).toHaveTextContent('Choose a region: this cluster places topics in east, west.');
    await userEvent.selectOptions(region, 'east');
    await userEvent.type(within(form).getByTestId('req-partitions'), '4');
    await userEvent.type(within(form).getByTestId('req-rf'), '2');
    await userEvent.type(within(form).getByTestId('req-retention'), '24');
    await userEvent.type(within(form).getByTestId('req-throughput'), '1048576');
    await userEvent.type(within(form).getByTestId('req-reason'), 'orders of the shop');
    await userEvent.click(within(form).getByTestId('req-submit'));
    expect(await screen.findByTestId('request-filed')).toHaveTextContent('Request #5 filed');
    const posts = calls(fetch).filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0].path).toBe('/api/v1/requests');
    expect(posts[0].body).toEqual({
      kind: 'topic',
      cluster: 'demo',
      application: 'app-a',
      topic: 'orders',
      region: 'east',
      partitions: 4,
      replication_factor: 2,
      retention_ms: 86400000,
      expected_bytes_per_sec: 1048576,
      reason: 'orders of the shop',
    });
  });

  it('files quota and partitions requests with their fields only', async () => {
    const fetch = backend('viewer', { 'POST /api/v1/requests': (r: MockRequest) => new Status(201, req({ id: 6, spec: r.body as never })) });
    at();
    await userEvent.click(await screen.findByTestId('new-request-button'));
    let form = await screen.findByTestId('request-form');
    await userEvent.click(within(within(form).getByTestId('req-kind')).getByText('Quota'));
    await userEvent.type(within(form).getByTestId('req-producer-rate'), '2048');
    await userEvent.click(within(form).getByTestId('req-submit'));
    await screen.findByTestId('request-filed');
    await userEvent.click(screen.getByTestId('new-request-button'));
    form = await screen.findByTestId('request-form');
    await userEvent.click(within(within(form).getByTestId('req-kind')).getByText('Partitions'));
    await userEvent.type(within(form).getByTestId('req-topic'), 'orders');
    await userEvent.type(within(form).getByTestId('req-count'), '8');
    await userEvent.click(within(form).getByTestId('req-submit'));
    await waitFor(() => expect(calls(fetch).filter((c) => c.method === 'POST')).toHaveLength(2));
    expect(calls(fetch).filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { kind: 'quota', cluster: 'demo', application: 'app-a', producer_byte_rate: 2048 },
      { kind: 'partitions', cluster: 'demo', application: 'app-a', topic: 'orders', count: 8 },
    ]);
  });

  it('shows the server refusal of a request in the form', async () => {
    backend('viewer', { 'POST /api/v1/requests': new Status(400, { error: { code: 'bad_request', message: 'topic "nope" does not exist on "demo"' } }) });
    at();
    await userEvent.click(await screen.findByTestId('new-request-button'));
    const form = await screen.findByTestId('request-form');
    await userEvent.click(within(within(form).getByTestId('req-kind')).getByText('Access'));
    await userEvent.type(within(form).getByTestId('req-topic'), 'nope');
    await userEvent.click(within(form).getByTestId('req-submit'));
    expect(await within(form).findByTestId('request-form-error')).toHaveTextContent('topic "nope" does not exist on "demo"');
  });

  it('lists my requests with state, decider, comment and error; cancels a pending one', async () => {
    const fetch = backend('viewer', {
      '/api/v1/requests': {
        requests: [
          req({ id: 3 }),
          req({ id: 2, state: 'failed', decided_by: 'opal', comment: 'ok', error: 'INVALID_REPLICATION_FACTOR: too few brokers' }),
          req({ id: 1, state: 'rejected', decided_by: 'opal', comment: 'use the existing topic' }),
        ],
        total: 3,
      },
      'POST /api/v1/requests/3/cancel': req({ id: 3, state: 'cancelled' }),
    });
    at();
    const rows = await screen.findAllByTestId('request-row');
    expect(rows.map((r) => r.getAttribute('data-state'))).toEqual(['pending', 'failed', 'rejected']);
    expect(within(rows[0]).getByTestId('request-summary')).toHaveTextContent('Create topic orders (4 partitions, RF 2, region east)');
    expect(within(rows[1]).getByTestId('request-decider')).toHaveTextContent('by opal');
    expect(within(rows[1]).getByTestId('request-error')).toHaveTextContent('INVALID_REPLICATION_FACTOR: too few brokers');
    expect(within(rows[2]).getByTestId('request-comment')).toHaveTextContent('use the existing topic');
    expect(within(rows[1]).queryByTestId('request-retry')).toBeNull(); // viewers do not retry
    expect(within(rows[1]).queryByTestId('request-cancel')).toBeNull();
    await userEvent.click(within(rows[0]).getByTestId('request-cancel'));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === 'POST' && c.path === '/api/v1/requests/3/cancel')).toBe(true));
    expect(lists(fetch)[0].query.get('scope')).toBe('mine');
  });

  it('scope tabs and the state filter ask the API; operators get "All", viewers not', async () => {
    const fetch = backend('viewer');
    const v = at();
    await screen.findByTestId('request-scope');
    expect(within(screen.getByTestId('request-scope')).queryByText('All')).toBeNull();
    await userEvent.click(within(screen.getByTestId('request-scope')).getByText('My teams'));
    await userEvent.selectOptions(screen.getByTestId('request-state-filter'), 'failed');
    await waitFor(() => expect(lists(fetch).pop()!.query.toString()).toBe('scope=team&state=failed'));
    v.unmount();
    vi.unstubAllGlobals();
    const f2 = backend('operator');
    at();
    await userEvent.click(within(await screen.findByTestId('request-scope')).getByText('All'));
    await waitFor(() => expect(lists(f2).pop()!.query.toString()).toBe('scope=all'));
  });

  it('a viewer without teams sees why there is nothing to request', async () => {
    backend('viewer', { '/api/v1/applications': { applications: [appRow('app-b', 'team-b', false)], teams: [] } });
    at();
    expect(await screen.findByTestId('no-teams')).toHaveTextContent('You are not in a team yet');
    expect(screen.queryByTestId('new-request-button')).toBeNull();
  });

  it('shows a list error', async () => {
    backend('viewer', { '/api/v1/requests': new Status(403, { error: { code: 'forbidden', message: 'only the Kafka team (operators and admins) lists every request' } }) });
    at('/requests?scope=all');
    expect(await screen.findByTestId('api-error')).toHaveTextContent('only the Kafka team (operators and admins) lists every request');
  });
});
