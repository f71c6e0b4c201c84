import { Anchor, Breadcrumbs, Group, Paper, SimpleGrid, Stack, Table, Text, Title, Tooltip, type TableProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useTimeState } from '../lib/timeState';

export function PageHeader({
  crumbs,
  title,
  badges,
  meta,
  right,
}: {
  crumbs?: { label: string; to?: string }[];
  title: ReactNode;
  badges?: ReactNode;
  meta?: ReactNode;
  right?: ReactNode;
}) {
  const { link } = useTimeState();
  return (
    <Stack gap={4} mb="md">
      {crumbs && crumbs.length > 0 && (
        <Breadcrumbs separator="/" fz="sm">
          {crumbs.map((c) =>
            c.to ? (
              <Anchor key={c.label + c.to} component={Link} to={link(c.to)} size="sm">
                {c.label}
              </Anchor>
            ) : (
              <Text key={c.label} size="sm" c="dimmed">
                {c.label}
              </Text>
            ),
          )}
        </Breadcrumbs>
      )}
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Group gap="sm" align="center" wrap="nowrap" style={{ minWidth: 0 }}>
          <Title order={2} fz={24} className="page-title" data-testid="page-title">
            {title}
          </Title>
          {badges}
        </Group>
        {right}
      </Group>
      {meta && (
        <Group gap="lg" c="dimmed" fz="sm" wrap="wrap">
          {meta}
        </Group>
      )}
    </Stack>
  );
}

export function Stat({
  label,
  value,
  hint,
  tone,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: 'bad' | 'warn' | 'good';
  testId?: string;
}) {
  const body = (
    <Paper withBorder radius="md" p="sm" className={`stat${tone ? ' stat-' + tone : ''}`} data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.3} truncate>
        {label}
      </Text>
      <Text fw={650} fz={20} className="num stat-value" mt={2}>
        {value}
      </Text>
    </Paper>
  );
  return hint ? (
    <Tooltip label={hint} withArrow openDelay={300}>
      {body}
    </Tooltip>
  ) : (
    body
  );
}

export function StatGrid({ children, cols = 6 }: { children: ReactNode; cols?: number }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: cols }} spacing="sm" mb="md">
      {children}
    </SimpleGrid>
  );
}

export function Section({ title, right, children }: { title: string; right?: ReactNode; children: ReactNode }) {
  return (
    <Stack gap="xs" mb="lg">
      <Group justify="space-between" align="end">
        <Title order={3} fz={17}>
          {title}
        </Title>
        {right}
      </Group>
      {children}
    </Stack>
  );
}

export function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text span size="sm" c="dimmed">
      {label}:{' '}
      <Text span size="sm" c="var(--mantine-color-text)" fw={500}>
        {children}
      </Text>
    </Text>
  );
}

/**
 * A bordered table with a scroll container, or what to show instead (empty, loading): the table's
 * header row has the columns, and an empty column for row actions when actions is set.
 */
export function TablePanel({
  empty,
  minWidth,
  columns,
  actions = false,
  table,
  testId,
  children,
}: {
  empty?: ReactNode;
  minWidth: number;
  columns: string[];
  actions?: boolean;
  table: TableProps;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Paper withBorder radius="md" p={0}>
      {empty || (
        <Table.ScrollContainer minWidth={minWidth}>
          <Table {...table} data-testid={testId}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((c) => (
                  <Table.Th key={c}>{c}</Table.Th>
                ))}
                {actions && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>{children}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
