import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { billingScore, clusterScore } from '../test/fixtures';
import { calls, mockApi, Status } from '../test/mockApi';
import { renderAt } from '../test/render';
import { deductionText, EntityHealth, HealthBadge, healthColor, HealthPanel } from './Health';

afterEach(() => vi.unstubAllGlobals());

describe('health scores', () => {
  it('are green from 80, yellow from 50, red below', () => {
    expect([100, 80, 79, 50, 49, 0].map(healthColor)).toEqual(['green', 'green', 'yellow', 'yellow', 'red', 'red']);
    expect(deductionText({ points: 30, code: 'topic.under_replicated', title: '4 under-replicated partitions' })).toBe('-30: 4 under-replicated partitions');
  });

  it('shows a badge in its colour with the deductions on hover', async () => {
    renderAt(<HealthBadge score={clusterScore} />);
    const b = screen.getByTestId('health-score');
    expect(b).toHaveTextContent(/^73$/);
    expect(b).toHaveAttribute('data-color', 'yellow');
    expect(b.getAttribute('style') ?? '').toContain('--mantine-color-yellow');
    // Biggest deduction first, in the accessible name and the tooltip.
    expect(b).toHaveAttribute('aria-label', 'Health 73 of 100: -15: worst broker 0 scores 70 (0.5 × 30 lost); -10: Broker defaults risk durability');
    await userEvent.hover(b);
    const tip = await screen.findByRole('tooltip');
    expect(tip).toHaveTextContent('-15: worst broker 0 scores 70');
    expect(tip).toHaveTextContent('-10: Broker defaults risk durability');
  });

  it('is a red badge below 50 and a dash when unknown', () => {
    renderAt(
      <>
        <HealthBadge score={{ ...clusterScore, score: 20 }} testId="low" />
        <HealthBadge score={undefined} testId="none" />
      </>,
    );
    expect(screen.getByTestId('low')).toHaveAttribute('data-color', 'red');
    expect(screen.getByTestId('none')).toHaveTextContent('—');
  });

  it('writes the deductions out in the panel', () => {
    renderAt(<HealthPanel score={clusterScore} />);
    const panel = screen.getByTestId('health-panel');
    expect(within(panel).getByTestId('health-score')).toHaveTextContent('73');
    const items = within(panel).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['-15worst broker 0 scores 70 (0.5 × 30 lost)', '-10Broker defaults risk durability']);
  });

  it('says so when nothing is deducted', () => {
    renderAt(<HealthPanel score={{ entity: { kind: 'topic', cluster: 'demo', name: 'orders' }, score: 100 }} />);
    expect(screen.getByTestId('health-score')).toHaveAttribute('data-color', 'green');
    expect(screen.getByTestId('deductions')).toHaveTextContent('Nothing deducted');
  });

  it("asks for one entity's score with the kind/name form of /health", async () => {
    const fetch = mockApi({ '/api/v1/health': { score: billingScore } });
    renderAt(<EntityHealth cluster="demo" kind="group" name="billing" />);
    expect(await screen.findByTestId('health-score')).toHaveTextContent('90');
    expect(screen.getByTestId('deductions')).toHaveTextContent('-10Group billing is STOP');
    const q = calls(fetch)[0].query;
    expect([q.get('cluster'), q.get('kind'), q.get('name')]).toEqual(['demo', 'group', 'billing']);
  });

  it('shows the API error for an unknown entity', async () => {
    mockApi({ '/api/v1/health': new Status(404, { error: { code: 'not_found', message: 'no topic "x" in cluster "demo"' } }) });
    renderAt(<EntityHealth cluster="demo" kind="topic" name="x" />);
    expect(await screen.findByTestId('health-unavailable')).toHaveTextContent('no topic "x" in cluster "demo"');
  });
});
