import { qs, request, setCsrfToken } from './client';
import type {
  AddPartitionsPlan,
  AlterConfigsPlan,
  DeleteTopicPlan,
  LeaderPlan,
  LeaderRequest,
  OffsetDeletion,
  PurgePlan,
  PurgeRequest,
  ReassignEnd,
  ReassignPlan,
  ReassignPlanRequest,
  ReassignProgress,
  ReassignStartRequest,
  Reassignment,
  TopicConfigChanges,
  AlertItem,
  AuditEntry,
  CreateTopicPlan,
  GroupDeletion,
  NewTopic,
  ResetOffsetsRequest,
  ResetPlan,
  BrokersResponse,
  ClusterHealth,
  ClusterDetail,
  ClusterSummary,
  Finding,
  GroupDetail,
  GroupLag,
  GroupRow,
  ListResponse,
  NewSilence,
  Score,
  SeriesResponse,
  Session,
  Silence,
  TopicDetail,
  TopicRow,
  Acl,
  AclCreateResult,
  AclDeleteResult,
  AclFilter,
  Message,
  MessagesResponse,
  ProduceRequest,
  ProduceResult,
  Quota,
  QuotaChange,
  QuotaPlan,
  ScramPlan,
  ScramUser,
  SearchRequest,
  SearchResponse,
} from './types';

const enc = encodeURIComponent;

export async function login(user: string, password: string): Promise<Session> {
  const s = await request<Session>('/api/v1/auth/login', { method: 'POST', body: { user, password }, quiet401: true });
  setCsrfToken(s.csrf_token);
  return s;
}

/** Whether the login page offers an OpenID Connect provider (public). */
export interface OIDCInfo {
  enabled: boolean;
  name?: string;
  login_url?: string;
}

export function oidcInfo(): Promise<OIDCInfo> {
  return request<OIDCInfo>('/api/v1/auth/oidc', { quiet401: true });
}

export async function me(): Promise<Session> {
  const s = await request<Session>('/api/v1/auth/me', { quiet401: true });
  setCsrfToken(s.csrf_token);
  return s;
}

export async function logout(): Promise<void> {
  try {
    await request<void>('/api/v1/auth/logout', { method: 'POST', quiet401: true });
  } finally {
    setCsrfToken(null);
  }
}

export const api = {
  clusters: (signal?: AbortSignal) =>
    request<{ clusters: ClusterSummary[] }>('/api/v1/clusters', { signal }).then((r) => r.clusters),
  cluster: (c: string, signal?: AbortSignal) => request<ClusterDetail>(`/api/v1/clusters/${enc(c)}`, { signal }),
  brokers: (c: string, signal?: AbortSignal) =>
    request<BrokersResponse>(`/api/v1/clusters/${enc(c)}/brokers`, { signal }),
  topics: (
    c: string,
    p: { q?: string; sort?: string; order?: string; limit?: number; offset?: number; internal?: boolean },
    signal?: AbortSignal,
  ) =>
    request<ListResponse<TopicRow>>(
      `/api/v1/clusters/${enc(c)}/topics${qs({ ...p, internal: p.internal === false ? 'false' : undefined })}`,
      { signal },
    ),
  topic: (c: string, t: string, signal?: AbortSignal) =>
    request<TopicDetail>(`/api/v1/clusters/${enc(c)}/topics/${enc(t)}`, { signal }),
  groups: (
    c: string,
    p: { q?: string; sort?: string; order?: string; limit?: number; offset?: number },
    signal?: AbortSignal,
  ) => request<ListResponse<GroupRow>>(`/api/v1/clusters/${enc(c)}/groups${qs(p)}`, { signal }),
  group: (c: string, g: string, signal?: AbortSignal) =>
    request<GroupDetail>(`/api/v1/clusters/${enc(c)}/groups/${enc(g)}`, { signal }),
  groupLag: (c: string, g: string, signal?: AbortSignal) =>
    request<GroupLag>(`/api/v1/clusters/${enc(c)}/groups/${enc(g)}/lag`, { signal }),
  series: (entity: string, metric: string, from: string, step: string, signal?: AbortSignal) =>
    request<SeriesResponse>(`/api/v1/metrics/query${qs({ entity, metric, from, step })}`, { signal }),
  findings: (
    p: { cluster?: string; severity?: string; kind?: string; entity?: string; code?: string; q?: string; limit?: number; offset?: number },
    signal?: AbortSignal,
  ) => request<ListResponse<Finding>>(`/api/v1/findings${qs(p)}`, { signal }),
  /** The health of every cluster (or one). */
  health: (cluster?: string, signal?: AbortSignal) =>
    request<{ clusters: ClusterHealth[] }>(`/api/v1/health${qs({ cluster })}`, { signal }).then((r) => r.clusters ?? []),
  /** The score of one entity; 404 when unknown. */
  score: (cluster: string, kind: string, name: string, signal?: AbortSignal) =>
    request<{ score: Score }>(`/api/v1/health${qs({ cluster, kind, name })}`, { signal }).then((r) => r.score),
  alerts: (p: { cluster?: string; state?: string; severity?: string; silenced?: boolean }, signal?: AbortSignal) =>
    request<{ items: AlertItem[] | null }>(`/api/v1/alerts${qs(p)}`, { signal }).then((r) => r.items ?? []),
  silences: (signal?: AbortSignal) =>
    request<{ items: Silence[] | null }>('/api/v1/silences', { signal }).then((r) => r.items ?? []),
  createSilence: (s: NewSilence) => request<Silence>('/api/v1/silences', { method: 'POST', body: s }),
  expireSilence: (id: string) => request<void>(`/api/v1/silences/${enc(id)}`, { method: 'DELETE' }),
  audit: (
    p: { user?: string; cluster?: string; action?: string; from?: string; to?: string; limit?: number; offset?: number },
    signal?: AbortSignal,
  ) => request<ListResponse<AuditEntry>>(`/api/v1/audit${qs(p)}`, { signal }),
  /** 201 with the created topic; with dry_run 200 with the plan Kafka validated. */
  createTopic: (c: string, t: NewTopic) => request<CreateTopicPlan>(`/api/v1/clusters/${enc(c)}/topics`, { method: 'POST', body: t }),
  /** Grow a topic to count partitions (the new total). */
  addPartitions: (c: string, t: string, body: { count: number; dry_run: boolean }) =>
    request<AddPartitionsPlan>(`/api/v1/clusters/${enc(c)}/topics/${enc(t)}/partitions`, { method: 'POST', body }),
  /** Delete a topic (admin): confirm must be the topic's name unless a dry run. */
  deleteTopic: (c: string, t: string, p: { dry_run: boolean; confirm?: string }) =>
    request<DeleteTopicPlan>(`/api/v1/clusters/${enc(c)}/topics/${enc(t)}${qs({ dry_run: p.dry_run ? 'true' : undefined, confirm: p.confirm })}`, { method: 'DELETE' }),
  /** Incremental config changes, validated by Kafka; the plan has old -> new per key. */
  alterTopicConfigs: (c: string, t: string, body: TopicConfigChanges) =>
    request<AlterConfigsPlan>(`/api/v1/clusters/${enc(c)}/topics/${enc(t)}/configs`, { method: 'PATCH', body }),
  /** Delete records from the start of partitions (before an offset or a time). */
  purgeTopic: (c: string, t: string, body: PurgeRequest) =>
    request<PurgePlan>(`/api/v1/clusters/${enc(c)}/topics/${enc(t)}/purge`, { method: 'POST', body }),
  /** The plan always; committed unless dry_run (409 while the group has members). */
  resetOffsets: (c: string, g: string, body: ResetOffsetsRequest) =>
    request<ResetPlan>(`/api/v1/clusters/${enc(c)}/groups/${enc(g)}/offsets/reset`, { method: 'POST', body }),
  /** Delete an empty group and its committed offsets; dry run: what would go. */
  deleteGroup: (c: string, g: string, dryRun: boolean) =>
    request<GroupDeletion>(`/api/v1/clusters/${enc(c)}/groups/${enc(g)}${qs({ dry_run: dryRun ? 'true' : undefined })}`, { method: 'DELETE' }),
  /** Delete a group's committed offsets for one topic; dry run: which would go. */
  deleteGroupOffsets: (c: string, g: string, topic: string, dryRun: boolean) =>
    request<OffsetDeletion>(`/api/v1/clusters/${enc(c)}/groups/${enc(g)}/offsets${qs({ topic, dry_run: dryRun ? 'true' : undefined })}`, { method: 'DELETE' }),
  /** Preferred leader election: a topic, a broker, or the whole cluster. */
  electLeaders: (c: string, body: LeaderRequest) => request<LeaderPlan>(`/api/v1/clusters/${enc(c)}/elect-leaders`, { method: 'POST', body }),
  /** A reassignment plan (changes nothing). */
  reassignPlan: (c: string, body: ReassignPlanRequest) =>
    request<ReassignPlan>(`/api/v1/clusters/${enc(c)}/reassignments/plan`, { method: 'POST', body }),
  /** Set the throttle and start a plan's assignment (409 while one runs). */
  reassignStart: (c: string, body: ReassignStartRequest) =>
    request<Reassignment>(`/api/v1/clusters/${enc(c)}/reassignments`, { method: 'POST', body }),
  reassignProgress: (c: string, signal?: AbortSignal) => request<ReassignProgress>(`/api/v1/clusters/${enc(c)}/reassignments`, { signal }),
  /** Remove the throttle once nothing runs (409 while it does). */
  reassignFinish: (c: string) => request<ReassignEnd>(`/api/v1/clusters/${enc(c)}/reassignments/finish`, { method: 'POST' }),
  /** Cancel every running partition reassignment and remove the throttle. */
  reassignCancel: (c: string) => request<ReassignEnd>(`/api/v1/clusters/${enc(c)}/reassignments`, { method: 'DELETE' }),
  /** A page of records: from newest|oldest|offset|RFC 3339|"0:120,1:98". */
  messages: (c: string, t: string, p: { partition?: string; from?: string; limit?: number; decode?: string; max_bytes?: number }, signal?: AbortSignal) =>
    request<MessagesResponse>(`/api/v1/clusters/${enc(c)}/topics/${enc(t)}/messages${qs(p)}`, { signal }),
  /** One record, its value whole. */
  message: (c: string, t: string, partition: number, offset: number, decode?: string, signal?: AbortSignal) =>
    request<Message>(`/api/v1/clusters/${enc(c)}/topics/${enc(t)}/messages/${partition}/${offset}${qs({ decode })}`, { signal }),
  /** The raw value of one record (Content-Disposition: attachment). */
  messageDownloadPath: (c: string, t: string, partition: number, offset: number) =>
    `/api/v1/clusters/${enc(c)}/topics/${enc(t)}/messages/${partition}/${offset}?download=1`,
  /** A bounded scan; GET (viewers may use it, POST is refused to them). */
  searchMessages: (c: string, t: string, p: SearchRequest, signal?: AbortSignal) =>
    request<SearchResponse>(`/api/v1/clusters/${enc(c)}/topics/${enc(t)}/messages/search${qs({ ...p })}`, { signal }),
  produce: (c: string, t: string, body: ProduceRequest) =>
    request<ProduceResult>(`/api/v1/clusters/${enc(c)}/topics/${enc(t)}/messages`, { method: 'POST', body }),
  acls: (c: string, f: AclFilter, signal?: AbortSignal) =>
    request<{ acls: Acl[] | null; total: number }>(`/api/v1/clusters/${enc(c)}/acls${qs({ ...f })}`, { signal }),
  createAcl: (c: string, body: Partial<Acl> & { dry_run: boolean }) =>
    request<AclCreateResult>(`/api/v1/clusters/${enc(c)}/acls`, { method: 'POST', body }),
  deleteAcls: (c: string, f: AclFilter, dryRun: boolean) =>
    request<AclDeleteResult>(`/api/v1/clusters/${enc(c)}/acls${qs({ ...f, dry_run: dryRun ? 'true' : undefined })}`, { method: 'DELETE' }),
  quotas: (c: string, signal?: AbortSignal) =>
    request<{ quotas: Quota[] | null; total: number }>(`/api/v1/clusters/${enc(c)}/quotas`, { signal }),
  alterQuota: (c: string, body: QuotaChange) => request<QuotaPlan>(`/api/v1/clusters/${enc(c)}/quotas`, { method: 'PUT', body }),
  scramUsers: (c: string, signal?: AbortSignal) =>
    request<{ users: ScramUser[] | null; total: number }>(`/api/v1/clusters/${enc(c)}/scram-users`, { signal }),
  createScram: (c: string, body: { name: string; mechanism: string; password: string; iterations?: number; dry_run: boolean }) =>
    request<ScramPlan>(`/api/v1/clusters/${enc(c)}/scram-users`, { method: 'POST', body }),
  updateScram: (c: string, name: string, body: { mechanism: string; password: string; iterations?: number; dry_run: boolean }) =>
    request<ScramPlan>(`/api/v1/clusters/${enc(c)}/scram-users/${enc(name)}`, { method: 'PUT', body }),
  deleteScram: (c: string, name: string, mechanism: string | undefined, dryRun: boolean) =>
    request<ScramPlan>(`/api/v1/clusters/${enc(c)}/scram-users/${enc(name)}${qs({ mechanism, dry_run: dryRun ? 'true' : undefined })}`, { method: 'DELETE' }),
};
