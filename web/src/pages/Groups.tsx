import { Anchor, Badge, Group, Text, TextInput, Tooltip } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { IconSearch } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/endpoints';
import type { GroupRow } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { PageHeader } from '../components/Page';
import { Pager } from '../components/Pager';
import { ErrorAlert } from '../components/States';
import { GroupStateBadge, LagStatusBadge } from '../components/StatusBadge';
import { formatInt, formatSeconds } from '../lib/format';
import { useListState } from '../lib/useListState';
import { useTimeState } from '../lib/timeState';

const SORTS = ['name', 'lag', 'members', 'status'];

export function GroupsPage() {
  const { cluster = '' } = useParams();
  // Default: the groups furthest behind first.
  const { q, text, setText, sort, desc, size, offset, update, toggleSort } = useListState(SORTS, 'lag');
  const navigate = useNavigate();
  const { interval, link } = useTimeState();

  const gq = useQuery({
    queryKey: ['groups', cluster, q, sort, desc, size, offset],
    queryFn: ({ signal }) => api.groups(cluster, { q, sort, order: desc ? 'desc' : 'asc', limit: size, offset }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: interval,
  });
  const groupPath = (g: GroupRow) => `/clusters/${encodeURIComponent(cluster)}/groups/${encodeURIComponent(g.id)}`;
  // Nine columns within the 1,014 px a 1280 px window leaves the table (no sideways scroll).
  const cols: Column<GroupRow>[] = [
    {
      key: 'id',
      header: 'Group',
      width: 'minmax(160px, 2fr)',
      sortKey: 'name',
      render: (g) => (
        <Anchor component={Link} to={link(groupPath(g))} size="sm" className="truncate" tabIndex={-1}>
          {g.id}
        </Anchor>
      ),
    },
    { key: 'state', header: 'State', width: '136px', render: (g) => <GroupStateBadge state={g.state} lag={g.lag} /> },
    {
      key: 'status',
      header: 'Status',
      width: '84px',
      sortKey: 'status',
      render: (g) => <LagStatusBadge status={g.status} reason={g.status_reason} />,
    },
    { key: 'type', header: 'Type', width: '88px', render: (g) => <Text span size="sm" className="truncate">{g.type}{g.protocol_type && g.protocol_type !== 'consumer' ? ` · ${g.protocol_type}` : ''}</Text> },
    { key: 'members', header: 'Members', width: '84px', align: 'right', sortKey: 'members', render: (g) => formatInt(g.members) },
    {
      key: 'coord',
      header: <Tooltip label="Coordinator broker" withArrow><span>Coord.</span></Tooltip>,
      width: '58px',
      align: 'right',
      render: (g) => g.coordinator,
    },
    { key: 'topics', header: 'Topics', width: 'minmax(100px, 2fr)', render: (g) => <Text span size="sm" className="truncate">{(g.topics ?? []).join(', ') || '—'}</Text> },
    {
      key: 'lagtime',
      header: 'Lag time',
      width: '76px',
      align: 'right',
      render: (g) => (
        <Text span size="sm" className="num" data-testid="group-lag-time">
          {formatSeconds(g.lag_seconds ?? -1)}
        </Text>
      ),
    },
    {
      key: 'lag',
      header: 'Total lag',
      width: '96px',
      align: 'right',
      sortKey: 'lag',
      render: (g) => (
        <Text span fw={600} className="num" c={g.lag > 0 && g.state === 'Empty' ? 'orange' : undefined}>
          {formatInt(g.lag)}
        </Text>
      ),
    },
  ];
  const data = gq.data;
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Fleet', to: '/' }, { label: cluster, to: `/clusters/${encodeURIComponent(cluster)}` }, { label: 'Consumer groups' }]}
        title="Consumer groups"
        badges={data ? <Badge variant="light">{formatInt(data.total)}</Badge> : undefined}
      />
      <Group mb="sm">
        <TextInput
          placeholder="Filter groups by id"
          aria-label="Filter groups"
          leftSection={<IconSearch size={16} />}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          w={340}
        />
      </Group>
      {gq.isError ? (
        <ErrorAlert error={gq.error} />
      ) : (
        <>
          <DataTable
            label="Consumer groups"
            testId="groups-table"
            columns={cols}
            rows={data?.items ?? []}
            rowKey={(g) => g.id}
            loading={gq.isPending}
            sort={{ key: sort, desc }}
            onSort={toggleSort}
            onOpen={(g) => navigate(link(groupPath(g)))}
            empty={q ? `No group matches “${q}”.` : 'No consumer groups in this cluster.'}
            maxHeight="calc(100vh - 290px)"
          />
          {data && (
            <Pager
              total={data.total}
              offset={offset}
              limit={size}
              onPage={(p) => update({ page: p === 1 ? null : String(p) })}
              onSize={(n) => update({ size: n === 100 ? null : String(n), page: null })}
            />
          )}
        </>
      )}
    </>
  );
}
