import { ActionIcon, Alert, Badge, Button, Group, MultiSelect, NumberInput, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import type { AddPartitionsPlan, CreateTopicPlan, NewTopic } from '../api/types';
import { OpError, PlanFooter, PlanWarnings, usePlanForm } from './Ops';

interface ConfigRow {
  key: number;
  name: string;
  value: string;
}

/** The body of a topic creation from the form's fields (without dry_run), or a problem to fix first. */
export function topicSpec(f: { name: string; partitions: number | string; rf: number | string; configs: { name: string; value: string }[]; brokers: string[] }): Omit<NewTopic, 'dry_run'> | string {
  const name = f.name.trim();
  if (!name) return 'Give the topic a name.';
  const spec: Omit<NewTopic, 'dry_run'> = { name };
  if (f.partitions !== '') {
    const n = Number(f.partitions);
    if (!Number.isInteger(n) || n < 1) return 'Partitions must be a whole number of at least 1 (or empty for the cluster default).';
    spec.partitions = n;
  }
  if (f.rf !== '') {
    const n = Number(f.rf);
    if (!Number.isInteger(n) || n < 1) return 'The replication factor must be a whole number of at least 1 (or empty for the cluster default).';
    spec.replication_factor = n;
  }
  const rows = f.configs.filter((c) => c.name.trim() !== '' || c.value !== '');
  if (rows.some((c) => !c.name.trim())) return 'Every config needs a key.';
  if (rows.length) {
    const configs: Record<string, string> = {};
    for (const c of rows) {
      if (c.name.trim() in configs) return `Config ${c.name.trim()} is given twice.`;
      configs[c.name.trim()] = c.value;
    }
    spec.configs = configs;
  }
  if (f.brokers.length) spec.brokers = f.brokers.map(Number).sort((a, b) => a - b);
  return spec;
}

function TopicPlanView({ plan }: { plan: CreateTopicPlan }) {
  const configs = Object.entries(plan.configs ?? {});
  return (
    <Paper withBorder radius="md" p="sm" data-testid="create-topic-plan">
      <Text size="sm" fw={600} mb={6} data-testid="plan-summary">
        {plan.summary}
      </Text>
      <Group gap="lg" mb={6}>
        <Text size="sm">
          Partitions: <b data-testid="plan-partitions">{plan.partitions}</b>
        </Text>
        <Text size="sm">
          Replication factor: <b data-testid="plan-rf">{plan.replication_factor}</b>
        </Text>
        <Text size="sm">
          Replicas: <b>{plan.placement === 'brokers' ? `on brokers ${(plan.brokers ?? []).join(', ')}` : 'placed by Kafka'}</b>
        </Text>
      </Group>
      {configs.length > 0 && (
        <Text size="sm" mb={6} data-testid="plan-configs">
          Configs:{' '}
          {configs.map(([k, v]) => (
            <Text key={k} span size="xs" className="label-chip" mr={4}>
              {k}={v}
            </Text>
          ))}
        </Text>
      )}
      {(plan.assignment ?? []).length > 0 && (
        <Table withTableBorder={false} verticalSpacing={2} fz="sm" data-testid="plan-assignment" mb={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={90}>Partition</Table.Th>
              <Table.Th>Replicas (leader first)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plan.assignment!.map((a) => (
              <Table.Tr key={a.partition}>
                <Table.Td>{a.partition}</Table.Td>
                <Table.Td>
                  {a.replicas.join(', ')}
                  {a.racks?.length ? <Text span size="xs" c="dimmed">{` (racks ${a.racks.join(', ')})`}</Text> : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <PlanWarnings warnings={plan.warnings} />
    </Paper>
  );
}

/** Create a topic: the form, Preview (a dry run Kafka validates), then Create. */
export function CreateTopicForm({ cluster, onCreated, onCancel }: { cluster: string; onCreated: (p: CreateTopicPlan) => void; onCancel?: () => void }) {
  const next = useRef(0);
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState<number | string>(3);
  const [rf, setRf] = useState<number | string>('');
  const [configs, setConfigs] = useState<ConfigRow[]>([]);
  const [brokers, setBrokers] = useState<string[]>([]);
  const bq = useQuery({ queryKey: ['brokers', cluster], queryFn: ({ signal }) => api.brokers(cluster, signal) });
  const dry = useMutation({ mutationFn: (t: NewTopic) => api.createTopic(cluster, t) });
  const create = useMutation({ mutationFn: (t: NewTopic) => api.createTopic(cluster, t), onSuccess: onCreated });
  const { planFor, runPreview, error } = usePlanForm(dry, create);

  const spec = topicSpec({ name, partitions, rf, configs, brokers });
  const key = typeof spec === 'string' ? '' : JSON.stringify(spec);
  const plan = key ? planFor(key) : null;
  const setRow = (k: number, patch: Partial<ConfigRow>) => setConfigs((rs) => rs.map((r) => (r.key === k ? { ...r, ...patch } : r)));

  const doPreview = (e?: FormEvent) => runPreview(e, typeof spec === 'string' ? spec : { key, arg: { ...spec, dry_run: true } });
  const doCreate = () => {
    if (typeof spec === 'string' || !plan) return;
    create.mutate({ ...spec, dry_run: false });
  };

  return (
    <form onSubmit={doPreview} data-testid="create-topic-form" noValidate>
      <Stack gap="sm">
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="topic-name" data-autofocus />
        <Group grow gap="sm" align="flex-start">
          <NumberInput label="Partitions" description="Empty: the cluster's num.partitions" min={1} allowDecimal={false} value={partitions} onChange={setPartitions} data-testid="topic-partitions" />
          <NumberInput
            label="Replication factor"
            description="Empty: default.replication.factor"
            min={1}
            allowDecimal={false}
            value={rf}
            onChange={setRf}
            data-testid="topic-rf"
          />
        </Group>
        <div>
          <Text size="sm" fw={500} mb={4}>
            Configs
          </Text>
          {configs.length === 0 && (
            <Text size="xs" c="dimmed" mb={4}>
              None: the topic inherits the broker defaults. Add e.g. retention.ms, cleanup.policy, min.insync.replicas.
            </Text>
          )}
          <Stack gap={6}>
            {configs.map((r, i) => (
              <Group key={r.key} gap={6} wrap="nowrap" data-testid="config-row">
                <TextInput size="xs" placeholder="key" aria-label={`Config ${i + 1} key`} value={r.name} onChange={(e) => setRow(r.key, { name: e.currentTarget.value })} style={{ flex: 1 }} data-testid="config-key" />
                <Text size="sm">=</Text>
                <TextInput size="xs" placeholder="value" aria-label={`Config ${i + 1} value`} value={r.value} onChange={(e) => setRow(r.key, { value: e.currentTarget.value })} style={{ flex: 1 }} data-testid="config-value" />
                <ActionIcon variant="subtle" color="gray" aria-label={`Remove config ${i + 1}`} onClick={() => setConfigs((rs) => rs.filter((x) => x.key !== r.key))}>
                  <IconTrash size={15} />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
          <Button variant="subtle" size="compact-xs" mt={6} leftSection={<IconPlus size={13} />} onClick={() => setConfigs((rs) => [...rs, { key: next.current++, name: '', value: '' }])} data-testid="add-config">
            Add config
          </Button>
        </div>
        <MultiSelect
          label="Brokers (optional)"
          description="Put the replicas on these brokers only; empty: Kafka places them"
          placeholder={brokers.length ? undefined : 'Any broker'}
          data={(bq.data?.brokers ?? []).map((b) => ({ value: String(b.id), label: `${b.id}${b.rack ? ` (rack ${b.rack})` : ''}` }))}
          value={brokers}
          onChange={setBrokers}
          clearable
          comboboxProps={{ withinPortal: true }}
          data-testid="topic-brokers"
        />
        <OpError error={error} title={create.isError ? 'Could not create the topic' : 'Cannot create this topic'} testId="create-topic-error" />
        {plan && <TopicPlanView plan={plan} />}
        <PlanFooter
          planned={!!plan}
          previewing={dry.isPending}
          previewTestId="topic-preview"
          onCancel={onCancel}
          applyLabel="Create"
          applyTestId="topic-create"
          onApply={doCreate}
          applying={create.isPending}
        />
      </Stack>
    </form>
  );
}

/** The warning shown before any partition is added: keys move. */
export const KEYED_WARNING =
  "Adding partitions changes which partition a key hashes to: a key's new messages can land in another partition than its old ones, so per-key ordering breaks and keyed (compacted, joined) data moves. Partitions can never be removed again.";

/** Grow a topic to a new total of partitions: Preview (dry run), then Add. */
export function AddPartitionsForm({ cluster, topic, current, onDone, onCancel }: { cluster: string; topic: string; current: number; onDone: (p: AddPartitionsPlan) => void; onCancel?: () => void }) {
  const [count, setCount] = useState<number | string>(current + 1);
  const dry = useMutation({ mutationFn: (n: number) => api.addPartitions(cluster, topic, { count: n, dry_run: true }) });
  const apply = useMutation({ mutationFn: (n: number) => api.addPartitions(cluster, topic, { count: n, dry_run: false }), onSuccess: onDone });
  const { planFor, runPreview, error } = usePlanForm(dry, apply);
  const n = Number(count);
  const valid = count !== '' && Number.isInteger(n) && n >= 1;
  const plan = valid ? planFor(String(n)) : null;

  const doPreview = (e?: FormEvent) =>
    runPreview(
      e,
      !valid
        ? 'Give the new total number of partitions.'
        : n <= current
          ? `${topic} has ${current} partitions: the new total must be more (partitions are never removed).`
          : { key: String(n), arg: n },
    );

  return (
    <form onSubmit={doPreview} data-testid="add-partitions-form" noValidate>
      <Stack gap="sm">
        <Alert color="orange" variant="filled" icon={<IconAlertTriangle size={20} />} title="Keyed data moves partitions" data-testid="keyed-warning">
          {KEYED_WARNING}
        </Alert>
        <Group gap="sm" align="flex-end">
          <NumberInput label="New total of partitions" description={`Now ${current}`} min={current + 1} clampBehavior="none" allowDecimal={false} value={count} onChange={setCount} w={220} data-testid="partition-count" data-autofocus />
          {plan && (
            <Badge size="lg" variant="light" color="orange" mb={4} data-testid="plan-from-to">
              {plan.from} → {plan.to}
            </Badge>
          )}
        </Group>
        <OpError error={error} title={apply.isError ? 'Could not add partitions' : 'Cannot add these partitions'} testId="add-partitions-error" />
        {plan && (
          <Paper withBorder radius="md" p="sm" data-testid="add-partitions-plan">
            <Text size="sm" fw={600} mb={6} data-testid="plan-summary">
              {plan.summary}
            </Text>
            <PlanWarnings warnings={plan.warnings} />
          </Paper>
        )}
        <PlanFooter
          planned={!!plan}
          previewing={dry.isPending}
          previewTestId="partitions-preview"
          onCancel={onCancel}
          applyLabel="Add partitions"
          applyColor="orange"
          applyTestId="partitions-apply"
          onApply={() => plan && apply.mutate(n)}
          applying={apply.isPending}
          applyTitle={null}
        />
      </Stack>
    </form>
  );
}
