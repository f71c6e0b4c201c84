import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { PAGE_SIZES } from '../components/Pager';
import { useDebounced } from './useDebounced';

/**
 * The state of a server-paged list, kept in the URL so links are shareable: the filter (typed
 * text, debounced into `q`), sort and order, page size and page. `defaultSort` is sorted
 * descending unless it is "name".
 */
export function useListState(sorts: string[], defaultSort: string) {
  const [search, setSearch] = useSearchParams();
  const q = search.get('q') ?? '';
  const sort = sorts.includes(search.get('sort') ?? '') ? search.get('sort')! : defaultSort;
  const desc = search.get('order') ? search.get('order') === 'desc' : sort !== 'name';
  const size = PAGE_SIZES.includes(Number(search.get('size'))) ? Number(search.get('size')) : 100;
  const page = Math.max(1, Number(search.get('page')) || 1);
  const [text, setText] = useState(q);
  const debounced = useDebounced(text, 200);

  /** update sets (or, with null or "", removes) URL parameters, replacing the history entry. */
  const update = (patch: Record<string, string | null>) =>
    setSearch(
      (prev) => {
        const n = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null || v === '') n.delete(k);
          else n.set(k, v);
        }
        return n;
      },
      { replace: true },
    );

  // Follow q when it changes from outside (back button, a link), not when we just pushed it.
  useEffect(() => {
    if (q !== debounced) setText(q);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);
  useEffect(() => {
    if (debounced !== q) update({ q: debounced, page: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  /** toggleSort sorts by key, or flips the order when already sorted by it. */
  const toggleSort = (key: string) => {
    if (key === sort) update({ order: desc ? 'asc' : 'desc', page: null });
    else update({ sort: key === defaultSort ? null : key, order: null, page: null });
  };

  return { search, q, text, setText, sort, desc, size, page, offset: (page - 1) * size, update, toggleSort };
}
