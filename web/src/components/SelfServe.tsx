// Pieces shared by the self-service pages: request states, a request's spec in words, the
// new-request form, and the explanation for users without a team.
import { Alert, Badge, Button, Group, NativeSelect, NumberInput, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconPlus, IconUsersGroup } from '@tabler/icons-react';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api/endpoints';
import { selfserve, type RequestKind, type RequestView, type Spec } from '../api/selfserve';
import { formatBytesRate, formatDuration, formatInt } from '../lib/format';
import { OpError } from './Ops';

export const KINDS: { value: RequestKind; label: string }[] = [
  { value: 'topic', label: 'Topic' },
  { value: 'access', label: 'Access' },
  { value: 'quota', label: 'Quota' },
  { value: 'partitions', label: 'Partitions' },
];

export const STATES = ['pending', 'approved', 'applied', 'failed', 'rejected', 'cancelled'];

const stateColor: Record<string, string> = {
  pending: 'yellow',
  approved: 'blue',
  applied: 'teal',
  failed: 'red',
  rejected: 'grape',
  cancelled: 'gray',
};

export function RequestStateBadge({ state, testId = 'request-state' }: { state: string; testId?: string }) {
  return (
    <Badge color={stateColor[state] ?? 'gray'} variant="light" size="sm" data-testid={testId} data-state={state}>
      {state}
    </Badge>
  );
}

/** What a request asks for, in one line. */
export function specSummary(s: Spec): string {
  switch (s.kind) {
    case 'topic': {
      const parts = [s.partitions ? `${s.partitions} partitions` : '', s.replication_factor ? `RF ${s.replication_factor}` : '', s.region ? `region ${s.region}` : ''].filter(Boolean);
      return `Create topic ${s.topic ?? ''}${parts.length ? ` (${parts.join(', ')})` : ''}`;
    }
    case 'access':
      return `${s.access === 'consume' ? 'Consume from' : 'Produce to'} ${s.topic ?? ''}${s.access === 'consume' && s.group ? ` as group ${s.group}` : ''}`;
    case 'quota': {
      const parts = [s.producer_byte_rate ? `produce ${formatBytesRate(s.producer_byte_rate)}` : '', s.consumer_byte_rate ? `consume ${formatBytesRate(s.consumer_byte_rate)}` : ''].filter(Boolean);
      return `Quota: ${parts.join(', ') || 'unchanged'}`;
    }
    case 'partitions':
      return `Grow ${s.topic ?? ''} to ${s.count ?? '?'} partitions`;
  }
  return s.kind;
}

/** A request's spec, field by field (what the decider approves). */
export function SpecDetails({ spec }: { spec: Spec }) {
  const rows: [string, ReactNode][] = [
    ['Kind', spec.kind],
    ['Application', spec.application],
    ['Cluster', spec.cluster],
  ];
  if (spec.topic) rows.push(['Topic', spec.topic]);
  if (spec.kind === 'topic') {
    if (spec.region) rows.push(['Region', spec.region]);
    rows.push(['Partitions', spec.partitions ? formatInt(spec.partitions) : 'cluster default']);
    rows.push(['Replication factor', spec.replication_factor ? String(spec.replication_factor) : 'cluster default']);
    rows.push(['Retention', spec.retention_ms ? formatDuration(spec.retention_ms) : 'cluster default']);
    if (spec.expected_bytes_per_sec) rows.push(['Expected throughput', formatBytesRate(spec.expected_bytes_per_sec)]);
    for (const [k, v] of Object.entries(spec.configs ?? {})) rows.push([k, v]);
  }
  if (spec.kind === 'access') {
    rows.push(['Access', spec.access ?? '']);
    if (spec.access === 'consume') rows.push(['Consumer group', spec.group || `${spec.application}.* (default)`]);
  }
  if (spec.kind === 'quota') {
    rows.push(['Producer byte rate', spec.producer_byte_rate ? formatBytesRate(spec.producer_byte_rate) : 'unchanged']);
    rows.push(['Consumer byte rate', spec.consumer_byte_rate ? formatBytesRate(spec.consumer_byte_rate) : 'unchanged']);
  }
  if (spec.kind === 'partitions') rows.push(['New partition count', spec.count ? formatInt(spec.count) : '?']);
  return (
    <Table fz="sm" verticalSpacing={2} withRowBorders={false} data-testid="spec-details">
      <Table.Tbody>
        {rows.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Td c="dimmed" w={180}>
              {k}
            </Table.Td>
            <Table.Td ff="monospace" data-field={k}>
              {v}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Shown to a user in no team: applications and requests belong to teams. */
export function NoTeams({ admin }: { admin: boolean }) {
  if (admin) return null;
  return (
    <Alert color="blue" icon={<IconUsersGroup size={18} />} title="You are not in a team yet" data-testid="no-teams">
      Applications and requests belong to teams, and you are a member of none. Ask an admin to add you to your team; then you can create applications for it and
      request topics, access and quotas for them. Meanwhile you can look at the existing applications.
    </Alert>
  );
}

const num = (v: number | string) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The form of a new request; the application and kind may be given. */
export function NewRequestForm({
  applications,
  application,
  kind: initialKind = 'topic',
  topic: initialTopic = '',
  cluster: initialCluster,
  onDone,
  onCancel,
}: {
  applications: string[];
  application?: string;
  kind?: RequestKind;
  topic?: string;
  cluster?: string;
  onDone: (r: RequestView) => void;
  onCancel?: () => void;
}) {
  const qc = useQueryClient();
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: ({ signal }) => api.clusters(signal) });
  const [kind, setKind] = useState<RequestKind>(initialKind);
  const [app, setApp] = useState(application ?? applications[0] ?? '');
  const [cluster, setCluster] = useState(initialCluster ?? '');
  const theCluster = cluster || clusters.data?.[0]?.name || '';
  const regions = useQuery({ queryKey: ['regions', theCluster], queryFn: ({ signal }) => selfserve.regions(theCluster, signal), enabled: !!theCluster && kind === 'topic', retry: false });
  const [f, setF] = useState({
    topic: initialTopic,
    region: '',
    partitions: '' as number | string,
    rf: '' as number | string,
    retentionHours: '' as number | string,
    bytesPerSec: '' as number | string,
    access: 'produce' as 'produce' | 'consume',
    group: '',
    producer: '' as number | string,
    consumer: '' as number | string,
    count: '' as number | string,
    reason: '',
  });
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof typeof f>(k: K) => (v: (typeof f)[K]) => setF((x) => ({ ...x, [k]: v }));
  const regionList = regions.data ?? [];

  const spec = (): Spec => {
    const s: Spec = { kind, cluster: theCluster, application: app };
    const reason = f.reason.trim();
    if (kind !== 'quota') s.topic = f.topic.trim();
    if (kind === 'topic') {
      if (f.region) s.region = f.region;
      if (num(f.partitions)) s.partitions = num(f.partitions);
      if (num(f.rf)) s.replication_factor = num(f.rf);
      if (num(f.retentionHours)) s.retention_ms = Math.round(num(f.retentionHours)! * 3600000);
      if (num(f.bytesPerSec)) s.expected_bytes_per_sec = num(f.bytesPerSec);
    } else if (kind === 'access') {
      s.access = f.access;
      if (f.access === 'consume' && f.group.trim()) s.group = f.group.trim();
    } else if (kind === 'quota') {
      if (num(f.producer)) s.producer_byte_rate = num(f.producer);
      if (num(f.consumer)) s.consumer_byte_rate = num(f.consumer);
    } else if (kind === 'partitions') {
      if (num(f.count)) s.count = num(f.count);
    }
    if (reason) s.reason = reason;
    return s;
  };

  const create = useMutation({
    mutationFn: (s: Spec) => selfserve.createRequest(s),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['requests'] });
      onDone(r);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!app) return setProblem('Choose the application the request is for.');
    if (!theCluster) return setProblem('Choose a cluster.');
    if (kind !== 'quota' && !f.topic.trim()) return setProblem(kind === 'topic' ? 'Give the name of the topic to create.' : 'Give the topic.');
    if (kind === 'topic' && regionList.length > 0 && !f.region) return setProblem(`Choose a region: this cluster places topics in ${regionList.map((r) => r.name).join(', ')}.`);
    if (kind === 'quota' && !num(f.producer) && !num(f.consumer)) return setProblem('Give a producer and/or consumer byte rate (bytes per second).');
    if (kind === 'partitions' && !num(f.count)) return setProblem('Give the new partition count.');
    setProblem(null);
    create.mutate(spec());
  };

  return (
    <form onSubmit={submit} noValidate data-testid="request-form">
      <Stack gap="sm">
        <SegmentedControl value={kind} onChange={(v) => setKind(v as RequestKind)} data={KINDS} data-testid="req-kind" fullWidth />
        <SimpleGrid cols={2} spacing="sm">
          <NativeSelect label="Application" data={applications.length ? applications : [{ value: '', label: 'No application' }]} value={app} onChange={(e) => setApp(e.currentTarget.value)} data-testid="req-application" />
          <NativeSelect
            label="Cluster"
            data={(clusters.data ?? []).map((c) => c.name)}
            value={theCluster}
            onChange={(e) => {
              setCluster(e.currentTarget.value);
              set('region')('');
            }}
            data-testid="req-cluster"
          />
        </SimpleGrid>
        {kind === 'topic' && (
          <>
            <SimpleGrid cols={2} spacing="sm">
              <TextInput label="Topic name" placeholder="orders" value={f.topic} onChange={(e) => set('topic')(e.currentTarget.value)} data-testid="req-topic" />
              {regionList.length > 0 ? (
                <NativeSelect
                  label="Region"
                  data={[{ value: '', label: 'Choose a region' }, ...regionList.map((r) => ({ value: r.name, label: `${r.name} (brokers ${r.brokers.join(', ')})` }))]}
                  value={f.region}
                  onChange={(e) => set('region')(e.currentTarget.value)}
                  data-testid="req-region"
                />
              ) : (
                <TextInput label="Region" disabled value="" placeholder={regions.isPending && regions.fetchStatus !== 'idle' ? 'Loading…' : 'This cluster has no regions'} data-testid="req-region-none" />
              )}
              <NumberInput label="Partitions" placeholder="cluster default" min={1} allowDecimal={false} value={f.partitions} onChange={set('partitions')} data-testid="req-partitions" />
              <NumberInput label="Replication factor" placeholder="cluster default" min={1} allowDecimal={false} value={f.rf} onChange={set('rf')} data-testid="req-rf" />
              <NumberInput label="Retention (hours)" placeholder="cluster default" min={0} value={f.retentionHours} onChange={set('retentionHours')} data-testid="req-retention" />
              <NumberInput
                label="Expected throughput (bytes/s)"
                placeholder="e.g. 1048576"
                min={0}
                allowDecimal={false}
                value={f.bytesPerSec}
                onChange={set('bytesPerSec')}
                description={num(f.bytesPerSec) ? formatBytesRate(num(f.bytesPerSec)) : undefined}
                data-testid="req-throughput"
              />
            </SimpleGrid>
          </>
        )}
        {kind === 'access' && (
          <SimpleGrid cols={2} spacing="sm">
            <TextInput label="Topic" value={f.topic} onChange={(e) => set('topic')(e.currentTarget.value)} data-testid="req-topic" />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                Access
              </Text>
              <SegmentedControl value={f.access} onChange={(v) => set('access')(v as 'produce' | 'consume')} data={['produce', 'consume']} data-testid="req-access" />
            </Stack>
            {f.access === 'consume' && (
              <TextInput
                label="Consumer group"
                description={`Default: the application's own groups, named ${app || 'application'}.something; end in * for a prefix; other groups need the Kafka team`}
                value={f.group}
                onChange={(e) => set('group')(e.currentTarget.value)}
                data-testid="req-group"
              />
            )}
          </SimpleGrid>
        )}
        {kind === 'quota' && (
          <SimpleGrid cols={2} spacing="sm">
            <NumberInput label="Producer byte rate (bytes/s)" placeholder="unchanged" min={0} allowDecimal={false} value={f.producer} onChange={set('producer')} description={num(f.producer) ? formatBytesRate(num(f.producer)) : undefined} data-testid="req-producer-rate" />
            <NumberInput label="Consumer byte rate (bytes/s)" placeholder="unchanged" min={0} allowDecimal={false} value={f.consumer} onChange={set('consumer')} description={num(f.consumer) ? formatBytesRate(num(f.consumer)) : undefined} data-testid="req-consumer-rate" />
          </SimpleGrid>
        )}
        {kind === 'partitions' && (
          <SimpleGrid cols={2} spacing="sm">
            <TextInput label="Topic (owned by the application)" value={f.topic} onChange={(e) => set('topic')(e.currentTarget.value)} data-testid="req-topic" />
            <NumberInput label="New partition count" min={1} allowDecimal={false} value={f.count} onChange={set('count')} data-testid="req-count" />
          </SimpleGrid>
        )}
        <Textarea label="Reason" placeholder="What it is for: the approvers read this" rows={2} value={f.reason} onChange={(e) => set('reason')(e.currentTarget.value)} data-testid="req-reason" />
        <OpError error={problem ?? (create.isError ? create.error : null)} title={problem ? 'Not yet' : 'The request was refused'} testId="request-form-error" />
        <Group justify="flex-end" gap="xs">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={create.isPending} data-testid="req-submit">
            File request
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The frame of a create form (a team, an application): the fields in a grid, the problem to fix
 * first (check) or the failed creation, and the create button. create runs once check finds nothing.
 */
export function CreateForm({
  testId,
  cols,
  check,
  create,
  creating,
  createError,
  errorTitle,
  errorTestId,
  submitLabel,
  submitTestId,
  children,
}: {
  testId: string;
  cols: number;
  check: () => string | null;
  create: () => void;
  creating: boolean;
  createError: unknown;
  errorTitle: string;
  errorTestId: string;
  submitLabel: string;
  submitTestId: string;
  children: ReactNode;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = check();
    if (p) return setProblem(p);
    setProblem(null);
    create();
  };
  return (
    <Paper withBorder radius="md" p="sm">
      <form onSubmit={submit} noValidate data-testid={testId}>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: cols }} spacing="sm">
            {children}
          </SimpleGrid>
          <OpError error={problem ?? createError} title={problem ? 'Not yet' : errorTitle} testId={errorTestId} />
          <Group justify="flex-end">
            <Button type="submit" leftSection={<IconPlus size={14} />} loading={creating} data-testid={submitTestId}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
