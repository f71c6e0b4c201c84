import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useLocation } from 'react-router';
import type { AuditEntry } from '../api/types';
import { AuthProvider, RequireAuth } from '../auth';
import { calls, mockApi, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { AuditPage, prettyJSON } from './Audit';

afterEach(() => vi.unstubAllGlobals());

const entries: AuditEntry[] = [
  {
    id: 3,
    time: '2026-01-01T10:02:00Z',
    user: 'olga',
    role: 'operator',
    cluster: 'demo',
    action: 'group.reset_offsets',
    target: 'billing',
    request: '{"to":"earliest","topics":["payments"],"dry_run":false}',
    result: '{"group":"billing","applied":true}',
  },
  {
    id: 2,
    time: '2026-01-01T10:01:00Z',
    user: 'olga',
    role: 'operator',
    cluster: 'demo',
    action: 'group.reset_offsets',
    target: 'billing',
    dry_run: true,
    request: '{"to":"earliest","dry_run":true}',
    result: '{"group":"billing","applied":false}',
  },
  {
    id: 1,
    time: '2026-01-01T10:00:00Z',
    user: 'admin',
    role: 'admin',
    cluster: 'demo',
    action: 'topic.add_partitions',
    target: 'orders',
    request: '{"count":2}',
    error: 'partitions cannot be removed from a topic',
  },
];

function backend(role = 'operator', total = 3) {
  return mockApi({
    '/api/v1/auth/me': { user: 'olga', role, method: 'session', csrf_token: 't' },
    '/api/v1/clusters': { clusters: [{ name: 'demo', status: 'ok', controller_id: 0, took_ms: 1, brokers: [] }] },
    '/api/v1/audit': (r: MockRequest) => ({ total, offset: Number(r.query.get('offset') ?? 0), limit: Number(r.query.get('limit') ?? 100), items: entries }),
  });
}

function Where() {
  const l = useLocation();
  return <div data-testid="where">{l.pathname + l.search}</div>;
}

const page = (path = '/audit') =>
  renderAt(
    <AuthProvider>
      <RequireAuth>
        <AuditPage />
        <Where />
      </RequireAuth>
    </AuthProvider>,
    { path },
  );

const auditCalls = (fetch: ReturnType<typeof mockApi>) => calls(fetch).filter((c) => c.path === '/api/v1/audit');

describe('AuditPage', () => {
  it('lists the entries newest first: dry runs marked, errors in red', async () => {
    backend();
    page();
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(3));
    const rows = screen.getAllByTestId('audit-row');
    expect(rows.map((r) => r.getAttribute('data-id'))).toEqual(['3', '2', '1']);
    expect(rows[0]).toHaveTextContent('olga');
    expect(rows[0]).toHaveTextContent('group.reset_offsets');
    expect(rows[0]).toHaveTextContent('billing');
    expect(rows[0]).toHaveTextContent('demo');
    expect(within(rows[0]).queryByTestId('dry-run-badge')).toBeNull();
    expect(within(rows[1]).getByTestId('dry-run-badge')).toHaveTextContent('dry run');
    const err = within(rows[2]).getByTestId('audit-error');
    expect(err).toHaveTextContent('partitions cannot be removed');
    expect(err.getAttribute('style') ?? '').toMatch(/red/);
    expect(screen.getByTestId('audit-total')).toHaveTextContent('3');
  });

  it('expands an entry to its pretty-printed request and result', async () => {
    backend();
    page();
    const rows = await screen.findAllByTestId('audit-row');
    expect(screen.queryByTestId('audit-details')).toBeNull();
    await userEvent.click(within(rows[0]).getByTestId('audit-toggle'));
    expect(screen.getByTestId('audit-request').textContent).toBe(prettyJSON(entries[0].request));
    expect(screen.getByTestId('audit-request').textContent).toContain('\n  "to": "earliest"');
    expect(screen.getByTestId('audit-result').textContent).toContain('"applied": true');
    await userEvent.click(rows[2]);
    expect(screen.getByTestId('audit-error-detail')).toHaveTextContent('partitions cannot be removed');
    await userEvent.click(within(rows[0]).getByTestId('audit-toggle'));
    expect(screen.getAllByTestId('audit-details')).toHaveLength(1);
  });

  it('takes its filters from the URL and puts new ones there', async () => {
    const fetch = backend();
    page('/audit?user=olga&cluster=demo&action=group.&from=-24h');
    await screen.findAllByTestId('audit-row');
    const first = auditCalls(fetch)[0].query;
    expect(Object.fromEntries(first)).toEqual({ user: 'olga', cluster: 'demo', action: 'group.', from: '-24h', limit: '100', offset: '0' });
    expect(screen.getByTestId('audit-user')).toHaveValue('olga');
    await userEvent.clear(screen.getByTestId('audit-action'));
    await userEvent.type(screen.getByTestId('audit-action'), 'topic.');
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent('action=topic.'));
    await waitFor(() => expect(auditCalls(fetch).at(-1)!.query.get('action')).toBe('topic.'));
    await userEvent.click(screen.getByTestId('audit-clear'));
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent(/^\/audit$/));
    await waitFor(() => expect(Object.fromEntries(auditCalls(fetch).at(-1)!.query)).toEqual({ limit: '100', offset: '0' }));
  });

  it('pages with offset and limit', async () => {
    const fetch = backend('admin', 250);
    page('/audit?page=2');
    await screen.findAllByTestId('audit-row');
    expect(auditCalls(fetch)[0].query.get('offset')).toBe('100');
    expect(screen.getByTestId('pager-summary')).toHaveTextContent('101–200 of 250');
    await userEvent.click(screen.getByRole('button', { name: '3' }));
    await waitFor(() => expect(auditCalls(fetch).at(-1)!.query.get('offset')).toBe('200'));
    expect(screen.getByTestId('where')).toHaveTextContent('page=3');
  });

  it('is not for viewers: nothing is asked', async () => {
    const fetch = backend('viewer');
    page();
    expect(await screen.findByText('The audit log is for operators and admins.')).toBeInTheDocument();
    expect(auditCalls(fetch)).toHaveLength(0);
  });
});
