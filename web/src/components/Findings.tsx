import { Anchor, Badge, Paper, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconChevronRight, IconTool } from '@tabler/icons-react';
import { Fragment, useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api } from '../api/endpoints';
import type { EntityRef, Evidence, Finding } from '../api/types';
import { formatAgo, formatBytes, formatInt, formatNumber, formatPercent, formatRate, formatSeconds } from '../lib/format';
import { useTimeState } from '../lib/timeState';
import { Empty } from './States';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
const severityColor: Record<string, string> = { critical: 'red', warning: 'orange', info: 'blue' };

/** The rank of a severity: info 0, warning 1, critical 2 (unknown -1). */
export function severityRank(s: string): number {
  return (SEVERITIES as readonly string[]).indexOf(s);
}

export function SeverityBadge({ severity, size = 'sm' }: { severity: string; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge color={severityColor[severity] ?? 'gray'} variant={severity === 'critical' ? 'filled' : 'light'} size={size} miw={74} style={{ flex: 'none' }} data-testid="severity" data-severity={severity}>
      {severity}
    </Badge>
  );
}

/** parseEntityKey("group:demo/billing") = {kind: group, cluster: demo, name: billing}; "cluster:demo" has no name. */
export function parseEntityKey(key: string | undefined): EntityRef | null {
  const m = key?.match(/^(cluster|broker|topic|group):([^/]+)(?:\/(.+))?$/);
  if (!m) return null;
  return m[3] === undefined ? { kind: m[1], cluster: m[2] } : { kind: m[1], cluster: m[2], name: m[3] };
}

/**
 * The page of an entity: a topic's or group's own, a cluster's; a broker has none, its row is
 * on the cluster page.
 */
export function entityPath(e: EntityRef): string {
  const c = `/clusters/${encodeURIComponent(e.cluster)}`;
  if (e.kind === 'topic' && e.name) return `${c}/topics/${encodeURIComponent(e.name)}`;
  if (e.kind === 'group' && e.name) return `${c}/groups/${encodeURIComponent(e.name)}`;
  return c;
}

/** "topic orders" and a link to its page; the cluster after it unless hidden. */
export function EntityLink({ entity, showCluster = true }: { entity: EntityRef; showCluster?: boolean }) {
  const { link } = useTimeState();
  const isCluster = entity.kind === 'cluster' || !entity.name;
  return (
    <Text span size="sm" className="entity-link" data-testid="entity" data-kind={entity.kind}>
      <Text span size="xs" c="dimmed" mr={4}>
        {entity.kind}
      </Text>
      <Anchor component={Link} to={link(entityPath(entity))} size="sm" fw={500}>
        {isCluster ? entity.cluster : entity.kind === 'broker' ? `broker ${entity.name}` : entity.name}
      </Anchor>
      {showCluster && !isCluster && (
        <Text span size="xs" c="dimmed" ml={4}>
          · {entity.cluster}
        </Text>
      )}
    </Text>
  );
}

/** An evidence value in its unit: bytes, ratio as a percentage, seconds as a duration. */
export function formatEvidenceValue(v: number, unit?: string): string {
  switch (unit) {
    case 'bytes':
      return formatBytes(v);
    case 'bytes/s':
      return formatBytes(v) + '/s';
    case 'ratio':
      return formatPercent(v);
    case 'seconds':
      return formatSeconds(v);
    case 'messages/s':
      return formatRate(v, ' msg');
    case 'count':
    case '':
    case undefined:
      return Number.isInteger(v) ? formatInt(v) : formatNumber(v);
    default:
      return `${Number.isInteger(v) ? formatInt(v) : formatNumber(v)} ${unit}`;
  }
}

/** "used_ratio = 100% (threshold 80%)", or "status: WARN: falling behind" for a textual fact. */
export function evidenceText(e: Evidence): string {
  if (e.text) return `${e.name}: ${e.text}`;
  const th = e.threshold !== undefined && e.threshold !== null ? ` (threshold ${formatEvidenceValue(e.threshold, e.unit)})` : '';
  return `${e.name} = ${formatEvidenceValue(e.value, e.unit)}${th}`;
}

/** The fix of a finding or alert: what to do about it. */
export function Fix({ children }: { children: ReactNode }) {
  return (
    <div className="fix" data-testid="fix">
      <IconTool size={15} className="fix-icon" aria-hidden />
      <Text size="sm">
        <Text span size="sm" fw={650}>
          Fix:{' '}
        </Text>
        {children}
      </Text>
    </div>
  );
}

/**
 * A row that opens: its head is a button (chevron and title) with other content beside it,
 * its body shows below when open.
 */
export function Expandable({
  head,
  aside,
  sub,
  children,
  defaultOpen = false,
  className,
  testId,
  data,
}: {
  head: ReactNode;
  aside?: ReactNode;
  /** Always shown, under the head. */
  sub?: ReactNode;
  children: ReactNode;
  defaultOpen?: boolean;
  className?: string;
  testId?: string;
  data?: Record<string, string | undefined>;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const id = useId();
  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <div className={`expandable${open ? ' open' : ''}${className ? ' ' + className : ''}`} data-testid={testId} {...attrs}>
      <div className="expandable-head">
        <UnstyledButton className="expandable-toggle" aria-expanded={open} aria-controls={id} onClick={() => setOpen((o) => !o)} data-testid="toggle">
          <IconChevronRight size={16} className="expandable-chevron" aria-hidden />
          {head}
        </UnstyledButton>
        {aside && <div className="expandable-aside">{aside}</div>}
      </div>
      {sub && <div className="expandable-sub">{sub}</div>}
      {open && (
        <div id={id} className="expandable-body" data-testid="details">
          {children}
        </div>
      )}
    </div>
  );
}

export function FindingItem({ finding: f, showEntity = true, defaultOpen }: { finding: Finding; showEntity?: boolean; defaultOpen?: boolean }) {
  const ev = f.evidence ?? [];
  const labels = Object.entries(f.labels ?? {});
  const key = `${f.code}|${f.entity.kind}:${f.entity.cluster}/${f.entity.name ?? ''}`;
  return (
    <Expandable
      testId="finding"
      className={`sev-${f.severity}`}
      defaultOpen={defaultOpen}
      data={{ code: f.code, severity: f.severity, key }}
      head={
        <>
          <SeverityBadge severity={f.severity} />
          <Text span size="sm" fw={550} className="expandable-title" data-testid="finding-title">
            {f.title}
          </Text>
        </>
      }
      aside={
        <>
          {showEntity && <EntityLink entity={f.entity} />}
          <Text span size="xs" c="dimmed" ff="monospace" className="finding-code">
            {f.code}
          </Text>
        </>
      }
    >
      {ev.length > 0 && (
        <ul className="evidence" data-testid="evidence">
          {ev.map((e, i) => (
            <li key={i} title={e.text ? undefined : `${e.name} = ${e.value}${e.unit ? ' ' + e.unit : ''}${e.threshold !== undefined ? ` (threshold ${e.threshold})` : ''}`}>
              {evidenceText(e)}
            </li>
          ))}
        </ul>
      )}
      {f.fix && <Fix>{f.fix}</Fix>}
      <Text size="xs" c="dimmed" mt={6}>
        Seen {formatAgo(f.window_to)}
        {labels.length > 0 && (
          <>
            {' · '}
            {labels.map(([k, v], i) => (
              <Fragment key={k}>
                {i > 0 && ', '}
                {k}={v}
              </Fragment>
            ))}
          </>
        )}
      </Text>
    </Expandable>
  );
}

/** Findings worst first (as the API gives them), each opening onto its evidence and fix. */
export function FindingList({ findings, showEntity = true, empty = 'No findings.', testId = 'findings-list' }: { findings: Finding[]; showEntity?: boolean; empty?: ReactNode; testId?: string }) {
  if (findings.length === 0)
    return (
      <Paper withBorder radius="md" data-testid={testId}>
        <Empty h={90}>{empty}</Empty>
      </Paper>
    );
  return (
    <Paper withBorder radius="md" className="expandable-list" data-testid={testId}>
      {findings.map((f, i) => (
        <FindingItem key={`${f.code}|${f.entity.kind}|${f.entity.cluster}|${f.entity.name ?? ''}|${f.labels ? JSON.stringify(f.labels) : ''}|${i}`} finding={f} showEntity={showEntity} />
      ))}
    </Paper>
  );
}

/** The findings of one entity (a topic's, a group's) for its page. */
export function EntityFindings({ cluster, kind, name }: { cluster: string; kind: string; name: string }) {
  const { interval, link } = useTimeState();
  const q = useQuery({
    queryKey: ['findings', 'entity', cluster, kind, name],
    queryFn: ({ signal }) => api.findings({ cluster, kind, entity: name }, signal),
    refetchInterval: interval,
  });
  if (q.isError)
    return (
      <Text size="sm" c="dimmed" data-testid="findings-unavailable">
        Findings unavailable: {(q.error as Error).message}
      </Text>
    );
  if (!q.data) return null;
  const items = q.data.items ?? [];
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="entity-findings" data-count={0}>
        No findings for this {kind}.
      </Text>
    );
  return (
    <>
      <FindingList findings={items} showEntity={false} testId="entity-findings" />
      <Anchor component={Link} to={link(`/findings?${new URLSearchParams({ cluster, kind, entity: name }).toString()}`)} size="xs" mt={4} display="inline-block">
        Open in the findings page
      </Anchor>
    </>
  );
}
