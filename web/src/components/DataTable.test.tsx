import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderAt } from '../test/render';
import { DataTable, type Column } from './DataTable';

interface Row {
  name: string;
  size: number;
}
const cols: Column<Row>[] = [
  { key: 'name', header: 'Name', width: '1fr', sortKey: 'name', render: (r) => r.name },
  { key: 'size', header: 'Size', width: '100px', align: 'right', sortKey: 'size', render: (r) => String(r.size) },
];
const rows = Array.from({ length: 5000 }, (_, i) => ({ name: `topic-${i}`, size: i }));

describe('DataTable', () => {
  it('renders only the rows in view of a long list', () => {
    renderAt(<DataTable label="Topics" columns={cols} rows={rows} rowKey={(r) => r.name} maxHeight={600} />);
    const rendered = screen.getAllByRole('row').length - 1; // minus the header
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(100);
    expect(screen.getByRole('table', { name: 'Topics' })).toHaveAttribute('aria-rowcount', '5001');
  });

  it('opens a row with Enter and moves with the arrow keys', () => {
    const open = vi.fn();
    renderAt(<DataTable label="Topics" columns={cols} rows={rows.slice(0, 3)} rowKey={(r) => r.name} onOpen={open} />);
    const body = screen.getAllByRole('row').slice(1);
    expect(body[0]).toHaveAttribute('tabindex', '0');
    body[0].focus();
    fireEvent.keyDown(body[0], { key: 'ArrowDown' });
    expect(document.activeElement).toBe(body[1]);
    fireEvent.keyDown(body[1], { key: 'Enter' });
    expect(open).toHaveBeenCalledWith({ name: 'topic-1', size: 1 });
    fireEvent.click(body[2]);
    expect(open).toHaveBeenLastCalledWith({ name: 'topic-2', size: 2 });
  });

  it('sorts from the headers and says how', () => {
    const onSort = vi.fn();
    renderAt(<DataTable label="T" columns={cols} rows={rows.slice(0, 2)} rowKey={(r) => r.name} sort={{ key: 'size', desc: true }} onSort={onSort} />);
    const headers = screen.getAllByRole('columnheader');
    expect(headers[0]).toHaveAttribute('aria-sort', 'none');
    expect(headers[1]).toHaveAttribute('aria-sort', 'descending');
    fireEvent.click(screen.getByRole('button', { name: /Name/ }));
    expect(onSort).toHaveBeenCalledWith('name');
  });

  it('shows empty and loading states', () => {
    const { unmount } = renderAt(<DataTable label="T" columns={cols} rows={[]} rowKey={(r) => r.name} empty="No topic matches." />);
    expect(screen.getByText('No topic matches.')).toBeInTheDocument();
    unmount();
    renderAt(<DataTable label="T" columns={cols} rows={[]} rowKey={(r) => r.name} loading />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
  });
});
