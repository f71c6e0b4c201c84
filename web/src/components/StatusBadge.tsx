import { Badge, Text, Tooltip } from '@mantine/core';

const clusterColors: Record<string, string> = { ok: 'teal', degraded: 'yellow', unreachable: 'red', pending: 'gray' };
const clusterLabels: Record<string, string> = { ok: 'Healthy', degraded: 'Degraded', unreachable: 'Unreachable', pending: 'Pending' };

export function ClusterStatusBadge({ status, size = 'md' }: { status: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <Badge color={clusterColors[status] ?? 'gray'} variant="light" size={size} data-status={status}>
      {clusterLabels[status] ?? status}
    </Badge>
  );
}

const groupColors: Record<string, string> = {
  Stable: 'teal',
  Empty: 'gray',
  PreparingRebalance: 'blue',
  CompletingRebalance: 'blue',
  Reconciling: 'blue',
  Assigning: 'blue',
  Dead: 'red',
};

export function GroupStateBadge({ state, lag }: { state: string; lag?: number }) {
  // An empty group that still has lag is a consumer that stopped: worth a warning colour.
  const color = state === 'Empty' && (lag ?? 0) > 0 ? 'orange' : (groupColors[state] ?? 'gray');
  return (
    <Badge color={color} variant="light" size="sm">
      {state || 'Unknown'}
    </Badge>
  );
}

export function YesNo({ ok, yes = 'Yes', no = 'No' }: { ok: boolean; yes?: string; no?: string }) {
  return (
    <Badge color={ok ? 'teal' : 'red'} variant="dot" size="sm">
      {ok ? yes : no}
    </Badge>
  );
}

// Lag statuses (docs/lag.md), from healthy to worst. ERR is the only filled one: it means
// retention is deleting (or about to delete) unconsumed messages, or a hard threshold is crossed.
const lagColors: Record<string, string> = {
  OK: 'teal',
  NO_OFFSET: 'gray',
  WARN: 'yellow',
  REWIND: 'violet',
  STALL: 'orange',
  STOP: 'red',
  ERR: 'red',
};
const lagLabels: Record<string, string> = { NO_OFFSET: 'NO OFFSET' };

/** The lag evaluation's status, with its reason as a tooltip; a dash before the first evaluation. */
export function LagStatusBadge({
  status,
  reason,
  size = 'sm',
  testId = 'lag-status',
}: {
  status?: string | null;
  reason?: string | null;
  size?: 'xs' | 'sm' | 'md' | 'lg';
  testId?: string;
}) {
  if (!status)
    return (
      <Tooltip label="Not evaluated yet" withArrow openDelay={200}>
        <Text span size="sm" c="dimmed" data-testid={testId} data-status="">
          —
        </Text>
      </Tooltip>
    );
  const badge = (
    <Badge
      color={lagColors[status] ?? 'gray'}
      variant={status === 'ERR' ? 'filled' : 'light'}
      size={size}
      data-testid={testId}
      data-status={status}
      aria-label={reason ? `${status}: ${reason}` : status}
      style={{ cursor: reason ? 'help' : undefined }}
    >
      {lagLabels[status] ?? status}
    </Badge>
  );
  if (!reason) return badge;
  return (
    <Tooltip label={reason} withArrow multiline maw={420} openDelay={200} events={{ hover: true, focus: true, touch: true }}>
      {badge}
    </Tooltip>
  );
}
