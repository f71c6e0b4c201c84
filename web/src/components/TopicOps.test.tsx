import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AddPartitionsPlan, CreateTopicPlan } from '../api/types';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { AddPartitionsForm, CreateTopicForm, KEYED_WARNING, topicSpec } from './TopicOps';

afterEach(() => vi.unstubAllGlobals());

const brokers = {
  controller_id: 0,
  brokers: [0, 1, 2].map((id) => ({ id, host: '127.0.0.1', port: 9092 + id, rack: 'r' + id, reachable: true })),
};

function plan(dry: boolean, body: Record<string, unknown>): CreateTopicPlan {
  return {
    topic: String(body.name),
    dry_run: dry,
    partitions: Number(body.partitions ?? 1),
    replication_factor: Number(body.replication_factor ?? 1),
    placement: body.brokers ? 'brokers' : 'kafka',
    brokers: body.brokers as number[] | undefined,
    assignment: body.brokers
      ? [
          { partition: 0, replicas: [2, 0], racks: ['r2', 'r0'] },
          { partition: 1, replicas: [0, 2], racks: ['r0', 'r2'] },
        ]
      : undefined,
    configs: (body.configs as Record<string, string>) ?? {},
    summary: `${dry ? 'would create' : 'created'} topic "${body.name}"`,
    warnings: body.brokers ? ['only 2 brokers: losing one leaves a single replica'] : undefined,
  };
}

const topicRoutes = {
  '/api/v1/clusters/demo/brokers': brokers,
  'POST /api/v1/clusters/demo/topics': (r: MockRequest) => {
    const b = r.body as Record<string, unknown>;
    return b.dry_run ? plan(true, b) : new Status(201, plan(false, b));
  },
};

const type = async (el: HTMLElement, text: string) => {
  await userEvent.clear(el);
  await userEvent.type(el, text);
};

describe('topicSpec', () => {
  it('leaves out what is not given and checks the rest', () => {
    expect(topicSpec({ name: ' t ', partitions: '', rf: '', configs: [], brokers: [] })).toEqual({ name: 't' });
    expect(
      topicSpec({ name: 't', partitions: 6, rf: 3, configs: [{ name: 'a', value: '1' }, { name: '', value: '' }], brokers: ['2', '0'] }),
    ).toEqual({ name: 't', partitions: 6, replication_factor: 3, configs: { a: '1' }, brokers: [0, 2] });
    expect(topicSpec({ name: '', partitions: 1, rf: 1, configs: [], brokers: [] })).toMatch(/name/);
    expect(topicSpec({ name: 't', partitions: 0, rf: 1, configs: [], brokers: [] })).toMatch(/Partitions/);
    expect(topicSpec({ name: 't', partitions: 1, rf: 1, configs: [{ name: '', value: 'x' }], brokers: [] })).toMatch(/key/);
    expect(topicSpec({ name: 't', partitions: 1, rf: 1, configs: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }], brokers: [] })).toMatch(/twice/);
  });
});

describe('CreateTopicForm', () => {
  it('previews (dry run) with the exact body, shows the plan, then creates with the same body', async () => {
    const fetch = mockApi(topicRoutes);
    const onCreated = vi.fn();
    renderAt(<CreateTopicForm cluster="demo" onCreated={onCreated} />);
    expect(screen.getByTestId('topic-create')).toBeDisabled();
    await type(screen.getByTestId('topic-name'), 'audit-events');
    await type(screen.getByTestId('topic-partitions'), '2');
    await type(screen.getByTestId('topic-rf'), '2');
    await userEvent.click(screen.getByTestId('add-config'));
    await type(screen.getByTestId('config-key'), 'retention.ms');
    await type(screen.getByTestId('config-value'), '3600000');
    await userEvent.click(screen.getByTestId('add-config'));
    await type(screen.getAllByTestId('config-key')[1], 'cleanup.policy');
    await type(screen.getAllByTestId('config-value')[1], 'compact');
    await userEvent.click(screen.getByTestId('topic-preview'));
    const planEl = await screen.findByTestId('create-topic-plan');
    expect(planEl).toHaveTextContent('would create topic "audit-events"');
    expect(screen.getByTestId('plan-partitions')).toHaveTextContent('2');
    expect(screen.getByTestId('plan-rf')).toHaveTextContent('2');
    expect(screen.getByTestId('plan-configs')).toHaveTextContent('retention.ms=3600000');
    expect(onCreated).not.toHaveBeenCalled();
    const posts = () => calls(fetch).filter((c) => c.method === 'POST');
    expect(posts()).toHaveLength(1);
    expect(posts()[0].path).toBe('/api/v1/clusters/demo/topics');
    const body = { name: 'audit-events', partitions: 2, replication_factor: 2, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } };
    expect(posts()[0].body).toEqual({ ...body, dry_run: true });
    await userEvent.click(screen.getByTestId('topic-create'));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(posts()).toHaveLength(2);
    expect(posts()[1].body).toEqual({ ...body, dry_run: false });
    expect(onCreated.mock.calls[0][0]).toMatchObject({ topic: 'audit-events', dry_run: false });
  });

  it('sends the broker set and shows the assignment and warnings of the plan', async () => {
    const fetch = mockApi(topicRoutes);
    renderAt(<CreateTopicForm cluster="demo" onCreated={vi.fn()} />);
    await type(screen.getByTestId('topic-name'), 't2');
    await type(screen.getByTestId('topic-rf'), '2');
    // The broker set comes from the cluster's brokers.
    await waitFor(() => expect(calls(fetch).some((c) => c.path === '/api/v1/clusters/demo/brokers')).toBe(true));
    await userEvent.click(screen.getByTestId('topic-brokers'));
    await userEvent.click(await screen.findByRole('option', { name: '2 (rack r2)', hidden: true }));
    await userEvent.click(screen.getByRole('option', { name: '0 (rack r0)', hidden: true }));
    await userEvent.click(screen.getByTestId('topic-preview'));
    await screen.findByTestId('plan-assignment');
    expect(screen.getByTestId('plan-warnings')).toHaveTextContent('only 2 brokers');
    expect(calls(fetch).find((c) => c.method === 'POST')!.body).toEqual({ name: 't2', partitions: 3, replication_factor: 2, brokers: [0, 2], dry_run: true });
  });

  it('offers Create only for what was previewed: a change needs a new preview', async () => {
    mockApi(topicRoutes);
    renderAt(<CreateTopicForm cluster="demo" onCreated={vi.fn()} />);
    await type(screen.getByTestId('topic-name'), 'a');
    await userEvent.click(screen.getByTestId('topic-preview'));
    await screen.findByTestId('create-topic-plan');
    expect(screen.getByTestId('topic-create')).toBeEnabled();
    await userEvent.type(screen.getByTestId('topic-name'), 'b');
    expect(screen.queryByTestId('create-topic-plan')).toBeNull();
    expect(screen.getByTestId('topic-create')).toBeDisabled();
  });

  it("shows the API's error in the form (dry run and create)", async () => {
    let n = 0;
    mockApi({
      ...topicRoutes,
      'POST /api/v1/clusters/demo/topics': (r: MockRequest) => {
        n++;
        const b = r.body as Record<string, unknown>;
        if (n === 1) return new Status(400, { error: { code: 'bad_request', message: 'create topic "orders": replication factor 5 is more than the 3 brokers' } });
        if (b.dry_run) return plan(true, b);
        return new Status(409, { error: { code: 'conflict', message: 'create topic "orders": the topic already exists' } });
      },
    });
    const onCreated = vi.fn();
    renderAt(<CreateTopicForm cluster="demo" onCreated={onCreated} />);
    await type(screen.getByTestId('topic-name'), 'orders');
    await userEvent.click(screen.getByTestId('topic-preview'));
    expect(await screen.findByTestId('create-topic-error')).toHaveTextContent('replication factor 5 is more than the 3 brokers');
    expect(screen.getByTestId('topic-create')).toBeDisabled();
    await userEvent.click(screen.getByTestId('topic-preview'));
    await screen.findByTestId('create-topic-plan');
    expect(screen.queryByTestId('create-topic-error')).toBeNull();
    await userEvent.click(screen.getByTestId('topic-create'));
    expect(await screen.findByTestId('create-topic-error')).toHaveTextContent('the topic already exists');
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('checks the form before asking the API', async () => {
    const fetch = mockApi(topicRoutes);
    renderAt(<CreateTopicForm cluster="demo" onCreated={vi.fn()} />);
    await userEvent.click(screen.getByTestId('topic-preview'));
    expect(screen.getByTestId('create-topic-error')).toHaveTextContent('Give the topic a name.');
    expect(calls(fetch).filter((c) => c.method === 'POST')).toHaveLength(0);
  });
});

const addPlan = (dry: boolean, to: number): AddPartitionsPlan => ({
  topic: 'orders',
  dry_run: dry,
  from: 6,
  to,
  summary: `${dry ? 'would grow' : 'grew'} topic "orders" from 6 to ${to} partitions`,
  warnings: ['keys hash to new partitions: per-key order breaks across the change'],
});

describe('AddPartitionsForm', () => {
  it('warns about keyed data up front, previews then applies the new total', async () => {
    const fetch = mockApi({
      'POST /api/v1/clusters/demo/topics/orders/partitions': (r: MockRequest) => {
        const b = r.body as { count: number; dry_run: boolean };
        return addPlan(b.dry_run, b.count);
      },
    });
    const onDone = vi.fn();
    renderAt(<AddPartitionsForm cluster="demo" topic="orders" current={6} onDone={onDone} />);
    expect(screen.getByTestId('keyed-warning')).toHaveTextContent(KEYED_WARNING);
    expect(screen.getByTestId('partition-count')).toHaveValue('7');
    expect(screen.getByTestId('partitions-apply')).toBeDisabled();
    await type(screen.getByTestId('partition-count'), '8');
    await userEvent.click(screen.getByTestId('partitions-preview'));
    expect(await screen.findByTestId('add-partitions-plan')).toHaveTextContent('would grow topic "orders" from 6 to 8');
    expect(screen.getByTestId('plan-from-to')).toHaveTextContent('6 → 8');
    expect(screen.getByTestId('plan-warnings')).toHaveTextContent('keys hash to new partitions');
    await userEvent.click(screen.getByTestId('partitions-apply'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls(fetch).map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', '/api/v1/clusters/demo/topics/orders/partitions', { count: 8, dry_run: true }],
      ['POST', '/api/v1/clusters/demo/topics/orders/partitions', { count: 8, dry_run: false }],
    ]);
  });

  it('refuses fewer partitions before asking, and shows the API error', async () => {
    const fetch = mockApi({
      'POST /api/v1/clusters/demo/topics/orders/partitions': new Status(400, {
        error: { code: 'bad_request', message: 'add partitions to "orders": 9000 partitions is more than the 1000 Gregor grows a topic to' },
      }),
    });
    renderAt(<AddPartitionsForm cluster="demo" topic="orders" current={6} onDone={vi.fn()} />);
    await type(screen.getByTestId('partition-count'), '6');
    await userEvent.click(screen.getByTestId('partitions-preview'));
    expect(screen.getByTestId('add-partitions-error')).toHaveTextContent('orders has 6 partitions');
    expect(fetch).not.toHaveBeenCalled();
    await type(screen.getByTestId('partition-count'), '9000');
    await userEvent.click(screen.getByTestId('partitions-preview'));
    expect(await screen.findByTestId('add-partitions-error')).toHaveTextContent('9000 partitions is more than the 1000');
    expect(screen.getByTestId('partitions-apply')).toBeDisabled();
  });
});
