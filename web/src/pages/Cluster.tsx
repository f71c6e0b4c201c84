import { Alert, Anchor, Badge, Group, List, SimpleGrid, Text, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconCrown } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { ApiError, apiUrl } from '../api/client';
import { api } from '../api/endpoints';
import type { Broker } from '../api/types';
import { useCanOperate } from '../auth';
import { DataTable, type Column } from '../components/DataTable';
import { HealthBadge, HealthPanel } from '../components/Health';
import { Meta, PageHeader, Section, Stat, StatGrid } from '../components/Page';
import { ErrorAlert, Loading } from '../components/States';
import { ClusterStatusBadge, YesNo } from '../components/StatusBadge';
import { MetricChart } from '../components/TimeChart';
import { formatAgo, formatBytes, formatBytesRate, formatDuration, formatInt, formatNumber, formatRate } from '../lib/format';
import { useTimeState } from '../lib/timeState';

const fmtBytes = (v: number) => formatBytes(v);
const fmtBytesRate = (v: number) => formatBytesRate(v);
const fmtRate = (v: number) => formatRate(v);
const fmtNum = (v: number) => formatNumber(v);

export function ClusterPage() {
  const { cluster = '' } = useParams();
  const { interval, link } = useTimeState();
  const operate = useCanOperate();
  const cq = useQuery({ queryKey: ['cluster', cluster], queryFn: ({ signal }) => api.cluster(cluster, signal), refetchInterval: interval });
  const bq = useQuery({ queryKey: ['brokers', cluster], queryFn: ({ signal }) => api.brokers(cluster, signal), refetchInterval: interval });
  const hq = useQuery({
    queryKey: ['health', cluster],
    queryFn: ({ signal }) => api.health(cluster, signal).then((hs) => hs[0] ?? null),
    refetchInterval: interval,
  });
  const health = hq.data;
  const brokerScore = (id: number) => health?.brokers?.find((b) => b.entity.name === String(id));
  const c = cq.data;
  const s = c?.stats;
  const controller = bq.data?.controller_id ?? c?.controller_id;

  const cols: Column<Broker>[] = [
    {
      key: 'id',
      header: 'ID',
      width: '60px',
      render: (b) => (
        <Group gap={4} wrap="nowrap">
          <Text span fw={600} className="num">
            {b.id}
          </Text>
          {b.id === controller && (
            <Tooltip label={`Controller (${c?.controller_source ?? 'metadata'})`}>
              <IconCrown size={15} color="var(--mantine-color-yellow-6)" aria-label="controller" data-testid="controller-mark" />
            </Tooltip>
          )}
        </Group>
      ),
    },
    { key: 'health', header: 'Health', width: '56px', render: (b) => <HealthBadge score={brokerScore(b.id)} testId="broker-health" /> },
    { key: 'host', header: 'Host', width: 'minmax(110px, 2fr)', render: (b) => <Text span size="sm" truncate>{`${b.host}:${b.port}`}</Text> },
    { key: 'rack', header: 'Rack', width: 'minmax(48px, 1fr)', render: (b) => b.rack || <Text span c="dimmed">—</Text> },
    { key: 'reach', header: 'Reachable', width: '84px', render: (b) => <YesNo ok={b.reachable} /> },
    { key: 'leaders', header: 'Leaders', width: '66px', align: 'right', render: (b) => formatInt(b.stats.leaders) },
    { key: 'replicas', header: 'Replicas', width: '70px', align: 'right', render: (b) => formatInt(b.stats.replicas) },
    {
      key: 'urp',
      // "Under-repl." would not fit beside the health column at 1280 px.
      header: (
        <Tooltip label="Under-replicated partitions led by the broker" withArrow>
          <span>URP</span>
        </Tooltip>
      ),
      width: '48px',
      align: 'right',
      render: (b) => <Text span c={b.stats.under_replicated ? 'orange' : undefined}>{formatInt(b.stats.under_replicated)}</Text>,
    },
    { key: 'used', header: 'Disk used', width: '78px', align: 'right', render: (b) => formatBytes(b.stats.disk_used_bytes) },
    { key: 'free', header: 'Disk free', width: '76px', align: 'right', render: (b) => formatBytes(b.stats.disk_usable_bytes) },
    { key: 'min', header: 'In (msgs)', width: '74px', align: 'right', render: (b) => formatRate(b.stats.messages_in_per_sec) },
    { key: 'bin', header: 'In (bytes)', width: '80px', align: 'right', render: (b) => formatBytesRate(b.stats.bytes_in_per_sec) },
  ];

  if (cq.isPending) return <Loading />;
  if (cq.isError) return <ErrorAlert error={cq.error} />;
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Fleet', to: '/' }, { label: cluster }]}
        title={cluster}
        badges={<ClusterStatusBadge status={c!.status} />}
        meta={
          <>
            {c!.cluster_id && <Meta label="Cluster ID">{c!.cluster_id}</Meta>}
            <Meta label="Controller">
              {c!.controller_id >= 0 ? `broker ${c!.controller_id}` : 'unknown'}
              {c!.controller_source ? ` (${c!.controller_source})` : ''}
            </Meta>
            {c!.kafka_versions?.length ? <Meta label="Kafka">{c!.kafka_versions.join(', ')}</Meta> : null}
            <Meta label="Collected">
              {formatAgo(c!.collected_at)} in {formatDuration(c!.took_ms)}
              {c!.requests ? `, ${c!.requests} requests` : ''}
            </Meta>
            <Anchor component={Link} to={link(`/clusters/${encodeURIComponent(cluster)}/security`)} data-testid="security-link">
              Security (ACLs, quotas)
            </Anchor>
            <Anchor component={Link} to={link(`/clusters/${encodeURIComponent(cluster)}/replicas`)} data-testid="replicas-link">
              Replicas (leaders, reassignment)
            </Anchor>
            {operate && (
              <Anchor href={apiUrl(`/api/v1/clusters/${encodeURIComponent(cluster)}/bundle?hours=6`)} download data-testid="bundle-link">
                Diagnostics bundle
              </Anchor>
            )}
          </>
        }
      />
      {c!.errors && c!.errors.length > 0 && (
        <Alert color={c!.status === 'unreachable' ? 'red' : 'yellow'} title={`The last collection cycle had ${c!.errors.length} error(s)`} mb="md" data-testid="collect-errors">
          <List size="sm" spacing={2}>
            {c!.errors.map((e, i) => (
              <List.Item key={i}>
                <b>{e.part}</b>
                {e.broker ? ` (broker ${e.broker})` : ''}: {e.error}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {health ? (
        <HealthPanel
          score={health.score}
          extra={
            <Text size="xs" c="dimmed" data-testid="health-counts">
              Brokers: {(health.brokers ?? []).filter((b) => b.score === 100).length}/{(health.brokers ?? []).length} at 100 · Topics:{' '}
              {health.topics_healthy}/{health.topics_healthy + (health.topics ?? []).length} healthy · Groups: {health.groups_healthy}/
              {health.groups_healthy + (health.groups ?? []).length} healthy ·{' '}
              <Anchor component={Link} to={link(`/findings?cluster=${encodeURIComponent(cluster)}`)} size="xs" data-testid="cluster-findings-link">
                See the findings
              </Anchor>
            </Text>
          }
        />
      ) : hq.isError ? (
        <Text size="sm" c="dimmed" mb="md" data-testid="health-unavailable">
          Health score unavailable: {hq.error instanceof ApiError ? hq.error.message : String(hq.error)}
        </Text>
      ) : hq.isSuccess ? (
        <Text size="sm" c="dimmed" mb="md" data-testid="health-unavailable">
          Health score pending: the first analysis has not run yet.
        </Text>
      ) : null}
      {s && (
        <StatGrid cols={6}>
          <Stat label="Brokers" value={`${s.brokers_reachable}/${s.brokers}`} tone={s.brokers_reachable < s.brokers ? 'bad' : undefined} hint="reachable / total" testId="stat-brokers" />
          <Stat label="Topics" value={formatInt(s.topics)} testId="stat-topics" />
          <Stat label="Partitions" value={formatInt(s.partitions)} testId="stat-partitions" />
          <Stat label="Under-replicated" value={formatInt(s.under_replicated)} tone={s.under_replicated ? 'warn' : undefined} hint={`under min ISR: ${s.under_min_isr}`} />
          <Stat label="Offline" value={formatInt(s.offline)} tone={s.offline ? 'bad' : undefined} />
          <Stat label="Total lag" value={formatNumber(s.lag)} hint={`${s.groups} consumer groups`} />
          <Stat label="In (msgs)" value={formatRate(s.messages_in_per_sec)} />
          <Stat label="In (bytes)" value={formatBytesRate(s.bytes_in_per_sec)} />
          <Stat label="Disk used" value={formatBytes(s.disk_used_bytes)} hint="all replicas, all log dirs" />
          <Stat label="Data size" value={formatBytes(s.size_bytes)} hint="one copy of every partition" />
          <Stat label="Replicas" value={formatInt(s.replicas)} />
          <Stat label="Groups" value={formatInt(s.groups)} />
        </StatGrid>
      )}
      <Section title="Throughput and disk">
        <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
          <MetricChart title="Bytes in" entity={`cluster:${cluster}`} metric="bytes_in_per_sec" format={fmtBytesRate} color="#228be6" />
          <MetricChart title="Messages in" entity={`cluster:${cluster}`} metric="messages_in_per_sec" format={fmtRate} color="#12b886" />
          <MetricChart title="Disk used" entity={`cluster:${cluster}`} metric="disk_used_bytes" format={fmtBytes} color="#7950f2" />
          <MetricChart title="Consumer lag" entity={`cluster:${cluster}`} metric="lag" format={fmtNum} color="#fd7e14" />
          <MetricChart title="Under-replicated partitions" entity={`cluster:${cluster}`} metric="under_replicated" format={fmtNum} color="#fa5252" />
          <MetricChart title="Collection time" entity={`cluster:${cluster}`} metric="collect_seconds" format={(v) => formatDuration(v * 1000)} color="#868e96" />
        </SimpleGrid>
      </Section>
      <Section title="Brokers" right={<Badge variant="light">{bq.data?.brokers.length ?? 0}</Badge>}>
        {bq.isError ? (
          <ErrorAlert error={bq.error} />
        ) : (
          <DataTable
            label="Brokers"
            testId="brokers-table"
            columns={cols}
            rows={bq.data?.brokers ?? []}
            rowKey={(b) => String(b.id)}
            loading={bq.isPending}
            empty="No brokers in the metadata."
            rowClass={(b) => (b.reachable ? undefined : 'row-bad')}
          />
        )}
      </Section>
    </>
  );
}
