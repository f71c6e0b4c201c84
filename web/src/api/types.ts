// JSON shapes of the REST API (internal/api/*.go, internal/snapshot).

export interface Session {
  user: string;
  role: 'viewer' | 'operator' | 'admin' | string;
  method: string;
  csrf_token?: string;
}

export interface ClusterStats {
  brokers: number;
  brokers_reachable: number;
  topics: number;
  partitions: number;
  replicas: number;
  under_replicated: number;
  under_min_isr: number;
  offline: number;
  messages_in_per_sec: number;
  bytes_in_per_sec: number;
  size_bytes: number;
  disk_used_bytes: number;
  groups: number;
  lag: number;
}

export interface PartError {
  part: string;
  broker?: number;
  error: string;
}

export interface BrokerRef {
  id: number;
  host: string;
  port: number;
  rack?: string;
  reachable: boolean;
}

export type ClusterStatus = 'pending' | 'ok' | 'degraded' | 'unreachable';

export interface ClusterSummary {
  name: string;
  labels?: Record<string, string>;
  status: ClusterStatus;
  error?: string;
  cluster_id?: string;
  controller_id: number;
  controller_source?: string;
  kafka_versions?: string[];
  collected_at?: string;
  took_ms: number;
  stats?: ClusterStats;
  brokers: BrokerRef[];
  errors?: PartError[];
}

export interface ClusterDetail extends ClusterSummary {
  timings_ms?: Record<string, number>;
  requests: number;
}

export interface LogDir {
  path: string;
  total_bytes: number;
  usable_bytes: number;
  used_bytes: number;
  error?: string;
}

export interface BrokerStats {
  leaders: number;
  replicas: number;
  disk_used_bytes: number;
  disk_total_bytes: number;
  disk_usable_bytes: number;
  messages_in_per_sec: number;
  bytes_in_per_sec: number;
  under_replicated: number;
}

export interface Broker {
  id: number;
  host: string;
  port: number;
  rack?: string;
  reachable: boolean;
  kafka_version?: string;
  log_dirs?: LogDir[] | null;
  stats: BrokerStats;
}

export interface BrokersResponse {
  controller_id: number;
  brokers: Broker[];
}

export interface TopicStats {
  partitions: number;
  replication_factor: number;
  min_insync_replicas: number;
  size_bytes: number;
  replica_bytes: number;
  messages: number;
  messages_in_per_sec: number;
  bytes_in_per_sec: number;
  under_replicated: number;
  under_min_isr: number;
  offline: number;
}

export interface TopicRow extends TopicStats {
  name: string;
  internal: boolean;
}

export interface ListResponse<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

export interface PartitionStats {
  size_bytes: number;
  messages: number;
  messages_in_per_sec: number;
  bytes_in_per_sec: number;
  under_replicated: boolean;
  under_min_isr: boolean;
  offline: boolean;
}

export interface Partition {
  id: number;
  leader: number;
  leader_epoch: number;
  replicas: number[];
  isr: number[];
  offline_replicas?: number[];
  start_offset: number;
  end_offset: number;
  replica_bytes?: Record<string, number>;
  stats: PartitionStats;
  error?: string;
}

export interface Config {
  value: string;
  source: string;
  sensitive?: boolean;
}

export interface TopicGroup {
  id: string;
  state: string;
  lag: number;
}

export interface TopicDetail {
  name: string;
  id?: string;
  internal: boolean;
  partitions: Partition[];
  stats: TopicStats;
  configs: Record<string, Config> | null;
  groups: TopicGroup[];
}

export interface GroupRow {
  id: string;
  state: string;
  type: string;
  protocol_type: string;
  coordinator: number;
  members: number;
  lag: number;
  topics: string[] | null;
  error?: string;
  /** The lag evaluation (docs/lag.md); absent before the first evaluation. */
  status?: LagStatus;
  status_reason?: string;
  /** Age of the oldest unconsumed message; -1 unknown. */
  lag_seconds?: number;
}

export interface Member {
  id: string;
  instance_id?: string;
  client_id: string;
  host: string;
  assignment: Record<string, number[]> | null;
}

export interface GroupPartition {
  topic: string;
  partition: number;
  committed: number | null;
  end_offset: number;
  lag: number | null;
  member_id?: string;
  client_id?: string;
  host?: string;
}

export interface GroupDetail {
  id: string;
  state: string;
  type: string;
  protocol_type: string;
  assignor?: string;
  coordinator: number;
  members: Member[] | null;
  error?: string;
  stats: { members: number; topics: string[] | null; lag: number };
  partitions: GroupPartition[];
}

export interface Point {
  t: string;
  avg: number;
  max: number;
}

export interface SeriesResponse {
  entity: string;
  metric: string;
  from: string;
  to: string;
  step_seconds: number;
  points: Point[] | null;
}

// ---- Lag evaluation: GET /api/v1/clusters/{c}/groups/{g}/lag (internal/lag/report.go) ----

/** Group statuses; partitions may also be NO_OFFSET (no commit, counts as OK). */
export type LagStatus = 'OK' | 'NO_OFFSET' | 'WARN' | 'REWIND' | 'STALL' | 'STOP' | 'ERR';

export interface LagPartition {
  topic: string;
  partition: number;
  member_id?: string;
  client_id?: string;
  status: LagStatus;
  reason: string;
  /** -1: no commit. */
  committed: number;
  end_offset: number;
  /** -1: unknown. */
  lag: number;
  /** -1: unknown. */
  lag_seconds: number;
  /** The oldest unconsumed message is older than the kept history: lag is at least lag_seconds. */
  lag_at_least?: boolean;
  consume_rate: number;
  produce_rate: number;
  /** -1: falling behind; 0: no lag. */
  drain_seconds: number;
  lead: number;
  window_from: string;
  window_to: string;
}

export interface MemberLoad {
  member_id: string;
  client_id: string;
  host: string;
  partitions: number;
  lag: number;
}

export interface GroupLag {
  group: string;
  state: string;
  type: string;
  members: number;
  status: LagStatus;
  reason: string;
  counts: Partial<Record<LagStatus, number>> | null;
  lag_messages: number;
  lag_seconds: number;
  worst_partition?: LagPartition;
  partitions: LagPartition[] | null;
  members_load: MemberLoad[] | null;
  skew: { min_partitions: number; max_partitions: number; min_lag: number; max_lag: number };
  rebalances: {
    state: string;
    state_since: string;
    last_hour: number;
    in_progress_ns?: number;
    recent?: { start: string; end: string; took_ns: number }[] | null;
  };
  dead_letter_topics?: string[] | null;
  notes?: string[] | null;
}

// ---- Findings and health (internal/analyze; GET /api/v1/findings, /api/v1/health) ----

export type Severity = 'info' | 'warning' | 'critical';
export type EntityKind = 'cluster' | 'broker' | 'topic' | 'group';

export interface EntityRef {
  kind: EntityKind | string;
  cluster: string;
  /** Absent for a cluster. */
  name?: string;
}

export interface Evidence {
  name: string;
  value: number;
  threshold?: number;
  unit?: string;
  /** A textual fact; value is then meaningless. */
  text?: string;
}

export interface Finding {
  code: string;
  severity: Severity | string;
  entity: EntityRef;
  title: string;
  evidence: Evidence[] | null;
  window_from: string;
  window_to: string;
  fix: string;
  labels?: Record<string, string>;
}

export interface Deduction {
  points: number;
  code: string;
  title: string;
}

export interface Score {
  entity: EntityRef;
  /** 0-100. */
  score: number;
  /** Absent when nothing was deducted. */
  deductions?: Deduction[] | null;
}

export interface ClusterHealth {
  cluster: string;
  time: string;
  score: Score;
  brokers: Score[] | null;
  /** Only the topics and groups below 100. */
  topics: Score[] | null;
  groups: Score[] | null;
  topics_healthy: number;
  groups_healthy: number;
}

// ---- Alerts and silences (internal/alert; GET /api/v1/alerts, /api/v1/silences) ----

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface AlertItem {
  fingerprint: string;
  cluster: string;
  state: AlertState | string;
  severity: Severity | string;
  labels: Record<string, string>;
  title: string;
  evidence?: string[] | null;
  fix?: string;
  /** First seen. */
  active_at: string;
  /** Fired (absent while pending). */
  starts_at?: string;
  /** Resolved. */
  ends_at?: string;
  last_seen: string;
  /** Id of the active silence muting it. */
  silenced_by?: string;
  receivers: string[] | null;
}

export interface Matcher {
  name: string;
  value: string;
  is_regex: boolean;
  is_equal: boolean;
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  starts_at: string;
  ends_at: string;
  created_by: string;
  comment: string;
  created_at: string;
  expired_by?: string;
  state: 'pending' | 'active' | 'expired' | string;
}

export interface NewSilence {
  matchers: Matcher[];
  /** A Go duration ("2h"); or ends_at. */
  duration?: string;
  ends_at?: string;
  comment: string;
}

// ---- Operations (internal/operate; internal/api/topic_ops.go, group_ops.go) and the audit log ----

/** POST /api/v1/clusters/{c}/topics. Absent partitions / replication_factor: the cluster's default. */
export interface NewTopic {
  name: string;
  partitions?: number;
  replication_factor?: number;
  configs?: Record<string, string>;
  /** The broker set the replicas go on (Gregor computes the assignment); absent: Kafka places them. */
  brokers?: number[];
  dry_run: boolean;
}

export interface PartitionReplicas {
  partition: number;
  replicas: number[];
  racks?: string[];
}

export interface CreateTopicPlan {
  topic: string;
  id?: string;
  dry_run: boolean;
  partitions: number;
  replication_factor: number;
  /** "brokers" (computed over the broker set) or "kafka". */
  placement: string;
  brokers?: number[];
  assignment?: PartitionReplicas[];
  configs: Record<string, string> | null;
  summary: string;
  warnings?: string[] | null;
}

export interface AddPartitionsPlan {
  topic: string;
  dry_run: boolean;
  from: number;
  to: number;
  new_partitions?: PartitionReplicas[];
  summary: string;
  warnings: string[] | null;
}

export type ResetMode = 'earliest' | 'latest' | 'timestamp' | 'offset' | 'shift';

/** POST /api/v1/clusters/{c}/groups/{g}/offsets/reset */
export interface ResetOffsetsRequest {
  to: ResetMode;
  /** RFC 3339, for "timestamp". */
  timestamp?: string;
  offset?: number;
  /** + forward, - back. */
  shift?: number;
  topics?: string[];
  partitions?: Record<string, number[]>;
  dry_run: boolean;
}

export interface OffsetChange {
  topic: string;
  partition: number;
  /** null: the group had no committed offset there. */
  old_offset: number | null;
  new_offset: number;
  log_start: number;
  log_end: number;
  lag_before: number | null;
  lag_after: number;
  /** The wanted offset was outside [log start, log end]. */
  clamped?: boolean;
}

export interface ResetPlan {
  group: string;
  to: string;
  dry_run: boolean;
  active_members: number;
  /** Why applying would be refused now. */
  warning?: string;
  partitions: OffsetChange[] | null;
  lag_before: number;
  lag_after: number;
  applied: boolean;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
}

export interface GroupDeletion {
  group: string;
  dry_run: boolean;
  state: string;
  active_members: number;
  warning?: string;
  offsets: CommittedOffset[] | null;
  deleted: boolean;
}

export interface AuditEntry {
  id: number;
  time: string;
  user: string;
  role: string;
  cluster?: string;
  action: string;
  target?: string;
  dry_run?: boolean;
  /** JSON, secrets removed. */
  request?: string;
  /** JSON. */
  result?: string;
  error?: string;
}

// ---- Messages (internal/api messages) ----

export interface MessageHeader {
  key: string;
  value: string;
  encoding?: 'base64' | string;
}

export type Decode = 'text' | 'json' | 'hex' | 'base64';

export interface Message {
  partition: number;
  offset: number;
  timestamp: string;
  key: string | null;
  key_size: number;
  key_decode?: string;
  value: string | null;
  value_size: number;
  truncated: boolean;
  decode: string;
  headers: MessageHeader[] | null;
  note?: string;
}

export interface PartitionProgress {
  partition: number;
  log_start: number;
  log_end: number;
  from: number;
  to: number;
  next: number;
  read: number;
  done: boolean;
}

export interface MessagesResponse {
  topic: string;
  from: string;
  decode: string;
  limit: number;
  max_bytes: number;
  messages: Message[] | null;
  next: Record<string, number>;
  next_from: string;
  more: boolean;
  stopped: 'limit' | 'end' | 'bytes' | 'time' | string;
  partitions: PartitionProgress[] | null;
}

export interface SearchRequest {
  partition?: string;
  from?: string;
  key_contains?: string;
  value_contains?: string;
  regex?: string;
  json_path?: string;
  json_equals?: string;
  max_messages?: number;
  max_seconds?: number;
  limit?: number;
  decode?: string;
}

export interface SearchResponse {
  topic: string;
  from: string;
  matches: Message[] | null;
  scanned: number;
  stopped: 'limit' | 'max_messages' | 'max_seconds' | 'end' | 'canceled' | string;
  max_messages: number;
  max_seconds: number;
  limit: number;
  elapsed_ms: number;
  next: Record<string, number>;
  next_from: string;
  partitions: PartitionProgress[] | null;
}

export interface ProduceRequest {
  key?: string | null;
  value: string | null;
  headers?: MessageHeader[];
  partition?: number;
}

export interface ProduceResult {
  topic: string;
  partition: number;
  offset: number;
  timestamp: string;
  key_size: number;
  value_size: number;
}

// ---- ACLs, quotas, SCRAM users ----

export interface Acl {
  principal: string;
  host: string;
  resource_type: string;
  resource_name: string;
  pattern_type: string;
  operation: string;
  permission: string;
}

export type AclFilter = Partial<Acl>;

export interface AclCreateResult {
  acl: Acl;
  exists: boolean;
  dry_run: boolean;
  applied: boolean;
}

export interface AclDeleteResult {
  filter: AclFilter;
  matching: Acl[] | null;
  dry_run: boolean;
  applied: boolean;
}

export interface QuotaEntity {
  user?: string;
  client_id?: string;
  ip?: string;
}

export interface Quota {
  entity: QuotaEntity;
  values: Record<string, number>;
}

export interface QuotaChange {
  user?: string;
  client_id?: string;
  default?: boolean;
  set?: Record<string, number>;
  remove?: string[];
  dry_run: boolean;
}

export interface QuotaPlan {
  entity: QuotaEntity;
  before: Record<string, number> | null;
  after: Record<string, number> | null;
  dry_run: boolean;
  applied: boolean;
}

export interface ScramCredential {
  mechanism: string;
  iterations: number;
}

export interface ScramUser {
  name: string;
  credentials: ScramCredential[] | null;
}

export interface ScramPlan {
  action: 'create' | 'update' | 'delete' | string;
  name: string;
  credentials: ScramCredential[] | null;
  dry_run: boolean;
  applied: boolean;
}

// ---- Topic deletion, configs, purge (internal/api/topic_ops.go) ----

export interface ConsumingGroup {
  id: string;
  state: string;
  members: number;
}

/** DELETE /api/v1/clusters/{c}/topics/{t}: what goes (dry run) or went. Sizes -1 when not in the snapshot yet. */
export interface DeleteTopicPlan {
  topic: string;
  id?: string;
  dry_run: boolean;
  partitions: number;
  replication_factor: number;
  size_bytes: number;
  replica_bytes: number;
  messages: number;
  groups: ConsumingGroup[] | null;
  summary: string;
  warnings?: string[] | null;
}

/** PATCH /api/v1/clusters/{c}/topics/{t}/configs */
export interface TopicConfigChanges {
  set?: Record<string, string>;
  /** Back to the inherited value. */
  delete?: string[];
  dry_run: boolean;
}

export interface ConfigChange {
  key: string;
  op: 'set' | 'delete';
  old: string;
  old_source?: string;
  new: string;
  new_source?: string;
  /** The inherited config a deleted key falls back to, when it has another name. */
  new_from?: string;
  changed: boolean;
}

export interface AlterConfigsPlan {
  topic: string;
  dry_run: boolean;
  changes: ConfigChange[] | null;
  summary: string;
  warnings?: string[] | null;
}

/** POST /api/v1/clusters/{c}/topics/{t}/purge: exactly one of before_offset and before_time. */
export interface PurgeRequest {
  /** One offset for `partitions` (default all; -1: every record), or {"partition": offset}. */
  before_offset?: number | Record<string, number>;
  /** RFC 3339. */
  before_time?: string;
  partitions?: number[];
  dry_run: boolean;
}

export interface PurgePartition {
  partition: number;
  start_offset: number;
  new_start_offset: number;
  end_offset: number;
  removed: number;
  error?: string;
}

export interface PurgePlan {
  topic: string;
  dry_run: boolean;
  before: string;
  partitions: PurgePartition[] | null;
  removed: number;
  summary: string;
  warnings?: string[] | null;
}

/** DELETE /api/v1/clusters/{c}/groups/{g}/offsets?topic=T */
export interface OffsetDeletion {
  group: string;
  topic: string;
  dry_run: boolean;
  offsets: CommittedOffset[] | null;
  deleted: boolean;
}

// ---- Replicas: leader election and reassignment (internal/api/replica_ops.go, reassign_ops.go) ----

/** POST /api/v1/clusters/{c}/elect-leaders: a topic, a broker, or neither (the whole cluster). */
export interface LeaderRequest {
  topic?: string;
  partitions?: number[];
  broker?: number;
  dry_run: boolean;
}

export interface LeaderMove {
  topic: string;
  partition: number;
  leader: number;
  preferred: number;
  /** After an election: "elected", or why not. */
  result?: string;
}

export interface LeaderPlan {
  moves: LeaderMove[] | null;
  balanced: number;
  warnings?: string[] | null;
  dry_run: boolean;
  applied: boolean;
}

/** topic -> partition -> replicas (the first is the preferred leader). */
export type Assignment = Record<string, Record<string, number[]>>;

export type ReassignMode = 'drain' | 'add' | 'replication_factor' | 'custom';

export interface ReassignPlanRequest {
  mode: ReassignMode;
  topics?: string[];
  brokers?: number[];
  replication_factor?: number;
  assignment?: Assignment;
}

export interface ReassignMove {
  topic: string;
  partition: number;
  current: number[];
  target: number[];
  adding: number[] | null;
  removing: number[] | null;
  bytes: number;
}

export interface ReassignPlan {
  mode: string;
  moves: ReassignMove[] | null;
  unchanged: number;
  brokers: number[] | null;
  replicas_added: number;
  total_bytes: number;
  assignment: Assignment;
}

export interface ReassignStartRequest {
  assignment: Assignment;
  throttle_bytes_per_sec: number;
  dry_run: boolean;
}

export interface Throttle {
  bytes_per_sec: number;
  brokers: number[] | null;
  leader_replicas: Record<string, string> | null;
  follower_replicas: Record<string, string> | null;
}

export interface Reassignment {
  started: string;
  dry_run: boolean;
  plan: ReassignPlan | null;
  throttle: Throttle;
  done: boolean;
}

export interface ReassignPartition {
  topic: string;
  partition: number;
  replicas: number[] | null;
  adding: number[] | null;
  removing: number[] | null;
}

export interface ReassignProgress {
  in_progress: ReassignPartition[] | null;
  running: boolean;
  /** Gregor's last reassignment (absent when it started none since it runs). */
  last?: Reassignment | null;
  partitions_done: number;
  partitions_total: number;
  bytes_moved: number;
  bytes_planned: number;
  throttled_brokers: number[] | null;
  throttled_topics: string[] | null;
  throttle_set: boolean;
  throttle_removed: boolean;
}

export interface ReassignEnd {
  cancelled: ReassignPartition[] | null;
  assignment: ReassignPartition[] | null;
  throttle_removed: boolean;
}
