import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { theme } from '../providers';
import { LagStatusBadge } from './StatusBadge';

const wrap = (ui: ReactElement) => render(<MantineProvider theme={theme}>{ui}</MantineProvider>);

describe('LagStatusBadge', () => {
  it.each([
    ['OK', 'teal', 'light'],
    ['WARN', 'yellow', 'light'],
    ['REWIND', 'violet', 'light'],
    ['STALL', 'orange', 'light'],
    ['STOP', 'red', 'light'],
    ['ERR', 'red', 'filled'],
  ])('%s is %s (%s)', (status, color, variant) => {
    wrap(<LagStatusBadge status={status} />);
    const b = screen.getByTestId('lag-status');
    expect(b).toHaveTextContent(status);
    expect(b).toHaveAttribute('data-status', status);
    expect(b).toHaveAttribute('data-variant', variant);
    expect(b.getAttribute('style') ?? '').toContain(`--mantine-color-${color}`);
  });

  it('shows the reason as a tooltip', async () => {
    wrap(<LagStatusBadge status="STOP" reason="no member owns the partition" />);
    const b = screen.getByTestId('lag-status');
    expect(b).toHaveAttribute('aria-label', 'STOP: no member owns the partition');
    await userEvent.hover(b);
    expect(await screen.findByRole('tooltip')).toHaveTextContent('no member owns the partition');
  });

  it('is a dash before the first evaluation and a grey NO OFFSET for a partition without commit', () => {
    wrap(
      <>
        <LagStatusBadge status={undefined} testId="none" />
        <LagStatusBadge status="NO_OFFSET" testId="nooff" />
      </>,
    );
    expect(screen.getByTestId('none')).toHaveTextContent('—');
    expect(screen.getByTestId('nooff')).toHaveTextContent('NO OFFSET');
    expect(screen.getByTestId('nooff').getAttribute('style') ?? '').toContain('--mantine-color-gray');
  });
});
