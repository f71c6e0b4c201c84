import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { billingFinding, clusterFinding, diskFinding } from '../test/fixtures';
import { calls, mockApi } from '../test/mockApi';
import { renderAt } from '../test/render';
import { EntityFindings, entityPath, evidenceText, FindingItem, FindingList, parseEntityKey, severityRank } from './Findings';

afterEach(() => vi.unstubAllGlobals());

describe('evidence', () => {
  it('reads name = value unit (threshold)', () => {
    expect(evidenceText({ name: 'used_ratio', value: 1, threshold: 0.8, unit: 'ratio' })).toBe('used_ratio = 100% (threshold 80%)');
    expect(evidenceText({ name: 'used_bytes', value: 58560, unit: 'bytes' })).toBe('used_bytes = 57.2 KiB');
    expect(evidenceText({ name: 'lag_seconds', value: 95, threshold: 60, unit: 'seconds' })).toBe('lag_seconds = 1m 35s (threshold 1m)');
    expect(evidenceText({ name: 'lag_messages', value: 1234, unit: 'messages' })).toBe('lag_messages = 1,234 messages');
    expect(evidenceText({ name: 'topics', value: 5, unit: 'count' })).toBe('topics = 5');
    expect(evidenceText({ name: 'rate', value: 0.5, unit: 'messages/s' })).toBe('rate = 0.5 msg/s');
    expect(evidenceText({ name: 'status', value: 0, text: 'STOP: no member' })).toBe('status: STOP: no member');
    expect(evidenceText({ name: 'zero', value: 0, threshold: 0 })).toBe('zero = 0 (threshold 0)');
  });
});

describe('entities', () => {
  it('parse from alert labels and link to their page', () => {
    expect(parseEntityKey('group:demo/billing')).toEqual({ kind: 'group', cluster: 'demo', name: 'billing' });
    expect(parseEntityKey('topic:demo/a/b')).toEqual({ kind: 'topic', cluster: 'demo', name: 'a/b' });
    expect(parseEntityKey('cluster:demo')).toEqual({ kind: 'cluster', cluster: 'demo' });
    expect(parseEntityKey('bogus')).toBeNull();
    expect(parseEntityKey(undefined)).toBeNull();
    expect(entityPath({ kind: 'topic', cluster: 'de mo', name: 'orders.DLQ' })).toBe('/clusters/de%20mo/topics/orders.DLQ');
    expect(entityPath({ kind: 'group', cluster: 'demo', name: 'billing' })).toBe('/clusters/demo/groups/billing');
    expect(entityPath({ kind: 'broker', cluster: 'demo', name: '0' })).toBe('/clusters/demo');
    expect(entityPath({ kind: 'cluster', cluster: 'demo' })).toBe('/clusters/demo');
    expect(['info', 'warning', 'critical', 'x'].map(severityRank)).toEqual([0, 1, 2, -1]);
  });
});

describe('FindingItem', () => {
  it('opens onto its evidence and fix', async () => {
    renderAt(<FindingItem finding={diskFinding} />);
    const item = screen.getByTestId('finding');
    expect(within(item).getByTestId('severity')).toHaveTextContent('critical');
    expect(within(item).getByTestId('finding-title')).toHaveTextContent('Log dir /mem/kfake on broker 0 is 100% full');
    expect(within(item).getByRole('link', { name: 'broker 0' })).toHaveAttribute('href', '/clusters/demo');
    expect(screen.queryByTestId('fix')).toBeNull();
    const toggle = within(item).getByRole('button', { expanded: false });
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(within(item).getByTestId('evidence')).toHaveTextContent('used_ratio = 100% (threshold 80%)');
    expect(within(item).getByTestId('evidence')).toHaveTextContent('used_bytes = 57.2 KiB');
    expect(within(item).getByTestId('fix')).toHaveTextContent('Fix: Free space before the log dir fills and goes offline.');
    expect(item).toHaveTextContent('log_dir=/mem/kfake');
    await userEvent.click(toggle);
    expect(screen.queryByTestId('fix')).toBeNull();
  });

  it('lists findings in the given order with links to topic, group and cluster pages', () => {
    renderAt(<FindingList findings={[diskFinding, billingFinding, clusterFinding]} />);
    const items = screen.getAllByTestId('finding');
    expect(items.map((i) => i.getAttribute('data-severity'))).toEqual(['critical', 'warning', 'warning']);
    expect(within(items[1]).getByRole('link', { name: 'billing' })).toHaveAttribute('href', '/clusters/demo/groups/billing');
    expect(within(items[2]).getByRole('link', { name: 'demo' })).toHaveAttribute('href', '/clusters/demo');
  });

  it('shows the empty message', () => {
    renderAt(<FindingList findings={[]} empty="Nothing found." />);
    expect(screen.getByText('Nothing found.')).toBeInTheDocument();
  });

  it("asks for one entity's findings by kind and entity", async () => {
    const fetch = mockApi({ '/api/v1/findings': { total: 1, offset: 0, limit: 100, items: [billingFinding] } });
    renderAt(<EntityFindings cluster="demo" kind="group" name="billing" />);
    const item = await screen.findByTestId('finding');
    expect(within(item).queryByTestId('entity')).toBeNull(); // on its own page
    const q = calls(fetch)[0].query;
    expect([q.get('cluster'), q.get('kind'), q.get('entity')]).toEqual(['demo', 'group', 'billing']);
    expect(screen.getByRole('link', { name: 'Open in the findings page' })).toHaveAttribute('href', '/findings?cluster=demo&kind=group&entity=billing');
  });
});
