// Topic operations beyond create/add partitions: delete (admin, retype the name), edit configs
// (incremental set/delete, validated by Kafka in a dry run), purge records (DeleteRecords).
// Each previews the server's dry run first; docs: internal/api/topic_ops.go.
import { ActionIcon, Autocomplete, Badge, Button, Group, MultiSelect, NumberInput, Paper, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import type { AlterConfigsPlan, Config, DeleteTopicPlan, PurgePlan, PurgeRequest, TopicConfigChanges } from '../api/types';
import { formatBytes, formatInt } from '../lib/format';
import { OpError, PlanFooter, PlanWarnings, usePlanForm } from './Ops';
import { Loading } from './States';

// ---- Delete ----

/** Delete a topic (admin): the dry run says what goes; the name must be typed again to enable Delete. */
export function DeleteTopicForm({ cluster, topic, onDeleted, onCancel }: { cluster: string; topic: string; onDeleted: (p: DeleteTopicPlan) => void; onCancel?: () => void }) {
  const [typed, setTyped] = useState('');
  const dq = useQuery({ queryKey: ['topic-delete-dry-run', cluster, topic], queryFn: () => api.deleteTopic(cluster, topic, { dry_run: true }), gcTime: 0, staleTime: 0, retry: false });
  const del = useMutation({ mutationFn: () => api.deleteTopic(cluster, topic, { dry_run: false, confirm: topic }), onSuccess: onDeleted });
  const d = dq.data;
  const known = (n: number | undefined) => n !== undefined && n >= 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (typed === topic && d) del.mutate();
  };
  return (
    <form onSubmit={submit} data-testid="delete-topic-form" noValidate>
      <Stack gap="sm">
        {dq.isPending ? (
          <Loading label="Dry run: what would go…" h={80} />
        ) : dq.isError ? (
          <OpError error={dq.error} title="The dry run failed" testId="delete-topic-dry-run-error" />
        ) : (
          <Paper withBorder radius="md" p="sm" data-testid="delete-topic-plan">
            <Text size="sm" fw={600} mb={6} data-testid="plan-summary">
              {d!.summary}
            </Text>
            <Group gap="lg" mb={4}>
              <Text size="sm">
                Partitions: <b data-testid="delete-topic-partitions">{d!.partitions}</b>
              </Text>
              <Text size="sm">
                Replication factor: <b>{d!.replication_factor}</b>
              </Text>
              <Text size="sm">
                Messages: <b data-testid="delete-topic-messages">{known(d!.messages) ? formatInt(d!.messages) : 'unknown yet'}</b>
              </Text>
              <Text size="sm">
                Size: <b>{known(d!.size_bytes) ? formatBytes(d!.size_bytes) : 'unknown yet'}</b>
                {known(d!.replica_bytes) ? ` (${formatBytes(d!.replica_bytes)} with replicas)` : ''}
              </Text>
            </Group>
            {(d!.groups ?? []).length > 0 && (
              <Text size="sm" data-testid="delete-topic-groups">
                Consuming groups:{' '}
                {d!.groups!.map((g) => `${g.id} (${g.state}${g.members ? `, ${g.members} member${g.members === 1 ? '' : 's'}` : ''})`).join(', ')}
              </Text>
            )}
            <Text size="xs" c="dimmed" mt={4}>
              Dry run: nothing was deleted yet. Deleting removes every record of the topic; it cannot be undone.
            </Text>
          </Paper>
        )}
        {d && <PlanWarnings warnings={d.warnings} testId="delete-topic-warnings" />}
        <TextInput
          label={`Type the topic's name, ${topic}, to confirm`}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
          data-testid="delete-topic-confirm"
          data-autofocus
        />
        <OpError error={del.error} title="Could not delete the topic" testId="delete-topic-error" />
        <Group justify="flex-end" gap="xs">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" color="red" disabled={typed !== topic || !d} loading={del.isPending} data-testid="delete-topic-submit">
            Delete topic
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

// ---- Configs ----

export interface ConfigEditRow {
  key: number;
  name: string;
  op: 'set' | 'delete';
  value: string;
}

/** The body of a config change (without dry_run) from the form's rows, or a problem to fix first. */
export function configChanges(rows: Omit<ConfigEditRow, 'key'>[]): Omit<TopicConfigChanges, 'dry_run'> | string {
  const used = rows.filter((r) => r.name.trim() !== '' || r.value !== '');
  if (used.length === 0) return 'Add a config to set or reset.';
  if (used.some((r) => !r.name.trim())) return 'Every change needs a config key.';
  const set: Record<string, string> = {};
  const del: string[] = [];
  const seen = new Set<string>();
  for (const r of used) {
    const k = r.name.trim();
    if (seen.has(k)) return `Config ${k} is changed twice.`;
    seen.add(k);
    if (r.op === 'delete') del.push(k);
    else set[k] = r.value;
  }
  const out: Omit<TopicConfigChanges, 'dry_run'> = {};
  if (Object.keys(set).length) out.set = set;
  if (del.length) out.delete = del.sort();
  return out;
}

const src = (s?: string) => (s ? s.replace(/_/g, ' ') : 'unknown');

function ConfigPlanView({ plan, testId }: { plan: AlterConfigsPlan; testId: string }) {
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testId}>
      <Text size="sm" fw={600} mb={6} data-testid="plan-summary">
        {plan.dry_run ? 'Dry run (validated by Kafka, nothing changed yet): ' : ''}
        {plan.summary}
      </Text>
      <Table withTableBorder={false} verticalSpacing={3} fz="sm" data-testid="config-plan-table" mb={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Config</Table.Th>
            <Table.Th>Old</Table.Th>
            <Table.Th>New</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(plan.changes ?? []).map((c) => (
            <Table.Tr key={c.key} data-testid="config-change" data-key={c.key} data-old={c.old} data-new={c.new} data-changed={c.changed}>
              <Table.Td>
                <Text span size="sm" ff="monospace">
                  {c.key}
                </Text>{' '}
                {c.op === 'delete' && (
                  <Badge size="xs" variant="outline" color="gray">
                    reset
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Text span size="sm" ff="monospace">
                  {c.old === '' && !c.old_source ? '—' : c.old}
                </Text>{' '}
                <Text span size="xs" c="dimmed">
                  ({src(c.old_source)})
                </Text>
              </Table.Td>
              <Table.Td>
                → <Text span size="sm" ff="monospace" fw={c.changed ? 700 : 400}>
                  {c.new}
                </Text>{' '}
                <Text span size="xs" c="dimmed">
                  ({src(c.new_source)}
                  {c.new_from ? ` from ${c.new_from}` : ''})
                </Text>
                {!c.changed && (
                  <Badge size="xs" variant="light" color="gray" ml={4}>
                    unchanged
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <PlanWarnings warnings={plan.warnings} />
    </Paper>
  );
}

/** Edit a topic's configs incrementally: set or reset (to the inherited value) keys; Preview (Kafka validates), then Apply. */
export function EditConfigsForm({
  cluster,
  topic,
  configs,
  onDone,
  onCancel,
}: {
  cluster: string;
  topic: string;
  configs: Record<string, Config> | null;
  onDone: (p: AlterConfigsPlan) => void;
  onCancel?: () => void;
}) {
  const next = useRef(1);
  const [rows, setRows] = useState<ConfigEditRow[]>([{ key: 0, name: '', op: 'set', value: '' }]);
  const dry = useMutation({ mutationFn: (b: TopicConfigChanges) => api.alterTopicConfigs(cluster, topic, b) });
  const apply = useMutation({ mutationFn: (b: TopicConfigChanges) => api.alterTopicConfigs(cluster, topic, b), onSuccess: onDone });
  const { planFor, runPreview, error } = usePlanForm(dry, apply);
  const names = Object.keys(configs ?? {}).sort();
  const body = configChanges(rows);
  const key = typeof body === 'string' ? '' : JSON.stringify(body);
  const plan = key ? planFor(key) : null;
  const setRow = (k: number, patch: Partial<ConfigEditRow>) => setRows((rs) => rs.map((r) => (r.key === k ? { ...r, ...patch } : r)));

  const doPreview = (e?: FormEvent) => runPreview(e, typeof body === 'string' ? body : { key, arg: { ...body, dry_run: true } });

  return (
    <form onSubmit={doPreview} data-testid="edit-configs-form" noValidate>
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          Set a value of the topic's own, or reset a key to the value it inherits (broker or default). Only the keys listed change.
        </Text>
        <Stack gap={6}>
          {rows.map((r, i) => (
            <Group key={r.key} gap={6} wrap="nowrap" align="flex-start" data-testid="config-edit-row">
              <Autocomplete
                size="xs"
                placeholder="key, e.g. retention.ms"
                aria-label={`Config ${i + 1} key`}
                data={names}
                limit={20}
                value={r.name}
                onChange={(v) => setRow(r.key, { name: v })}
                style={{ flex: 3 }}
                comboboxProps={{ withinPortal: true }}
                data-testid="config-edit-key"
              />
              <SegmentedControl
                size="xs"
                value={r.op}
                onChange={(v) => setRow(r.key, { op: v as 'set' | 'delete' })}
                data={[
                  { value: 'set', label: 'Set' },
                  { value: 'delete', label: 'Reset' },
                ]}
                data-testid="config-edit-op"
              />
              <TextInput
                size="xs"
                placeholder={r.op === 'delete' ? 'inherited value' : 'value'}
                aria-label={`Config ${i + 1} value`}
                value={r.op === 'delete' ? '' : r.value}
                disabled={r.op === 'delete'}
                onChange={(e) => setRow(r.key, { value: e.currentTarget.value })}
                style={{ flex: 2 }}
                data-testid="config-edit-value"
              />
              <ActionIcon variant="subtle" color="gray" mt={4} aria-label={`Remove change ${i + 1}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}>
                <IconTrash size={15} />
              </ActionIcon>
            </Group>
          ))}
        </Stack>
        <div>
          <Button variant="subtle" size="compact-xs" leftSection={<IconPlus size={13} />} onClick={() => setRows((rs) => [...rs, { key: next.current++, name: '', op: 'set', value: '' }])} data-testid="config-edit-add">
            Add change
          </Button>
        </div>
        <OpError error={error} title={apply.isError ? 'Could not change the configs' : 'Cannot change these configs'} testId="edit-configs-error" />
        {plan && <ConfigPlanView plan={plan} testId="config-plan" />}
        <PlanFooter
          planned={!!plan}
          previewing={dry.isPending}
          previewTestId="configs-preview"
          onCancel={onCancel}
          applyLabel="Apply"
          applyColor="orange"
          applyTestId="configs-apply"
          onApply={() => typeof body !== 'string' && plan && apply.mutate({ ...body, dry_run: false })}
          applying={apply.isPending}
        />
      </Stack>
    </form>
  );
}

/** The result of an applied config change, for the page. */
export function ConfigsDone({ plan }: { plan: AlterConfigsPlan }) {
  return (
    <Text size="sm">
      {plan.summary}
      {(plan.changes ?? []).length > 0 && ': '}
      {(plan.changes ?? []).map((c) => `${c.key} ${c.old || '—'} → ${c.new}`).join(', ')}
    </Text>
  );
}

// ---- Purge ----

export type PurgeMode = 'offset' | 'time' | 'all';

export interface PurgeFields {
  mode: PurgeMode;
  offset: number | string;
  /** datetime-local value (local time). */
  time: string;
  /** Selected partitions as strings; none: every partition. */
  partitions: string[];
}

/** The purge request (without dry_run) from the form's fields, or a problem to fix first. */
export function purgeRequest(f: PurgeFields): Omit<PurgeRequest, 'dry_run'> | string {
  const out: Omit<PurgeRequest, 'dry_run'> = {};
  if (f.mode === 'all') out.before_offset = -1;
  else if (f.mode === 'offset') {
    const n = Number(f.offset);
    if (f.offset === '' || !Number.isInteger(n) || n < 0) return 'Give the offset: records before it are deleted (a whole number of at least 0).';
    out.before_offset = n;
  } else {
    const t = f.time ? new Date(f.time) : null;
    if (!t || Number.isNaN(t.getTime())) return 'Give the time: records before it are deleted.';
    out.before_time = t.toISOString();
  }
  if (f.partitions.length) out.partitions = f.partitions.map(Number).sort((a, b) => a - b);
  return out;
}

function PurgeTable({ plan }: { plan: PurgePlan }) {
  return (
    <Table.ScrollContainer minWidth={480} maxHeight={320}>
      <Table stickyHeader verticalSpacing={3} fz="sm" striped data-testid="purge-plan-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th ta="right">Partition</Table.Th>
            <Table.Th ta="right">Start offset (old → new)</Table.Th>
            <Table.Th ta="right">End offset</Table.Th>
            <Table.Th ta="right">Records deleted</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(plan.partitions ?? []).map((p) => (
            <Table.Tr key={p.partition} data-testid="purge-row" data-partition={p.partition} data-removed={p.removed} data-new-start={p.new_start_offset}>
              <Table.Td ta="right">{p.partition}</Table.Td>
              <Table.Td ta="right" className="num">
                {formatInt(p.start_offset)} → <b>{formatInt(p.new_start_offset)}</b>
              </Table.Td>
              <Table.Td ta="right" className="num">
                {formatInt(p.end_offset)}
              </Table.Td>
              <Table.Td ta="right" className="num">
                {p.error ? (
                  <Text span size="sm" c="red">
                    {p.error}
                  </Text>
                ) : (
                  <Text span size="sm" fw={p.removed ? 700 : 400}>
                    {formatInt(p.removed)}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Purge records from the start of a topic's partitions: before an offset, before a time, or everything; Preview, then Purge. */
export function PurgeForm({ cluster, topic, partitions, onDone, onCancel }: { cluster: string; topic: string; partitions: number[]; onDone: (p: PurgePlan) => void; onCancel?: () => void }) {
  const [mode, setMode] = useState<PurgeMode>('offset');
  const [offset, setOffset] = useState<number | string>('');
  const [time, setTime] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const dry = useMutation({ mutationFn: (b: PurgeRequest) => api.purgeTopic(cluster, topic, b) });
  const apply = useMutation({ mutationFn: (b: PurgeRequest) => api.purgeTopic(cluster, topic, b), onSuccess: onDone });
  const { planFor, runPreview, error } = usePlanForm(dry, apply);
  const req = purgeRequest({ mode, offset, time, partitions: selected });
  const key = typeof req === 'string' ? '' : JSON.stringify(req);
  const plan = key ? planFor(key) : null;

  const doPreview = (e?: FormEvent) => runPreview(e, typeof req === 'string' ? req : { key, arg: { ...req, dry_run: true } });

  return (
    <form onSubmit={doPreview} data-testid="purge-form" noValidate>
      <Stack gap="sm">
        <div>
          <Text size="sm" fw={500} mb={4}>
            Delete records
          </Text>
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v as PurgeMode)}
            data={[
              { value: 'offset', label: 'Before an offset' },
              { value: 'time', label: 'Before a time' },
              { value: 'all', label: 'Everything' },
            ]}
            data-testid="purge-mode"
          />
        </div>
        {mode === 'offset' && <NumberInput label="Offset" description="Records before this offset go; a partition that ends before it is emptied" min={0} allowDecimal={false} value={offset} onChange={setOffset} w={320} data-testid="purge-offset" />}
        {mode === 'time' && <TextInput type="datetime-local" step={1} label="Time (your local time)" description="Records written before it go" value={time} onChange={(e) => setTime(e.currentTarget.value)} w={280} data-testid="purge-time" />}
        <MultiSelect
          label="Partitions"
          placeholder={selected.length ? undefined : 'Every partition'}
          data={partitions.map((p) => ({ value: String(p), label: `Partition ${p}` }))}
          value={selected}
          onChange={setSelected}
          clearable
          comboboxProps={{ withinPortal: true }}
          data-testid="purge-partitions"
        />
        <OpError error={error} title={apply.isError ? 'Could not purge the topic' : 'Cannot purge'} testId="purge-error" />
        {plan && (
          <Paper withBorder radius="md" p="sm" data-testid="purge-plan">
            <Group justify="space-between" mb={6}>
              <Text size="sm" fw={600} data-testid="plan-summary">
                Dry run, nothing deleted yet: {plan.summary}
              </Text>
              <Text size="sm" data-testid="purge-total">
                <b>{formatInt(plan.removed)}</b> record{plan.removed === 1 ? '' : 's'} to delete
              </Text>
            </Group>
            <PurgeTable plan={plan} />
            <PlanWarnings warnings={plan.warnings} />
          </Paper>
        )}
        <PlanFooter
          planned={!!plan}
          previewing={dry.isPending}
          previewTestId="purge-preview"
          onCancel={onCancel}
          applyLabel="Purge"
          applyColor="red"
          applyTestId="purge-apply"
          onApply={() => typeof req !== 'string' && plan && apply.mutate({ ...req, dry_run: false })}
          applying={apply.isPending}
        />
      </Stack>
    </form>
  );
}

/** The result of a purge, for the page. */
export function PurgeDone({ plan }: { plan: PurgePlan }) {
  const failed = (plan.partitions ?? []).filter((p) => p.error);
  return (
    <Text size="sm">
      {plan.summary}
      {failed.length > 0 && ` (${failed.length} partition(s) failed: ${failed.map((p) => `${p.partition}: ${p.error}`).join('; ')})`}
    </Text>
  );
}
