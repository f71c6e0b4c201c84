import { useVirtualizer } from '@tanstack/react-virtual';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import { useCallback, useRef, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import { Empty, Loading } from './States';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** A CSS grid track, e.g. "minmax(220px, 3fr)" or "110px". */
  width: string;
  align?: 'left' | 'right' | 'center';
  render: (row: T, index: number) => ReactNode;
  /** Present when the column sorts; the value passed to onSort. */
  sortKey?: string;
}

export interface DataTableProps<T> {
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  onOpen?: (row: T) => void;
  rowHref?: (row: T) => string;
  sort?: { key: string; desc: boolean };
  onSort?: (key: string) => void;
  loading?: boolean;
  empty?: ReactNode;
  rowHeight?: number;
  /** Maximum height of the scrolling body in px; rows past it are virtualized. */
  maxHeight?: number | string;
  rowClass?: (row: T) => string | undefined;
  testId?: string;
}

/**
 * A virtualized table for data-dense lists: only the rows in view are in the DOM, so a page of
 * 1,000 rows renders as fast as 30. Rows are focusable; Enter (or a click) opens one,
 * arrow keys / Home / End move between rows, headers sort.
 */
export function DataTable<T>(p: DataTableProps<T>) {
  const rowHeight = p.rowHeight ?? 36;
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: p.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    initialRect: { width: 1000, height: 600 },
  });
  const grid: CSSProperties = { gridTemplateColumns: p.columns.map((c) => c.width).join(' ') };
  // Below the columns' minimum width the table scrolls sideways instead of clipping columns.
  const minWidth = minTableWidth(p.columns.map((c) => c.width));

  const focusRow = useCallback(
    (i: number) => {
      const n = p.rows.length;
      if (n === 0) return;
      const idx = Math.max(0, Math.min(n - 1, i));
      v.scrollToIndex(idx, { align: 'auto' });
      const tryFocus = (left: number) => {
        const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${idx}"]`);
        if (el) el.focus({ preventScroll: false });
        else if (left > 0) requestAnimationFrame(() => tryFocus(left - 1));
      };
      tryFocus(5);
    },
    [p.rows.length, v],
  );

  const onKey = (e: KeyboardEvent<HTMLDivElement>, row: T, i: number) => {
    switch (e.key) {
      case 'Enter':
      case ' ':
        if (p.onOpen) {
          e.preventDefault();
          p.onOpen(row);
        }
        break;
      case 'ArrowDown':
        e.preventDefault();
        focusRow(i + 1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        focusRow(i - 1);
        break;
      case 'PageDown':
        e.preventDefault();
        focusRow(i + 10);
        break;
      case 'PageUp':
        e.preventDefault();
        focusRow(i - 10);
        break;
      case 'Home':
        e.preventDefault();
        focusRow(0);
        break;
      case 'End':
        e.preventDefault();
        focusRow(p.rows.length - 1);
        break;
    }
  };

  const items = v.getVirtualItems();
  const total = v.getTotalSize();
  const bodyHeight = typeof p.maxHeight === 'number' ? Math.min(p.maxHeight, total) : undefined;

  return (
    <div className="dt" role="table" aria-label={p.label} aria-rowcount={p.rows.length + 1} data-testid={p.testId}>
      <div className="dt-inner" style={{ minWidth }}>
      <div className="dt-head" role="rowgroup">
        <div className="dt-row dt-header-row" role="row" style={grid}>
          {p.columns.map((c) => {
            const active = p.sort && c.sortKey && p.sort.key === c.sortKey;
            const ariaSort = active ? (p.sort!.desc ? 'descending' : 'ascending') : c.sortKey ? 'none' : undefined;
            return (
              <div key={c.key} role="columnheader" aria-sort={ariaSort} className={`dt-cell dt-th align-${c.align ?? 'left'}`}>
                {c.sortKey && p.onSort ? (
                  <button type="button" className={`dt-sort${active ? ' active' : ''}`} onClick={() => p.onSort!(c.sortKey!)}>
                    <span>{c.header}</span>
                    {active ? (
                      p.sort!.desc ? <IconArrowDown size={13} /> : <IconArrowUp size={13} />
                    ) : (
                      <IconSelector size={13} className="dt-sort-idle" />
                    )}
                  </button>
                ) : (
                  c.header
                )}
              </div>
            );
          })}
        </div>
      </div>
      {p.loading && p.rows.length === 0 ? (
        <Loading />
      ) : p.rows.length === 0 ? (
        <Empty>{p.empty ?? 'Nothing to show.'}</Empty>
      ) : (
        <div
          ref={scrollRef}
          className="dt-body"
          role="rowgroup"
          style={{ maxHeight: p.maxHeight ?? 'min(70vh, 900px)', height: bodyHeight }}
        >
          <div style={{ height: total, position: 'relative' }}>
            {items.map((it) => {
              const row = p.rows[it.index];
              const href = p.rowHref?.(row);
              return (
                <div
                  key={p.rowKey(row)}
                  data-index={it.index}
                  data-key={p.rowKey(row)}
                  role="row"
                  aria-rowindex={it.index + 2}
                  tabIndex={0}
                  className={`dt-row dt-body-row${p.onOpen ? ' clickable' : ''}${p.rowClass?.(row) ? ' ' + p.rowClass(row) : ''}`}
                  style={{ ...grid, height: rowHeight, transform: `translateY(${it.start}px)` }}
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest('a,button')) return;
                    p.onOpen?.(row);
                  }}
                  onKeyDown={(e) => onKey(e, row, it.index)}
                  data-href={href}
                >
                  {p.columns.map((c) => (
                    <div key={c.key} role="cell" className={`dt-cell align-${c.align ?? 'left'}`}>
                      {c.render(row, it.index)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      )}
      </div>
    </div>
  );
}

/** The width below which columns would be clipped: each track's minimum, the gaps and padding. */
export function minTableWidth(tracks: string[]): number {
  let w = 24 + 12 * Math.max(0, tracks.length - 1);
  for (const t of tracks) {
    const m = t.match(/^minmax\(\s*(\d+)px/) ?? t.match(/^(\d+)px$/);
    w += m ? Number(m[1]) : 60;
  }
  return w;
}
