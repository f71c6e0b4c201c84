import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { billingAlert } from '../test/fixtures';
import { calls, mockApi, Status } from '../test/mockApi';
import { renderAt } from '../test/render';
import { matcherOp, matchersFromLabels, matcherText, SilenceForm } from './SilenceForm';

afterEach(() => vi.unstubAllGlobals());

const created = { id: 'sil-9', matchers: [], starts_at: '', ends_at: '2026-01-01T02:00:00Z', created_by: 'olga', comment: 'x', created_at: '', state: 'active' };

describe('silence matchers', () => {
  it("come from the alert's alertname, cluster and entity", () => {
    expect(matchersFromLabels(billingAlert.labels)).toEqual([
      { name: 'alertname', value: 'group.lag', is_regex: false, is_equal: true },
      { name: 'cluster', value: 'demo', is_regex: false, is_equal: true },
      { name: 'entity', value: 'group:demo/billing', is_regex: false, is_equal: true },
    ]);
    expect(matchersFromLabels({ alertname: 'x', cluster: 'demo', severity: 'info' }).map((m) => m.name)).toEqual(['alertname', 'cluster']);
  });
  it('read like Alertmanager', () => {
    expect(matcherText({ name: 'topic', value: 'tmp-.*', is_regex: true, is_equal: true })).toBe('topic=~"tmp-.*"');
    expect(matcherText({ name: 'cluster', value: 'dev', is_regex: false, is_equal: false })).toBe('cluster!="dev"');
    expect(matcherOp({ is_regex: true, is_equal: false })).toBe('!~');
    expect(matcherOp({ is_regex: false, is_equal: true })).toBe('=');
  });
});

describe('SilenceForm', () => {
  it('is prefilled and posts the matchers, duration and comment', async () => {
    const fetch = mockApi({ 'POST /api/v1/silences': new Status(201, created) });
    const onCreated = vi.fn();
    renderAt(<SilenceForm initial={matchersFromLabels(billingAlert.labels)} onCreated={onCreated} />);
    expect(screen.getAllByTestId('matcher-name').map((i) => (i as HTMLInputElement).value)).toEqual(['alertname', 'cluster', 'entity']);
    expect(screen.getAllByTestId('matcher-value').map((i) => (i as HTMLInputElement).value)).toEqual(['group.lag', 'demo', 'group:demo/billing']);
    expect(screen.getByTestId('silence-duration')).toHaveValue('2h');
    // Drop the cluster matcher, pick 1d, say why.
    await userEvent.click(screen.getByRole('button', { name: 'Remove matcher 2' }));
    await userEvent.click(screen.getByRole('button', { name: '1d' }));
    await userEvent.click(screen.getByTestId('silence-comment'));
    await userEvent.paste('billing is retired');
    await userEvent.click(screen.getByTestId('silence-submit'));
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalled());
    const post = calls(fetch).find((c) => c.method === 'POST')!;
    expect(post.path).toBe('/api/v1/silences');
    expect(post.body).toEqual({
      matchers: [
        { name: 'alertname', value: 'group.lag', is_regex: false, is_equal: true },
        { name: 'entity', value: 'group:demo/billing', is_regex: false, is_equal: true },
      ],
      duration: '24h',
      comment: 'billing is retired',
    });
    expect(onCreated.mock.calls[0][0]).toMatchObject({ id: 'sil-9' });
  });

  it("shows the API's error and stays open", async () => {
    mockApi({ 'POST /api/v1/silences': new Status(400, { error: { code: 'bad_request', message: 'duration must be a positive duration such as 2h, and not given with ends_at' } }) });
    const onCreated = vi.fn();
    renderAt(<SilenceForm initial={matchersFromLabels(billingAlert.labels)} onCreated={onCreated} />);
    await userEvent.clear(screen.getByTestId('silence-duration'));
    await userEvent.click(screen.getByTestId('silence-duration'));
    await userEvent.paste('soon');
    await userEvent.click(screen.getByTestId('silence-comment'));
    await userEvent.paste('x');
    await userEvent.click(screen.getByTestId('silence-submit'));
    expect(await screen.findByTestId('silence-error')).toHaveTextContent('duration must be a positive duration such as 2h');
    expect(onCreated).not.toHaveBeenCalled();
    expect(screen.getByTestId('silence-form')).toBeInTheDocument();
  });

  it('asks for a comment and a matcher before sending anything', async () => {
    const fetch = mockApi({});
    renderAt(<SilenceForm initial={[]} onCreated={vi.fn()} />);
    await userEvent.click(screen.getByTestId('silence-comment'));
    await userEvent.paste('why');
    await userEvent.click(screen.getByTestId('silence-submit'));
    expect(screen.getByTestId('silence-error')).toHaveTextContent('Add at least one matcher.');
    await userEvent.click(screen.getByTestId('matcher-name'));
    await userEvent.paste('cluster');
    await userEvent.click(screen.getByTestId('matcher-value'));
    await userEvent.paste('demo');
    await userEvent.clear(screen.getByTestId('silence-comment'));
    await userEvent.click(screen.getByTestId('silence-submit'));
    expect(screen.getByTestId('silence-error')).toHaveTextContent('Say why in the comment');
    expect(fetch).not.toHaveBeenCalled();
  });
});
