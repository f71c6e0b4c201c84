import { Alert, Anchor, Badge, Button, Group, Modal, SimpleGrid, Tabs, Text, Tooltip } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconEraser, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/endpoints';
import type { AddPartitionsPlan, AlterConfigsPlan, Config, Partition, PurgePlan, TopicGroup } from '../api/types';
import { useCanOperate, useIsAdmin } from '../auth';
import { DataTable, type Column } from '../components/DataTable';
import { EntityFindings } from '../components/Findings';
import { EntityHealth } from '../components/Health';
import { Meta, PageHeader, Section, Stat, StatGrid } from '../components/Page';
import { ErrorAlert, Loading } from '../components/States';
import { AddPartitionsForm } from '../components/TopicOps';
import { ConfigsDone, DeleteTopicForm, EditConfigsForm, PurgeDone, PurgeForm } from '../components/TopicAdmin';
import { MessagesTab } from '../components/Messages';
import { GroupStateBadge } from '../components/StatusBadge';
import { MetricChart } from '../components/TimeChart';
import { formatBytes, formatBytesRate, formatInt, formatRate } from '../lib/format';
import { useTimeState } from '../lib/timeState';

const fmtBytes = (v: number) => formatBytes(v);
const fmtBytesRate = (v: number) => formatBytesRate(v);
const fmtRate = (v: number) => formatRate(v);

function Replicas({ ids, leader, bad }: { ids: number[]; leader?: number; bad?: Set<number> }) {
  return (
    <Group gap={3} wrap="nowrap">
      {ids.map((id) => (
        <span key={id} className={`replica${id === leader ? ' replica-leader' : ''}${bad?.has(id) ? ' replica-bad' : ''}`}>
          {id}
        </span>
      ))}
    </Group>
  );
}

export function isrShort(p: Partition): boolean {
  return (p.isr?.length ?? 0) < (p.replicas?.length ?? 0);
}

export function TopicPage() {
  const { cluster = '', topic = '' } = useParams();
  const { interval, link } = useTimeState();
  const navigate = useNavigate();
  const [tab, setTab] = useState<string | null>('partitions');
  const operate = useCanOperate();
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<AddPartitionsPlan | null>(null);
  const admin = useIsAdmin();
  const [op, setOp] = useState<'configs' | 'purge' | 'delete' | null>(null);
  const [done, setDone] = useState<{ kind: 'configs'; plan: AlterConfigsPlan } | { kind: 'purge'; plan: PurgePlan } | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['topic', cluster, topic] });
    void qc.invalidateQueries({ queryKey: ['topics', cluster] });
  };
  const q = useQuery({ queryKey: ['topic', cluster, topic], queryFn: ({ signal }) => api.topic(cluster, topic, signal), refetchInterval: interval });
  const t = q.data;
  const entity = `topic:${cluster}/${topic}`;
  const clusterPath = `/clusters/${encodeURIComponent(cluster)}`;
  const crumbs = [
    { label: 'Fleet', to: '/' },
    { label: cluster, to: clusterPath },
    { label: 'Topics', to: clusterPath + '/topics' },
    { label: topic },
  ];
  if (q.isPending) return <Loading />;
  if (q.isError)
    return (
      <>
        <PageHeader crumbs={crumbs} title={topic} />
        <ErrorAlert error={q.error} />
      </>
    );

  const partCols: Column<Partition>[] = [
    { key: 'id', header: 'Partition', width: '75px', align: 'right', render: (p) => <Text span size="sm" fw={600} className="num">{p.id}</Text> },
    {
      key: 'leader',
      header: 'Leader',
      width: '60px',
      align: 'right',
      render: (p) => (p.leader < 0 ? <Badge color="red" size="sm">none</Badge> : p.leader),
    },
    { key: 'replicas', header: 'Replicas', width: 'minmax(100px, 1fr)', render: (p) => <Replicas ids={p.replicas ?? []} leader={p.leader} bad={new Set(p.offline_replicas ?? [])} /> },
    {
      key: 'isr',
      header: 'In-sync replicas',
      width: 'minmax(130px, 1fr)',
      render: (p) => (
        <Group gap={6} wrap="nowrap" className={isrShort(p) ? 'isr-short' : undefined} data-isr-short={isrShort(p) || undefined}>
          <Replicas ids={p.isr ?? []} leader={p.leader} />
          {isrShort(p) && (
            <Tooltip label={`Missing from ISR: ${(p.replicas ?? []).filter((r) => !(p.isr ?? []).includes(r)).join(', ')}`}>
              <Badge color="orange" size="xs" variant="filled">
                {p.isr?.length ?? 0}/{p.replicas?.length ?? 0}
              </Badge>
            </Tooltip>
          )}
        </Group>
      ),
    },
    { key: 'start', header: 'Start offset', width: '100px', align: 'right', render: (p) => formatInt(p.start_offset) },
    { key: 'end', header: 'End offset', width: '100px', align: 'right', render: (p) => formatInt(p.end_offset) },
    { key: 'msgs', header: 'Messages', width: '90px', align: 'right', render: (p) => formatInt(p.stats.messages) },
    { key: 'size', header: 'Size', width: '85px', align: 'right', render: (p) => formatBytes(p.stats.size_bytes) },
    { key: 'rate', header: 'In (msgs)', width: '85px', align: 'right', render: (p) => formatRate(p.stats.messages_in_per_sec) },
  ];

  const configs = Object.entries(t!.configs ?? {})
    .map(([name, c]) => ({ name, ...c }))
    .sort((a, b) => Number(a.source === 'default') - Number(b.source === 'default') || a.name.localeCompare(b.name));
  const nonDefault = configs.filter((c) => c.source !== 'default').length;
  const cfgCols: Column<Config & { name: string }>[] = [
    {
      key: 'name',
      header: 'Config',
      width: 'minmax(220px, 2fr)',
      render: (c) => (
        <Text span size="sm" fw={c.source !== 'default' ? 650 : 400} ff="monospace">
          {c.name}
        </Text>
      ),
    },
    { key: 'value', header: 'Value', width: 'minmax(160px, 2fr)', render: (c) => <Text span size="sm" ff="monospace" className="truncate">{c.sensitive ? '(sensitive)' : c.value}</Text> },
    {
      key: 'source',
      header: 'Source',
      width: '170px',
      render: (c) =>
        c.source === 'default' ? (
          <Text span size="xs" c="dimmed">
            default
          </Text>
        ) : (
          <Badge size="sm" variant="light" color="violet" data-testid="config-non-default">
            {c.source.replace(/_/g, ' ')}
          </Badge>
        ),
    },
  ];

  const groupPath = (g: TopicGroup) => `${clusterPath}/groups/${encodeURIComponent(g.id)}`;
  const groupCols: Column<TopicGroup>[] = [
    {
      key: 'id',
      header: 'Group',
      width: 'minmax(200px, 2fr)',
      render: (g) => (
        <Anchor component={Link} to={link(groupPath(g))} size="sm" tabIndex={-1}>
          {g.id}
        </Anchor>
      ),
    },
    { key: 'state', header: 'State', width: '160px', render: (g) => <GroupStateBadge state={g.state} lag={g.lag} /> },
    { key: 'lag', header: 'Lag on this topic', width: '150px', align: 'right', render: (g) => formatInt(g.lag) },
  ];

  const s = t!.stats;
  const short = t!.partitions.filter(isrShort).length;
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={topic}
        badges={
          <>
            {t!.internal && <Badge variant="outline">internal</Badge>}
            {s.offline > 0 ? (
              <Badge color="red">{s.offline} offline</Badge>
            ) : s.under_replicated > 0 ? (
              <Badge color="orange">{s.under_replicated} under-replicated</Badge>
            ) : (
              <Badge color="teal" variant="light">
                Healthy
              </Badge>
            )}
          </>
        }
        meta={t!.id ? <Meta label="Topic ID">{t!.id}</Meta> : undefined}
        right={
          operate && !t!.internal ? (
            <Group gap="xs">
              <Button
                variant="default"
                leftSection={<IconPlus size={16} />}
                onClick={() => {
                  setAdded(null);
                  setAdding(true);
                }}
                data-testid="add-partitions-button"
              >
                Add partitions
              </Button>
              <Button
                variant="default"
                leftSection={<IconPencil size={16} />}
                onClick={() => {
                  setDone(null);
                  setOp('configs');
                }}
                data-testid="edit-configs-button"
              >
                Edit configs
              </Button>
              <Button
                variant="default"
                leftSection={<IconEraser size={16} />}
                onClick={() => {
                  setDone(null);
                  setOp('purge');
                }}
                data-testid="purge-button"
              >
                Purge
              </Button>
              {admin && (
                <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setOp('delete')} data-testid="delete-topic-button">
                  Delete
                </Button>
              )}
            </Group>
          ) : undefined
        }
      />
      {done && (
        <Alert
          color="teal"
          icon={<IconCheck size={18} />}
          mb="sm"
          title={done.kind === 'configs' ? 'Configs changed' : 'Records purged'}
          withCloseButton
          onClose={() => setDone(null)}
          data-testid={done.kind === 'configs' ? 'configs-done' : 'purge-done'}
        >
          {done.kind === 'configs' ? <ConfigsDone plan={done.plan} /> : <PurgeDone plan={done.plan} />}
        </Alert>
      )}
      <Modal opened={op === 'configs'} onClose={() => setOp(null)} title={`Edit the configs of ${topic}`} size="xl" data-testid="edit-configs-modal">
        {op === 'configs' && (
          <EditConfigsForm
            cluster={cluster}
            topic={topic}
            configs={t!.configs}
            onCancel={() => setOp(null)}
            onDone={(p) => {
              setOp(null);
              setDone({ kind: 'configs', plan: p });
              setTab('configs');
              refresh();
            }}
          />
        )}
      </Modal>
      <Modal opened={op === 'purge'} onClose={() => setOp(null)} title={`Purge records of ${topic}`} size="xl" data-testid="purge-modal">
        {op === 'purge' && (
          <PurgeForm
            cluster={cluster}
            topic={topic}
            partitions={t!.partitions.map((p) => p.id)}
            onCancel={() => setOp(null)}
            onDone={(p) => {
              setOp(null);
              setDone({ kind: 'purge', plan: p });
              refresh();
            }}
          />
        )}
      </Modal>
      <Modal opened={op === 'delete'} onClose={() => setOp(null)} title={`Delete topic ${topic}`} size="lg" data-testid="delete-topic-modal">
        {op === 'delete' && (
          <DeleteTopicForm
            cluster={cluster}
            topic={topic}
            onCancel={() => setOp(null)}
            onDeleted={() => {
              setOp(null);
              void qc.invalidateQueries({ queryKey: ['topics', cluster] });
              navigate(link(clusterPath + '/topics'), { state: { deletedTopic: topic } });
            }}
          />
        )}
      </Modal>
      {added && (
        <Alert color="teal" icon={<IconCheck size={18} />} mb="sm" withCloseButton onClose={() => setAdded(null)} data-testid="partitions-added">
          {added.summary}.
        </Alert>
      )}
      <Modal opened={adding} onClose={() => setAdding(false)} title={`Add partitions to ${topic}`} size="lg" data-testid="add-partitions-modal">
        {adding && (
          <AddPartitionsForm
            cluster={cluster}
            topic={topic}
            current={t!.partitions.length}
            onCancel={() => setAdding(false)}
            onDone={(p) => {
              setAdding(false);
              setAdded(p);
              void qc.invalidateQueries({ queryKey: ['topic', cluster, topic] });
              void qc.invalidateQueries({ queryKey: ['topics', cluster] });
            }}
          />
        )}
      </Modal>
      <StatGrid cols={7}>
        <Stat label="Partitions" value={formatInt(s.partitions)} testId="stat-partitions" />
        <Stat label="RF / min ISR" value={`${s.replication_factor} / ${s.min_insync_replicas}`} hint="replication factor / min.insync.replicas" />
        <Stat label="ISR short" value={formatInt(short)} tone={short ? 'warn' : undefined} />
        <Stat label="Size" value={formatBytes(s.size_bytes)} hint={`${formatBytes(s.replica_bytes)} with replicas`} />
        <Stat label="Messages" value={formatInt(s.messages)} />
        <Stat label="In (msgs)" value={formatRate(s.messages_in_per_sec)} />
        <Stat label="In (bytes)" value={formatBytesRate(s.bytes_in_per_sec)} />
      </StatGrid>
      <Section title="Health and findings">
        <div data-testid="entity-health">
          <EntityHealth cluster={cluster} kind="topic" name={topic} />
          <EntityFindings cluster={cluster} kind="topic" name={topic} />
        </div>
      </Section>
      <Section title="History">
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <MetricChart title="Messages in" entity={entity} metric="messages_in_per_sec" format={fmtRate} color="#12b886" height={160} />
          <MetricChart title="Bytes in" entity={entity} metric="bytes_in_per_sec" format={fmtBytesRate} color="#228be6" height={160} />
          <MetricChart title="Size" entity={entity} metric="size_bytes" format={fmtBytes} color="#7950f2" height={160} />
        </SimpleGrid>
      </Section>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="partitions" data-testid="tab-partitions">
            Partitions <Badge size="xs" variant="light" ml={4}>{t!.partitions.length}</Badge>
          </Tabs.Tab>
          <Tabs.Tab value="configs" data-testid="tab-configs">
            Configs <Badge size="xs" variant="light" ml={4}>{nonDefault} non-default</Badge>
          </Tabs.Tab>
          <Tabs.Tab value="groups" data-testid="tab-groups">
            Consumer groups <Badge size="xs" variant="light" ml={4}>{t!.groups.length}</Badge>
          </Tabs.Tab>
          <Tabs.Tab value="messages" data-testid="tab-messages">
            Messages
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="partitions">
          <DataTable
            label="Partitions"
            testId="partitions-table"
            columns={partCols}
            rows={t!.partitions}
            rowKey={(p) => String(p.id)}
            rowClass={(p) => (p.leader < 0 ? 'row-bad' : isrShort(p) ? 'row-warn' : undefined)}
          />
        </Tabs.Panel>
        <Tabs.Panel value="configs">
          <DataTable label="Configs" testId="configs-table" columns={cfgCols} rows={configs} rowKey={(c) => c.name} empty="No configs were collected for this topic." rowClass={(c) => (c.source !== 'default' ? 'row-accent' : undefined)} />
        </Tabs.Panel>
        <Tabs.Panel value="groups">
          <DataTable
            label="Consuming groups"
            testId="topic-groups-table"
            columns={groupCols}
            rows={t!.groups}
            rowKey={(g) => g.id}
            onOpen={(g) => navigate(link(groupPath(g)))}
            empty="No consumer group has committed offsets on this topic."
          />
        </Tabs.Panel>
        <Tabs.Panel value="messages">
          <MessagesTab cluster={cluster} topic={topic} partitions={t!.partitions.map((p) => p.id)} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
