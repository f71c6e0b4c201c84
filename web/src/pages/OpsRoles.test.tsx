// Who sees the operations: operators and admins get the buttons (and the audit log in the
// navigation), viewers only look.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Route, Routes } from 'react-router';
import type { ResetOffsetsRequest } from '../api/types';
import { AuthProvider, RequireAuth } from '../auth';
import { Layout } from '../components/Layout';
import { calls, mockApi, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { GroupPage } from './Group';
import { TopicPage } from './Topic';
import { TopicsPage } from './Topics';

afterEach(() => vi.unstubAllGlobals());

const stats = { partitions: 1, replication_factor: 1, min_insync_replicas: 1, size_bytes: 0, replica_bytes: 0, messages: 0, messages_in_per_sec: 0, bytes_in_per_sec: 0, under_replicated: 0, under_min_isr: 0, offline: 0 };
const topic = {
  name: 'orders',
  internal: false,
  partitions: [{ id: 0, leader: 0, leader_epoch: 0, replicas: [0], isr: [0], start_offset: 0, end_offset: 5, stats: { size_bytes: 0, messages: 5, messages_in_per_sec: 0, bytes_in_per_sec: 0, under_replicated: false, under_min_isr: false, offline: false } }],
  stats,
  configs: {},
  groups: [],
};
const billing = {
  id: 'billing',
  state: 'Empty',
  type: 'classic',
  protocol_type: '',
  coordinator: 2,
  members: null,
  stats: { members: 0, topics: ['payments'], lag: 10 },
  partitions: [{ topic: 'payments', partition: 0, committed: 30, end_offset: 40, lag: 10 }],
};

function backend(role: string) {
  return mockApi({
    '/api/v1/auth/me': { user: 'u', role, method: 'session', csrf_token: 'tok-9' },
    '/api/v1/clusters': { clusters: [] },
    '/api/v1/alerts': { items: [] },
    '/api/v1/clusters/demo/topics': { total: 1, offset: 0, limit: 100, items: [{ ...stats, name: 'orders', internal: false }] },
    '/api/v1/clusters/demo/topics/orders': topic,
    '/api/v1/clusters/demo/groups/billing': billing,
    'POST /api/v1/clusters/demo/groups/billing/offsets/reset': (r: MockRequest) => {
      const b = r.body as ResetOffsetsRequest;
      return {
        group: 'billing',
        to: b.to,
        dry_run: b.dry_run,
        active_members: 0,
        partitions: [{ topic: 'payments', partition: 0, old_offset: 30, new_offset: 0, log_start: 0, log_end: 40, lag_before: 10, lag_after: 40 }],
        lag_before: 10,
        lag_after: 40,
        applied: !b.dry_run,
      };
    },
  });
}

const at = (path: string, route: string, el: React.ReactElement) =>
  renderAt(
    <AuthProvider>
      <RequireAuth>
        <Routes>
          <Route element={<Layout />}>
            <Route path={route} element={el} />
          </Route>
        </Routes>
      </RequireAuth>
    </AuthProvider>,
    { path },
  );

describe.each([
  ['viewer', false],
  ['operator', true],
  ['admin', true],
])('as %s', (role, can) => {
  it(`${can ? 'shows' : 'hides'} Create topic and the audit log`, async () => {
    backend(role);
    at('/clusters/demo/topics', '/clusters/:cluster/topics', <TopicsPage />);
    await screen.findByText('orders');
    expect(screen.queryByTestId('create-topic-button') !== null).toBe(can);
    expect(screen.queryByTestId('nav-audit') !== null).toBe(can);
  });
  it(`${can ? 'shows' : 'hides'} Add partitions`, async () => {
    backend(role);
    at('/clusters/demo/topics/orders', '/clusters/:cluster/topics/:topic', <TopicPage />);
    await screen.findByTestId('partitions-table');
    expect(screen.queryByTestId('add-partitions-button') !== null).toBe(can);
    expect(screen.queryByTestId('edit-configs-button') !== null).toBe(can);
    expect(screen.queryByTestId('purge-button') !== null).toBe(can);
    // Deleting a topic is for admins only.
    expect(screen.queryByTestId('delete-topic-button') !== null).toBe(role === 'admin');
  });
  it(`${can ? 'shows' : 'hides'} Reset offsets and Delete group`, async () => {
    backend(role);
    at('/clusters/demo/groups/billing', '/clusters/:cluster/groups/:group', <GroupPage />);
    await screen.findByTestId('group-partitions-table');
    expect(screen.queryByTestId('reset-offsets-button') !== null).toBe(can);
    expect(screen.queryByTestId('delete-group-button') !== null).toBe(can);
    expect(screen.queryByTestId('delete-offsets-button') !== null).toBe(can);
  });
});

describe('group page', () => {
  it('resets offsets from the page: preview, apply (with the CSRF token), then the result shows', async () => {
    const fetch = backend('operator');
    at('/clusters/demo/groups/billing', '/clusters/:cluster/groups/:group', <GroupPage />);
    await userEvent.click(await screen.findByTestId('reset-offsets-button'));
    expect(await screen.findByLabelText('payments')).toBeChecked();
    await userEvent.click(screen.getByTestId('reset-preview'));
    await screen.findByTestId('reset-plan-table');
    await userEvent.click(screen.getByTestId('reset-apply'));
    const done = await screen.findByTestId('reset-done');
    expect(done).toHaveTextContent('lag 10 → 40');
    await waitFor(() => expect(screen.queryByTestId('reset-form')).toBeNull());
    const posts = fetch.mock.calls.filter(([, init]) => init?.method === 'POST');
    expect(posts.map(([, init]) => JSON.parse(String(init!.body)))).toEqual([
      { to: 'earliest', topics: ['payments'], dry_run: true },
      { to: 'earliest', topics: ['payments'], dry_run: false },
    ]);
    expect(posts.every(([, init]) => (init!.headers as Record<string, string>)['X-CSRF-Token'] === 'tok-9')).toBe(true);
    // The group is read again after the reset.
    expect(calls(fetch).filter((c) => c.path === '/api/v1/clusters/demo/groups/billing').length).toBeGreaterThan(1);
  });
});
