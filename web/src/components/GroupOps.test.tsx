import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GroupDeletion, ResetOffsetsRequest, ResetPlan } from '../api/types';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { applyBlocked, DeleteGroupForm, DeleteOffsetsForm, resetRequest, ResetOffsetsForm } from './GroupOps';

afterEach(() => vi.unstubAllGlobals());

// As the demo answers for billing (no members).
function billingPlan(req: ResetOffsetsRequest, members = 0): ResetPlan {
  return {
    group: 'billing',
    to: req.to,
    dry_run: req.dry_run,
    active_members: members,
    warning: members ? `the group "billing" has ${members} active member; stop its consumers first` : undefined,
    partitions: [
      { topic: 'payments', partition: 0, old_offset: 0, new_offset: 0, log_start: 0, log_end: 7, lag_before: 7, lag_after: 7 },
      { topic: 'payments', partition: 1, old_offset: 30, new_offset: 25, log_start: 0, log_end: 40, lag_before: 10, lag_after: 15 },
      { topic: 'payments', partition: 2, old_offset: null, new_offset: 0, log_start: 0, log_end: 3, lag_before: null, lag_after: 3, clamped: true },
    ],
    lag_before: 17,
    lag_after: 25,
    applied: !req.dry_run,
  };
}

const RESET = 'POST /api/v1/clusters/demo/groups/billing/offsets/reset';

describe('resetRequest', () => {
  const base = { mode: 'earliest' as const, timestamp: '', offset: '', shift: '', topics: ['payments'] };
  it('builds the body of each mode', () => {
    expect(resetRequest(base)).toEqual({ to: 'earliest', topics: ['payments'] });
    expect(resetRequest({ ...base, mode: 'latest', topics: ['b', 'a'] })).toEqual({ to: 'latest', topics: ['a', 'b'] });
    expect(resetRequest({ ...base, mode: 'offset', offset: 12 })).toEqual({ to: 'offset', offset: 12, topics: ['payments'] });
    expect(resetRequest({ ...base, mode: 'shift', shift: -5 })).toEqual({ to: 'shift', shift: -5, topics: ['payments'] });
    const local = '2026-01-01T12:30';
    expect(resetRequest({ ...base, mode: 'timestamp', timestamp: local })).toEqual({ to: 'timestamp', timestamp: new Date(local).toISOString(), topics: ['payments'] });
  });
  it('says what is missing', () => {
    expect(resetRequest({ ...base, topics: [] })).toMatch(/topic/);
    expect(resetRequest({ ...base, mode: 'offset' })).toMatch(/offset/);
    expect(resetRequest({ ...base, mode: 'shift', shift: 0 })).toMatch(/shift/);
    expect(resetRequest({ ...base, mode: 'timestamp' })).toMatch(/time/);
  });
  it('blocks Apply while the group has members', () => {
    expect(applyBlocked(billingPlan({ to: 'earliest', dry_run: true }, 1))).toMatch(/1 active member/);
    expect(applyBlocked(billingPlan({ to: 'earliest', dry_run: true }))).toBeNull();
    expect(applyBlocked({ ...billingPlan({ to: 'earliest', dry_run: true }), partitions: [] })).toMatch(/Nothing to reset/);
  });
});

describe('ResetOffsetsForm', () => {
  it('previews with the exact body, shows old -> new and lag before -> after, then applies the same', async () => {
    const fetch = mockApi({ [RESET]: (r: MockRequest) => billingPlan(r.body as ResetOffsetsRequest) });
    const onApplied = vi.fn();
    renderAt(<ResetOffsetsForm cluster="demo" group="billing" topics={['payments', 'refunds']} onApplied={onApplied} />);
    expect(screen.getByTestId('reset-apply')).toBeDisabled();
    await userEvent.click(screen.getByLabelText('Shift'));
    await userEvent.type(screen.getByTestId('reset-shift'), '-5');
    await userEvent.click(screen.getByLabelText('refunds'));
    await userEvent.click(screen.getByTestId('reset-preview'));
    const table = await screen.findByTestId('reset-plan-table');
    const rows = within(table).getAllByTestId('reset-row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('30 → 25');
    expect(rows[1]).toHaveTextContent('10 → 15');
    expect(rows[2]).toHaveTextContent('no commit → 0');
    expect(rows[2]).toHaveTextContent('clamped');
    expect(rows[2]).toHaveTextContent('— → 3');
    expect(screen.getByTestId('reset-lag-total')).toHaveTextContent('Lag 17 → 25');
    expect(screen.getByTestId('reset-plan')).toHaveTextContent('nothing changed yet');
    expect(onApplied).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId('reset-apply'));
    await waitFor(() => expect(onApplied).toHaveBeenCalled());
    expect(calls(fetch).map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', '/api/v1/clusters/demo/groups/billing/offsets/reset', { to: 'shift', shift: -5, topics: ['payments'], dry_run: true }],
      ['POST', '/api/v1/clusters/demo/groups/billing/offsets/reset', { to: 'shift', shift: -5, topics: ['payments'], dry_run: false }],
    ]);
    expect(onApplied.mock.calls[0][0]).toMatchObject({ applied: true });
  });

  it('disables Apply with the reason when the preview finds active members', async () => {
    const fetch = mockApi({ [RESET]: (r: MockRequest) => billingPlan(r.body as ResetOffsetsRequest, 1) });
    renderAt(<ResetOffsetsForm cluster="demo" group="billing" topics={['payments']} onApplied={vi.fn()} />);
    await userEvent.click(screen.getByTestId('reset-preview'));
    expect(await screen.findByTestId('apply-blocked')).toHaveTextContent('has 1 active member; stop its consumers first');
    expect(screen.getByTestId('reset-apply')).toBeDisabled();
    expect(calls(fetch)[0].body).toEqual({ to: 'earliest', topics: ['payments'], dry_run: true });
  });

  it("shows the API's 409 when it refuses to apply", async () => {
    mockApi({
      [RESET]: (r: MockRequest) => {
        const b = r.body as ResetOffsetsRequest;
        if (b.dry_run) return billingPlan(b);
        return new Status(409, { error: { code: 'conflict', message: 'the group "billing" has 1 active member; stop its consumers first' } });
      },
    });
    const onApplied = vi.fn();
    renderAt(<ResetOffsetsForm cluster="demo" group="billing" topics={['payments']} onApplied={onApplied} />);
    await userEvent.click(screen.getByLabelText('Latest'));
    await userEvent.click(screen.getByTestId('reset-preview'));
    await screen.findByTestId('reset-plan-table');
    await userEvent.click(screen.getByTestId('reset-apply'));
    expect(await screen.findByTestId('reset-error')).toHaveTextContent('has 1 active member; stop its consumers first');
    expect(onApplied).not.toHaveBeenCalled();
  });

  it('asks for the parameter before previewing, and a change hides the stale plan', async () => {
    const fetch = mockApi({ [RESET]: (r: MockRequest) => billingPlan(r.body as ResetOffsetsRequest) });
    renderAt(<ResetOffsetsForm cluster="demo" group="billing" topics={['payments']} onApplied={vi.fn()} />);
    await userEvent.click(screen.getByLabelText('Offset'));
    await userEvent.click(screen.getByTestId('reset-preview'));
    expect(screen.getByTestId('reset-error')).toHaveTextContent('Give the offset');
    expect(fetch).not.toHaveBeenCalled();
    await userEvent.type(screen.getByTestId('reset-offset'), '5');
    await userEvent.click(screen.getByTestId('reset-preview'));
    await screen.findByTestId('reset-plan-table');
    expect(calls(fetch)[0].body).toEqual({ to: 'offset', offset: 5, topics: ['payments'], dry_run: true });
    await userEvent.type(screen.getByTestId('reset-offset'), '0');
    expect(screen.queryByTestId('reset-plan-table')).toBeNull();
    expect(screen.getByTestId('reset-apply')).toBeDisabled();
  });
});

const deletion = (members = 0): GroupDeletion => ({
  group: 'billing',
  dry_run: true,
  state: members ? 'Stable' : 'Empty',
  active_members: members,
  warning: members ? 'the group "billing" has 1 active member; stop its consumers first' : undefined,
  offsets: [
    { topic: 'payments', partition: 0, offset: 0 },
    { topic: 'payments', partition: 1, offset: 30 },
  ],
  deleted: false,
});

describe('DeleteGroupForm', () => {
  it('shows the dry run, wants the name typed, then deletes', async () => {
    const fetch = mockApi({
      'DELETE /api/v1/clusters/demo/groups/billing': (r: MockRequest) =>
        r.query.get('dry_run') === 'true' ? deletion() : { ...deletion(), dry_run: false, deleted: true },
    });
    const onDeleted = vi.fn();
    renderAt(<DeleteGroupForm cluster="demo" group="billing" onDeleted={onDeleted} />);
    expect(await screen.findByTestId('delete-group-plan')).toHaveTextContent('removes 2 committed offsets on payments (2)');
    const submit = screen.getByTestId('delete-group-submit');
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByTestId('delete-group-confirm'), 'billin');
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByTestId('delete-group-confirm'), 'g');
    expect(submit).toBeEnabled();
    await userEvent.click(submit);
    await waitFor(() => expect(onDeleted).toHaveBeenCalled());
    expect(calls(fetch).map((c) => [c.method, c.path, c.query.toString()])).toEqual([
      ['DELETE', '/api/v1/clusters/demo/groups/billing', 'dry_run=true'],
      ['DELETE', '/api/v1/clusters/demo/groups/billing', ''],
    ]);
  });

  it('refuses while the group has members, and shows API errors', async () => {
    mockApi({ 'DELETE /api/v1/clusters/demo/groups/billing': deletion(1) });
    renderAt(<DeleteGroupForm cluster="demo" group="billing" onDeleted={vi.fn()} />);
    expect(await screen.findByTestId('delete-group-blocked')).toHaveTextContent('stop its consumers first');
    await userEvent.type(screen.getByTestId('delete-group-confirm'), 'billing');
    expect(screen.getByTestId('delete-group-submit')).toBeDisabled();
  });

  it('shows the error of a failed delete', async () => {
    mockApi({
      'DELETE /api/v1/clusters/demo/groups/billing': (r: MockRequest) =>
        r.query.get('dry_run') === 'true' ? deletion() : new Status(409, { error: { code: 'conflict', message: 'the group "billing" has 1 active member; stop its consumers first' } }),
    });
    const onDeleted = vi.fn();
    renderAt(<DeleteGroupForm cluster="demo" group="billing" onDeleted={onDeleted} />);
    await screen.findByTestId('delete-group-plan');
    await userEvent.type(screen.getByTestId('delete-group-confirm'), 'billing');
    await userEvent.click(screen.getByTestId('delete-group-submit'));
    expect(await screen.findByTestId('delete-group-error')).toHaveTextContent('has 1 active member');
    expect(onDeleted).not.toHaveBeenCalled();
  });
});

describe('DeleteOffsetsForm', () => {
  const OFFSETS = 'DELETE /api/v1/clusters/demo/groups/billing/offsets';
  const deletion = (r: MockRequest) => ({
    group: 'billing',
    topic: r.query.get('topic'),
    dry_run: r.query.get('dry_run') === 'true',
    offsets: [
      { topic: 'payments', partition: 0, offset: 0 },
      { topic: 'payments', partition: 1, offset: 30 },
    ],
    deleted: r.query.get('dry_run') !== 'true',
  });

  it('wants a topic, previews the offsets that go, then deletes them', async () => {
    const fetch = mockApi({ [OFFSETS]: deletion });
    const onDeleted = vi.fn();
    renderAt(<DeleteOffsetsForm cluster="demo" group="billing" topics={['payments', 'refunds']} onDeleted={onDeleted} />);
    expect(screen.getByTestId('delete-offsets-submit')).toBeDisabled();
    await userEvent.click(screen.getByTestId('delete-offsets-preview'));
    expect(screen.getByTestId('delete-offsets-error')).toHaveTextContent('Pick the topic');
    expect(fetch).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId('delete-offsets-topic'));
    await userEvent.click(await screen.findByRole('option', { name: 'payments', hidden: true }));
    await userEvent.click(screen.getByTestId('delete-offsets-preview'));
    expect(await screen.findByTestId('delete-offsets-plan')).toHaveTextContent('deletes 2 committed offsets of billing on payments; nothing changed yet');
    expect(screen.getAllByTestId('delete-offsets-row')).toHaveLength(2);
    expect(onDeleted).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId('delete-offsets-submit'));
    await waitFor(() => expect(onDeleted).toHaveBeenCalled());
    expect(calls(fetch).map((c) => [c.method, c.path, c.query.toString()])).toEqual([
      ['DELETE', '/api/v1/clusters/demo/groups/billing/offsets', 'topic=payments&dry_run=true'],
      ['DELETE', '/api/v1/clusters/demo/groups/billing/offsets', 'topic=payments'],
    ]);
  });

  it("shows the server's refusal", async () => {
    mockApi({
      [OFFSETS]: (r: MockRequest) =>
        r.query.get('dry_run') === 'true' ? deletion(r) : new Status(409, { error: { code: 'conflict', message: 'members of the group "billing" are subscribed to "payments"' } }),
    });
    const onDeleted = vi.fn();
    renderAt(<DeleteOffsetsForm cluster="demo" group="billing" topics={['payments']} onDeleted={onDeleted} />);
    await userEvent.click(screen.getByTestId('delete-offsets-preview'));
    await screen.findByTestId('delete-offsets-plan');
    await userEvent.click(screen.getByTestId('delete-offsets-submit'));
    expect(await screen.findByTestId('delete-offsets-error')).toHaveTextContent('are subscribed to "payments"');
    expect(onDeleted).not.toHaveBeenCalled();
  });
});
