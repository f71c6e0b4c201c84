import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { calls, mockApi, Status } from '../test/mockApi';
import { appRow, me, renderRoutes } from '../test/selfserve';
import { ApplicationsPage } from './Applications';

afterEach(() => vi.unstubAllGlobals());

const at = () => renderRoutes({ '/applications': <ApplicationsPage />, '/applications/:app': <div data-testid="detail-page">detail</div> }, '/applications');

describe('ApplicationsPage', () => {
  it('lists applications, mine first and flagged, each linking to its page', async () => {
    mockApi({
      ...me('ann', 'viewer'),
      '/api/v1/applications': { applications: [appRow('app-a', 'team-a', true), appRow('app-b', 'team-b', false)], teams: ['team-a'] },
    });
    at();
    const rows = await screen.findAllByTestId('app-row');
    expect(rows.map((r) => r.getAttribute('data-app'))).toEqual(['app-a', 'app-b']);
    expect(within(rows[0]).getByTestId('app-mine')).toHaveTextContent('mine');
    expect(within(rows[1]).queryByTestId('app-mine')).toBeNull();
    expect(within(rows[1]).getByTestId('app-link')).toHaveAttribute('href', '/applications/app-b');
    expect(screen.queryByTestId('no-teams')).toBeNull();
  });

  it('creates an application for one of my teams, then opens it', async () => {
    const fetch = mockApi({
      ...me('ann', 'viewer'),
      '/api/v1/applications': { applications: [], teams: ['team-a', 'team-c'] },
      'POST /api/v1/applications': (r: { body: unknown }) => new Status(201, { ...(r.body as object), created_at: '2026-01-01T00:00:00Z' }),
    });
    at();
    await userEvent.click(await screen.findByTestId('app-create-button'));
    await userEvent.type(screen.getByTestId('app-name'), 'orders-svc');
    await userEvent.selectOptions(screen.getByTestId('app-team'), 'team-c');
    await userEvent.type(screen.getByTestId('app-description'), 'the shop');
    await userEvent.click(screen.getByTestId('app-create'));
    await screen.findByTestId('detail-page');
    const post = calls(fetch).find((c) => c.method === 'POST')!;
    expect(post.path).toBe('/api/v1/applications');
    expect(post.body).toEqual({ name: 'orders-svc', team: 'team-c', description: 'the shop' });
  });

  it('shows the server refusal when creating', async () => {
    mockApi({
      ...me('ann', 'viewer'),
      '/api/v1/applications': { applications: [], teams: ['team-a'] },
      'POST /api/v1/applications': new Status(409, { error: { code: 'conflict', message: 'application orders-svc: already exists' } }),
    });
    at();
    await userEvent.click(await screen.findByTestId('app-create-button'));
    await userEvent.type(screen.getByTestId('app-name'), 'orders-svc');
    await userEvent.click(screen.getByTestId('app-create'));
    expect(await screen.findByTestId('app-create-error')).toHaveTextContent('application orders-svc: already exists');
  });

  it('a viewer without teams sees why they cannot create applications', async () => {
    mockApi({ ...me('vic', 'viewer'), '/api/v1/applications': { applications: [appRow('app-b', 'team-b', false)], teams: null } });
    at();
    expect(await screen.findByTestId('no-teams')).toHaveTextContent('You are not in a team yet');
    expect(screen.getByTestId('no-teams')).toHaveTextContent('Ask an admin to add you to your team');
    expect(screen.queryByTestId('app-create-button')).toBeNull();
    expect(screen.getAllByTestId('app-row')).toHaveLength(1);
  });

  it('shows a load error', async () => {
    mockApi({ ...me('ann', 'viewer'), '/api/v1/applications': new Status(503, { error: { code: 'unavailable', message: 'self-service is not available (no store)' } }) });
    at();
    expect(await screen.findByTestId('api-error')).toHaveTextContent('self-service is not available (no store)');
  });

  it('an admin in no team picks any team', async () => {
    mockApi({
      ...me('root', 'admin'),
      '/api/v1/applications': { applications: [], teams: [] },
      '/api/v1/teams': { teams: [{ name: 'team-x', description: '', created_at: '2026-01-01T00:00:00Z', members: [] }] },
    });
    at();
    await userEvent.click(await screen.findByTestId('app-create-button'));
    await waitFor(() => expect(within(screen.getByTestId('app-team')).getAllByRole('option').map((o) => o.textContent)).toEqual(['team-x']));
    expect(screen.queryByTestId('no-teams')).toBeNull();
  });
});
