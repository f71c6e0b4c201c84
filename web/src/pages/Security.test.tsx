import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Route, Routes } from 'react-router';
import type { Acl } from '../api/types';
import { AuthProvider, RequireAuth } from '../auth';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { SecurityPage } from './Security';

afterEach(() => vi.unstubAllGlobals());

const C = '/api/v1/clusters/demo';
const acl: Acl = { principal: 'User:alice', host: '*', resource_type: 'topic', resource_name: 'orders', pattern_type: 'literal', operation: 'read', permission: 'allow' };

function backend(role: string, over: Record<string, unknown> = {}) {
  return mockApi({
    '/api/v1/auth/me': { user: 'u', role, method: 'session', csrf_token: 'tok-7' },
    [`${C}/acls`]: { acls: [acl], total: 1 },
    [`${C}/quotas`]: { quotas: [{ entity: { user: 'alice' }, values: { producer_byte_rate: 1048576 } }], total: 1 },
    [`${C}/scram-users`]: { users: [{ name: 'bob', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }] }], total: 1 },
    ...over,
  });
}

const at = () =>
  renderAt(
    <AuthProvider>
      <RequireAuth>
        <Routes>
          <Route path="/clusters/:cluster/security" element={<SecurityPage />} />
        </Routes>
      </RequireAuth>
    </AuthProvider>,
    { path: '/clusters/demo/security' },
  );

const pick = async (testId: string, label: string, scope: HTMLElement = document.body) => {
  const input = within(scope).getByTestId(testId);
  await userEvent.click(input);
  // The options of this select only (the filters have the same ones).
  const list = await waitFor(() => document.getElementById(input.getAttribute('aria-controls') ?? '')!);
  await userEvent.click(within(list).getByRole('option', { name: label, hidden: true }));
};

describe('SecurityPage roles', () => {
  it('a viewer sees ACLs and quotas but no changes, and no SCRAM users (never asked for)', async () => {
    const fetch = backend('viewer');
    at();
    await screen.findByTestId('acls-table');
    await screen.findByTestId('quotas-table');
    expect(screen.queryByTestId('acl-create-button')).toBeNull();
    expect(screen.queryByTestId('acl-delete')).toBeNull();
    expect(screen.queryByTestId('quota-set-button')).toBeNull();
    expect(screen.queryByTestId('quota-edit')).toBeNull();
    expect(screen.queryByText('SCRAM users')).toBeNull();
    expect(calls(fetch).some((c) => c.path.endsWith('/scram-users'))).toBe(false);
  });

  it('an operator changes ACLs and quotas but sees no SCRAM users', async () => {
    const fetch = backend('operator');
    at();
    await screen.findByTestId('acl-create-button');
    expect(screen.getByTestId('quota-set-button')).toBeInTheDocument();
    expect(screen.queryByText('SCRAM users')).toBeNull();
    expect(calls(fetch).some((c) => c.path.endsWith('/scram-users'))).toBe(false);
  });

  it('an admin sees the SCRAM users', async () => {
    backend('admin');
    at();
    const row = await screen.findByTestId('scram-row');
    expect(row).toHaveTextContent('bob');
    expect(row).toHaveTextContent('SCRAM-SHA-256 · 8,192');
  });
});

describe('ACLs', () => {
  it('filters with the exact query parameters', async () => {
    const fetch = backend('viewer');
    at();
    await screen.findByTestId('acls-table');
    await userEvent.type(screen.getByTestId('acl-filter-principal'), 'User:alice');
    await pick('acl-filter-type', 'topic');
    await pick('acl-filter-permission', 'deny');
    await waitFor(() => expect(calls(fetch).filter((c) => c.path === `${C}/acls`).pop()!.query.toString()).toBe('principal=User%3Aalice&resource_type=topic&permission=deny'));
  });

  it('says clearly when the cluster has no authorizer', async () => {
    backend('operator', { [`${C}/acls`]: new Status(400, { error: { code: 'bad_request', message: 'the cluster has no authorizer' } }) });
    at();
    const a = await screen.findByTestId('acl-no-authorizer');
    expect(a).toHaveTextContent('No authorizer');
    expect(a).toHaveTextContent('the cluster has no authorizer');
    expect(screen.queryByTestId('acl-create-button')).toBeNull();
  });

  it('creates: preview (dry run), then Create with the same body', async () => {
    const fetch = backend('operator', {
      [`POST ${C}/acls`]: (r: MockRequest) => {
        const b = r.body as Acl & { dry_run: boolean };
        const { dry_run, ...a } = b;
        return dry_run ? { acl: a, exists: false, dry_run, applied: false } : new Status(201, { acl: a, exists: false, dry_run, applied: true });
      },
    });
    at();
    await userEvent.click(await screen.findByTestId('acl-create-button'));
    const form = await screen.findByTestId('acl-form');
    await userEvent.type(within(form).getByTestId('acl-principal'), 'bob');
    await userEvent.type(within(form).getByTestId('acl-resource-name'), 'payments');
    await pick('acl-operation', 'write', form);
    expect(within(form).getByTestId('acl-create')).toBeDisabled();
    await userEvent.click(within(form).getByTestId('acl-preview'));
    expect(await within(form).findByTestId('acl-plan')).toHaveTextContent('Would allow User:bob to write topic payments (literal) from *.');
    await userEvent.click(within(form).getByTestId('acl-create'));
    await waitFor(() => expect(screen.queryByTestId('acl-form')).toBeNull());
    const posts = calls(fetch).filter((c) => c.method === 'POST');
    const body = { principal: 'User:bob', host: '*', resource_type: 'topic', resource_name: 'payments', pattern_type: 'literal', operation: 'write', permission: 'allow' };
    expect(posts.map((p) => p.body)).toEqual([
      { ...body, dry_run: true },
      { ...body, dry_run: false },
    ]);
    expect(fetch.mock.calls.find(([, i]) => i?.method === 'POST')![1]!.headers).toMatchObject({ 'X-CSRF-Token': 'tok-7' });
  });

  it('deletes: the dry run lists the matches first, then Delete sends the same filter', async () => {
    const fetch = backend('operator', {
      [`DELETE ${C}/acls`]: (r: MockRequest) => ({ filter: {}, matching: [acl], dry_run: r.query.get('dry_run') === 'true', applied: r.query.get('dry_run') !== 'true' }),
    });
    at();
    await userEvent.click(await screen.findByTestId('acl-delete'));
    const matches = await screen.findByTestId('acl-delete-matches');
    expect(matches).toHaveTextContent('User:alice');
    const dels = () => calls(fetch).filter((c) => c.method === 'DELETE');
    expect(dels()).toHaveLength(1);
    expect(dels()[0].query.toString()).toBe('principal=User%3Aalice&host=*&resource_type=topic&resource_name=orders&pattern_type=literal&operation=read&permission=allow&dry_run=true');
    await userEvent.click(screen.getByTestId('acl-delete-confirm'));
    await waitFor(() => expect(dels()).toHaveLength(2));
    expect(dels()[1].query.get('dry_run')).toBeNull();
    expect(dels()[1].query.get('principal')).toBe('User:alice');
  });
});

describe('quotas', () => {
  it('edits: preview shows before and after, Apply sends the same change, the error is shown', async () => {
    let n = 0;
    const fetch = backend('operator', {
      [`PUT ${C}/quotas`]: (r: MockRequest) => {
        const b = r.body as { dry_run: boolean; set: Record<string, number> };
        if (++n === 1) return new Status(400, { error: { code: 'bad_request', message: 'quota values must be positive' } });
        return { entity: { user: 'alice' }, before: { producer_byte_rate: 1048576 }, after: b.set, dry_run: b.dry_run, applied: !b.dry_run };
      },
    });
    at();
    await userEvent.click(await screen.findByTestId('quota-edit'));
    const form = await screen.findByTestId('quota-form');
    expect(within(form).getByTestId('quota-user')).toHaveValue('alice');
    await userEvent.click(within(form).getByTestId('quota-preview'));
    expect(await within(form).findByTestId('quota-error')).toHaveTextContent('quota values must be positive');
    await userEvent.clear(within(form).getByTestId('quota-value'));
    await userEvent.type(within(form).getByTestId('quota-value'), '2048');
    await userEvent.click(within(form).getByTestId('quota-preview'));
    await within(form).findByTestId('quota-plan');
    expect(within(form).getByTestId('quota-before')).toHaveTextContent('producer_byte_rate=1048576');
    expect(within(form).getByTestId('quota-after')).toHaveTextContent('producer_byte_rate=2048');
    await userEvent.click(within(form).getByTestId('quota-apply'));
    expect(await screen.findByTestId('quota-done')).toHaveTextContent('Quotas of user alice: producer_byte_rate=2048.');
    const puts = calls(fetch).filter((c) => c.method === 'PUT');
    expect(puts.map((p) => p.body)).toEqual([
      { user: 'alice', set: { producer_byte_rate: 1048576 }, dry_run: true },
      { user: 'alice', set: { producer_byte_rate: 2048 }, dry_run: true },
      { user: 'alice', set: { producer_byte_rate: 2048 }, dry_run: false },
    ]);
  });

  it('needs an entity before asking', async () => {
    const fetch = backend('operator');
    at();
    await userEvent.click(await screen.findByTestId('quota-set-button'));
    const form = await screen.findByTestId('quota-form');
    await userEvent.click(within(form).getByTestId('quota-preview'));
    expect(within(form).getByTestId('quota-error')).toHaveTextContent('Give a user, a client id or both');
    expect(calls(fetch).some((c) => c.method === 'PUT')).toBe(false);
  });
});

describe('SCRAM users', () => {
  it('creates a credential: preview, then Create; the password is never shown back and is cleared', async () => {
    const fetch = backend('admin', {
      [`POST ${C}/scram-users`]: (r: MockRequest) => {
        const b = r.body as { name: string; mechanism: string; dry_run: boolean };
        return new Status(b.dry_run ? 200 : 201, { action: 'create', name: b.name, credentials: [{ mechanism: b.mechanism, iterations: 8192 }], dry_run: b.dry_run, applied: !b.dry_run });
      },
    });
    at();
    await userEvent.click(await screen.findByTestId('scram-create-button'));
    const form = await screen.findByTestId('scram-form');
    await userEvent.type(within(form).getByTestId('scram-name'), 'carol');
    await userEvent.type(within(form).getByTestId('scram-password'), 'short');
    await userEvent.click(within(form).getByTestId('scram-preview'));
    expect(within(form).getByTestId('scram-error')).toHaveTextContent('at least 8 characters');
    await userEvent.type(within(form).getByTestId('scram-password'), '-secret-1');
    expect(within(form).getByTestId('scram-password')).toHaveAttribute('type', 'password');
    await userEvent.click(within(form).getByTestId('scram-preview'));
    expect(await within(form).findByTestId('scram-plan')).toHaveTextContent('Would create SCRAM-SHA-256 (8,192 iterations) for carol.');
    expect(document.body.textContent).not.toContain('short-secret-1');
    await userEvent.click(within(form).getByTestId('scram-save'));
    expect(await screen.findByTestId('scram-done')).toHaveTextContent('Created SCRAM-SHA-256 for carol.');
    expect(document.body.textContent).not.toContain('short-secret-1');
    const posts = calls(fetch).filter((c) => c.method === 'POST');
    const body = { name: 'carol', mechanism: 'SCRAM-SHA-256', password: 'short-secret-1', iterations: 8192 };
    expect(posts.map((p) => p.body)).toEqual([
      { ...body, dry_run: true },
      { ...body, dry_run: false },
    ]);
  });

  it('changes a password with PUT (iterations kept) and shows a 404', async () => {
    let n = 0;
    const fetch = backend('admin', {
      [`PUT ${C}/scram-users/bob`]: (r: MockRequest) => {
        const b = r.body as { dry_run: boolean };
        if (++n === 2) return new Status(404, { error: { code: 'not_found', message: 'user "bob" has no SCRAM-SHA-256 credential' } });
        return { action: 'update', name: 'bob', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }], dry_run: b.dry_run, applied: !b.dry_run };
      },
    });
    at();
    await userEvent.click(await screen.findByTestId('scram-password-button'));
    const form = await screen.findByTestId('scram-form');
    expect(within(form).getByTestId('scram-name')).toBeDisabled();
    await userEvent.type(within(form).getByTestId('scram-password'), 'new-password-9');
    await userEvent.click(within(form).getByTestId('scram-preview'));
    await within(form).findByTestId('scram-plan');
    await userEvent.click(within(form).getByTestId('scram-save'));
    expect(await within(form).findByTestId('scram-error')).toHaveTextContent('has no SCRAM-SHA-256 credential');
    expect(calls(fetch).filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { mechanism: 'SCRAM-SHA-256', password: 'new-password-9', dry_run: true },
      { mechanism: 'SCRAM-SHA-256', password: 'new-password-9', dry_run: false },
    ]);
  });

  it('deletes: the dry run says what goes, then DELETE', async () => {
    const fetch = backend('admin', {
      [`DELETE ${C}/scram-users/bob`]: (r: MockRequest) => ({ action: 'delete', name: 'bob', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }], dry_run: r.query.get('dry_run') === 'true', applied: false }),
    });
    at();
    await userEvent.click(await screen.findByTestId('scram-delete-button'));
    expect(await screen.findByTestId('scram-delete-plan')).toHaveTextContent('Would delete SCRAM-SHA-256 of bob');
    await userEvent.click(screen.getByTestId('scram-delete-confirm'));
    await screen.findByTestId('scram-done');
    expect(calls(fetch).filter((c) => c.method === 'DELETE').map((c) => c.query.toString())).toEqual(['dry_run=true', '']);
  });
});
