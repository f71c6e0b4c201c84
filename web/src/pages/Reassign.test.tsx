import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Route, Routes } from 'react-router';
import type { LeaderRequest, ReassignPlan, ReassignProgress, ReassignStartRequest } from '../api/types';
import { AuthProvider, RequireAuth } from '../auth';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { DEFAULT_THROTTLE, electRequest, planRequest, ReassignPage } from './Reassign';

afterEach(() => vi.unstubAllGlobals());

const C = '/api/v1/clusters/demo';
const plan: ReassignPlan = {
  mode: 'drain',
  moves: [
    { topic: 'orders', partition: 0, current: [1, 2], target: [3, 2], adding: [3], removing: [1], bytes: 2048 },
    { topic: 'orders', partition: 1, current: [2, 1], target: [2, 3], adding: [3], removing: [1], bytes: 1024 },
  ],
  unchanged: 4,
  brokers: [1, 2, 3],
  replicas_added: 2,
  total_bytes: 3072,
  assignment: { orders: { '0': [3, 2], '1': [2, 3] } },
};
const idle: ReassignProgress = {
  in_progress: [],
  running: false,
  partitions_done: 0,
  partitions_total: 0,
  bytes_moved: 0,
  bytes_planned: 0,
  throttled_brokers: [],
  throttled_topics: [],
  throttle_set: false,
  throttle_removed: false,
};
const running: ReassignProgress = {
  ...idle,
  running: true,
  in_progress: [{ topic: 'orders', partition: 0, replicas: [1, 2, 3], adding: [3], removing: [1] }],
  last: { started: '2026-01-01T00:00:00Z', dry_run: false, plan, throttle: { bytes_per_sec: DEFAULT_THROTTLE, brokers: [1, 2, 3], leader_replicas: {}, follower_replicas: {} }, done: false },
  partitions_done: 1,
  partitions_total: 2,
  bytes_moved: 2048,
  bytes_planned: 3072,
  throttled_brokers: [1, 2, 3],
  throttle_set: true,
};

function backend(role: string, progress: () => ReassignProgress = () => idle, extra: Record<string, unknown> = {}) {
  return mockApi({
    '/api/v1/auth/me': { user: 'u', role, method: 'session', csrf_token: 'tok' },
    [`${C}/reassignments`]: () => progress(),
    [`${C}/brokers`]: { controller_id: 1, brokers: [1, 2, 3].map((id) => ({ id, host: 'h', port: 9092, reachable: true, stats: {} })) },
    [`${C}/topics`]: { total: 2, offset: 0, limit: 1000, items: [{ name: 'orders' }, { name: 'payments' }] },
    [`POST ${C}/reassignments/plan`]: plan,
    ...extra,
  });
}

const at = () =>
  renderAt(
    <AuthProvider>
      <RequireAuth>
        <Routes>
          <Route path="/clusters/:cluster/replicas" element={<ReassignPage />} />
        </Routes>
      </RequireAuth>
    </AuthProvider>,
    { path: '/clusters/demo/replicas' },
  );

const pick = async (testId: string, name: string) => {
  const input = screen.getByTestId(testId);
  await userEvent.click(input);
  await waitFor(() => expect(document.getElementById(input.getAttribute('aria-controls') ?? '')).not.toBeNull());
  const list = document.getElementById(input.getAttribute('aria-controls')!)!;
  await userEvent.click(within(list).getByRole('option', { name, hidden: true }));
};

describe('request builders', () => {
  it('planRequest per mode', () => {
    expect(planRequest({ mode: 'drain', topics: [], brokers: ['1'], rf: '' })).toEqual({ mode: 'drain', brokers: [1] });
    expect(planRequest({ mode: 'drain', topics: [], brokers: [], rf: '' })).toMatch(/brokers/);
    expect(planRequest({ mode: 'add', topics: ['b', 'a'], brokers: ['3', '2'], rf: '' })).toEqual({ mode: 'add', topics: ['a', 'b'], brokers: [2, 3] });
    expect(planRequest({ mode: 'add', topics: [], brokers: ['3'], rf: '' })).toMatch(/topics/);
    expect(planRequest({ mode: 'replication_factor', topics: ['a'], brokers: [], rf: 3 })).toEqual({ mode: 'replication_factor', topics: ['a'], replication_factor: 3 });
    expect(planRequest({ mode: 'replication_factor', topics: ['a'], brokers: [], rf: '' })).toMatch(/replication factor/);
  });
  it('electRequest per scope', () => {
    expect(electRequest('cluster', null, null)).toEqual({});
    expect(electRequest('topic', 'orders', null)).toEqual({ topic: 'orders' });
    expect(electRequest('broker', null, '2')).toEqual({ broker: 2 });
    expect(electRequest('topic', null, null)).toMatch(/topic/);
  });
});

describe('ReassignPage', () => {
  it('a viewer sees the running state but no actions', async () => {
    const fetch = backend('viewer', () => running);
    at();
    const p = await screen.findByTestId('reassign-progress');
    expect(p).toHaveAttribute('data-running', 'true');
    expect(screen.getByTestId('progress-partitions')).toHaveTextContent('1/2');
    expect(screen.getByTestId('progress-bytes')).toHaveTextContent('2 KiB of 3 KiB');
    expect(screen.getByTestId('in-progress-table')).toHaveTextContent('orders');
    expect(screen.getByTestId('reassign-viewer-note')).toBeInTheDocument();
    for (const id of ['reassign-finish', 'reassign-cancel', 'reassign-form', 'reassign-start', 'election-form', 'election-apply']) expect(screen.queryByTestId(id)).toBeNull();
    expect(calls(fetch).every((c) => c.method === 'GET')).toBe(true);
  });

  it('plans a drain, shows the moves with bytes, starts it with the throttle, and polls the progress', async () => {
    let state = idle;
    const fetch = backend('operator', () => state, {
      [`POST ${C}/reassignments`]: (r: MockRequest) => {
        state = running;
        const b = r.body as ReassignStartRequest;
        return { started: '2026-01-01T00:00:00Z', dry_run: b.dry_run, plan, throttle: { bytes_per_sec: b.throttle_bytes_per_sec, brokers: [1, 2, 3], leader_replicas: {}, follower_replicas: {} }, done: false };
      },
    });
    at();
    expect(await screen.findByTestId('reassign-none')).toBeInTheDocument();
    expect(screen.getByTestId('reassign-start')).toBeDisabled();
    await pick('reassign-brokers', 'Broker 1');
    await userEvent.click(screen.getByTestId('reassign-plan-button'));
    const table = await screen.findByTestId('reassign-plan-table');
    const moves = within(table).getAllByTestId('reassign-move');
    expect(moves).toHaveLength(2);
    expect(moves[0]).toHaveTextContent('1, 2 → 3, 2');
    expect(moves[0]).toHaveTextContent('2 KiB');
    expect(screen.getByTestId('reassign-plan-bytes')).toHaveTextContent('3 KiB to copy');
    expect(screen.getByTestId('reassign-plan-summary')).toHaveTextContent('2 partitions to move (4 unchanged)');
    const throttle = screen.getByTestId('reassign-throttle');
    expect(throttle).toHaveValue('10,485,760');
    await userEvent.clear(throttle);
    await userEvent.type(throttle, '5000000');
    await userEvent.click(screen.getByTestId('reassign-start'));
    expect(await screen.findByTestId('reassign-notice')).toHaveTextContent('Started moving 2 partition(s)');
    await waitFor(() => expect(screen.getByTestId('reassign-progress')).toHaveAttribute('data-running', 'true'));
    const sent = calls(fetch).filter((c) => c.method === 'POST');
    expect(sent.map((c) => [c.path, c.body])).toEqual([
      [`${C}/reassignments/plan`, { mode: 'drain', brokers: [1] }],
      [`${C}/reassignments`, { assignment: plan.assignment, throttle_bytes_per_sec: 5000000, dry_run: false }],
    ]);
    // Running: Cancel (with a confirmation) is offered, Finish waits.
    expect(screen.getByTestId('reassign-finish')).toBeDisabled();
    expect(screen.getByTestId('reassign-cancel')).toBeEnabled();
  });

  it("shows the server's refusal to start", async () => {
    backend('operator', () => idle, {
      [`POST ${C}/reassignments`]: new Status(409, { error: { code: 'conflict', message: 'a reassignment is already running on the cluster (1 partitions, e.g. orders/0)' } }),
    });
    at();
    await screen.findByTestId('reassign-none');
    await pick('reassign-brokers', 'Broker 1');
    await userEvent.click(screen.getByTestId('reassign-plan-button'));
    await screen.findByTestId('reassign-plan-table');
    await userEvent.click(screen.getByTestId('reassign-start'));
    expect(await screen.findByTestId('reassign-error')).toHaveTextContent('a reassignment is already running');
  });

  it('cancels a running reassignment after a confirmation', async () => {
    let state = running;
    const fetch = backend('admin', () => state, {
      [`DELETE ${C}/reassignments`]: () => {
        state = idle;
        return { cancelled: running.in_progress, assignment: [], throttle_removed: true };
      },
    });
    at();
    await userEvent.click(await screen.findByTestId('reassign-cancel'));
    expect(calls(fetch).some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(screen.getByTestId('reassign-cancel-confirm'));
    expect(await screen.findByTestId('reassign-notice')).toHaveTextContent('Cancelled 1 partition move(s); throttle removed');
    expect(calls(fetch).filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([`${C}/reassignments`]);
  });

  it('leader election: previews a topic, then elects and shows each result', async () => {
    const fetch = backend('operator', () => idle, {
      [`POST ${C}/elect-leaders`]: (r: MockRequest) => {
        const b = r.body as LeaderRequest;
        return { moves: [{ topic: 'orders', partition: 2, leader: 3, preferred: 1, result: b.dry_run ? undefined : 'elected' }], balanced: 5, dry_run: b.dry_run, applied: !b.dry_run };
      },
    });
    at();
    const form = await screen.findByTestId('election-form');
    await userEvent.click(within(form).getByText('One topic'));
    await userEvent.click(within(form).getByTestId('election-preview'));
    expect(within(form).getByTestId('election-error')).toHaveTextContent('Pick the topic');
    await pick('election-topic', 'orders');
    await userEvent.click(within(form).getByTestId('election-preview'));
    const planEl = await within(form).findByTestId('election-plan');
    expect(planEl).toHaveTextContent('Dry run: 1 partition not led by its preferred replica; 5 already balanced');
    expect(planEl).toHaveTextContent('3 → 1');
    await userEvent.click(within(form).getByTestId('election-apply'));
    const res = await within(form).findByTestId('election-result');
    expect(within(res).getByTestId('election-row')).toHaveAttribute('data-result', 'elected');
    expect(calls(fetch).filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { topic: 'orders', dry_run: true },
      { topic: 'orders', dry_run: false },
    ]);
  });
});
