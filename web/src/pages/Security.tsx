import { ActionIcon, Alert, Badge, Button, Group, Modal, NumberInput, Paper, PasswordInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconKey, IconPencil, IconPlus, IconShieldOff, IconTrash } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { Acl, AclFilter, Quota, QuotaChange, QuotaEntity, QuotaPlan, ScramPlan, ScramUser } from '../api/types';
import { useCanOperate, useIsAdmin } from '../auth';
import { OpError, usePreview } from '../components/Ops';
import { PageHeader, Section } from '../components/Page';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { formatInt } from '../lib/format';
import { useDebounced } from '../lib/useDebounced';

export const RESOURCE_TYPES = ['topic', 'group', 'cluster', 'transactional_id', 'delegation_token'];
export const OPERATIONS = ['all', 'read', 'write', 'create', 'delete', 'alter', 'describe', 'cluster_action', 'describe_configs', 'alter_configs', 'idempotent_write', 'create_tokens', 'describe_tokens'];
export const PATTERN_TYPES = ['literal', 'prefixed'];
export const QUOTA_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'];
export const MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

const any = (label: string, values: string[]) => [{ value: '', label }, ...values.map((v) => ({ value: v, label: v }))];

/** A 400 "no authorizer" is the cluster's setup, not a failure: said as such. */
function isNoAuthorizer(e: unknown) {
  return e instanceof ApiError && /authorizer/i.test(e.message);
}

function AclError({ error }: { error: unknown }) {
  if (isNoAuthorizer(error))
    return (
      <Alert color="gray" icon={<IconShieldOff size={18} />} title="No authorizer" data-testid="acl-no-authorizer">
        {(error as Error).message}: Kafka enforces no ACLs here, so there are none to list or change.
      </Alert>
    );
  return <ErrorAlert error={error} />;
}

function AclTable({ acls, onDelete, testId = 'acls-table' }: { acls: Acl[]; onDelete?: (a: Acl) => void; testId?: string }) {
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table verticalSpacing={4} fz="sm" highlightOnHover data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Principal</Table.Th>
            <Table.Th>Host</Table.Th>
            <Table.Th>Resource</Table.Th>
            <Table.Th>Pattern</Table.Th>
            <Table.Th>Operation</Table.Th>
            <Table.Th>Permission</Table.Th>
            {onDelete && <Table.Th w={40} />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {acls.map((a, i) => (
            <Table.Tr key={i} data-testid="acl-row">
              <Table.Td ff="monospace">{a.principal}</Table.Td>
              <Table.Td ff="monospace">{a.host}</Table.Td>
              <Table.Td>
                <Text span size="xs" c="dimmed">
                  {a.resource_type}
                </Text>{' '}
                <Text span size="sm" ff="monospace">
                  {a.resource_name}
                </Text>
              </Table.Td>
              <Table.Td>{a.pattern_type}</Table.Td>
              <Table.Td>{a.operation}</Table.Td>
              <Table.Td>
                <Badge size="sm" variant="light" color={a.permission === 'deny' ? 'red' : 'teal'}>
                  {a.permission}
                </Badge>
              </Table.Td>
              {onDelete && (
                <Table.Td>
                  <ActionIcon variant="subtle" color="red" aria-label={`Delete ACL ${a.principal} ${a.operation} ${a.resource_name}`} onClick={() => onDelete(a)} data-testid="acl-delete">
                    <IconTrash size={15} />
                  </ActionIcon>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Create an ACL: Preview (dry run), then Create. */
export function CreateAclForm({ cluster, onDone }: { cluster: string; onDone: () => void }) {
  const [f, setF] = useState({ principal: 'User:', host: '*', resource_type: 'topic', resource_name: '', pattern_type: 'literal', operation: 'read', permission: 'allow' });
  const [problem, setProblem] = useState<string | null>(null);
  const preview = usePreview<{ exists: boolean }>();
  const dry = useMutation({ mutationFn: () => api.createAcl(cluster, { ...f, dry_run: true }) });
  const create = useMutation({ mutationFn: () => api.createAcl(cluster, { ...f, dry_run: false }), onSuccess: onDone });
  const key = JSON.stringify(f);
  const plan = preview.planFor(key);
  const set = (k: keyof typeof f) => (v: string | null) => setF((x) => ({ ...x, [k]: v ?? '' }));
  const doPreview = (e?: FormEvent) => {
    e?.preventDefault();
    if (!/^[^:]+:.+/.test(f.principal.trim())) return setProblem('The principal is Type:name, e.g. User:alice.');
    if (f.resource_type !== 'cluster' && !f.resource_name.trim()) return setProblem('Give the resource name (* for every one).');
    setProblem(null);
    create.reset();
    dry.mutate(undefined, { onSuccess: (p) => preview.set(key, p) });
  };
  const error = problem ?? (create.isError ? create.error : dry.isError ? dry.error : null);
  return (
    <form onSubmit={doPreview} noValidate data-testid="acl-form">
      <Stack gap="sm">
        <SimpleGrid cols={2} spacing="sm">
          <TextInput label="Principal" value={f.principal} onChange={(e) => set('principal')(e.currentTarget.value)} data-testid="acl-principal" data-autofocus />
          <TextInput label="Host" value={f.host} onChange={(e) => set('host')(e.currentTarget.value)} data-testid="acl-host" />
          <Select label="Resource type" data={RESOURCE_TYPES} value={f.resource_type} onChange={set('resource_type')} allowDeselect={false} data-testid="acl-resource-type" comboboxProps={{ withinPortal: true }} />
          <TextInput label="Resource name" placeholder={f.resource_type === 'cluster' ? 'kafka-cluster' : 'orders, or * for all'} value={f.resource_name} onChange={(e) => set('resource_name')(e.currentTarget.value)} data-testid="acl-resource-name" />
          <Select label="Pattern" data={PATTERN_TYPES} value={f.pattern_type} onChange={set('pattern_type')} allowDeselect={false} data-testid="acl-pattern" comboboxProps={{ withinPortal: true }} />
          <Select label="Operation" data={OPERATIONS} value={f.operation} onChange={set('operation')} allowDeselect={false} data-testid="acl-operation" comboboxProps={{ withinPortal: true }} />
          <Select label="Permission" data={['allow', 'deny']} value={f.permission} onChange={set('permission')} allowDeselect={false} data-testid="acl-permission" comboboxProps={{ withinPortal: true }} />
        </SimpleGrid>
        {error && (isNoAuthorizer(error) ? <AclError error={error} /> : <OpError error={error} title={create.isError ? 'Could not create the ACL' : 'Cannot create this ACL'} testId="acl-form-error" />)}
        {plan && (
          <Paper withBorder radius="md" p="sm" data-testid="acl-plan">
            <Text size="sm" fw={600}>
              {plan.exists ? 'An equal ACL exists already: creating it changes nothing.' : `Would ${f.permission} ${f.principal} to ${f.operation} ${f.resource_type} ${f.resource_name || 'kafka-cluster'} (${f.pattern_type}) from ${f.host || '*'}.`}
            </Text>
          </Paper>
        )}
        <Group justify="flex-end" gap="xs">
          <Button type="submit" variant={plan ? 'default' : 'filled'} loading={dry.isPending} data-testid="acl-preview">
            Preview
          </Button>
          <Button onClick={() => plan && create.mutate()} disabled={!plan} loading={create.isPending} data-testid="acl-create">
            Create
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Delete ACLs by a filter: the dry run lists the matches, then Delete. */
export function DeleteAclsForm({ cluster, filter, onDone, onCancel }: { cluster: string; filter: AclFilter; onDone: () => void; onCancel: () => void }) {
  const dry = useQuery({ queryKey: ['acl-delete-dry', cluster, filter], queryFn: () => api.deleteAcls(cluster, filter, true), gcTime: 0, staleTime: 0 });
  const del = useMutation({ mutationFn: () => api.deleteAcls(cluster, filter, false), onSuccess: onDone });
  const matching = dry.data?.matching ?? [];
  return (
    <Stack gap="sm" data-testid="acl-delete-form">
      {dry.isPending ? <Loading label="Finding the matching ACLs…" h={80} /> : dry.isError ? <AclError error={dry.error} /> : matching.length === 0 ? <Empty h={80}>No ACL matches: nothing to delete.</Empty> : <AclTable acls={matching} testId="acl-delete-matches" />}
      <OpError error={del.isError ? del.error : null} title="Could not delete" testId="acl-delete-error" />
      <Group justify="flex-end" gap="xs">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button color="red" disabled={matching.length === 0} loading={del.isPending} onClick={() => del.mutate()} data-testid="acl-delete-confirm">
          Delete {matching.length === 1 ? 'this ACL' : `${formatInt(matching.length)} ACLs`}
        </Button>
      </Group>
    </Stack>
  );
}

function AclsSection({ cluster }: { cluster: string }) {
  const operate = useCanOperate();
  const qc = useQueryClient();
  const [f, setF] = useState<AclFilter>({});
  const filter = useDebounced(f, 250);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<AclFilter | null>(null);
  const q = useQuery({ queryKey: ['acls', cluster, filter], queryFn: ({ signal }) => api.acls(cluster, filter, signal), retry: false });
  const set = (k: keyof AclFilter) => (v: string | null) => setF((x) => ({ ...x, [k]: v || undefined }));
  const refresh = () => void qc.invalidateQueries({ queryKey: ['acls', cluster] });
  return (
    <Section
      title="ACLs"
      right={
        operate && !isNoAuthorizer(q.error) ? (
          <Button size="xs" variant="default" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)} data-testid="acl-create-button">
            Create ACL
          </Button>
        ) : undefined
      }
    >
      <Stack gap="sm">
        <Group gap="sm" wrap="wrap" align="flex-end">
          <TextInput size="xs" label="Principal" placeholder="User:alice" value={f.principal ?? ''} onChange={(e) => set('principal')(e.currentTarget.value)} data-testid="acl-filter-principal" />
          <Select size="xs" label="Resource type" data={any('Any', RESOURCE_TYPES)} value={f.resource_type ?? ''} onChange={set('resource_type')} allowDeselect={false} w={150} data-testid="acl-filter-type" comboboxProps={{ withinPortal: true }} />
          <TextInput size="xs" label="Resource name" value={f.resource_name ?? ''} onChange={(e) => set('resource_name')(e.currentTarget.value)} data-testid="acl-filter-name" />
          <Select size="xs" label="Pattern" data={any('Any', [...PATTERN_TYPES, 'match'])} value={f.pattern_type ?? ''} onChange={set('pattern_type')} allowDeselect={false} w={110} data-testid="acl-filter-pattern" comboboxProps={{ withinPortal: true }} />
          <Select size="xs" label="Operation" data={any('Any', OPERATIONS)} value={f.operation ?? ''} onChange={set('operation')} allowDeselect={false} w={150} data-testid="acl-filter-operation" comboboxProps={{ withinPortal: true }} />
          <Select size="xs" label="Permission" data={any('Any', ['allow', 'deny'])} value={f.permission ?? ''} onChange={set('permission')} allowDeselect={false} w={110} data-testid="acl-filter-permission" comboboxProps={{ withinPortal: true }} />
        </Group>
        {q.isPending ? (
          <Loading />
        ) : q.isError ? (
          <AclError error={q.error} />
        ) : (
          <Paper withBorder radius="md" p={0}>
            {(q.data.acls ?? []).length === 0 ? <Empty>No ACLs{Object.keys(filter).length ? ' match these filters' : ''}.</Empty> : <AclTable acls={q.data.acls!} onDelete={operate ? (a) => setDeleting(a) : undefined} />}
          </Paper>
        )}
      </Stack>
      <Modal opened={creating} onClose={() => setCreating(false)} title="Create an ACL" size="lg">
        {creating && (
          <CreateAclForm
            cluster={cluster}
            onDone={() => {
              setCreating(false);
              refresh();
            }}
          />
        )}
      </Modal>
      <Modal opened={!!deleting} onClose={() => setDeleting(null)} title="Delete ACLs" size="xl">
        {deleting && (
          <DeleteAclsForm
            cluster={cluster}
            filter={deleting}
            onCancel={() => setDeleting(null)}
            onDone={() => {
              setDeleting(null);
              refresh();
            }}
          />
        )}
      </Modal>
    </Section>
  );
}

export function entityLabel(e: QuotaEntity): string {
  const parts: string[] = [];
  if (e.user !== undefined) parts.push(`user ${e.user}`);
  if (e.client_id !== undefined) parts.push(`client ${e.client_id}`);
  if (e.ip !== undefined) parts.push(`ip ${e.ip}`);
  return parts.join(', ') || '—';
}

const fmtValues = (v: Record<string, number> | null | undefined) =>
  Object.entries(v ?? {})
    .map(([k, n]) => `${k}=${n}`)
    .join(', ') || 'none';

/** Set or remove one quota of an entity: Preview (before → after, validated by Kafka), then Apply. */
export function QuotaForm({ cluster, initial, onDone }: { cluster: string; initial?: Quota; onDone: (p: QuotaPlan) => void }) {
  const [user, setUser] = useState(initial?.entity.user ?? '');
  const [clientId, setClientId] = useState(initial?.entity.client_id ?? '');
  const [quotaKey, setQuotaKey] = useState(QUOTA_KEYS[0]);
  const [value, setValue] = useState<number | string>(initial?.values[QUOTA_KEYS[0]] ?? '');
  const [remove, setRemove] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const preview = usePreview<QuotaPlan>();
  const body = (): Omit<QuotaChange, 'dry_run'> | string => {
    if (!user.trim() && !clientId.trim()) return 'Give a user, a client id or both (<default> for the default).';
    const b: Omit<QuotaChange, 'dry_run'> = {};
    if (user.trim()) b.user = user.trim();
    if (clientId.trim()) b.client_id = clientId.trim();
    if (remove) b.remove = [quotaKey];
    else {
      const n = Number(value);
      if (value === '' || !(n > 0)) return 'The value must be a positive number.';
      b.set = { [quotaKey]: n };
    }
    return b;
  };
  const spec = body();
  const key = typeof spec === 'string' ? '' : JSON.stringify(spec);
  const plan = key ? preview.planFor(key) : null;
  const dry = useMutation({ mutationFn: (b: QuotaChange) => api.alterQuota(cluster, b) });
  const apply = useMutation({ mutationFn: (b: QuotaChange) => api.alterQuota(cluster, b), onSuccess: onDone });
  const doPreview = (e?: FormEvent) => {
    e?.preventDefault();
    if (typeof spec === 'string') return setProblem(spec);
    setProblem(null);
    apply.reset();
    dry.mutate({ ...spec, dry_run: true }, { onSuccess: (p) => preview.set(key, p) });
  };
  const error = problem ?? (apply.isError ? apply.error : dry.isError ? dry.error : null);
  return (
    <form onSubmit={doPreview} noValidate data-testid="quota-form">
      <Stack gap="sm">
        <SimpleGrid cols={2} spacing="sm">
          <TextInput label="User" placeholder="alice or <default>" value={user} onChange={(e) => setUser(e.currentTarget.value)} data-testid="quota-user" data-autofocus />
          <TextInput label="Client id" placeholder="optional" value={clientId} onChange={(e) => setClientId(e.currentTarget.value)} data-testid="quota-client" />
          <Select label="Quota" data={QUOTA_KEYS} value={quotaKey} onChange={(v) => setQuotaKey(v ?? QUOTA_KEYS[0])} allowDeselect={false} data-testid="quota-key" comboboxProps={{ withinPortal: true }} />
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <NumberInput label={quotaKey.endsWith('byte_rate') ? 'Value (bytes/s)' : 'Value'} min={0} value={value} onChange={setValue} disabled={remove} style={{ flex: 1 }} data-testid="quota-value" />
            <Button variant={remove ? 'filled' : 'default'} color={remove ? 'red' : undefined} onClick={() => setRemove((r) => !r)} data-testid="quota-remove">
              {remove ? 'Removing' : 'Remove'}
            </Button>
          </Group>
        </SimpleGrid>
        <OpError error={error} title={apply.isError ? 'Could not change the quota' : 'Cannot change this quota'} testId="quota-error" />
        {plan && (
          <Paper withBorder radius="md" p="sm" data-testid="quota-plan">
            <Text size="sm" fw={600}>
              {entityLabel(plan.entity)}
            </Text>
            <Text size="sm">
              Before: <span data-testid="quota-before">{fmtValues(plan.before)}</span>
            </Text>
            <Text size="sm">
              After: <span data-testid="quota-after">{fmtValues(plan.after)}</span>
            </Text>
          </Paper>
        )}
        <Group justify="flex-end" gap="xs">
          <Button type="submit" variant={plan ? 'default' : 'filled'} loading={dry.isPending} data-testid="quota-preview">
            Preview
          </Button>
          <Button onClick={() => typeof spec !== 'string' && plan && apply.mutate({ ...spec, dry_run: false })} disabled={!plan} loading={apply.isPending} data-testid="quota-apply">
            Apply
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function QuotasSection({ cluster }: { cluster: string }) {
  const operate = useCanOperate();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<Quota | 'new' | null>(null);
  const [done, setDone] = useState<QuotaPlan | null>(null);
  const q = useQuery({ queryKey: ['quotas', cluster], queryFn: ({ signal }) => api.quotas(cluster, signal) });
  return (
    <Section
      title="Client quotas"
      right={
        operate ? (
          <Button size="xs" variant="default" leftSection={<IconPlus size={14} />} onClick={() => setEditing('new')} data-testid="quota-set-button">
            Set quota
          </Button>
        ) : undefined
      }
    >
      {done && (
        <Alert color="teal" icon={<IconCheck size={18} />} mb="sm" withCloseButton onClose={() => setDone(null)} data-testid="quota-done">
          Quotas of {entityLabel(done.entity)}: {fmtValues(done.after)}.
        </Alert>
      )}
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : (
        <Paper withBorder radius="md" p={0}>
          {(q.data.quotas ?? []).length === 0 ? (
            <Empty>No client quotas: clients are not throttled.</Empty>
          ) : (
            <Table verticalSpacing={4} fz="sm" data-testid="quotas-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Entity</Table.Th>
                  <Table.Th>Quotas</Table.Th>
                  {operate && <Table.Th w={40} />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.quotas!.map((x, i) => (
                  <Table.Tr key={i} data-testid="quota-row" data-entity={entityLabel(x.entity)}>
                    <Table.Td>{entityLabel(x.entity)}</Table.Td>
                    <Table.Td>
                      {Object.entries(x.values).map(([k, v]) => (
                        <Text key={k} span size="xs" className="label-chip" mr={4} ff="monospace">
                          {k}={v}
                        </Text>
                      ))}
                    </Table.Td>
                    {operate && (
                      <Table.Td>
                        <ActionIcon variant="subtle" color="gray" aria-label={`Edit the quotas of ${entityLabel(x.entity)}`} onClick={() => setEditing(x)} data-testid="quota-edit">
                          <IconPencil size={15} />
                        </ActionIcon>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      )}
      <Modal opened={!!editing} onClose={() => setEditing(null)} title="Set a client quota" size="lg">
        {editing && (
          <QuotaForm
            cluster={cluster}
            initial={editing === 'new' ? undefined : editing}
            onDone={(p) => {
              setEditing(null);
              setDone(p);
              void qc.invalidateQueries({ queryKey: ['quotas', cluster] });
            }}
          />
        )}
      </Modal>
    </Section>
  );
}

/**
 * Create a SCRAM credential or change its password (with name given): Preview, then Save. The
 * password stays in this form only, and is cleared once Kafka took it.
 */
export function ScramForm({ cluster, name: fixedName, mechanisms, onDone }: { cluster: string; name?: string; mechanisms?: string[]; onDone: (p: ScramPlan) => void }) {
  const [name, setName] = useState(fixedName ?? '');
  const [mechanism, setMechanism] = useState((mechanisms ?? MECHANISMS)[0] === 'SCRAM-SHA-256' ? 'SCRAM-SHA-256' : (mechanisms ?? MECHANISMS)[0]);
  const [password, setPassword] = useState('');
  const [iterations, setIterations] = useState<number | string>(fixedName ? '' : 8192);
  const [problem, setProblem] = useState<string | null>(null);
  const preview = usePreview<ScramPlan>();
  const key = JSON.stringify({ name, mechanism, password, iterations });
  const plan = preview.planFor(key);
  const call = (dry: boolean) => {
    const it = iterations === '' ? undefined : Number(iterations);
    return fixedName ? api.updateScram(cluster, fixedName, { mechanism, password, iterations: it, dry_run: dry }) : api.createScram(cluster, { name: name.trim(), mechanism, password, iterations: it, dry_run: dry });
  };
  const dry = useMutation({ mutationFn: () => call(true) });
  const save = useMutation({
    mutationFn: () => call(false),
    onSuccess: (p) => {
      setPassword('');
      onDone(p);
    },
  });
  const doPreview = (e?: FormEvent) => {
    e?.preventDefault();
    if (!name.trim()) return setProblem('Give the user name.');
    if (password.length < 8) return setProblem('The password needs at least 8 characters.');
    const it = Number(iterations);
    if (iterations !== '' && (!Number.isInteger(it) || it < 4096 || it > 16384)) return setProblem('Iterations go from 4,096 to 16,384.');
    setProblem(null);
    save.reset();
    dry.mutate(undefined, { onSuccess: (p) => preview.set(key, p) });
  };
  const error = problem ?? (save.isError ? save.error : dry.isError ? dry.error : null);
  return (
    <form onSubmit={doPreview} noValidate data-testid="scram-form">
      <Stack gap="sm">
        <SimpleGrid cols={2} spacing="sm">
          <TextInput label="User" value={name} onChange={(e) => setName(e.currentTarget.value)} disabled={!!fixedName} data-testid="scram-name" data-autofocus />
          <Select label="Mechanism" data={mechanisms ?? MECHANISMS} value={mechanism} onChange={(v) => setMechanism(v ?? MECHANISMS[0])} allowDeselect={false} data-testid="scram-mechanism" comboboxProps={{ withinPortal: true }} />
          <PasswordInput label={fixedName ? 'New password' : 'Password'} description="At least 8 characters; sent to Kafka only" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} data-testid="scram-password" />
          <NumberInput label="Iterations" description={fixedName ? 'Empty: keep the current' : '4,096 to 16,384'} min={4096} max={16384} allowDecimal={false} value={iterations} onChange={setIterations} data-testid="scram-iterations" />
        </SimpleGrid>
        <OpError error={error} title={save.isError ? 'Could not save the credential' : 'Cannot save this credential'} testId="scram-error" />
        {plan && (
          <Paper withBorder radius="md" p="sm" data-testid="scram-plan">
            <Text size="sm" fw={600}>
              Would {plan.action} {(plan.credentials ?? []).map((c) => `${c.mechanism} (${formatInt(c.iterations)} iterations)`).join(', ')} for {plan.name}.
            </Text>
          </Paper>
        )}
        <Group justify="flex-end" gap="xs">
          <Button type="submit" variant={plan ? 'default' : 'filled'} loading={dry.isPending} data-testid="scram-preview">
            Preview
          </Button>
          <Button onClick={() => plan && save.mutate()} disabled={!plan} loading={save.isPending} data-testid="scram-save">
            {fixedName ? 'Change password' : 'Create'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Delete a user's SCRAM credentials (one mechanism or all): the dry run says what goes. */
export function DeleteScramForm({ cluster, user, onDone, onCancel }: { cluster: string; user: ScramUser; onDone: () => void; onCancel: () => void }) {
  const [mechanism, setMechanism] = useState('');
  const dry = useMutation({ mutationFn: (m: string) => api.deleteScram(cluster, user.name, m || undefined, true) });
  const del = useMutation({ mutationFn: () => api.deleteScram(cluster, user.name, mechanism || undefined, false), onSuccess: onDone });
  const { mutate } = dry;
  useEffect(() => mutate(mechanism), [mechanism, mutate]);
  const plan = dry.data;
  return (
    <Stack gap="sm" data-testid="scram-delete-form">
      <Select label="Mechanism" data={any('Every mechanism', (user.credentials ?? []).map((c) => c.mechanism))} value={mechanism} onChange={(v) => setMechanism(v ?? '')} allowDeselect={false} data-testid="scram-delete-mechanism" comboboxProps={{ withinPortal: true }} />
      {dry.isPending ? (
        <Loading h={60} />
      ) : plan ? (
        <Text size="sm" data-testid="scram-delete-plan">
          Would delete {(plan.credentials ?? []).map((c) => c.mechanism).join(', ')} of {plan.name}: clients using it can no longer authenticate.
        </Text>
      ) : null}
      <OpError error={del.isError ? del.error : dry.isError ? dry.error : null} title="Cannot delete" testId="scram-delete-error" />
      <Group justify="flex-end" gap="xs">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button color="red" disabled={!plan} loading={del.isPending} onClick={() => del.mutate()} data-testid="scram-delete-confirm">
          Delete
        </Button>
      </Group>
    </Stack>
  );
}

function ScramSection({ cluster }: { cluster: string }) {
  const qc = useQueryClient();
  const [modal, setModal] = useState<{ kind: 'create' } | { kind: 'password' | 'delete'; user: ScramUser } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['scram-users', cluster], queryFn: ({ signal }) => api.scramUsers(cluster, signal) });
  const finish = (msg: string) => {
    setModal(null);
    setDone(msg);
    // Credentials reach the brokers a moment after Kafka accepts them.
    void qc.invalidateQueries({ queryKey: ['scram-users', cluster] });
    setTimeout(() => void qc.invalidateQueries({ queryKey: ['scram-users', cluster] }), 1500);
  };
  return (
    <Section
      title="SCRAM users"
      right={
        <Button size="xs" variant="default" leftSection={<IconPlus size={14} />} onClick={() => setModal({ kind: 'create' })} data-testid="scram-create-button">
          Add credential
        </Button>
      }
    >
      {done && (
        <Alert color="teal" icon={<IconCheck size={18} />} mb="sm" withCloseButton onClose={() => setDone(null)} data-testid="scram-done">
          {done}
        </Alert>
      )}
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : (
        <Paper withBorder radius="md" p={0}>
          {(q.data.users ?? []).length === 0 ? (
            <Empty>No SCRAM credentials.</Empty>
          ) : (
            <Table verticalSpacing={4} fz="sm" data-testid="scram-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Credentials</Table.Th>
                  <Table.Th w={80} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.users!.map((u) => (
                  <Table.Tr key={u.name} data-testid="scram-row" data-name={u.name}>
                    <Table.Td ff="monospace">{u.name}</Table.Td>
                    <Table.Td>
                      {(u.credentials ?? []).map((c) => (
                        <Badge key={c.mechanism} size="sm" variant="light" mr={4}>
                          {c.mechanism} · {formatInt(c.iterations)}
                        </Badge>
                      ))}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={2} wrap="nowrap">
                        <Tooltip label="Change password">
                          <ActionIcon variant="subtle" color="gray" aria-label={`Change the password of ${u.name}`} onClick={() => setModal({ kind: 'password', user: u })} data-testid="scram-password-button">
                            <IconKey size={15} />
                          </ActionIcon>
                        </Tooltip>
                        <ActionIcon variant="subtle" color="red" aria-label={`Delete ${u.name}`} onClick={() => setModal({ kind: 'delete', user: u })} data-testid="scram-delete-button">
                          <IconTrash size={15} />
                        </ActionIcon>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      )}
      <Modal
        opened={!!modal}
        onClose={() => setModal(null)}
        title={modal?.kind === 'create' ? 'Add a SCRAM credential' : modal?.kind === 'password' ? `Change the password of ${modal.user.name}` : modal ? `Delete ${modal.user.name}` : ''}
        size="lg"
      >
        {modal?.kind === 'create' && <ScramForm cluster={cluster} onDone={(p) => finish(`Created ${(p.credentials ?? []).map((c) => c.mechanism).join(', ')} for ${p.name}.`)} />}
        {modal?.kind === 'password' && (
          <ScramForm cluster={cluster} name={modal.user.name} mechanisms={(modal.user.credentials ?? []).map((c) => c.mechanism)} onDone={(p) => finish(`Changed the password of ${p.name}.`)} />
        )}
        {modal?.kind === 'delete' && <DeleteScramForm cluster={cluster} user={modal.user} onCancel={() => setModal(null)} onDone={() => finish(`Deleted the credentials of ${modal.user.name}.`)} />}
      </Modal>
    </Section>
  );
}

/** /clusters/{c}/security: ACLs, client quotas and (admins) SCRAM users. */
export function SecurityPage() {
  const { cluster = '' } = useParams();
  const admin = useIsAdmin();
  const clusterPath = `/clusters/${encodeURIComponent(cluster)}`;
  return (
    <>
      <PageHeader crumbs={[{ label: 'Fleet', to: '/' }, { label: cluster, to: clusterPath }, { label: 'Security' }]} title="Security" />
      <AclsSection cluster={cluster} />
      <QuotasSection cluster={cluster} />
      {admin && <ScramSection cluster={cluster} />}
    </>
  );
}
