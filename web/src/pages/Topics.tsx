import { Alert, Anchor, Badge, Button, Checkbox, Group, Modal, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api } from '../api/endpoints';
import type { CreateTopicPlan, TopicRow } from '../api/types';
import { useCanOperate } from '../auth';
import { DataTable, type Column } from '../components/DataTable';
import { PageHeader } from '../components/Page';
import { Pager } from '../components/Pager';
import { ErrorAlert } from '../components/States';
import { CreateTopicForm } from '../components/TopicOps';
import { formatBytes, formatBytesRate, formatInt, formatRate } from '../lib/format';
import { useListState } from '../lib/useListState';
import { useTimeState } from '../lib/timeState';

const SORTS = ['name', 'partitions', 'size', 'rate'];

export function TopicsPage() {
  const { cluster = '' } = useParams();
  const { search, q, text, setText, sort, desc, size, offset, update, toggleSort } = useListState(SORTS, 'name');
  const navigate = useNavigate();
  const { interval, link } = useTimeState();
  const showInternal = search.get('internal') === '1';
  const operate = useCanOperate();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreateTopicPlan | null>(null);
  // Set by the topic page after a delete.
  const deletedTopic = (useLocation().state as { deletedTopic?: string } | null)?.deletedTopic;
  const [deletedShown, setDeletedShown] = useState(true);

  const tq = useQuery({
    queryKey: ['topics', cluster, q, sort, desc, size, offset, showInternal],
    queryFn: ({ signal }) =>
      api.topics(cluster, { q, sort, order: desc ? 'desc' : 'asc', limit: size, offset, internal: showInternal ? undefined : false }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: interval,
  });


  const topicPath = (t: TopicRow) => `/clusters/${encodeURIComponent(cluster)}/topics/${encodeURIComponent(t.name)}`;
  const cols: Column<TopicRow>[] = [
    {
      key: 'name',
      header: 'Topic',
      width: 'minmax(220px, 3fr)',
      sortKey: 'name',
      render: (t) => (
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          <Anchor component={Link} to={link(topicPath(t))} size="sm" className="truncate" tabIndex={-1}>
            {t.name}
          </Anchor>
          {t.internal && (
            <Badge size="xs" variant="outline" color="gray">
              internal
            </Badge>
          )}
        </Group>
      ),
    },
    { key: 'partitions', header: 'Partitions', width: '90px', align: 'right', sortKey: 'partitions', render: (t) => formatInt(t.partitions) },
    { key: 'rf', header: 'RF', width: '50px', align: 'right', render: (t) => t.replication_factor },
    { key: 'size', header: 'Size', width: '100px', align: 'right', sortKey: 'size', render: (t) => formatBytes(t.size_bytes) },
    { key: 'msgs', header: 'Messages', width: '100px', align: 'right', render: (t) => formatInt(t.messages) },
    { key: 'rate', header: 'In (msgs)', width: '100px', align: 'right', sortKey: 'rate', render: (t) => formatRate(t.messages_in_per_sec) },
    { key: 'brate', header: 'In (bytes)', width: '100px', align: 'right', render: (t) => formatBytesRate(t.bytes_in_per_sec) },
    {
      key: 'health',
      header: 'Health',
      width: '110px',
      render: (t) =>
        t.offline > 0 ? (
          <Badge color="red" size="sm" variant="light">{`${t.offline} offline`}</Badge>
        ) : t.under_replicated > 0 ? (
          <Badge color="orange" size="sm" variant="light">{`${t.under_replicated} under-repl.`}</Badge>
        ) : t.under_min_isr > 0 ? (
          <Badge color="orange" size="sm" variant="light">{`${t.under_min_isr} < min ISR`}</Badge>
        ) : (
          <Badge color="teal" size="sm" variant="dot">
            OK
          </Badge>
        ),
    },
  ];

  const data = tq.data;
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Fleet', to: '/' }, { label: cluster, to: `/clusters/${encodeURIComponent(cluster)}` }, { label: 'Topics' }]}
        title="Topics"
        badges={data ? <Badge variant="light" data-testid="topics-total">{formatInt(data.total)}</Badge> : undefined}
        right={
          operate ? (
            <Button
              leftSection={<IconPlus size={16} />}
              onClick={() => {
                setCreated(null);
                setCreating(true);
              }}
              data-testid="create-topic-button"
            >
              Create topic
            </Button>
          ) : undefined
        }
      />
      {deletedTopic && deletedShown && (
        <Alert color="teal" icon={<IconCheck size={18} />} mb="sm" withCloseButton onClose={() => setDeletedShown(false)} data-testid="topic-deleted">
          Deleted topic {deletedTopic}. It leaves this list with the next collection cycle.
        </Alert>
      )}
      {created && (
        <Alert color="teal" icon={<IconCheck size={18} />} mb="sm" withCloseButton onClose={() => setCreated(null)} data-testid="topic-created">
          {created.summary}.{' '}
          <Anchor component={Link} to={link(`/clusters/${encodeURIComponent(cluster)}/topics/${encodeURIComponent(created.topic)}`)} size="sm">
            Open {created.topic}
          </Anchor>
        </Alert>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={`Create a topic in ${cluster}`} size="lg" data-testid="create-topic-modal">
        {creating && (
          <CreateTopicForm
            cluster={cluster}
            onCancel={() => setCreating(false)}
            onCreated={(p) => {
              setCreating(false);
              setCreated(p);
              void qc.invalidateQueries({ queryKey: ['topics', cluster] });
              void qc.invalidateQueries({ queryKey: ['clusters'] });
            }}
          />
        )}
      </Modal>
      <Group mb="sm" gap="md" wrap="wrap">
        <TextInput
          placeholder="Filter topics by name"
          aria-label="Filter topics"
          data-testid="topic-filter"
          leftSection={<IconSearch size={16} />}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          w={340}
        />
        <Checkbox label="Show internal topics" checked={showInternal} onChange={(e) => update({ internal: e.currentTarget.checked ? '1' : null, page: null })} />
        {tq.isFetching && !tq.isPending && (
          <Text size="xs" c="dimmed">
            updating…
          </Text>
        )}
      </Group>
      {tq.isError ? (
        <ErrorAlert error={tq.error} />
      ) : (
        <>
          <DataTable
            label="Topics"
            testId="topics-table"
            columns={cols}
            rows={data?.items ?? []}
            rowKey={(t) => t.name}
            loading={tq.isPending}
            sort={{ key: sort, desc }}
            onSort={toggleSort}
            onOpen={(t) => navigate(link(topicPath(t)))}
            empty={q ? `No topic matches “${q}”.` : 'This cluster has no topics.'}
            rowClass={(t) => (t.offline ? 'row-bad' : t.under_replicated ? 'row-warn' : undefined)}
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
