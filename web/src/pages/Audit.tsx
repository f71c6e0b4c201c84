import { ActionIcon, Autocomplete, Badge, Button, Code, Group, Paper, Select, SimpleGrid, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { IconChevronRight, IconSearch } from '@tabler/icons-react';
import { Fragment, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/endpoints';
import type { AuditEntry } from '../api/types';
import { useCanOperate } from '../auth';
import { PageHeader } from '../components/Page';
import { Pager, PAGE_SIZES } from '../components/Pager';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { formatAgo, formatInt } from '../lib/format';
import { useDebounced } from '../lib/useDebounced';

/** Common action prefixes, for the action filter. */
const ACTIONS = ['topic.', 'topic.create', 'topic.add_partitions', 'topic.alter_configs', 'topic.purge', 'topic.delete', 'group.', 'group.reset_offsets', 'group.delete', 'group.delete_offsets', 'acl.', 'quota.', 'scram.'];

/** Relative starts the API takes as they are. */
const RANGES: { value: string; label: string }[] = [
  { value: '-1h', label: 'Last hour' },
  { value: '-24h', label: 'Last 24 hours' },
  { value: '-168h', label: 'Last 7 days' },
  { value: '-720h', label: 'Last 30 days' },
];

/** A JSON string pretty-printed; as it is when it is not JSON. */
export function prettyJSON(s: string | undefined): string {
  if (!s) return '';
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}

/** RFC 3339 <-> the value of a datetime-local input (local time, minutes). */
export function toLocalInput(iso: string): string {
  const t = new Date(iso);
  if (!iso || Number.isNaN(t.getTime()) || /^-/.test(iso)) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}`;
}
function fromLocalInput(v: string): string | null {
  if (!v) return null;
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

function localTime(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString();
}

/** A debounced text filter kept in the URL parameter `param`. */
function useUrlText(search: URLSearchParams, update: (p: Record<string, string | null>) => void, param: string) {
  const v = search.get(param) ?? '';
  const [text, setText] = useState(v);
  const debounced = useDebounced(text, 250);
  useEffect(() => {
    if (v !== debounced) setText(v);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [v]);
  useEffect(() => {
    if (debounced !== v) update({ [param]: debounced.trim() || null, page: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  return [text, setText] as const;
}

function Details({ e }: { e: AuditEntry }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm" data-testid="audit-details">
      <div>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={2}>
          Request
        </Text>
        <Code block className="audit-json" data-testid="audit-request">
          {prettyJSON(e.request) || '—'}
        </Code>
      </div>
      <div>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={2}>
          {e.error ? 'Error' : 'Result'}
        </Text>
        {e.error ? (
          <Text size="sm" c="red" data-testid="audit-error-detail">
            {e.error}
          </Text>
        ) : (
          <Code block className="audit-json" data-testid="audit-result">
            {prettyJSON(e.result) || '—'}
          </Code>
        )}
      </div>
    </SimpleGrid>
  );
}

export function AuditPage() {
  const [search, setSearch] = useSearchParams();
  const operate = useCanOperate();
  const update = (patch: Record<string, string | null>) =>
    setSearch(
      (prev) => {
        const n = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (!v) n.delete(k);
          else n.set(k, v);
        }
        return n;
      },
      { replace: true },
    );
  const [user, setUser] = useUrlText(search, update, 'user');
  const [action, setAction] = useUrlText(search, update, 'action');
  const cluster = search.get('cluster') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const size = PAGE_SIZES.includes(Number(search.get('size'))) ? Number(search.get('size')) : 100;
  const page = Math.max(1, Number(search.get('page')) || 1);
  const offset = (page - 1) * size;
  const [open, setOpen] = useState<Set<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const clusters = useQuery({ queryKey: ['clusters'], queryFn: ({ signal }) => api.clusters(signal) });
  const p = { user: search.get('user') ?? '', cluster, action: search.get('action') ?? '', from, to, limit: size, offset };
  const aq = useQuery({
    queryKey: ['audit', p],
    queryFn: ({ signal }) => api.audit(p, signal),
    placeholderData: keepPreviousData,
    enabled: operate,
  });
  const data = aq.data;
  const relative = RANGES.some((r) => r.value === from) && !to;
  const filtered = !!(p.user || cluster || p.action || from || to);

  return (
    <>
      <PageHeader
        title="Audit log"
        badges={data ? <Badge variant="light" data-testid="audit-total">{formatInt(data.total)}</Badge> : undefined}
        meta={<Text size="sm">Every change made through Gregor, and every dry run, newest first: who, where, what was asked and what came of it.</Text>}
      />
      <Group mb="sm" gap="sm" align="flex-end" wrap="wrap">
        <TextInput label="User" placeholder="Any user" leftSection={<IconSearch size={14} />} value={user} onChange={(e) => setUser(e.currentTarget.value)} w={150} data-testid="audit-user" />
        <Select
          label="Cluster"
          placeholder="All clusters"
          clearable
          w={160}
          value={cluster || null}
          data={[...new Set([...(clusters.data ?? []).map((c) => c.name), ...(cluster ? [cluster] : [])])]}
          onChange={(v) => update({ cluster: v, page: null })}
          data-testid="audit-cluster"
        />
        <Autocomplete label="Action (prefix)" placeholder="e.g. topic." value={action} onChange={setAction} data={ACTIONS} w={190} data-testid="audit-action" />
        <Select
          label="Time"
          placeholder="Any time"
          clearable
          w={150}
          value={relative ? from : from || to ? 'custom' : null}
          data={[...RANGES, { value: 'custom', label: 'Custom…' }]}
          onChange={(v) => update({ from: v === 'custom' ? toInputDefault(from) : v, to: null, page: null })}
          data-testid="audit-range"
        />
        {(from || to) && !relative && (
          <>
            <TextInput
              type="datetime-local"
              label="From"
              value={toLocalInput(from)}
              onChange={(e) => update({ from: fromLocalInput(e.currentTarget.value), page: null })}
              w={200}
              data-testid="audit-from"
            />
            <TextInput type="datetime-local" label="To" value={toLocalInput(to)} onChange={(e) => update({ to: fromLocalInput(e.currentTarget.value), page: null })} w={200} data-testid="audit-to" />
          </>
        )}
        {filtered && (
          <Button
            variant="subtle"
            size="compact-sm"
            mb={6}
            onClick={() => {
              setUser('');
              setAction('');
              setSearch(new URLSearchParams(), { replace: true });
            }}
            data-testid="audit-clear"
          >
            Clear filters
          </Button>
        )}
      </Group>
      {!operate ? (
        <ErrorAlert error={new Error('The audit log is for operators and admins.')} title="Not allowed" />
      ) : aq.isError ? (
        <ErrorAlert error={aq.error} />
      ) : aq.isPending ? (
        <Loading />
      ) : (
        <>
          <Paper withBorder radius="md" className="audit-table-wrap">
            {data!.items.length === 0 ? (
              <Empty h={100}>{filtered ? 'No entry matches these filters.' : 'Nothing changed through Gregor yet.'}</Empty>
            ) : (
              <Table.ScrollContainer minWidth={760}>
                <Table verticalSpacing={5} fz="sm" highlightOnHover data-testid="audit-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={28} />
                      <Table.Th w={170}>Time</Table.Th>
                      <Table.Th>User</Table.Th>
                      <Table.Th>Cluster</Table.Th>
                      <Table.Th>Action</Table.Th>
                      <Table.Th>Target</Table.Th>
                      <Table.Th>Outcome</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data!.items.map((e) => {
                      const isOpen = open.has(e.id);
                      return (
                        <Fragment key={e.id}>
                          <Table.Tr
                            data-testid="audit-row"
                            data-id={e.id}
                            data-action={e.action}
                            data-target={e.target ?? ''}
                            data-dry-run={e.dry_run ? 'true' : 'false'}
                            data-error={e.error ? 'true' : 'false'}
                            onClick={() => toggle(e.id)}
                            style={{ cursor: 'pointer' }}
                          >
                            <Table.Td>
                              <ActionIcon
                                variant="subtle"
                                color="gray"
                                size="sm"
                                aria-expanded={isOpen}
                                aria-label={`${isOpen ? 'Hide' : 'Show'} details of entry ${e.id}`}
                                onClick={(ev) => {
                                  ev.stopPropagation();
                                  toggle(e.id);
                                }}
                                data-testid="audit-toggle"
                              >
                                <IconChevronRight size={15} style={{ transform: isOpen ? 'rotate(90deg)' : undefined, transition: 'transform 120ms' }} />
                              </ActionIcon>
                            </Table.Td>
                            <Table.Td>
                              <Tooltip label={formatAgo(e.time)} withArrow openDelay={300}>
                                <Text span size="sm" className="num" style={{ whiteSpace: 'nowrap' }}>
                                  {localTime(e.time)}
                                </Text>
                              </Tooltip>
                            </Table.Td>
                            <Table.Td>
                              {e.user || '—'}{' '}
                              {e.role && (
                                <Text span size="xs" c="dimmed">
                                  {e.role}
                                </Text>
                              )}
                            </Table.Td>
                            <Table.Td>{e.cluster || '—'}</Table.Td>
                            <Table.Td>
                              <Text span size="sm" ff="monospace">
                                {e.action}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Text span size="sm" className="truncate" title={e.target}>
                                {e.target || '—'}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Group gap={6} wrap="nowrap">
                                {e.dry_run && (
                                  <Badge size="sm" variant="outline" color="gray" data-testid="dry-run-badge">
                                    dry run
                                  </Badge>
                                )}
                                {e.error ? (
                                  <Text span size="sm" c="red" className="truncate" title={e.error} maw={320} data-testid="audit-error">
                                    {e.error}
                                  </Text>
                                ) : (
                                  <Badge size="sm" variant="light" color={e.dry_run ? 'blue' : 'teal'}>
                                    {e.dry_run ? 'planned' : 'done'}
                                  </Badge>
                                )}
                              </Group>
                            </Table.Td>
                          </Table.Tr>
                          {isOpen && (
                            <Table.Tr data-testid="audit-details-row">
                              <Table.Td />
                              <Table.Td colSpan={6}>
                                <Details e={e} />
                              </Table.Td>
                            </Table.Tr>
                          )}
                        </Fragment>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>
          <Pager
            total={data!.total}
            offset={offset}
            limit={size}
            onPage={(n) => update({ page: n === 1 ? null : String(n) })}
            onSize={(n) => update({ size: n === 100 ? null : String(n), page: null })}
          />
        </>
      )}
    </>
  );
}

/** The start of a custom range: the current relative start made absolute, or 24 hours ago. */
function toInputDefault(from: string): string {
  const m = /^-(\d+)h$/.exec(from);
  return new Date(Date.now() - (m ? Number(m[1]) : 24) * 3600e3).toISOString();
}
