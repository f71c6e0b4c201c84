// Replicas of a cluster: preferred leader election, and partition reassignment (plan, start with
// a replication throttle, progress, finish or cancel). Operators and admins get the actions;
// viewers see the running state only. Docs: internal/api/replica_ops.go, reassign_ops.go.
import { Alert, Badge, Button, Group, MultiSelect, NumberInput, Paper, Progress, SegmentedControl, Select, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconCheck } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api } from '../api/endpoints';
import type { LeaderPlan, LeaderRequest, ReassignEnd, ReassignMode, ReassignPlan, ReassignPlanRequest, ReassignProgress, Reassignment } from '../api/types';
import { useCanOperate } from '../auth';
import { OpError, PlanWarnings, usePreview } from '../components/Ops';
import { PageHeader, Section } from '../components/Page';
import { ErrorAlert, Loading } from '../components/States';
import { formatBytes, formatBytesRate, formatInt } from '../lib/format';

/** The throttle offered by default: 10 MiB/s per broker. */
export const DEFAULT_THROTTLE = 10 * 1024 * 1024;

const ids = (xs: number[] | null | undefined) => (xs ?? []).join(', ') || '—';

/** Options lists for the forms: the cluster's brokers and (non-internal) topics. */
function useClusterLists(cluster: string) {
  const bq = useQuery({ queryKey: ['brokers', cluster], queryFn: ({ signal }) => api.brokers(cluster, signal) });
  const tq = useQuery({ queryKey: ['topics', cluster, 'names'], queryFn: ({ signal }) => api.topics(cluster, { limit: 1000, sort: 'name', internal: false }, signal) });
  return {
    brokers: (bq.data?.brokers ?? []).map((b) => ({ value: String(b.id), label: `Broker ${b.id}${b.rack ? ` (rack ${b.rack})` : ''}` })),
    topics: (tq.data?.items ?? []).map((t) => t.name),
  };
}

// ---- Leader election ----

export type ElectScope = 'cluster' | 'topic' | 'broker';

/** The election request (without dry_run), or a problem to fix first. */
export function electRequest(scope: ElectScope, topic: string | null, broker: string | null): Omit<LeaderRequest, 'dry_run'> | string {
  if (scope === 'topic') return topic ? { topic } : 'Pick the topic.';
  if (scope === 'broker') return broker ? { broker: Number(broker) } : 'Pick the broker.';
  return {};
}

function LeaderPlanView({ plan, testId }: { plan: LeaderPlan; testId: string }) {
  const moves = plan.moves ?? [];
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testId}>
      <Text size="sm" fw={600} mb={6} data-testid="election-summary">
        {plan.dry_run ? 'Dry run: ' : ''}
        {moves.length} partition{moves.length === 1 ? '' : 's'} not led by {moves.length === 1 ? 'its' : 'their'} preferred replica
        {plan.dry_run ? '' : ' asked for'}; {formatInt(plan.balanced)} already balanced.
      </Text>
      {moves.length > 0 && (
        <Table.ScrollContainer minWidth={420} maxHeight={260}>
          <Table stickyHeader verticalSpacing={2} fz="sm" striped data-testid="election-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Topic</Table.Th>
                <Table.Th ta="right">Part.</Table.Th>
                <Table.Th ta="right">Leader → preferred</Table.Th>
                {!plan.dry_run && <Table.Th>Result</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {moves.map((m) => (
                <Table.Tr key={`${m.topic}/${m.partition}`} data-testid="election-row" data-result={m.result ?? ''}>
                  <Table.Td>{m.topic}</Table.Td>
                  <Table.Td ta="right">{m.partition}</Table.Td>
                  <Table.Td ta="right">
                    {m.leader < 0 ? 'none' : m.leader} → <b>{m.preferred}</b>
                  </Table.Td>
                  {!plan.dry_run && (
                    <Table.Td>
                      <Badge size="sm" variant="light" color={m.result === 'elected' ? 'teal' : 'orange'}>
                        {m.result || 'not asked'}
                      </Badge>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <PlanWarnings warnings={plan.warnings} testId="election-warnings" />
    </Paper>
  );
}

export function LeaderElectionForm({ cluster }: { cluster: string }) {
  const { brokers, topics } = useClusterLists(cluster);
  const [scope, setScope] = useState<ElectScope>('cluster');
  const [topic, setTopic] = useState<string | null>(null);
  const [broker, setBroker] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<LeaderPlan | null>(null);
  const preview = usePreview<LeaderPlan>();
  const dry = useMutation({ mutationFn: (r: LeaderRequest) => api.electLeaders(cluster, r) });
  const elect = useMutation({ mutationFn: (r: LeaderRequest) => api.electLeaders(cluster, r), onSuccess: (p) => setResult(p) });
  const req = electRequest(scope, topic, broker);
  const key = typeof req === 'string' ? '' : JSON.stringify(req);
  const plan = key ? preview.planFor(key) : null;
  const doPreview = (e?: FormEvent) => {
    e?.preventDefault();
    if (typeof req === 'string') return setProblem(req);
    setProblem(null);
    setResult(null);
    elect.reset();
    dry.mutate({ ...req, dry_run: true }, { onSuccess: (p) => preview.set(JSON.stringify(req), p) });
  };
  const error = problem ?? (elect.isError ? elect.error : dry.isError ? dry.error : null);
  const nothing = plan && (plan.moves ?? []).length === 0;
  return (
    <form onSubmit={doPreview} data-testid="election-form" noValidate>
      <Stack gap="sm">
        <Group gap="sm" align="flex-end">
          <div>
            <Text size="sm" fw={500} mb={4}>
              Partitions
            </Text>
            <SegmentedControl
              value={scope}
              onChange={(v) => setScope(v as ElectScope)}
              data={[
                { value: 'cluster', label: 'Whole cluster' },
                { value: 'topic', label: 'One topic' },
                { value: 'broker', label: 'One broker' },
              ]}
              data-testid="election-scope"
            />
          </div>
          {scope === 'topic' && <Select label="Topic" searchable placeholder="Pick a topic" data={topics} value={topic} onChange={setTopic} w={260} comboboxProps={{ withinPortal: true }} data-testid="election-topic" />}
          {scope === 'broker' && (
            <Select label="Broker" description="Partitions whose preferred leader it is" placeholder="Pick a broker" data={brokers} value={broker} onChange={setBroker} w={260} comboboxProps={{ withinPortal: true }} data-testid="election-broker" />
          )}
        </Group>
        <OpError error={error} title={elect.isError ? 'The election failed' : 'Cannot run this election'} testId="election-error" />
        {result ? <LeaderPlanView plan={result} testId="election-result" /> : plan && <LeaderPlanView plan={plan} testId="election-plan" />}
        <Group justify="flex-end" gap="xs">
          <Button type="submit" variant={plan ? 'default' : 'filled'} loading={dry.isPending} data-testid="election-preview">
            Preview
          </Button>
          <Button
            color="orange"
            onClick={() => typeof req !== 'string' && plan && elect.mutate({ ...req, dry_run: false })}
            disabled={!plan || !!nothing || !!result}
            title={!plan ? 'Preview first' : nothing ? 'Every partition is led by its preferred replica' : undefined}
            loading={elect.isPending}
            data-testid="election-apply"
          >
            Elect preferred leaders
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

// ---- Reassignment ----

export const PLAN_MODES: { value: Exclude<ReassignMode, 'custom'>; label: string; help: string }[] = [
  { value: 'drain', label: 'Move off brokers', help: 'Move every replica off the chosen brokers (of the chosen topics, or every topic).' },
  { value: 'add', label: 'Spread onto brokers', help: 'Spread the chosen topics onto the chosen brokers too (same replication factor).' },
  { value: 'replication_factor', label: 'Replication factor', help: 'Change the replication factor of the chosen topics (new replicas on the least-loaded brokers, among the chosen ones if any).' },
];

export interface PlanFields {
  mode: Exclude<ReassignMode, 'custom'>;
  topics: string[];
  brokers: string[];
  rf: number | string;
}

/** The plan request from the form's fields, or a problem to fix first. */
export function planRequest(f: PlanFields): ReassignPlanRequest | string {
  const topics = [...f.topics].sort();
  const brokers = f.brokers.map(Number).sort((a, b) => a - b);
  const out: ReassignPlanRequest = { mode: f.mode };
  if (topics.length) out.topics = topics;
  if (brokers.length) out.brokers = brokers;
  switch (f.mode) {
    case 'drain':
      if (!brokers.length) return 'Pick the brokers to move the replicas off.';
      break;
    case 'add':
      if (!topics.length || !brokers.length) return 'Pick the topics and the brokers to spread them onto.';
      break;
    case 'replication_factor': {
      const n = Number(f.rf);
      if (!topics.length) return 'Pick the topics.';
      if (f.rf === '' || !Number.isInteger(n) || n < 1) return 'Give the new replication factor (1 or more).';
      out.replication_factor = n;
      break;
    }
  }
  return out;
}

function ReassignPlanView({ plan }: { plan: ReassignPlan }) {
  const moves = plan.moves ?? [];
  return (
    <Paper withBorder radius="md" p="sm" data-testid="reassign-plan">
      <Group justify="space-between" mb={6}>
        <Text size="sm" fw={600} data-testid="reassign-plan-summary">
          {moves.length} partition{moves.length === 1 ? '' : 's'} to move ({formatInt(plan.unchanged)} unchanged), {formatInt(plan.replicas_added)} replica
          {plan.replicas_added === 1 ? '' : 's'} to add on brokers {ids(plan.brokers)}. Nothing moved yet.
        </Text>
        <Text size="sm" data-testid="reassign-plan-bytes">
          <b>{formatBytes(plan.total_bytes)}</b> to copy
        </Text>
      </Group>
      {moves.length > 0 && (
        <Table.ScrollContainer minWidth={560} maxHeight={320}>
          <Table stickyHeader verticalSpacing={2} fz="sm" striped data-testid="reassign-plan-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Topic</Table.Th>
                <Table.Th ta="right">Part.</Table.Th>
                <Table.Th>Replicas (current → target)</Table.Th>
                <Table.Th>Adding</Table.Th>
                <Table.Th>Removing</Table.Th>
                <Table.Th ta="right">Bytes to move</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {moves.map((m) => (
                <Table.Tr key={`${m.topic}/${m.partition}`} data-testid="reassign-move" data-topic={m.topic} data-partition={m.partition}>
                  <Table.Td>{m.topic}</Table.Td>
                  <Table.Td ta="right">{m.partition}</Table.Td>
                  <Table.Td>
                    {ids(m.current)} → <b>{ids(m.target)}</b>
                  </Table.Td>
                  <Table.Td>{ids(m.adding)}</Table.Td>
                  <Table.Td>{ids(m.removing)}</Table.Td>
                  <Table.Td ta="right" className="num">
                    {formatBytes(m.bytes)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}

/** Plan a reassignment, then start it with a replication throttle. */
export function ReassignPlanForm({ cluster, running, onStarted }: { cluster: string; running: boolean; onStarted: (r: Reassignment) => void }) {
  const { brokers, topics } = useClusterLists(cluster);
  const [mode, setMode] = useState<PlanFields['mode']>('drain');
  const [selTopics, setSelTopics] = useState<string[]>([]);
  const [selBrokers, setSelBrokers] = useState<string[]>([]);
  const [rf, setRf] = useState<number | string>('');
  const [throttle, setThrottle] = useState<number | string>(DEFAULT_THROTTLE);
  const [problem, setProblem] = useState<string | null>(null);
  const preview = usePreview<ReassignPlan>();
  const planM = useMutation({ mutationFn: (r: ReassignPlanRequest) => api.reassignPlan(cluster, r) });
  const start = useMutation({
    mutationFn: (p: { plan: ReassignPlan; rate: number }) => api.reassignStart(cluster, { assignment: p.plan.assignment, throttle_bytes_per_sec: p.rate, dry_run: false }),
    onSuccess: (r) => {
      preview.clear();
      onStarted(r);
    },
  });
  const req = planRequest({ mode, topics: selTopics, brokers: selBrokers, rf });
  const key = typeof req === 'string' ? '' : JSON.stringify(req);
  const plan = key ? preview.planFor(key) : null;
  const rate = Number(throttle);
  const rateOk = throttle !== '' && Number.isInteger(rate) && rate > 0;
  const empty = plan && (plan.moves ?? []).length === 0;

  const doPlan = (e?: FormEvent) => {
    e?.preventDefault();
    if (typeof req === 'string') return setProblem(req);
    setProblem(null);
    start.reset();
    planM.mutate(req, { onSuccess: (p) => preview.set(JSON.stringify(req), p) });
  };
  const doStart = () => {
    if (!plan) return;
    if (!rateOk) return setProblem('Give the throttle: bytes per second, more than 0.');
    setProblem(null);
    start.mutate({ plan, rate });
  };
  const error = problem ?? (start.isError ? start.error : planM.isError ? planM.error : null);
  const brokersLabel = mode === 'drain' ? 'Brokers to move replicas off' : mode === 'add' ? 'Brokers to spread onto' : 'Brokers for new replicas (optional)';
  const why = !plan ? 'Plan first' : empty ? 'Nothing to move' : running ? 'A reassignment is running: wait for it or cancel it' : undefined;

  return (
    <form onSubmit={doPlan} data-testid="reassign-form" noValidate>
      <Stack gap="sm">
        <div>
          <SegmentedControl value={mode} onChange={(v) => setMode(v as PlanFields['mode'])} data={PLAN_MODES.map((m) => ({ value: m.value, label: m.label }))} data-testid="reassign-mode" />
          <Text size="xs" c="dimmed" mt={4}>
            {PLAN_MODES.find((m) => m.value === mode)!.help}
          </Text>
        </div>
        <Group grow gap="sm" align="flex-start">
          <MultiSelect
            label={mode === 'drain' ? 'Topics (optional)' : 'Topics'}
            placeholder={selTopics.length ? undefined : mode === 'drain' ? 'Every topic' : 'Pick topics'}
            searchable
            data={topics}
            value={selTopics}
            onChange={setSelTopics}
            clearable
            comboboxProps={{ withinPortal: true }}
            data-testid="reassign-topics"
          />
          <MultiSelect label={brokersLabel} placeholder={selBrokers.length ? undefined : 'Pick brokers'} data={brokers} value={selBrokers} onChange={setSelBrokers} clearable comboboxProps={{ withinPortal: true }} data-testid="reassign-brokers" />
          {mode === 'replication_factor' && <NumberInput label="New replication factor" min={1} allowDecimal={false} value={rf} onChange={setRf} data-testid="reassign-rf" />}
        </Group>
        <OpError error={error} title={start.isError ? 'Could not start the reassignment' : 'Cannot plan this reassignment'} testId="reassign-error" />
        {plan && <ReassignPlanView plan={plan} />}
        <Group justify="flex-end" gap="xs" align="flex-end">
          <Button type="submit" variant={plan ? 'default' : 'filled'} loading={planM.isPending} data-testid="reassign-plan-button">
            Plan
          </Button>
          <NumberInput
            label="Throttle (bytes/s)"
            description={rateOk ? `${formatBytesRate(rate)} per broker` : 'more than 0'}
            min={1}
            step={1024 * 1024}
            allowDecimal={false}
            thousandSeparator=","
            value={throttle}
            onChange={setThrottle}
            w={220}
            data-testid="reassign-throttle"
          />
          <Button color="orange" onClick={doStart} disabled={!!why} title={why} loading={start.isPending} data-testid="reassign-start">
            Start reassignment
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The state of reassignments: what Kafka moves now and the progress of Gregor's last one; Finish and Cancel for operators. */
export function ReassignProgressView({ cluster, progress, operate, onEnded }: { cluster: string; progress: ReassignProgress; operate: boolean; onEnded: (kind: 'finish' | 'cancel', e: ReassignEnd) => void }) {
  const [confirmCancel, setConfirmCancel] = useState(false);
  const finish = useMutation({ mutationFn: () => api.reassignFinish(cluster), onSuccess: (e) => onEnded('finish', e) });
  const cancel = useMutation({
    mutationFn: () => api.reassignCancel(cluster),
    onSuccess: (e) => {
      setConfirmCancel(false);
      onEnded('cancel', e);
    },
  });
  const p = progress;
  const last = p.last;
  const inProgress = p.in_progress ?? [];
  const pct = p.bytes_planned > 0 ? Math.min(100, (100 * p.bytes_moved) / p.bytes_planned) : p.partitions_total > 0 ? (100 * p.partitions_done) / p.partitions_total : 0;
  const finished = !!last && !p.running && p.partitions_total > 0 && p.partitions_done === p.partitions_total;
  // Nothing runs any more, yet not every partition has its target replicas (cancelled, or moved since).
  const ended = !!last && !p.running;
  return (
    <Stack gap="sm" data-testid="reassign-progress" data-running={p.running} data-finished={finished} data-ended={ended}>
      <Group gap="sm">
        {p.running ? (
          <Badge color="orange" variant="filled" data-testid="reassign-state">
            Running
          </Badge>
        ) : finished ? (
          <Badge color="teal" variant="light" data-testid="reassign-state">
            Finished
          </Badge>
        ) : ended ? (
          <Badge color="yellow" variant="light" data-testid="reassign-state" title="Kafka runs no reassignment, but not every planned partition has its target replicas">
            Ended, {p.partitions_done} of {p.partitions_total} partitions on their targets
          </Badge>
        ) : (
          <Badge color="gray" variant="light" data-testid="reassign-state">
            Nothing running
          </Badge>
        )}
        {p.throttle_set && (
          <Badge color="violet" variant="light" data-testid="throttle-set">
            Throttle set{last ? `: ${formatBytesRate(last.throttle.bytes_per_sec)}` : ''} on brokers {ids(p.throttled_brokers)}
          </Badge>
        )}
        {p.throttle_removed && (
          <Badge color="teal" variant="outline" data-testid="throttle-removed">
            Throttle removed
          </Badge>
        )}
      </Group>
      {last ? (
        <Paper withBorder radius="md" p="sm" data-testid="reassign-last">
          <Text size="sm" mb={6}>
            Gregor's last reassignment, started {new Date(last.started).toLocaleString()} ({last.plan?.mode}):{' '}
            <b data-testid="progress-partitions">
              {p.partitions_done}/{p.partitions_total}
            </b>{' '}
            partitions done,{' '}
            <b data-testid="progress-bytes">
              {formatBytes(p.bytes_moved)} of {formatBytes(p.bytes_planned)}
            </b>{' '}
            moved.
          </Text>
          <Progress value={finished ? 100 : pct} color={finished ? 'teal' : 'orange'} striped={p.running} animated={p.running} aria-label="Reassignment progress" />
        </Paper>
      ) : (
        <Text size="sm" c="dimmed" data-testid="reassign-none">
          Gregor started no reassignment on this cluster since it runs.
        </Text>
      )}
      {inProgress.length > 0 && (
        <Table.ScrollContainer minWidth={480} maxHeight={260}>
          <Table stickyHeader verticalSpacing={2} fz="sm" striped data-testid="in-progress-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Topic</Table.Th>
                <Table.Th ta="right">Part.</Table.Th>
                <Table.Th>Replicas</Table.Th>
                <Table.Th>Adding</Table.Th>
                <Table.Th>Removing</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {inProgress.map((r) => (
                <Table.Tr key={`${r.topic}/${r.partition}`}>
                  <Table.Td>{r.topic}</Table.Td>
                  <Table.Td ta="right">{r.partition}</Table.Td>
                  <Table.Td>{ids(r.replicas)}</Table.Td>
                  <Table.Td>{ids(r.adding)}</Table.Td>
                  <Table.Td>{ids(r.removing)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <OpError error={finish.error ?? cancel.error} title={finish.isError ? 'Could not finish' : 'Could not cancel'} testId="reassign-end-error" />
      {operate && (
        <Group justify="flex-end" gap="xs">
          <Button
            variant="default"
            onClick={() => finish.mutate()}
            disabled={p.running || !p.throttle_set}
            title={p.running ? 'Wait for the reassignment to end (or cancel it)' : !p.throttle_set ? 'No throttle to remove' : 'Remove the replication throttle'}
            loading={finish.isPending}
            data-testid="reassign-finish"
          >
            Finish (remove throttle)
          </Button>
          {confirmCancel ? (
            <>
              <Text size="sm">Cancel every running move? Kafka moves them back.</Text>
              <Button variant="default" onClick={() => setConfirmCancel(false)}>
                No
              </Button>
              <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending} data-testid="reassign-cancel-confirm">
                Yes, cancel
              </Button>
            </>
          ) : (
            <Button color="red" variant="light" onClick={() => setConfirmCancel(true)} disabled={!p.running} title={p.running ? undefined : 'Nothing is running'} data-testid="reassign-cancel">
              Cancel reassignment
            </Button>
          )}
        </Group>
      )}
    </Stack>
  );
}

export function ReassignPage() {
  const { cluster = '' } = useParams();
  const operate = useCanOperate();
  const qc = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const pq = useQuery({
    queryKey: ['reassignments', cluster],
    queryFn: ({ signal }) => api.reassignProgress(cluster, signal),
    // Every few seconds while something runs (or Gregor's last one is not done yet).
    refetchInterval: (q) => (q.state.data?.running || (q.state.data?.last && !q.state.data.last.done) ? 2000 : 15000),
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['reassignments', cluster] });
  const clusterPath = `/clusters/${encodeURIComponent(cluster)}`;
  return (
    <>
      <PageHeader crumbs={[{ label: 'Fleet', to: '/' }, { label: cluster, to: clusterPath }, { label: 'Replicas' }]} title="Replicas and reassignment" />
      {notice && (
        <Alert color="teal" icon={<IconCheck size={18} />} mb="md" withCloseButton onClose={() => setNotice(null)} data-testid="reassign-notice">
          {notice}
        </Alert>
      )}
      <Section title="Reassignment progress">
        {pq.isPending ? (
          <Loading h={80} />
        ) : pq.isError ? (
          <ErrorAlert error={pq.error} />
        ) : (
          <ReassignProgressView
            cluster={cluster}
            progress={pq.data}
            operate={operate}
            onEnded={(kind, e) => {
              setNotice(
                kind === 'cancel'
                  ? `Cancelled ${(e.cancelled ?? []).length} partition move(s)${e.throttle_removed ? '; throttle removed' : ''}.`
                  : `Finished${e.throttle_removed ? ': throttle removed' : ''}.`,
              );
              refresh();
            }}
          />
        )}
      </Section>
      {operate ? (
        <>
          <Section title="Plan a reassignment">
            <ReassignPlanForm
              cluster={cluster}
              running={!!pq.data?.running}
              onStarted={(r) => {
                setNotice(`Started moving ${(r.plan?.moves ?? []).length} partition(s), ${formatBytes(r.plan?.total_bytes ?? 0)} throttled at ${formatBytesRate(r.throttle.bytes_per_sec)}.`);
                refresh();
              }}
            />
          </Section>
          <Section title="Preferred leader election">
            <LeaderElectionForm cluster={cluster} />
          </Section>
        </>
      ) : (
        <Text size="sm" c="dimmed" data-testid="reassign-viewer-note">
          Leader elections and reassignments need the operator role.
        </Text>
      )}
    </>
  );
}
