import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppView, Discovery, Secret } from '../api/selfserve';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { appRow, clusters, me, req, renderRoutes } from '../test/selfserve';
import { ApplicationPage } from './Application';

afterEach(() => vi.unstubAllGlobals());

const t0 = '2026-01-01T00:00:00Z';
const view: AppView = {
  name: 'app-a',
  team: 'team-a',
  description: 'orders service',
  created_at: t0,
  credentials: [{ application: 'app-a', cluster: 'prod', username: 'app-a', mechanism: 'SCRAM-SHA-512', created_at: t0, rotated_at: t0 }],
  topics: [{ cluster: 'prod', topic: 'orders', application: 'app-a', region: 'east', created_at: t0 }],
  grants: [
    { cluster: 'prod', topic: 'orders', application: 'app-a', access: 'produce', created_at: t0 },
    { cluster: 'prod', topic: 'payments', application: 'app-a', access: 'consume', group: 'app-a-readers', created_at: t0 },
  ],
  quotas: [{ cluster: 'prod', values: { producer_byte_rate: 1048576 } }],
};
const PASSWORD = 'S3cr3t-pw-shown-once-xyz';
const secret: Secret = { application: 'app-a', cluster: 'demo', username: 'app-a', password: PASSWORD, mechanism: 'SCRAM-SHA-512', bootstrap_servers: ['k1:9092'], security_protocol: 'SASL_SSL', rotated: false };

function backend(role = 'viewer', over: Record<string, unknown> = {}) {
  return mockApi({
    ...me('ann', role),
    ...clusters,
    '/api/v1/applications': { applications: [appRow('app-a', 'team-a', role === 'viewer')], teams: role === 'viewer' ? ['team-a'] : [] },
    '/api/v1/applications/app-a': view,
    'POST /api/v1/applications/app-a/credentials/demo': new Status(201, secret),
    'POST /api/v1/applications/app-a/credentials/prod': new Status(201, { ...secret, cluster: 'prod', rotated: true }),
    ...over,
  });
}
const at = () => renderRoutes({ '/applications/:app': <ApplicationPage />, '/applications': <div data-testid="apps-list-page" /> }, '/applications/app-a');

const withRates = (rates: AppView['rates'], quotas: AppView['quotas'] = [{ cluster: 'prod', values: { producer_byte_rate: 65536, consumer_byte_rate: 131072 } }]) => ({
  '/api/v1/applications/app-a': { ...view, quotas, rates },
});

const discovery: Discovery = {
  application: 'app-a',
  clusters: [
    {
      cluster: 'prod',
      bootstrap_servers: ['k1:9093', 'k2:9093'],
      security_protocol: 'SASL_SSL',
      sasl_mechanism: 'SCRAM-SHA-512',
      sasl_username: 'app-a',
      topics: [
        { topic: 'orders', access: ['owner', 'produce'] },
        { topic: 'payments', access: ['consume'], group: 'app-a-readers' },
      ],
    },
  ],
};

describe('ApplicationPage', () => {
  it('shows team, credentials (no password), owned topics with region, grants and quotas', async () => {
    backend();
    at();
    expect(await screen.findByTestId('app-title')).toHaveTextContent('app-a');
    expect(screen.getByTestId('app-team-badge')).toHaveTextContent('team team-a');
    await waitFor(() => expect(screen.getAllByTestId('credential-row').map((r) => r.getAttribute('data-cluster'))).toEqual(['demo', 'prod']));
    const rows = screen.getAllByTestId('credential-row');
    expect(rows[0]).toHaveTextContent('none');
    expect(within(rows[0]).getByTestId('rotate-demo')).toHaveTextContent('Create credential');
    expect(rows[1]).toHaveTextContent('SCRAM-SHA-512');
    expect(within(rows[1]).getByTestId('rotate-prod')).toHaveTextContent('Rotate password');
    expect(screen.getByTestId('owned-topic')).toHaveTextContent('orders');
    expect(screen.getByTestId('owned-topic')).toHaveTextContent('east');
    const grants = screen.getAllByTestId('grant-row');
    expect(grants[0]).toHaveTextContent('produce');
    expect(grants[1]).toHaveTextContent('consume');
    expect(grants[1]).toHaveTextContent('app-a-readers');
    expect(screen.getByTestId('app-quota-row')).toHaveTextContent('1 MiB/s');
    expect(document.body.textContent).not.toMatch(/password_hash|S3cr3t/);
  });

  it('creates a credential and shows the password once, with a warning and a copy button; closing forgets it', async () => {
    const fetch = backend();
    at();
    await userEvent.click(await screen.findByTestId('rotate-demo'));
    const dialog = await screen.findByTestId('secret-dialog');
    expect(within(dialog).getByTestId('secret-password')).toHaveTextContent(PASSWORD);
    expect(within(dialog).getByTestId('secret-warning')).toHaveTextContent('This password is shown only once');
    expect(within(dialog).getByTestId('secret-copy')).toBeInTheDocument();
    expect(within(dialog).getByTestId('secret-username')).toHaveTextContent('app-a');
    expect(calls(fetch).filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/api/v1/applications/app-a/credentials/demo']);
    await userEvent.click(within(dialog).getByTestId('secret-close'));
    await waitFor(() => expect(screen.queryByTestId('secret-dialog')).toBeNull());
    await waitFor(() => expect(document.body.textContent).not.toContain(PASSWORD));
    expect(screen.queryByText(PASSWORD)).toBeNull();
  });

  it('rotating an existing credential asks first, then shows the new password', async () => {
    const fetch = backend();
    at();
    await userEvent.click(await screen.findByTestId('rotate-prod'));
    await userEvent.click(await screen.findByTestId('rotate-confirm'));
    const dialog = await screen.findByTestId('secret-dialog');
    expect(dialog).toHaveTextContent('The previous password has stopped working');
    expect(calls(fetch).filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/api/v1/applications/app-a/credentials/prod']);
  });

  it('shows the server error when the credential cannot be created', async () => {
    backend('viewer', { 'POST /api/v1/applications/app-a/credentials/demo': new Status(503, { error: { code: 'unavailable', message: 'cluster "demo" has no Kafka client for operations' } }) });
    at();
    await userEvent.click(await screen.findByTestId('rotate-demo'));
    expect(await screen.findByTestId('rotate-error')).toHaveTextContent('cluster "demo" has no Kafka client for operations');
    expect(screen.queryByTestId('secret-dialog')).toBeNull();
  });

  it('requests access for this application from its page', async () => {
    const fetch = backend('viewer', {
      'POST /api/v1/requests': (r: MockRequest) => new Status(201, req({ id: 12, kind: 'access', spec: r.body as never })),
    });
    at();
    await userEvent.click(await screen.findByTestId('ask-access'));
    const form = await screen.findByTestId('request-form');
    await userEvent.type(within(form).getByTestId('req-topic'), 'payments');
    await userEvent.click(within(within(form).getByTestId('req-access')).getByText('consume'));
    await userEvent.type(within(form).getByTestId('req-group'), 'app-a-readers');
    await userEvent.click(within(form).getByTestId('req-submit'));
    expect(await screen.findByTestId('request-filed')).toHaveTextContent('Request #12 filed');
    expect(calls(fetch).find((c) => c.method === 'POST')!.body).toEqual({ kind: 'access', cluster: 'demo', application: 'app-a', topic: 'payments', access: 'consume', group: 'app-a-readers' });
  });

  it('someone outside the team sees it without actions', async () => {
    backend('operator');
    at();
    await screen.findByTestId('app-title');
    expect(await screen.findByTestId('not-my-app')).toBeInTheDocument();
    expect(screen.queryByTestId('rotate-demo')).toBeNull();
    expect(screen.queryByTestId('ask-topic')).toBeNull();
  });

  it('shows a not-found error', async () => {
    backend('viewer', { '/api/v1/applications/app-a': new Status(404, { error: { code: 'not_found', message: 'application app-a: not found' } }) });
    at();
    expect(await screen.findByTestId('api-error')).toHaveTextContent('application app-a: not found');
  });

  it('shows the measured rates next to the quotas, with a progress bar and a throttled badge', async () => {
    backend('viewer', withRates([{ cluster: 'prod', measured: true, produce_bytes_per_sec: 10752, fetch_bytes_per_sec: 2048, produce_throttle_ms: 1300, fetch_throttle_ms: 0, producer_byte_rate: 65536, consumer_byte_rate: 131072 }]));
    at();
    const row = await screen.findByTestId('app-quota-row');
    const produce = within(row).getByTestId('rate-produce');
    expect(within(produce).getByTestId('rate-produce-text')).toHaveTextContent('10.5 KiB/s of 64 KiB/s quota');
    expect(within(produce).getByTestId('rate-throttled')).toHaveTextContent('throttled (1.3 s)');
    expect(within(produce).getByTestId('rate-produce-bar')).toBeInTheDocument();
    const consume = within(row).getByTestId('rate-consume');
    expect(within(consume).getByTestId('rate-consume-text')).toHaveTextContent('2 KiB/s of 128 KiB/s quota');
    expect(within(consume).queryByTestId('rate-throttled')).toBeNull();
    expect(screen.getByTestId('app-throttled')).toHaveTextContent('Throttled on prod');
    expect(screen.queryByTestId('rate-not-measured')).toBeNull();
  });

  it('says "not measured" when the brokers expose no quota sensors', async () => {
    backend('viewer', withRates([{ cluster: 'prod', measured: false, produce_bytes_per_sec: 0, fetch_bytes_per_sec: 0, produce_throttle_ms: 0, fetch_throttle_ms: 0, producer_byte_rate: 65536 }], [{ cluster: 'prod', values: { producer_byte_rate: 65536 } }]));
    at();
    const row = await screen.findByTestId('app-quota-row');
    expect(within(row).getAllByTestId('rate-not-measured')).toHaveLength(2);
    expect(within(row).getByTestId('rate-produce')).toHaveTextContent('64 KiB/s quota');
    expect(within(row).getByTestId('rate-consume')).toHaveTextContent('no quota');
    expect(screen.queryByTestId('rate-throttled')).toBeNull();
    expect(screen.queryByTestId('app-throttled')).toBeNull();
    expect(row.textContent).not.toContain(' of ');
  });

  it('deletes the application only once its name is retyped, saying its credentials and ACLs go', async () => {
    const fetch = backend('viewer', { 'DELETE /api/v1/applications/app-a': { deleted: 'app-a' } });
    at();
    await userEvent.click(await screen.findByTestId('app-delete'));
    const dialog = await screen.findByTestId('app-delete-dialog');
    expect(within(dialog).getByTestId('app-delete-warning')).toHaveTextContent('credentials (SCRAM users) and ACLs are removed from every cluster');
    const confirm = within(dialog).getByTestId('app-delete-confirm');
    expect(confirm).toBeDisabled();
    await userEvent.type(within(dialog).getByTestId('app-delete-confirm-name'), 'app-');
    expect(confirm).toBeDisabled();
    expect(calls(fetch).some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.type(within(dialog).getByTestId('app-delete-confirm-name'), 'a');
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);
    expect(await screen.findByTestId('apps-list-page')).toBeInTheDocument();
    expect(calls(fetch).filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/api/v1/applications/app-a']);
  });

  it('shows why the application could not be deleted', async () => {
    backend('viewer', { 'DELETE /api/v1/applications/app-a': new Status(503, { error: { code: 'unavailable', message: 'cluster "prod" is unreachable' } }) });
    at();
    await userEvent.click(await screen.findByTestId('app-delete'));
    await userEvent.type(await screen.findByTestId('app-delete-confirm-name'), 'app-a');
    await userEvent.click(screen.getByTestId('app-delete-confirm'));
    expect(await screen.findByTestId('app-delete-error')).toHaveTextContent('cluster "prod" is unreachable');
    expect(screen.queryByTestId('apps-list-page')).toBeNull();
  });

  it('shows discovery with a client properties snippet that has a placeholder, never a password', async () => {
    backend('viewer', { '/api/v1/discovery/app-a': discovery });
    at();
    const card = await screen.findByTestId('discovery-cluster');
    expect(within(card).getByTestId('discovery-bootstrap')).toHaveTextContent('k1:9093,k2:9093');
    expect(within(card).getByTestId('discovery-username')).toHaveTextContent('app-a');
    expect(within(card).getAllByTestId('discovery-topic').map((r) => r.textContent)).toEqual(['ordersownerproduce', 'paymentsconsumeapp-a-readers']);
    const snippet = within(card).getByTestId('discovery-snippet').textContent!;
    expect(snippet).toContain('bootstrap.servers=k1:9093,k2:9093');
    expect(snippet).toContain('security.protocol=SASL_SSL');
    expect(snippet).toContain('sasl.mechanism=SCRAM-SHA-512');
    expect(snippet).toContain('sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="app-a" password="<password>";');
    expect(snippet.match(/password="([^"]*)"/)![1]).toBe('<password>');
    expect(within(card).getByTestId('discovery-copy')).toBeInTheDocument();
    expect(document.body.textContent).not.toContain(PASSWORD);
  });

  it('someone outside the team without the Kafka role sees neither discovery nor delete', async () => {
    const fetch = backend('viewer', { '/api/v1/applications': { applications: [appRow('app-a', 'team-a', false)], teams: ['team-b'] } });
    at();
    expect(await screen.findByTestId('not-my-app')).toBeInTheDocument();
    expect(screen.queryByTestId('app-delete')).toBeNull();
    expect(screen.queryByTestId('discovery')).toBeNull();
    expect(calls(fetch).some((c) => c.path.startsWith('/api/v1/discovery'))).toBe(false);
  });
});
