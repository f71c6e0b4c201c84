import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertItem, Silence } from '../api/types';
import { AuthProvider, RequireAuth } from '../auth';
import { activeSilence, billingAlert, diskAlert, expiredSilence, pendingAlert, resolvedAlert } from '../test/fixtures';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { alertSince, AlertsPage, shownLabels } from './Alerts';

afterEach(() => vi.unstubAllGlobals());

/** A small alerting backend: creating a silence mutes billing, expiring one unmutes. */
function backend(role: string) {
  let silences: Silence[] = [activeSilence, expiredSilence];
  let billingSilence: string | undefined;
  return mockApi({
    '/api/v1/auth/me': { user: 'olga', role, method: 'session', csrf_token: 't' },
    '/api/v1/clusters': { clusters: [] },
    '/api/v1/alerts': () => ({ items: [diskAlert, { ...billingAlert, silenced_by: billingSilence }, pendingAlert, resolvedAlert] as AlertItem[] }),
    '/api/v1/silences': () => ({ items: silences }),
    'POST /api/v1/silences': (r: MockRequest) => {
      const s: Silence = { ...activeSilence, id: 'sil-new', ...(r.body as object), created_by: 'olga' };
      silences = [s, ...silences];
      billingSilence = s.id;
      return new Status(201, s);
    },
    'DELETE /api/v1/silences/sil-1': () => {
      silences = silences.map((s) => (s.id === 'sil-1' ? { ...s, state: 'expired' } : s));
      return new Status(204);
    },
  });
}

const page = (path = '/alerts') =>
  renderAt(
    <AuthProvider>
      <RequireAuth>
        <AlertsPage />
      </RequireAuth>
    </AuthProvider>,
    { path },
  );

const alertOf = (fp: string) => screen.getAllByTestId('alert').find((a) => a.getAttribute('data-fingerprint') === fp)!;

describe('AlertsPage', () => {
  it('shows firing alerts with severity, labels, since and silenced badge; counts per tab', async () => {
    backend('viewer');
    page();
    await waitFor(() => expect(screen.getAllByTestId('alert')).toHaveLength(2));
    expect(screen.getByTestId('count-firing')).toHaveTextContent('2');
    expect(screen.getByTestId('count-pending')).toHaveTextContent('1');
    expect(screen.getByTestId('count-resolved')).toHaveTextContent('1');
    expect(screen.getByTestId('count-silences')).toHaveTextContent('1'); // the expired one is not counted
    const disk = alertOf(diskAlert.fingerprint);
    expect(within(disk).getByTestId('severity')).toHaveTextContent('critical');
    expect(within(disk).getByTestId('silenced-badge')).toHaveAttribute('data-silence', 'sil-1');
    expect(within(disk).getByTestId('alert-labels')).toHaveTextContent('alertname=broker.disk_usage');
    expect(within(disk).getByTestId('alert-labels')).not.toHaveTextContent('severity=');
    expect(within(disk).getByTestId('alert-since')).toHaveTextContent(/^firing for /);
    await userEvent.click(within(disk).getByRole('button', { expanded: false }));
    expect(within(disk).getByTestId('evidence')).toHaveTextContent('used_ratio = 1 ratio (threshold 0.8)');
    expect(within(disk).getByTestId('fix')).toHaveTextContent('Free space.');
    expect(disk).toHaveTextContent('sent to ops-hook');
  });

  it('hides Silence and Expire from a viewer', async () => {
    backend('viewer');
    page();
    await waitFor(() => expect(screen.getAllByTestId('alert')).toHaveLength(2));
    expect(screen.queryByTestId('silence-button')).toBeNull();
    await userEvent.click(screen.getByTestId('tab-silences'));
    await screen.findByRole('table', { name: 'Silences' });
    expect(screen.queryByTestId('expire-silence')).toBeNull();
  });

  it('lets an operator silence an alert from its labels', async () => {
    const fetch = backend('operator');
    page();
    await waitFor(() => expect(screen.getAllByTestId('alert')).toHaveLength(2));
    // Only the alert not yet silenced has the button.
    expect(screen.getAllByTestId('silence-button')).toHaveLength(1);
    await userEvent.click(within(alertOf(billingAlert.fingerprint)).getByTestId('silence-button'));
    const form = await screen.findByTestId('silence-form');
    expect(within(form).getAllByTestId('matcher-value').map((i) => (i as HTMLInputElement).value)).toEqual(['group.lag', 'demo', 'group:demo/billing']);
    await userEvent.click(within(form).getByTestId('silence-comment'));
    await userEvent.paste('billing retired');
    await userEvent.click(within(form).getByTestId('silence-submit'));
    expect(await screen.findByTestId('silence-notice')).toHaveTextContent('Silence sil-new created');
    await waitFor(() => expect(within(alertOf(billingAlert.fingerprint)).getByTestId('silenced-badge')).toHaveAttribute('data-silence', 'sil-new'));
    expect(screen.queryByTestId('silence-form')).toBeNull();
    const post = calls(fetch).find((c) => c.method === 'POST')!;
    expect(post.body).toMatchObject({ duration: '2h', comment: 'billing retired', matchers: [{ name: 'alertname' }, { name: 'cluster' }, { name: 'entity', value: 'group:demo/billing' }] });
    // The silenced badge leads to the silence.
    await userEvent.click(within(alertOf(billingAlert.fingerprint)).getByTestId('silenced-badge'));
    const table = await screen.findByRole('table', { name: 'Silences' });
    const row = within(table).getAllByRole('row').find((r) => r.getAttribute('data-key') === 'sil-new')!;
    expect(row.className).toContain('row-accent');
    expect(within(row).getByTestId('silence-matchers')).toHaveTextContent('alertname="group.lag" cluster="demo" entity="group:demo/billing"');
  });

  it('lists silences with their state and expires one', async () => {
    const fetch = backend('admin');
    page('/alerts?tab=silences');
    const table = await screen.findByRole('table', { name: 'Silences' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByTestId('silence-state').textContent)).toEqual(['active', 'expired']);
    expect(within(rows[0]).getByTestId('silence-matchers')).toHaveTextContent('entity="broker:demo/0"');
    expect(within(rows[1]).getByTestId('silence-matchers')).toHaveTextContent('topic=~"tmp-.*"');
    expect(within(rows[1]).queryByTestId('expire-silence')).toBeNull();
    await userEvent.click(within(rows[0]).getByTestId('expire-silence'));
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Silences' })).getAllByTestId('silence-state').map((b) => b.textContent)).toEqual(['expired', 'expired']));
    expect(calls(fetch).some((c) => c.method === 'DELETE' && c.path === '/api/v1/silences/sil-1')).toBe(true);
  });

  it("shows the API's error when expiring fails", async () => {
    mockApi({
      '/api/v1/auth/me': { user: 'olga', role: 'operator', method: 'session' },
      '/api/v1/clusters': { clusters: [] },
      '/api/v1/alerts': { items: [] },
      '/api/v1/silences': { items: [activeSilence] },
      'DELETE /api/v1/silences/sil-1': new Status(409, { error: { code: 'conflict', message: 'conflict: silence "sil-1" has already ended' } }),
    });
    page('/alerts?tab=silences');
    await userEvent.click(await screen.findByTestId('expire-silence'));
    expect(await screen.findByRole('alert')).toHaveTextContent('conflict: silence "sil-1" has already ended');
  });

  it('shows resolved and pending alerts in their tabs', async () => {
    backend('viewer');
    page('/alerts?tab=resolved');
    await waitFor(() => expect(screen.getAllByTestId('alert')).toHaveLength(1));
    expect(screen.getByTestId('alert-since')).toHaveTextContent(/^resolved /);
    expect(screen.getByRole('link', { name: 'orders.DLQ' })).toHaveAttribute('href', '/clusters/demo/topics/orders.DLQ');
  });

  it("shows the API's error when alerting is down", async () => {
    mockApi({
      '/api/v1/auth/me': { user: 'olga', role: 'viewer', method: 'session' },
      '/api/v1/clusters': { clusters: [] },
      '/api/v1/alerts': new Status(503, { error: { code: 'unavailable', message: 'alerting is not running' } }),
      '/api/v1/silences': { items: [] },
    });
    page();
    expect(await screen.findByRole('alert', {}, { timeout: 4000 })).toHaveTextContent('alerting is not running');
  });

  it('words the time and orders the labels', () => {
    const now = Date.parse('2026-01-01T00:02:05Z');
    expect(alertSince(billingAlert, now)).toBe('firing for 2m 5s');
    expect(alertSince(pendingAlert, now)).toBe('pending for 2m 5s');
    expect(alertSince(billingAlert, Date.parse('2026-01-01T00:00:00.400Z'))).toBe('firing for <1s');
    expect(alertSince(resolvedAlert, Date.parse('2026-01-01T00:13:00Z'))).toBe('resolved 3m ago');
    expect(shownLabels(billingAlert.labels).map(([k]) => k)).toEqual(['alertname', 'cluster', 'entity', 'code', 'group']);
  });
});
