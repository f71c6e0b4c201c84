// Self-service API (internal/api/selfserve_routes.go, internal/selfserve): teams, applications,
// credentials, requests and approvals, regions. Kept apart from endpoints.ts.
import { qs, request } from './client';

const enc = encodeURIComponent;

export type RequestKind = 'topic' | 'access' | 'quota' | 'partitions';
export type RequestState = 'pending' | 'approved' | 'applied' | 'failed' | 'rejected' | 'cancelled';
export type RequestScope = 'mine' | 'team' | 'inbox' | 'all';

export interface Team {
  name: string;
  description: string;
  created_at: string;
  members?: string[];
}

export interface Application {
  name: string;
  team: string;
  description: string;
  created_at: string;
}

export interface ApplicationRow extends Application {
  /** Of one of the caller's teams. */
  mine: boolean;
}

export interface ApplicationsResponse {
  applications: ApplicationRow[];
  /** The caller's teams. */
  teams: string[] | null;
}

export interface Credential {
  application: string;
  cluster: string;
  username: string;
  mechanism: string;
  created_at: string;
  rotated_at: string;
}

export interface TopicOwner {
  cluster: string;
  topic: string;
  application: string;
  region?: string;
  created_at: string;
}

export interface Grant {
  cluster: string;
  topic: string;
  application: string;
  access: 'produce' | 'consume' | string;
  group?: string;
  created_at: string;
}

export interface AppQuota {
  cluster: string;
  values: Record<string, number>;
  error?: string;
}

export interface AppView extends Application {
  credentials: Credential[] | null;
  topics: TopicOwner[] | null;
  grants: Grant[] | null;
  quotas: AppQuota[] | null;
  /** Measured traffic per cluster of its quotas (internal/api/app_rates.go); absent from older servers. */
  rates?: AppRate[] | null;
}

/**
 * An application's traffic on a cluster as Kafka's client quota sensors measure it (summed over
 * brokers; the throttle is the largest). measured is false when no broker exposes the sensors.
 */
export interface AppRate {
  cluster: string;
  measured: boolean;
  produce_bytes_per_sec: number;
  fetch_bytes_per_sec: number;
  produce_throttle_ms: number;
  fetch_throttle_ms: number;
  /** The quota, when set. */
  producer_byte_rate?: number;
  consumer_byte_rate?: number;
}

/** What an application needs to connect (GET /api/v1/discovery/{app}): never a password. */
export interface Discovery {
  application: string;
  clusters: DiscoveryCluster[] | null;
}

export interface DiscoveryCluster {
  cluster: string;
  bootstrap_servers: string[] | null;
  security_protocol: string;
  sasl_mechanism: string;
  sasl_username: string;
  topics: DiscoveryTopic[] | null;
}

export interface DiscoveryTopic {
  topic: string;
  /** owner, produce, consume */
  access: string[] | null;
  group?: string;
}

/** A Gregor user (GET /api/v1/users, admins). */
export interface GregorUser {
  name: string;
  role: string;
  created_at: string;
}

/** A credential with its password: in the answer to create/rotate only, never again. */
export interface Secret {
  application: string;
  cluster: string;
  username: string;
  password: string;
  mechanism: string;
  bootstrap_servers: string[] | null;
  security_protocol: string;
  rotated: boolean;
}

export interface Spec {
  kind: RequestKind | string;
  cluster: string;
  application: string;
  topic?: string;
  region?: string;
  partitions?: number;
  replication_factor?: number;
  retention_ms?: number;
  expected_bytes_per_sec?: number;
  configs?: Record<string, string>;
  access?: 'produce' | 'consume' | string;
  group?: string;
  producer_byte_rate?: number;
  consumer_byte_rate?: number;
  count?: number;
  reason?: string;
}

export interface RequestView {
  id: number;
  kind: RequestKind | string;
  state: RequestState | string;
  requester: string;
  team: string;
  application: string;
  cluster: string;
  topic?: string;
  reason: string;
  decided_by?: string;
  comment?: string;
  error?: string;
  created_at: string;
  updated_at: string;
  spec: Spec;
  result?: unknown;
  can_decide: boolean;
}

export interface RegionView {
  name: string;
  brokers: number[];
  missing_brokers: number[];
  replicas: number;
  leaders: number;
  disk_used_bytes: number;
  disk_total_bytes: number;
  bytes_in_per_sec: number;
  topics: string[];
}

export interface RequestFilter {
  scope?: RequestScope;
  state?: string;
  kind?: string;
  cluster?: string;
  application?: string;
  limit?: number;
  offset?: number;
}

export const selfserve = {
  teams: (signal?: AbortSignal) => request<{ teams: Team[] | null }>('/api/v1/teams', { signal }).then((r) => r.teams ?? []),
  createTeam: (name: string, description = '') => request<Team>('/api/v1/teams', { method: 'POST', body: { name, description } }),
  deleteTeam: (team: string) => request<{ deleted: string }>(`/api/v1/teams/${enc(team)}`, { method: 'DELETE' }),
  setMember: (team: string, user: string, member: boolean) =>
    request<{ team: string; user: string; member: boolean }>(`/api/v1/teams/${enc(team)}/members/${enc(user)}`, { method: member ? 'PUT' : 'DELETE' }),
  users: (signal?: AbortSignal) => request<{ users: GregorUser[] | null }>('/api/v1/users', { signal }).then((r) => r.users ?? []),
  applications: (signal?: AbortSignal) =>
    request<ApplicationsResponse>('/api/v1/applications', { signal }).then((r) => ({ applications: r.applications ?? [], teams: r.teams ?? [] })),
  createApplication: (a: { name: string; team: string; description: string }) => request<Application>('/api/v1/applications', { method: 'POST', body: a }),
  application: (app: string, signal?: AbortSignal) => request<AppView>(`/api/v1/applications/${enc(app)}`, { signal }),
  deleteApplication: (app: string) => request<{ deleted: string }>(`/api/v1/applications/${enc(app)}`, { method: 'DELETE' }),
  discovery: (app: string, signal?: AbortSignal) => request<Discovery>(`/api/v1/discovery/${enc(app)}`, { signal }),
  rotate: (app: string, cluster: string) => request<Secret>(`/api/v1/applications/${enc(app)}/credentials/${enc(cluster)}`, { method: 'POST' }),
  requests: (f: RequestFilter, signal?: AbortSignal) =>
    request<{ requests: RequestView[] | null; total: number }>(`/api/v1/requests${qs({ ...f })}`, { signal }).then((r) => ({ requests: r.requests ?? [], total: r.total ?? 0 })),
  request: (id: number, signal?: AbortSignal) => request<RequestView>(`/api/v1/requests/${id}`, { signal }),
  createRequest: (s: Spec) => request<RequestView>('/api/v1/requests', { method: 'POST', body: s }),
  approve: (id: number, comment: string) => request<RequestView>(`/api/v1/requests/${id}/approve`, { method: 'POST', body: { comment } }),
  reject: (id: number, comment: string) => request<RequestView>(`/api/v1/requests/${id}/reject`, { method: 'POST', body: { comment } }),
  cancel: (id: number) => request<RequestView>(`/api/v1/requests/${id}/cancel`, { method: 'POST' }),
  retry: (id: number) => request<RequestView>(`/api/v1/requests/${id}/retry`, { method: 'POST' }),
  regions: (cluster: string, signal?: AbortSignal) =>
    request<{ regions: RegionView[] | null; unassigned_brokers: number[] | null }>(`/api/v1/clusters/${enc(cluster)}/regions`, { signal }).then((r) => r.regions ?? []),
};
