import { Alert, Group, Paper, SimpleGrid, Stack, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/endpoints';
import type { ClusterSummary, Score } from '../api/types';
import { HealthBadge } from '../components/Health';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { PageHeader, Stat, StatGrid } from '../components/Page';
import { ClusterStatusBadge } from '../components/StatusBadge';
import { formatAgo, formatBytes, formatBytesRate, formatInt, formatNumber, formatRate } from '../lib/format';
import { useTimeState } from '../lib/timeState';

function Metric({ label, value, tone, testId }: { label: string; value: string; tone?: 'bad' | 'warn'; testId?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} size="md" className="num" c={tone === 'bad' ? 'red' : tone === 'warn' ? 'orange' : undefined} data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}

function ClusterCard({ c, health }: { c: ClusterSummary; health?: Score }) {
  const { link } = useTimeState();
  const s = c.stats;
  return (
    <UnstyledButton
      component={Link}
      to={link(`/clusters/${encodeURIComponent(c.name)}`)}
      className="card-link"
      data-testid={`cluster-card-${c.name}`}
      aria-label={`Cluster ${c.name}, ${c.status}`}
    >
      <Paper withBorder radius="md" p="md" className="cluster-card">
        <Group justify="space-between" mb="xs" wrap="nowrap">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text fw={700} size="lg" truncate>
              {c.name}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {c.cluster_id ?? 'not collected yet'}
              {c.kafka_versions?.length ? ` · Kafka ${c.kafka_versions.join(', ')}` : ''}
            </Text>
          </Stack>
          <Group gap={6} wrap="nowrap">
            {health && <HealthBadge score={health} size="md" focusable={false} label="Health" testId="card-health" />}
            <ClusterStatusBadge status={c.status} />
          </Group>
        </Group>
        {c.labels && Object.keys(c.labels).length > 0 && (
          <Group gap={4} mb="xs">
            {Object.entries(c.labels).map(([k, v]) => (
              <Text key={k} size="xs" className="label-chip">
                {k}={v}
              </Text>
            ))}
          </Group>
        )}
        {c.error && (
          <Alert color="red" p="xs" mb="xs" variant="light">
            <Text size="xs">{c.error}</Text>
          </Alert>
        )}
        {s ? (
          <SimpleGrid cols={4} spacing="xs" verticalSpacing="xs">
            <Metric label="Brokers" value={`${s.brokers_reachable}/${s.brokers}`} tone={s.brokers_reachable < s.brokers ? 'bad' : undefined} testId="card-brokers" />
            <Metric label="Topics" value={formatInt(s.topics)} testId="card-topics" />
            <Metric label="Partitions" value={formatInt(s.partitions)} testId="card-partitions" />
            <Metric label="Groups" value={formatInt(s.groups)} />
            <Metric label="Under-replicated" value={formatInt(s.under_replicated)} tone={s.under_replicated > 0 ? 'warn' : undefined} />
            <Metric label="Offline" value={formatInt(s.offline)} tone={s.offline > 0 ? 'bad' : undefined} />
            <Metric label="In (msgs)" value={formatRate(s.messages_in_per_sec)} />
            <Metric label="In (bytes)" value={formatBytesRate(s.bytes_in_per_sec)} />
            <Metric label="Disk used" value={formatBytes(s.disk_used_bytes)} />
            <Metric label="Data size" value={formatBytes(s.size_bytes)} />
            <Metric label="Total lag" value={formatNumber(s.lag)} tone={s.lag > 10000 ? 'warn' : undefined} />
            <Metric label="Collected" value={formatAgo(c.collected_at)} />
          </SimpleGrid>
        ) : (
          <Text size="sm" c="dimmed">
            Waiting for the first collection cycle…
          </Text>
        )}
      </Paper>
    </UnstyledButton>
  );
}

export function FleetPage() {
  const { interval } = useTimeState();
  const q = useQuery({ queryKey: ['clusters'], queryFn: ({ signal }) => api.clusters(signal), refetchInterval: interval });
  const hq = useQuery({ queryKey: ['health', ''], queryFn: ({ signal }) => api.health(undefined, signal), refetchInterval: interval });
  const scoreOf = (name: string) => hq.data?.find((h) => h.cluster === name)?.score;
  const cs = q.data ?? [];
  const sum = (f: (c: ClusterSummary) => number) => cs.reduce((a, c) => a + (c.stats ? f(c) : 0), 0);
  const bad = cs.filter((c) => c.status !== 'ok').length;
  return (
    <>
      <PageHeader title="Fleet overview" meta={<Text size="sm">Every cluster Gregor watches, from its latest collection cycle.</Text>} />
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : cs.length === 0 ? (
        <Empty>No cluster is configured. Add one under clusters: in the config file.</Empty>
      ) : (
        <>
          <StatGrid cols={6}>
            <Stat label="Clusters" value={`${cs.length - bad}/${cs.length} healthy`} tone={bad ? 'warn' : 'good'} />
            <Stat label="Brokers" value={formatInt(sum((c) => c.stats!.brokers))} />
            <Stat label="Topics" value={formatInt(sum((c) => c.stats!.topics))} />
            <Stat label="In" value={formatBytesRate(sum((c) => c.stats!.bytes_in_per_sec))} />
            <Stat label="Disk used" value={formatBytes(sum((c) => c.stats!.disk_used_bytes))} />
            <Stat label="Total lag" value={formatNumber(sum((c) => c.stats!.lag))} />
          </StatGrid>
          <SimpleGrid cols={{ base: 1, lg: 2, xl: 3 }} spacing="md">
            {cs.map((c) => (
              <ClusterCard key={c.name} c={c} health={scoreOf(c.name)} />
            ))}
          </SimpleGrid>
        </>
      )}
    </>
  );
}
