// API answers shaped like the demo's (gregor serve --demo), for the unit tests.
import type { AlertItem, Finding, Score, Silence } from '../api/types';

export const diskFinding: Finding = {
  code: 'broker.disk_usage',
  severity: 'critical',
  entity: { kind: 'broker', cluster: 'demo', name: '0' },
  title: 'Log dir /mem/kfake on broker 0 is 100% full (57.2 KiB of 57.2 KiB)',
  evidence: [
    { name: 'used_ratio', value: 1, threshold: 0.8, unit: 'ratio' },
    { name: 'used_bytes', value: 58560, unit: 'bytes' },
  ],
  window_from: '2026-01-01T00:00:00Z',
  window_to: '2026-01-01T00:00:00Z',
  fix: 'Free space before the log dir fills and goes offline.',
  labels: { log_dir: '/mem/kfake' },
};

export const billingFinding: Finding = {
  code: 'group.lag',
  severity: 'warning',
  entity: { kind: 'group', cluster: 'demo', name: 'billing' },
  title: 'Group billing is STOP: 31 messages behind, oldest 8s (3 of 3 partitions)',
  evidence: [
    { name: 'status', value: 0, text: 'STOP: no member owns the partition' },
    { name: 'lag_messages', value: 31, unit: 'messages' },
    { name: 'lag_seconds', value: 8.2, unit: 'seconds' },
  ],
  window_from: '2026-01-01T00:00:00Z',
  window_to: '2026-01-01T00:00:05Z',
  fix: 'Nobody moves the offset while lag builds: start the consumers, or delete the group.',
};

export const clusterFinding: Finding = {
  code: 'cluster.durability_defaults',
  severity: 'warning',
  entity: { kind: 'cluster', cluster: 'demo' },
  title: 'Broker defaults risk durability',
  evidence: [{ name: 'topics_min_isr_below_2', value: 5, unit: 'count' }],
  window_from: '2026-01-01T00:00:00Z',
  window_to: '2026-01-01T00:00:00Z',
  fix: 'Set min.insync.replicas=2.',
};

export const billingScore: Score = {
  entity: { kind: 'group', cluster: 'demo', name: 'billing' },
  score: 90,
  deductions: [{ points: 10, code: 'group.lag', title: 'Group billing is STOP: 31 messages behind' }],
};

export const clusterScore: Score = {
  entity: { kind: 'cluster', cluster: 'demo' },
  score: 73,
  deductions: [
    { points: 10, code: 'cluster.durability_defaults', title: 'Broker defaults risk durability' },
    { points: 15, code: 'health.broker', title: 'worst broker 0 scores 70 (0.5 × 30 lost)' },
  ],
};

const t0 = '2026-01-01T00:00:00Z';

export const billingAlert: AlertItem = {
  fingerprint: '338996df7e761b91',
  cluster: 'demo',
  state: 'firing',
  severity: 'warning',
  labels: { alertname: 'group.lag', cluster: 'demo', code: 'group.lag', entity: 'group:demo/billing', group: 'billing', severity: 'warning' },
  title: 'Group billing is STOP: 31 messages behind',
  evidence: ['STOP: no member owns the partition', 'lag_messages = 31 messages'],
  fix: 'Start the consumers, or delete the group.',
  active_at: t0,
  starts_at: t0,
  last_seen: t0,
  receivers: [],
};

export const diskAlert: AlertItem = {
  fingerprint: '1a1b0ea1f12c2ba3',
  cluster: 'demo',
  state: 'firing',
  severity: 'critical',
  labels: { alertname: 'broker.disk_usage', broker: '0', cluster: 'demo', code: 'broker.disk_usage', entity: 'broker:demo/0', severity: 'critical' },
  title: 'Log dir /mem/kfake on broker 0 is 100% full',
  evidence: ['used_ratio = 1 ratio (threshold 0.8)'],
  fix: 'Free space.',
  active_at: t0,
  starts_at: t0,
  last_seen: t0,
  silenced_by: 'sil-1',
  receivers: ['ops-hook'],
};

export const pendingAlert: AlertItem = {
  fingerprint: 'aaaa',
  cluster: 'demo',
  state: 'pending',
  severity: 'info',
  labels: { alertname: 'slow', cluster: 'demo', severity: 'info' },
  title: 'Something slow',
  active_at: t0,
  last_seen: t0,
  receivers: [],
};

export const resolvedAlert: AlertItem = {
  fingerprint: 'bbbb',
  cluster: 'demo',
  state: 'resolved',
  severity: 'warning',
  labels: { alertname: 'topic.dead_letter', cluster: 'demo', entity: 'topic:demo/orders.DLQ', severity: 'warning' },
  title: 'Dead-letter topic orders.DLQ receives messages',
  active_at: t0,
  starts_at: t0,
  ends_at: '2026-01-01T00:10:00Z',
  last_seen: t0,
  receivers: [],
};

export const activeSilence: Silence = {
  id: 'sil-1',
  matchers: [{ name: 'entity', value: 'broker:demo/0', is_regex: false, is_equal: true }],
  starts_at: t0,
  ends_at: '2099-01-01T00:00:00Z',
  created_by: 'olga',
  comment: 'disk being replaced',
  created_at: t0,
  state: 'active',
};

export const expiredSilence: Silence = {
  id: 'sil-0',
  matchers: [{ name: 'topic', value: 'tmp-.*', is_regex: true, is_equal: true }],
  starts_at: t0,
  ends_at: '2026-01-01T01:00:00Z',
  created_by: 'olga',
  comment: 'old',
  created_at: t0,
  expired_by: 'olga',
  state: 'expired',
};
