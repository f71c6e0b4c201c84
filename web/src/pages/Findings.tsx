import { Badge, CloseButton, Group, SegmentedControl, Select, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { IconSearch } from '@tabler/icons-react';
import { api } from '../api/endpoints';
import { FindingList } from '../components/Findings';
import { PageHeader } from '../components/Page';
import { Pager } from '../components/Pager';
import { ErrorAlert, Loading } from '../components/States';
import { formatInt } from '../lib/format';
import { useListState } from '../lib/useListState';
import { useTimeState } from '../lib/timeState';

const KINDS = ['cluster', 'broker', 'topic', 'group'];
const MIN_SEVERITY = [
  { value: 'info', label: 'All' },
  { value: 'warning', label: 'Warning+' },
  { value: 'critical', label: 'Critical' },
];

/** Every finding of the fleet's latest analyses, worst first, filtered from the URL. */
export function FindingsPage() {
  const { search, q, text, setText, size, offset, update } = useListState([], '');
  const { interval } = useTimeState();
  const cluster = search.get('cluster') ?? '';
  const severity = ['warning', 'critical'].includes(search.get('severity') ?? '') ? search.get('severity')! : 'info';
  const kind = KINDS.includes(search.get('kind') ?? '') ? search.get('kind')! : '';
  const entity = search.get('entity') ?? '';
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: ({ signal }) => api.clusters(signal) });
  const fq = useQuery({
    queryKey: ['findings', cluster, severity, kind, entity, q, size, offset],
    queryFn: ({ signal }) =>
      api.findings({ cluster, severity: severity === 'info' ? undefined : severity, kind, entity, q, limit: size, offset }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: interval,
  });
  const data = fq.data;
  const filtered = !!(cluster || severity !== 'info' || kind || entity || q);
  return (
    <>
      <PageHeader
        title="Findings"
        badges={data ? <Badge variant="light" data-testid="findings-total">{formatInt(data.total)}</Badge> : undefined}
        meta={<Text size="sm">What the latest analysis of each cluster found, worst first. Open one for its evidence and the fix.</Text>}
      />
      <Group mb="sm" gap="sm" wrap="wrap" align="center">
        <Select
          aria-label="Cluster"
          placeholder="All clusters"
          data-testid="findings-cluster"
          clearable
          w={180}
          value={cluster || null}
          data={(clusters.data ?? []).map((c) => c.name)}
          onChange={(v) => update({ cluster: v, page: null })}
        />
        <SegmentedControl
          aria-label="Minimum severity"
          data-testid="findings-severity"
          value={severity}
          data={MIN_SEVERITY}
          onChange={(v) => update({ severity: v === 'info' ? null : v, page: null })}
        />
        <Select
          aria-label="Kind"
          placeholder="All kinds"
          data-testid="findings-kind"
          clearable
          w={140}
          value={kind || null}
          data={KINDS}
          onChange={(v) => update({ kind: v, page: null })}
        />
        <TextInput
          placeholder="Filter by title"
          aria-label="Filter findings"
          data-testid="findings-filter"
          leftSection={<IconSearch size={16} />}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          w={260}
        />
        {entity && (
          <Badge variant="outline" size="lg" rightSection={<CloseButton size="xs" aria-label="Clear the entity filter" onClick={() => update({ entity: null, page: null })} />}>
            entity: {entity}
          </Badge>
        )}
        {fq.isFetching && !fq.isPending && (
          <Text size="xs" c="dimmed">
            updating…
          </Text>
        )}
      </Group>
      {fq.isError ? (
        <ErrorAlert error={fq.error} />
      ) : fq.isPending ? (
        <Loading />
      ) : (
        <>
          <FindingList findings={data!.items ?? []} empty={filtered ? 'No finding matches these filters.' : 'Nothing found: every check passes.'} />
          {data!.total > 0 && (
            <Pager
              total={data!.total}
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
