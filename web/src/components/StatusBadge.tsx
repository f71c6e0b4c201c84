import { Badge } from '@mantine/core';

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
