import { Group, Pagination, Select, Text } from '@mantine/core';
import { formatInt } from '../lib/format';

export const PAGE_SIZES = [50, 100, 250, 500, 1000];

export function Pager({
  total,
  offset,
  limit,
  onPage,
  onSize,
}: {
  total: number;
  offset: number;
  limit: number;
  onPage: (page: number) => void;
  onSize: (size: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + limit);
  return (
    <Group justify="space-between" mt="xs" wrap="wrap">
      <Text size="sm" c="dimmed" data-testid="pager-summary">
        {formatInt(from)}–{formatInt(to)} of {formatInt(total)}
      </Text>
      <Group gap="sm">
        <Select
          size="xs"
          w={110}
          aria-label="Rows per page"
          value={String(limit)}
          allowDeselect={false}
          onChange={(v) => v && onSize(Number(v))}
          data={PAGE_SIZES.map((n) => ({ value: String(n), label: `${n} / page` }))}
        />
        {pages > 1 && <Pagination size="sm" total={pages} value={page} onChange={onPage} siblings={1} />}
      </Group>
    </Group>
  );
}
