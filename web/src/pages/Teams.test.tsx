import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Team } from '../api/selfserve';
import { SelfServiceNav } from '../components/SelfServiceNav';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { me, renderRoutes } from '../test/selfserve';
import { TeamsPage } from './Teams';

afterEach(() => vi.unstubAllGlobals());

const t0 = '2026-01-01T00:00:00Z';
const team = (name: string, members: string[]): Team => ({ name, description: '', created_at: t0, members });

function backend(role = 'admin', over: Record<string, unknown> = {}) {
  let teams = [team('team-a', ['ann']), team('team-b', [])];
  return mockApi({
    ...me('root', role),
    '/api/v1/teams': () => ({ teams }),
    '/api/v1/users': { users: [{ name: 'ann', role: 'viewer', created_at: t0 }, { name: 'bob', role: 'operator', created_at: t0 }] },
    'POST /api/v1/teams': (r: MockRequest) => {
      const b = r.body as { name: string; description: string };
      teams = [...teams, { ...team(b.name, []), description: b.description }];
      return new Status(201, { name: b.name, description: b.description, created_at: t0 });
    },
    'DELETE /api/v1/teams/team-a': new Status(409, { error: { code: 'conflict', message: 'team "team-a" still has applications: delete them first' } }),
    'DELETE /api/v1/teams/team-b': () => {
      teams = teams.filter((t) => t.name !== 'team-b');
      return { deleted: 'team-b' };
    },
    'PUT /api/v1/teams/team-b/members/bob': () => {
      teams = teams.map((t) => (t.name === 'team-b' ? { ...t, members: ['bob'] } : t));
      return { team: 'team-b', user: 'bob', member: true };
    },
    'DELETE /api/v1/teams/team-a/members/ann': () => {
      teams = teams.map((t) => (t.name === 'team-a' ? { ...t, members: [] } : t));
      return { team: 'team-a', user: 'ann', member: false };
    },
    ...over,
  });
}
const at = () => renderRoutes({ '/teams': <TeamsPage /> }, '/teams');
const row = (name: string) => screen.getAllByTestId('team-row').find((r) => r.getAttribute('data-team') === name)!;

describe('TeamsPage', () => {
  it('lists teams with their members', async () => {
    backend();
    at();
    await waitFor(() => expect(screen.getAllByTestId('team-row').map((r) => r.getAttribute('data-team'))).toEqual(['team-a', 'team-b']));
    expect(within(row('team-a')).getAllByTestId('team-member').map((m) => m.getAttribute('data-user'))).toEqual(['ann']);
    expect(row('team-b')).toHaveTextContent('no members');
  });

  it('creates a team', async () => {
    const fetch = backend();
    at();
    await userEvent.click(await screen.findByTestId('team-create-button'));
    await userEvent.type(screen.getByTestId('team-name'), 'team-c');
    await userEvent.type(screen.getByTestId('team-description'), 'payments people');
    await userEvent.click(screen.getByTestId('team-create'));
    await waitFor(() => expect(screen.getAllByTestId('team-row').map((r) => r.getAttribute('data-team'))).toEqual(['team-a', 'team-b', 'team-c']));
    expect(calls(fetch).find((c) => c.method === 'POST')).toMatchObject({ path: '/api/v1/teams', body: { name: 'team-c', description: 'payments people' } });
    expect(screen.queryByTestId('team-create-form')).toBeNull();
  });

  it('shows the 409 message when the team still has applications', async () => {
    backend();
    at();
    await screen.findAllByTestId('team-row');
    await userEvent.click(screen.getByTestId('team-delete-team-a'));
    await userEvent.click(await screen.findByTestId('team-delete-confirm'));
    expect(await screen.findByTestId('team-delete-error')).toHaveTextContent('team "team-a" still has applications: delete them first');
    expect(row('team-a')).toBeInTheDocument();
  });

  it('deletes a team without applications', async () => {
    const fetch = backend();
    at();
    await screen.findAllByTestId('team-row');
    await userEvent.click(screen.getByTestId('team-delete-team-b'));
    await userEvent.click(await screen.findByTestId('team-delete-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('team-row').map((r) => r.getAttribute('data-team'))).toEqual(['team-a']));
    expect(calls(fetch).filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/api/v1/teams/team-b']);
  });

  it('adds a member picked from the users, and removes one', async () => {
    const fetch = backend();
    at();
    await screen.findAllByTestId('team-row');
    await waitFor(() => expect(calls(fetch).some((c) => c.path === '/api/v1/users')).toBe(true));
    const input = screen.getByTestId('member-user-team-b');
    await userEvent.type(input, 'bo');
    await waitFor(() => expect(input).toHaveAttribute('aria-controls'));
    const listbox = document.getElementById(input.getAttribute('aria-controls')!)!;
    await userEvent.click(await within(listbox).findByRole('option', { name: 'bob', hidden: true }));
    expect(screen.getByTestId('member-user-team-b')).toHaveValue('bob');
    await userEvent.click(screen.getByTestId('member-add-team-b'));
    await waitFor(() => expect(within(row('team-b')).getAllByTestId('team-member').map((m) => m.getAttribute('data-user'))).toEqual(['bob']));
    await userEvent.click(screen.getByTestId('member-remove-ann'));
    await waitFor(() => expect(row('team-a')).toHaveTextContent('no members'));
    expect(calls(fetch).filter((c) => c.method === 'PUT' || c.method === 'DELETE').map((c) => `${c.method} ${c.path}`)).toEqual([
      'PUT /api/v1/teams/team-b/members/bob',
      'DELETE /api/v1/teams/team-a/members/ann',
    ]);
  });

  it('is read-only for non-admins and does not read the users', async () => {
    const fetch = backend('operator');
    at();
    expect(await screen.findByTestId('teams-read-only')).toBeInTheDocument();
    expect(screen.queryByTestId('team-create-button')).toBeNull();
    expect(screen.queryByTestId('team-delete-team-a')).toBeNull();
    expect(row('team-a')).toHaveTextContent('ann');
    expect(calls(fetch).some((c) => c.path === '/api/v1/users')).toBe(false);
  });
});

describe('SelfServiceNav', () => {
  const nav = () => renderRoutes({ '*': <SelfServiceNav path="/" link={(to) => to} onNavigate={() => {}} /> }, '/');
  it('links to Teams for admins only', async () => {
    backend('admin');
    nav();
    expect(await screen.findByTestId('nav-teams')).toHaveAttribute('href', '/teams');
  });
  it('has no Teams link for others', async () => {
    backend('operator');
    nav();
    await screen.findByTestId('nav-applications');
    expect(screen.queryByTestId('nav-teams')).toBeNull();
  });
});
