import { Alert, Anchor, Badge, Text, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../api/endpoints';
import type { GroupPartition, Member } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { Meta, PageHeader, Section, Stat, StatGrid } from '../components/Page';
import { ErrorAlert, Loading } from '../components/States';
import { GroupStateBadge } from '../components/StatusBadge';
import { MetricChart } from '../components/TimeChart';
import { formatInt, formatNumber } from '../lib/format';
import { useTimeState } from '../lib/timeState';

const fmtNum = (v: number) => formatNumber(v);

/** "0-3, 5, 7-8" */
export function ranges(ps: number[]): string {
  const s = [...ps].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return out.join(', ');
}

export function NoCommit() {
  return (
    <Tooltip label="The group has no committed offset for this partition">
      <Badge size="sm" variant="outline" color="gray" data-testid="no-commit">
        no commit
      </Badge>
    </Tooltip>
  );
}

export function GroupPage() {
  const { cluster = '', group = '' } = useParams();
  const { interval, link } = useTimeState();
  const q = useQuery({ queryKey: ['group', cluster, group], queryFn: ({ signal }) => api.group(cluster, group, signal), refetchInterval: interval });
  const g = q.data;
  const clusterPath = `/clusters/${encodeURIComponent(cluster)}`;
  const crumbs = [
    { label: 'Fleet', to: '/' },
    { label: cluster, to: clusterPath },
    { label: 'Consumer groups', to: clusterPath + '/groups' },
    { label: group },
  ];
  if (q.isPending) return <Loading />;
  if (q.isError)
    return (
      <>
        <PageHeader crumbs={crumbs} title={group} />
        <ErrorAlert error={q.error} />
      </>
    );
  const members = g!.members ?? [];
  const memberCols: Column<Member>[] = [
    { key: 'client', header: 'Client ID', width: 'minmax(140px, 1fr)', render: (m) => m.client_id },
    { key: 'host', header: 'Host', width: 'minmax(140px, 1fr)', render: (m) => m.host },
    {
      key: 'assign',
      header: 'Assignment',
      width: 'minmax(200px, 2fr)',
      render: (m) => (
        <Text span size="sm" className="truncate">
          {Object.entries(m.assignment ?? {})
            .map(([t, ps]) => `${t} [${ranges(ps)}]`)
            .join('; ') || '—'}
        </Text>
      ),
    },
    { key: 'id', header: 'Member ID', width: 'minmax(200px, 2fr)', render: (m) => <Text span size="xs" c="dimmed" ff="monospace" className="truncate">{m.id}</Text> },
  ];
  const partCols: Column<GroupPartition>[] = [
    {
      key: 'topic',
      header: 'Topic',
      width: 'minmax(180px, 2fr)',
      render: (p) => (
        <Anchor component={Link} to={link(`${clusterPath}/topics/${encodeURIComponent(p.topic)}`)} size="sm" tabIndex={-1}>
          {p.topic}
        </Anchor>
      ),
    },
    { key: 'p', header: 'Partition', width: '85px', align: 'right', render: (p) => p.partition },
    { key: 'committed', header: 'Committed', width: '120px', align: 'right', render: (p) => (p.committed === null ? <NoCommit /> : formatInt(p.committed)) },
    { key: 'end', header: 'End offset', width: '110px', align: 'right', render: (p) => (p.end_offset < 0 ? '—' : formatInt(p.end_offset)) },
    {
      key: 'lag',
      header: 'Lag',
      width: '100px',
      align: 'right',
      render: (p) =>
        p.lag === null ? (
          <NoCommit />
        ) : (
          <Text span fw={600} className="num" c={p.lag > 0 ? 'orange' : undefined} data-testid="partition-lag">
            {formatInt(p.lag)}
          </Text>
        ),
    },
    { key: 'client', header: 'Consumer', width: 'minmax(140px, 1fr)', render: (p) => (p.client_id ? `${p.client_id} (${p.host})` : <Text span size="sm" c="dimmed">unassigned</Text>) },
  ];
  const withCommit = g!.partitions.filter((p) => p.committed !== null).length;
  const stopped = g!.state === 'Empty' && g!.stats.lag > 0;
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={group}
        badges={<GroupStateBadge state={g!.state} lag={g!.stats.lag} />}
        meta={
          <>
            <Meta label="Type">{g!.type}</Meta>
            {g!.protocol_type && <Meta label="Protocol">{g!.protocol_type}</Meta>}
            {g!.assignor && <Meta label="Assignor">{g!.assignor}</Meta>}
            <Meta label="Coordinator">broker {g!.coordinator}</Meta>
          </>
        }
      />
      {g!.error && <Alert color="red" mb="md" title="The group could not be fully described">{g!.error}</Alert>}
      {stopped && (
        <Alert color="orange" mb="md" title="No consumer is running" data-testid="stopped-warning">
          The group has no members but has lag: nothing is consuming {(g!.stats.topics ?? []).join(', ')}.
        </Alert>
      )}
      <StatGrid cols={4}>
        <Stat label="Total lag" value={formatInt(g!.stats.lag)} tone={g!.stats.lag > 0 && stopped ? 'warn' : undefined} testId="stat-lag" />
        <Stat label="Members" value={formatInt(g!.stats.members)} />
        <Stat label="Topics" value={formatInt(g!.stats.topics?.length ?? 0)} />
        <Stat label="Partitions with a commit" value={`${withCommit}/${g!.partitions.length}`} />
      </StatGrid>
      <Section title="Lag over time">
        <MetricChart title="Lag (messages)" entity={`group:${cluster}/${group}`} metric="lag" format={fmtNum} color="#fd7e14" height={220} />
      </Section>
      <Section title="Members" right={<Badge variant="light">{members.length}</Badge>}>
        <DataTable label="Members" testId="members-table" columns={memberCols} rows={members} rowKey={(m) => m.id} empty="No members: no consumer of this group is running." />
      </Section>
      <Section title="Lag per partition" right={<Badge variant="light">{g!.partitions.length}</Badge>}>
        <DataTable
          label="Lag per partition"
          testId="group-partitions-table"
          columns={partCols}
          rows={g!.partitions}
          rowKey={(p) => `${p.topic}/${p.partition}`}
          empty="The group has no committed offsets and no assignment."
        />
      </Section>
    </>
  );
}
