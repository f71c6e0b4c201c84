// Helpers of the self-service page tests: a signed-in user and the pages under their routes.
import type { ReactElement } from 'react';
import { Route, Routes } from 'react-router';
import type { ApplicationRow, RequestView } from '../api/selfserve';
import { AuthProvider, RequireAuth } from '../auth';
import { renderAt } from './render';

export function me(user: string, role: string) {
  return { '/api/v1/auth/me': { user, role, method: 'session', csrf_token: 'tok-ss' } };
}

export const clusters = { '/api/v1/clusters': { clusters: [{ name: 'demo', status: 'ok' }] } };

export function appRow(name: string, team: string, mine: boolean): ApplicationRow {
  return { name, team, mine, description: '', created_at: '2026-01-01T00:00:00Z' };
}

export function req(over: Partial<RequestView> & { id: number }): RequestView {
  return {
    kind: 'topic',
    state: 'pending',
    requester: 'ann',
    team: 'team-a',
    application: 'app-a',
    cluster: 'demo',
    topic: 'orders',
    reason: 'orders of the shop',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    spec: { kind: 'topic', cluster: 'demo', application: 'app-a', topic: 'orders', region: 'east', partitions: 4, replication_factor: 2 },
    can_decide: false,
    ...over,
  };
}

/** renders routes (path -> element) signed in, at path. */
export function renderRoutes(routes: Record<string, ReactElement>, path: string) {
  return renderAt(
    <AuthProvider>
      <RequireAuth>
        <Routes>
          {Object.entries(routes).map(([p, el]) => (
            <Route key={p} path={p} element={el} />
          ))}
        </Routes>
      </RequireAuth>
    </AuthProvider>,
    { path },
  );
}
