import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { me, req, renderRoutes } from '../test/selfserve';
import { ApprovalsPage } from './Approvals';

afterEach(() => vi.unstubAllGlobals());

const topicReq = req({ id: 7, can_decide: true, spec: { kind: 'topic', cluster: 'demo', application: 'app-a', topic: 'orders', region: 'east', partitions: 4, replication_factor: 2, retention_ms: 3600000, expected_bytes_per_sec: 1048576 } });
const accessReq = req({ id: 8, kind: 'access', can_decide: true, requester: 'bob', team: 'team-b', application: 'app-b', spec: { kind: 'access', cluster: 'demo', application: 'app-b', topic: 'orders', access: 'consume' } });

function backend(over: Record<string, unknown> = {}) {
  return mockApi({
    ...me('opal', 'operator'),
    '/api/v1/requests': (r: MockRequest) => (r.query.get('scope') === 'inbox' ? { requests: [topicReq, accessReq], total: 2 } : new Status(400, {})),
    ...over,
  });
}
const at = () => renderRoutes({ '/approvals': <ApprovalsPage /> }, '/approvals');
const item = async (id: number) => (await screen.findAllByTestId('inbox-item')).find((e) => e.getAttribute('data-id') === String(id))!;

describe('ApprovalsPage', () => {
  it('shows each pending request with its spec', async () => {
    const fetch = backend();
    at();
    const t = await item(7);
    expect(within(t).getByTestId('inbox-summary')).toHaveTextContent('#7 · Create topic orders (4 partitions, RF 2, region east)');
    const spec = within(t).getByTestId('spec-details');
    expect(spec).toHaveTextContent('Regioneast');
    expect(spec).toHaveTextContent('Partitions4');
    expect(spec).toHaveTextContent('Replication factor2');
    expect(spec).toHaveTextContent('Retention1h');
    expect(spec).toHaveTextContent('Expected throughput1 MiB/s');
    expect(within(t).getByTestId('inbox-reason')).toHaveTextContent('orders of the shop');
    const a = await item(8);
    expect(within(a).getByTestId('spec-details')).toHaveTextContent('Consumer groupapp-b.* (default)');
    expect(calls(fetch).find((c) => c.path === '/api/v1/requests')!.query.get('scope')).toBe('inbox');
  });

  it('approve sends the comment and shows "applied"', async () => {
    const fetch = backend({
      'POST /api/v1/requests/7/approve': (r: MockRequest) => ({ ...topicReq, state: 'applied', decided_by: 'opal', comment: (r.body as { comment: string }).comment, can_decide: false }),
    });
    at();
    const t = await item(7);
    await userEvent.type(within(t).getByTestId('decide-comment'), 'fits in east');
    await userEvent.click(within(t).getByTestId('approve'));
    const done = await screen.findByTestId('decided');
    expect(within(done).getByTestId('decided-state')).toHaveTextContent('applied');
    expect(done).toHaveTextContent('Approved by opal and applied on demo.');
    expect(done).toHaveTextContent('fits in east');
    const post = calls(fetch).find((c) => c.method === 'POST')!;
    expect(post.path).toBe('/api/v1/requests/7/approve');
    expect(post.body).toEqual({ comment: 'fits in east' });
    // It left the inbox; the other one waits.
    await waitFor(() => expect(screen.getAllByTestId('inbox-item').map((e) => e.getAttribute('data-id'))).toEqual(['8']));
  });

  it('an approval that fails to apply shows Kafka’s error', async () => {
    backend({ 'POST /api/v1/requests/7/approve': { ...topicReq, state: 'failed', decided_by: 'opal', error: 'INVALID_REPLICATION_FACTOR: replication factor 2 larger than the region' } });
    at();
    await userEvent.click(within(await item(7)).getByTestId('approve'));
    const done = await screen.findByTestId('decided');
    expect(within(done).getByTestId('decided-state')).toHaveTextContent('failed');
    expect(within(done).getByTestId('decided-error')).toHaveTextContent('INVALID_REPLICATION_FACTOR: replication factor 2 larger than the region');
  });

  it('reject sends the comment', async () => {
    const fetch = backend({ 'POST /api/v1/requests/8/reject': { ...accessReq, state: 'rejected', decided_by: 'opal', comment: 'no' } });
    at();
    const a = await item(8);
    await userEvent.type(within(a).getByTestId('decide-comment'), 'no');
    await userEvent.click(within(a).getByTestId('reject'));
    expect(await screen.findByTestId('decided')).toHaveAttribute('data-state', 'rejected');
    expect(calls(fetch).find((c) => c.method === 'POST')!).toMatchObject({ path: '/api/v1/requests/8/reject', body: { comment: 'no' } });
  });

  it('shows the server refusal of a decision', async () => {
    backend({ 'POST /api/v1/requests/7/approve': new Status(409, { error: { code: 'conflict', message: 'request 7 was decided by someone else meanwhile' } }) });
    at();
    const t = await item(7);
    await userEvent.click(within(t).getByTestId('approve'));
    expect(await within(t).findByTestId('decide-error')).toHaveTextContent('request 7 was decided by someone else meanwhile');
    expect(screen.queryByTestId('decided')).toBeNull();
  });

  it('says when nothing waits', async () => {
    backend({ '/api/v1/requests': { requests: null, total: 0 } });
    at();
    expect(await screen.findByText('Nothing waits for your decision.')).toBeInTheDocument();
  });
});
