import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlterConfigsPlan, DeleteTopicPlan, PurgePlan, PurgeRequest, TopicConfigChanges } from '../api/types';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { configChanges, DeleteTopicForm, EditConfigsForm, purgeRequest, PurgeForm } from './TopicAdmin';

afterEach(() => vi.unstubAllGlobals());

const TOPIC = '/api/v1/clusters/demo/topics/orders';

const deletePlan = (dry: boolean): DeleteTopicPlan => ({
  topic: 'orders',
  id: 'abc',
  dry_run: dry,
  partitions: 6,
  replication_factor: 3,
  size_bytes: 2048,
  replica_bytes: 6144,
  messages: 1234,
  groups: [{ id: 'order-service', state: 'Stable', members: 2 }],
  summary: dry ? 'would delete topic "orders": 6 partitions, 1,234 messages' : 'deleted topic "orders"',
  warnings: ['group "order-service" has 2 active members consuming "orders"'],
});

describe('DeleteTopicForm', () => {
  it('shows the dry run first, enables Delete only once the name is retyped, then deletes with ?confirm=', async () => {
    const fetch = mockApi({ [`DELETE ${TOPIC}`]: (r: MockRequest) => deletePlan(r.query.get('dry_run') === 'true') });
    const onDeleted = vi.fn();
    renderAt(<DeleteTopicForm cluster="demo" topic="orders" onDeleted={onDeleted} />);
    const plan = await screen.findByTestId('delete-topic-plan');
    expect(plan).toHaveTextContent('would delete topic "orders"');
    expect(plan).toHaveTextContent('order-service (Stable, 2 members)');
    expect(screen.getByTestId('delete-topic-messages')).toHaveTextContent('1,234');
    expect(screen.getByTestId('delete-topic-warnings')).toHaveTextContent('2 active members');
    const submit = screen.getByTestId('delete-topic-submit');
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByTestId('delete-topic-confirm'), 'order');
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByTestId('delete-topic-confirm'), 'sX');
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByTestId('delete-topic-confirm'), '{backspace}');
    expect(submit).toBeEnabled();
    expect(onDeleted).not.toHaveBeenCalled();
    await userEvent.click(submit);
    await waitFor(() => expect(onDeleted).toHaveBeenCalled());
    expect(calls(fetch).map((c) => [c.method, c.path, c.query.toString()])).toEqual([
      ['DELETE', TOPIC, 'dry_run=true'],
      ['DELETE', TOPIC, 'confirm=orders'],
    ]);
    expect(onDeleted.mock.calls[0][0]).toMatchObject({ dry_run: false });
  });

  it("shows the server's error when the delete is refused", async () => {
    mockApi({
      [`DELETE ${TOPIC}`]: (r: MockRequest) =>
        r.query.get('dry_run') === 'true' ? deletePlan(true) : new Status(403, { error: { code: 'forbidden', message: 'deleting a topic needs the admin role' } }),
    });
    const onDeleted = vi.fn();
    renderAt(<DeleteTopicForm cluster="demo" topic="orders" onDeleted={onDeleted} />);
    await screen.findByTestId('delete-topic-plan');
    await userEvent.type(screen.getByTestId('delete-topic-confirm'), 'orders');
    await userEvent.click(screen.getByTestId('delete-topic-submit'));
    expect(await screen.findByTestId('delete-topic-error')).toHaveTextContent('deleting a topic needs the admin role');
    expect(onDeleted).not.toHaveBeenCalled();
  });

  it('shows a failed dry run and offers no Delete', async () => {
    mockApi({ [`DELETE ${TOPIC}`]: new Status(400, { error: { code: 'bad_request', message: "Kafka's internal topics cannot be deleted" } }) });
    renderAt(<DeleteTopicForm cluster="demo" topic="orders" onDeleted={vi.fn()} />);
    expect(await screen.findByTestId('delete-topic-dry-run-error')).toHaveTextContent('internal topics cannot be deleted');
    await userEvent.type(screen.getByTestId('delete-topic-confirm'), 'orders');
    expect(screen.getByTestId('delete-topic-submit')).toBeDisabled();
  });
});

const configPlan = (b: TopicConfigChanges): AlterConfigsPlan => ({
  topic: 'orders',
  dry_run: b.dry_run,
  changes: [
    ...Object.entries(b.set ?? {}).map(([key, v]) => ({ key, op: 'set' as const, old: '604800000', old_source: 'dynamic_topic', new: v, new_source: 'dynamic_topic', changed: true })),
    ...(b.delete ?? []).map((key) => ({ key, op: 'delete' as const, old: 'compact', old_source: 'dynamic_topic', new: 'delete', new_source: 'default', changed: true })),
  ],
  summary: b.dry_run ? 'would change 2 configs of "orders"' : 'changed 2 configs of "orders"',
});

describe('configChanges', () => {
  it('builds set and delete, and says what is wrong', () => {
    expect(configChanges([{ name: ' retention.ms ', op: 'set', value: '1000' }, { name: 'cleanup.policy', op: 'delete', value: '' }])).toEqual({ set: { 'retention.ms': '1000' }, delete: ['cleanup.policy'] });
    expect(configChanges([{ name: '', op: 'set', value: '' }])).toMatch(/Add a config/);
    expect(configChanges([{ name: '', op: 'set', value: '5' }])).toMatch(/needs a config key/);
    expect(configChanges([{ name: 'a', op: 'set', value: '1' }, { name: 'a', op: 'delete', value: '' }])).toMatch(/changed twice/);
  });
});

describe('EditConfigsForm', () => {
  it('previews the change Kafka validated (old -> new), then applies the same body', async () => {
    const fetch = mockApi({ [`PATCH ${TOPIC}/configs`]: (r: MockRequest) => configPlan(r.body as TopicConfigChanges) });
    const onDone = vi.fn();
    renderAt(<EditConfigsForm cluster="demo" topic="orders" configs={{ 'retention.ms': { value: '604800000', source: 'dynamic_topic' } }} onDone={onDone} />);
    expect(screen.getByTestId('configs-apply')).toBeDisabled();
    await userEvent.type(screen.getAllByTestId('config-edit-key')[0], 'retention.ms');
    await userEvent.type(screen.getByLabelText('Config 1 value'), '3600000');
    await userEvent.click(screen.getByTestId('config-edit-add'));
    await userEvent.type(screen.getAllByTestId('config-edit-key')[1], 'cleanup.policy');
    const ops = screen.getAllByTestId('config-edit-op');
    await userEvent.click(within(ops[1]).getByText('Reset'));
    await userEvent.click(screen.getByTestId('configs-preview'));
    const plan = await screen.findByTestId('config-plan');
    expect(plan).toHaveTextContent('Dry run (validated by Kafka, nothing changed yet)');
    const rows = within(plan).getAllByTestId('config-change');
    expect(rows[0]).toHaveTextContent('retention.ms');
    expect(rows[0]).toHaveTextContent('604800000 (dynamic topic)');
    expect(rows[0]).toHaveTextContent('→ 3600000');
    expect(rows[1]).toHaveTextContent('reset');
    expect(rows[1]).toHaveTextContent('compact (dynamic topic)→ delete (default)');
    expect(onDone).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId('configs-apply'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls(fetch).map((c) => [c.method, c.path, c.body])).toEqual([
      ['PATCH', `${TOPIC}/configs`, { set: { 'retention.ms': '3600000' }, delete: ['cleanup.policy'], dry_run: true }],
      ['PATCH', `${TOPIC}/configs`, { set: { 'retention.ms': '3600000' }, delete: ['cleanup.policy'], dry_run: false }],
    ]);
  });

  it("shows Kafka's refusal of the dry run and offers no Apply", async () => {
    mockApi({ [`PATCH ${TOPIC}/configs`]: new Status(400, { error: { code: 'bad_request', message: 'invalid config: Unknown topic config name: retention.msx' } }) });
    renderAt(<EditConfigsForm cluster="demo" topic="orders" configs={{}} onDone={vi.fn()} />);
    await userEvent.type(screen.getAllByTestId('config-edit-key')[0], 'retention.msx');
    await userEvent.type(screen.getByLabelText('Config 1 value'), '1');
    await userEvent.click(screen.getByTestId('configs-preview'));
    expect(await screen.findByTestId('edit-configs-error')).toHaveTextContent('Unknown topic config name: retention.msx');
    expect(screen.getByTestId('configs-apply')).toBeDisabled();
  });
});

const purgePlan = (b: PurgeRequest): PurgePlan => ({
  topic: 'orders',
  dry_run: b.dry_run,
  before: 'offset 10',
  partitions: [
    { partition: 0, start_offset: 0, new_start_offset: 10, end_offset: 40, removed: 10 },
    { partition: 2, start_offset: 4, new_start_offset: 10, end_offset: 12, removed: 6 },
  ],
  removed: 16,
  summary: b.dry_run ? 'would delete 16 records of "orders"' : 'deleted 16 records of "orders"',
  warnings: ['group "order-service" has committed offsets before the new start on 1 partition'],
});

describe('purgeRequest', () => {
  it('builds each mode', () => {
    expect(purgeRequest({ mode: 'all', offset: '', time: '', partitions: [] })).toEqual({ before_offset: -1 });
    expect(purgeRequest({ mode: 'offset', offset: 10, time: '', partitions: ['2', '0'] })).toEqual({ before_offset: 10, partitions: [0, 2] });
    const local = '2026-01-01T12:30';
    expect(purgeRequest({ mode: 'time', offset: '', time: local, partitions: [] })).toEqual({ before_time: new Date(local).toISOString() });
    expect(purgeRequest({ mode: 'offset', offset: '', time: '', partitions: [] })).toMatch(/offset/);
    expect(purgeRequest({ mode: 'time', offset: '', time: '', partitions: [] })).toMatch(/time/);
  });
});

describe('PurgeForm', () => {
  it('previews the records to delete per partition, then purges with the same body', async () => {
    const fetch = mockApi({ [`POST ${TOPIC}/purge`]: (r: MockRequest) => purgePlan(r.body as PurgeRequest) });
    const onDone = vi.fn();
    renderAt(<PurgeForm cluster="demo" topic="orders" partitions={[0, 1, 2]} onDone={onDone} />);
    expect(screen.getByTestId('purge-apply')).toBeDisabled();
    await userEvent.click(screen.getByTestId('purge-preview'));
    expect(screen.getByTestId('purge-error')).toHaveTextContent('Give the offset');
    expect(fetch).not.toHaveBeenCalled();
    await userEvent.type(screen.getByTestId('purge-offset'), '10');
    await userEvent.click(screen.getByTestId('purge-preview'));
    const plan = await screen.findByTestId('purge-plan');
    expect(plan).toHaveTextContent('Dry run, nothing deleted yet');
    expect(screen.getByTestId('purge-total')).toHaveTextContent('16 records to delete');
    const rows = within(plan).getAllByTestId('purge-row');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent('4 → 10');
    expect(rows[1]).toHaveTextContent('6');
    expect(within(plan).getByTestId('plan-warnings')).toHaveTextContent('order-service');
    expect(onDone).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId('purge-apply'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls(fetch).map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', `${TOPIC}/purge`, { before_offset: 10, dry_run: true }],
      ['POST', `${TOPIC}/purge`, { before_offset: 10, dry_run: false }],
    ]);
  });

  it('purges everything (-1) and shows an error of the apply', async () => {
    const fetch = mockApi({
      [`POST ${TOPIC}/purge`]: (r: MockRequest) =>
        (r.body as PurgeRequest).dry_run ? purgePlan(r.body as PurgeRequest) : new Status(400, { error: { code: 'bad_request', message: 'a compacted topic cannot be purged' } }),
    });
    renderAt(<PurgeForm cluster="demo" topic="orders" partitions={[0]} onDone={vi.fn()} />);
    await userEvent.click(screen.getByText('Everything'));
    await userEvent.click(screen.getByTestId('purge-preview'));
    await screen.findByTestId('purge-plan');
    await userEvent.click(screen.getByTestId('purge-apply'));
    expect(await screen.findByTestId('purge-error')).toHaveTextContent('a compacted topic cannot be purged');
    expect(calls(fetch)[0].body).toEqual({ before_offset: -1, dry_run: true });
  });
});
