import { Alert, Anchor, Badge, Button, Group as Row, Modal, Paper, Text, Tooltip } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconEraser, IconRewindBackward10, IconTrash } from '@tabler/icons-react';
import { Fragment, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { GroupLag, GroupPartition, LagPartition, LagStatus, Member, OffsetDeletion, ResetPlan } from '../api/types';
import { useCanOperate } from '../auth';
import { DeleteGroupForm, DeleteOffsetsForm, ResetDone, ResetOffsetsForm } from '../components/GroupOps';
import { DataTable, type Column } from '../components/DataTable';
import { EntityFindings } from '../components/Findings';
import { EntityHealth } from '../components/Health';
import { Meta, PageHeader, Section, Stat, StatGrid } from '../components/Page';
import { ErrorAlert, Loading } from '../components/States';
import { GroupStateBadge, LagStatusBadge } from '../components/StatusBadge';
import { MetricChart } from '../components/TimeChart';
import { DASH, formatInt, formatNumber, formatRate, formatSeconds } from '../lib/format';
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

/** A row of the per-partition table: the group's offsets with the lag evaluation of the same partition. */
export type PartitionRow = GroupPartition & { eval?: LagPartition };

/** mergePartitions joins the group's partitions and the lag evaluation's by topic and partition. */
export function mergePartitions(parts: GroupPartition[], evals: LagPartition[] | null | undefined): PartitionRow[] {
  const key = (t: string, p: number) => `${t}\u0000${p}`;
  const byKey = new Map((evals ?? []).map((e) => [key(e.topic, e.partition), e]));
  const rows: PartitionRow[] = parts.map((p) => {
    const k = key(p.topic, p.partition);
    const e = byKey.get(k);
    byKey.delete(k);
    return { ...p, eval: e };
  });
  // Partitions only the evaluation knows (the group data was collected a cycle apart).
  for (const e of byKey.values())
    rows.push({
      topic: e.topic,
      partition: e.partition,
      committed: e.committed < 0 ? null : e.committed,
      end_offset: e.end_offset,
      lag: e.committed < 0 || e.lag < 0 ? null : e.lag,
      member_id: e.member_id,
      client_id: e.client_id,
      eval: e,
    });
  return rows.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/** The group's time to drain: the slowest partition's; "falling behind" when any partition is. */
export function groupDrain(l: GroupLag): { seconds: number; behind: boolean } {
  const ps = l.partitions ?? [];
  if (ps.some((p) => p.lag > 0 && p.drain_seconds < 0)) return { seconds: -1, behind: true };
  return { seconds: ps.reduce((m, p) => Math.max(m, p.drain_seconds > 0 ? p.drain_seconds : 0), 0), behind: false };
}

/** Whether the group's lag time is a lower bound (its oldest partition's is). */
function lagAtLeast(l: GroupLag): boolean {
  return (l.partitions ?? []).some((p) => p.lag_at_least && p.lag_seconds >= l.lag_seconds - 0.001);
}

function fmtLagTime(sec: number, atLeast?: boolean): string {
  const s = formatSeconds(sec);
  return atLeast && s !== DASH ? `≥ ${s}` : s;
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="lag-fact">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.3}>
        {label}
      </Text>
      <Text fw={650} fz={17} className="num" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

const ORDER: LagStatus[] = ['ERR', 'STOP', 'STALL', 'REWIND', 'WARN', 'OK', 'NO_OFFSET'];

/** The lag evaluation at the top of the group page. */
export function LagSummary({ lag, clusterPath, link }: { lag: GroupLag; clusterPath: string; link: (p: string) => string }) {
  const drain = groupDrain(lag);
  const counts = Object.entries(lag.counts ?? {})
    .filter(([, n]) => (n ?? 0) > 0)
    .sort(([a], [b]) => ORDER.indexOf(a as LagStatus) - ORDER.indexOf(b as LagStatus));
  const rb = lag.rebalances;
  const dlq = lag.dead_letter_topics ?? [];
  const notes = lag.notes ?? [];
  return (
    <Paper withBorder radius="md" p="md" mb="md" data-testid="lag-summary" className={`lag-summary lag-${lag.status}`}>
      <Row gap="sm" align="center" wrap="nowrap">
        <LagStatusBadge status={lag.status} reason={lag.reason} size="lg" testId="group-lag-status" />
        <Text size="sm" data-testid="lag-reason" style={{ minWidth: 0 }}>
          {lag.reason || '—'}
        </Text>
      </Row>
      {counts.length > 1 && (
        <Text size="xs" c="dimmed" mt={6} data-testid="lag-counts">
          Partitions:{' '}
          {counts.map(([st, n], i) => (
            <Fragment key={st}>
              {i > 0 && ' · '}
              {n} {st === 'NO_OFFSET' ? 'no offset' : st}
            </Fragment>
          ))}
        </Text>
      )}
      <div className="lag-facts">
        <Fact label="Lag (messages)" testId="lag-messages">
          {formatInt(lag.lag_messages)}
        </Fact>
        <Fact label="Lag (time)" testId="lag-time">
          <Tooltip label="Age of the oldest unconsumed message" withArrow openDelay={300}>
            <span>{fmtLagTime(lag.lag_seconds, lagAtLeast(lag))}</span>
          </Tooltip>
        </Fact>
        <Fact label="Time to drain" testId="lag-drain">
          {drain.behind ? (
            <Text span inherit c="orange">
              falling behind
            </Text>
          ) : lag.lag_messages === 0 ? (
            'no lag'
          ) : (
            formatSeconds(drain.seconds)
          )}
        </Fact>
        <Fact label="Rebalances (last hour)" testId="lag-rebalances">
          {formatInt(rb?.last_hour ?? 0)}
          {rb?.in_progress_ns ? (
            <Text span size="sm" c="blue" ml={6}>
              rebalancing for {formatSeconds(rb.in_progress_ns / 1e9)}
            </Text>
          ) : null}
        </Fact>
      </div>
      {dlq.length > 0 && (
        <Text size="sm" mt="sm" data-testid="lag-dlq">
          <Text span size="sm" c="dimmed">
            Dead-letter topics:{' '}
          </Text>
          {dlq.map((t, i) => (
            <Fragment key={t}>
              {i > 0 && ', '}
              <Anchor component={Link} to={link(`${clusterPath}/topics/${encodeURIComponent(t)}`)} size="sm">
                {t}
              </Anchor>
            </Fragment>
          ))}
        </Text>
      )}
      {notes.length > 0 && (
        <ul className="lag-notes" data-testid="lag-notes">
          {notes.map((n) => (
            <li key={n}>
              <Text span size="sm" c="dimmed">
                {n}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </Paper>
  );
}

export function GroupPage() {
  const { cluster = '', group = '' } = useParams();
  const { interval, link } = useTimeState();
  const operate = useCanOperate();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [op, setOp] = useState<'reset' | 'delete' | 'delete-offsets' | null>(null);
  const [offsetsDeleted, setOffsetsDeleted] = useState<OffsetDeletion | null>(null);
  const [resetDone, setResetDone] = useState<ResetPlan | null>(null);
  const q = useQuery({ queryKey: ['group', cluster, group], queryFn: ({ signal }) => api.group(cluster, group, signal), refetchInterval: interval });
  const pending = (e: unknown) => e instanceof ApiError && e.status === 503;
  const lq = useQuery({
    queryKey: ['group-lag', cluster, group],
    queryFn: ({ signal }) => api.groupLag(cluster, group, signal),
    // Not evaluated yet (503): ask again every 5 s whatever the refresh; otherwise follow it.
    refetchInterval: (query) => (pending(query.state.error) ? 5000 : interval),
    retry: (n, e) => !pending(e) && !(e instanceof ApiError && e.status === 404) && n < 2,
  });
  const g = q.data;
  const lag = lq.data;
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
  // Eleven columns within the 1,014 px a 1280 px window leaves the table (no sideways scroll).
  const partCols: Column<PartitionRow>[] = [
    {
      key: 'topic',
      header: 'Topic',
      width: 'minmax(96px, 2fr)',
      render: (p) => (
        <Anchor component={Link} to={link(`${clusterPath}/topics/${encodeURIComponent(p.topic)}`)} size="sm" className="truncate" tabIndex={-1}>
          {p.topic}
        </Anchor>
      ),
    },
    { key: 'p', header: <Tooltip label="Partition" withArrow><span>Part.</span></Tooltip>, width: '44px', align: 'right', render: (p) => p.partition },
    { key: 'status', header: 'Status', width: '80px', render: (p) => (p.eval ? <LagStatusBadge status={p.eval.status} reason={p.eval.reason} testId="partition-status" /> : <LagStatusBadge status={null} />) },
    { key: 'committed', header: 'Committed', width: '88px', align: 'right', render: (p) => (p.committed === null || p.committed < 0 ? <NoCommit /> : formatInt(p.committed)) },
    { key: 'end', header: 'End offset', width: '84px', align: 'right', render: (p) => (p.end_offset < 0 ? '—' : formatInt(p.end_offset)) },
    {
      key: 'lag',
      header: 'Lag',
      width: '64px',
      align: 'right',
      render: (p) =>
        p.lag === null || p.committed === null ? (
          <NoCommit />
        ) : (
          <Text span fw={600} className="num" c={p.lag > 0 ? 'orange' : undefined} data-testid="partition-lag">
            {formatInt(p.lag)}
          </Text>
        ),
    },
    {
      key: 'lagtime',
      header: 'Lag time',
      width: '70px',
      align: 'right',
      render: (p) => (
        <Text span size="sm" className="num" data-testid="partition-lag-time">
          {p.eval ? fmtLagTime(p.eval.lag_seconds, p.eval.lag_at_least) : DASH}
        </Text>
      ),
    },
    { key: 'consume', header: 'Consume/s', width: '78px', align: 'right', render: (p) => <Text span size="sm" className="num">{p.eval ? formatRate(p.eval.consume_rate).replace(/\/s$/, '') : DASH}</Text> },
    { key: 'produce', header: 'Produce/s', width: '74px', align: 'right', render: (p) => <Text span size="sm" className="num">{p.eval ? formatRate(p.eval.produce_rate).replace(/\/s$/, '') : DASH}</Text> },
    {
      key: 'drain',
      header: 'Drain',
      width: '88px',
      align: 'right',
      render: (p) => {
        const e = p.eval;
        if (!e) return DASH;
        if (e.drain_seconds < 0)
          return (
            // Consuming no faster than produced; orange once the status says so (WARN and worse).
            <Text span size="xs" fw={600} c={e.status === 'OK' ? 'dimmed' : 'orange'} data-testid="partition-drain">
              falling behind
            </Text>
          );
        return (
          <Text span size="sm" className="num" data-testid="partition-drain">
            {e.drain_seconds === 0 ? (e.lag === 0 ? '0s' : DASH) : formatSeconds(e.drain_seconds)}
          </Text>
        );
      },
    },
    {
      key: 'client',
      header: 'Consumer',
      width: 'minmax(90px, 1fr)',
      render: (p) =>
        p.client_id ? (
          <Text span size="sm" className="truncate" title={p.host ? `${p.client_id} (${p.host})` : p.client_id}>
            {p.host ? `${p.client_id} (${p.host})` : p.client_id}
          </Text>
        ) : (
          <Text span size="xs" c="dimmed">unassigned</Text>
        ),
    },
  ];
  const partRows = mergePartitions(g!.partitions, lag?.partitions);
  const withCommit = g!.partitions.filter((p) => p.committed !== null).length;
  const stopped = g!.state === 'Empty' && g!.stats.lag > 0;
  const groupTopics = [...new Set([...(g!.stats.topics ?? []), ...g!.partitions.map((p) => p.topic)])].sort();
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
        right={
          operate ? (
            <Row gap="xs">
              <Button
                variant="default"
                leftSection={<IconRewindBackward10 size={16} />}
                onClick={() => {
                  setResetDone(null);
                  setOp('reset');
                }}
                data-testid="reset-offsets-button"
              >
                Reset offsets
              </Button>
              <Button
                variant="default"
                leftSection={<IconEraser size={16} />}
                onClick={() => {
                  setOffsetsDeleted(null);
                  setOp('delete-offsets');
                }}
                disabled={groupTopics.length === 0}
                data-testid="delete-offsets-button"
              >
                Delete offsets
              </Button>
              <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setOp('delete')} data-testid="delete-group-button">
                Delete group
              </Button>
            </Row>
          ) : undefined
        }
      />
      {resetDone && (
        <Alert color="teal" icon={<IconCheck size={18} />} mb="md" title="Offsets reset" withCloseButton onClose={() => setResetDone(null)} data-testid="reset-done">
          <ResetDone plan={resetDone} />
        </Alert>
      )}
      <Modal opened={op === 'reset'} onClose={() => setOp(null)} title={`Reset the offsets of ${group}`} size="xl" data-testid="reset-modal">
        {op === 'reset' && (
          <ResetOffsetsForm
            cluster={cluster}
            group={group}
            topics={groupTopics}
            onCancel={() => setOp(null)}
            onApplied={(p) => {
              setOp(null);
              setResetDone(p);
              void qc.invalidateQueries({ queryKey: ['group', cluster, group] });
              void qc.invalidateQueries({ queryKey: ['group-lag', cluster, group] });
            }}
          />
        )}
      </Modal>
      {offsetsDeleted && (
        <Alert color="teal" icon={<IconCheck size={18} />} mb="md" title="Offsets deleted" withCloseButton onClose={() => setOffsetsDeleted(null)} data-testid="offsets-deleted">
          Deleted {(offsetsDeleted.offsets ?? []).length} committed offset(s) of {offsetsDeleted.group} on {offsetsDeleted.topic}.
        </Alert>
      )}
      <Modal opened={op === 'delete-offsets'} onClose={() => setOp(null)} title={`Delete committed offsets of ${group}`} size="lg" data-testid="delete-offsets-modal">
        {op === 'delete-offsets' && (
          <DeleteOffsetsForm
            cluster={cluster}
            group={group}
            topics={groupTopics}
            onCancel={() => setOp(null)}
            onDeleted={(d) => {
              setOp(null);
              setOffsetsDeleted(d);
              void qc.invalidateQueries({ queryKey: ['group', cluster, group] });
              void qc.invalidateQueries({ queryKey: ['group-lag', cluster, group] });
            }}
          />
        )}
      </Modal>
      <Modal opened={op === 'delete'} onClose={() => setOp(null)} title={`Delete group ${group}`} size="lg" data-testid="delete-group-modal">
        {op === 'delete' && (
          <DeleteGroupForm
            cluster={cluster}
            group={group}
            onCancel={() => setOp(null)}
            onDeleted={() => {
              setOp(null);
              void qc.invalidateQueries({ queryKey: ['groups', cluster] });
              navigate(link(`${clusterPath}/groups`));
            }}
          />
        )}
      </Modal>
      {g!.error && <Alert color="red" mb="md" title="The group could not be fully described">{g!.error}</Alert>}
      {lag ? (
        <LagSummary lag={lag} clusterPath={clusterPath} link={link} />
      ) : lq.isError ? (
        pending(lq.error) ? (
          <Text size="sm" c="dimmed" mb="md" data-testid="lag-pending">
            Lag evaluation pending: Gregor evaluates every group each collection cycle; it will show here shortly.
          </Text>
        ) : (
          <Text size="sm" c="dimmed" mb="md" data-testid="lag-error">
            Lag evaluation unavailable: {lq.error instanceof Error ? lq.error.message : String(lq.error)}
          </Text>
        )
      ) : null}
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
      <Section title="Health and findings">
        <div data-testid="entity-health">
          <EntityHealth cluster={cluster} kind="group" name={group} />
          <EntityFindings cluster={cluster} kind="group" name={group} />
        </div>
      </Section>
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
          rows={partRows}
          rowKey={(p) => `${p.topic}/${p.partition}`}
          empty="The group has no committed offsets and no assignment."
        />
      </Section>
    </>
  );
}
