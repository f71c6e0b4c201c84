import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../api/types';
import { billingFinding, clusterFinding, diskFinding } from '../test/fixtures';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { FindingsPage } from './Findings';

afterEach(() => vi.unstubAllGlobals());

const all = [diskFinding, clusterFinding, billingFinding];
const rank: Record<string, number> = { info: 0, warning: 1, critical: 2 };

/** Like the API: minimum severity, kind, entity, title text. */
function findings(r: MockRequest) {
  const min = rank[r.query.get('severity') ?? 'info'];
  const items = all.filter(
    (f: Finding) =>
      rank[f.severity] >= min &&
      (!r.query.get('kind') || f.entity.kind === r.query.get('kind')) &&
      (!r.query.get('entity') || f.entity.name === r.query.get('entity')) &&
      (!r.query.get('q') || f.title.toLowerCase().includes(r.query.get('q')!)),
  );
  return { total: items.length, offset: 0, limit: 100, items };
}

const routes = { '/api/v1/findings': findings, '/api/v1/clusters': { clusters: [{ name: 'demo', status: 'ok', controller_id: 1, took_ms: 1, brokers: [] }] } };

describe('FindingsPage', () => {
  it('lists the findings worst first with their total, severity and entity', async () => {
    mockApi(routes);
    renderAt(<FindingsPage />, { path: '/findings' });
    await waitFor(() => expect(screen.getAllByTestId('finding')).toHaveLength(3));
    expect(screen.getByTestId('findings-total')).toHaveTextContent('3');
    const items = screen.getAllByTestId('finding');
    expect(items.map((i) => within(i).getByTestId('severity').textContent)).toEqual(['critical', 'warning', 'warning']);
    expect(within(items[2]).getByRole('link', { name: 'billing' })).toHaveAttribute('href', '/clusters/demo/groups/billing');
    await userEvent.click(within(items[2]).getByRole('button', { expanded: false }));
    expect(within(items[2]).getByTestId('fix')).toHaveTextContent('start the consumers');
    expect(within(items[2]).getByTestId('evidence')).toHaveTextContent('lag_seconds = 8s');
  });

  it('filters by minimum severity through the API', async () => {
    const fetch = mockApi(routes);
    renderAt(<FindingsPage />, { path: '/findings' });
    await waitFor(() => expect(screen.getAllByTestId('finding')).toHaveLength(3));
    await userEvent.click(screen.getByText('Critical'));
    await waitFor(() => expect(screen.getAllByTestId('finding')).toHaveLength(1));
    expect(calls(fetch).filter((c) => c.path === '/api/v1/findings').pop()!.query.get('severity')).toBe('critical');
  });

  it('takes kind, entity and text from the URL', async () => {
    const fetch = mockApi(routes);
    renderAt(<FindingsPage />, { path: '/findings?kind=group&entity=billing&q=stop&cluster=demo' });
    await waitFor(() => expect(screen.getAllByTestId('finding')).toHaveLength(1));
    const q = calls(fetch).find((c) => c.path === '/api/v1/findings')!.query;
    expect(Object.fromEntries(q)).toMatchObject({ kind: 'group', entity: 'billing', q: 'stop', cluster: 'demo' });
    expect(screen.getByText('entity: billing')).toBeInTheDocument();
    expect(screen.getByTestId('findings-filter')).toHaveValue('stop');
  });

  it('says when no finding matches', async () => {
    mockApi(routes);
    renderAt(<FindingsPage />, { path: '/findings?q=nothing-like-this' });
    expect(await screen.findByText('No finding matches these filters.')).toBeInTheDocument();
  });

  it("shows the API's error", async () => {
    mockApi({ ...routes, '/api/v1/findings': new Status(404, { error: { code: 'not_found', message: 'no cluster named "gone"' } }) });
    renderAt(<FindingsPage />, { path: '/findings?cluster=gone' });
    expect(await screen.findByRole('alert')).toHaveTextContent('no cluster named "gone"');
  });
});
