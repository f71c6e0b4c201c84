import { Alert, Badge, Button, Checkbox, Group, NumberInput, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import type { GroupDeletion, OffsetChange, OffsetDeletion, ResetMode, ResetOffsetsRequest, ResetPlan } from '../api/types';
import { formatInt } from '../lib/format';
import { OpError, PlanFooter, PlanWarnings, usePlanForm } from './Ops';
import { Loading } from './States';

export const RESET_MODES: { value: ResetMode; label: string; help: string }[] = [
  { value: 'earliest', label: 'Earliest', help: 'The start of each partition: the group re-reads everything still kept.' },
  { value: 'latest', label: 'Latest', help: 'The end of each partition: the group skips everything not read yet.' },
  { value: 'timestamp', label: 'Timestamp', help: 'The first message at or after a time.' },
  { value: 'offset', label: 'Offset', help: 'One offset for every selected partition (clamped to what the log has).' },
  { value: 'shift', label: 'Shift', help: 'Move each committed offset by N: negative re-reads, positive skips.' },
];

export interface ResetFields {
  mode: ResetMode;
  /** datetime-local value (local time), for "timestamp". */
  timestamp: string;
  offset: number | string;
  shift: number | string;
  topics: string[];
}

/** The reset request (without dry_run) from the form's fields, or a problem to fix first. */
export function resetRequest(f: ResetFields): Omit<ResetOffsetsRequest, 'dry_run'> | string {
  if (f.topics.length === 0) return 'Pick at least one topic.';
  const topics = [...f.topics].sort();
  switch (f.mode) {
    case 'timestamp': {
      const t = f.timestamp ? new Date(f.timestamp) : null;
      if (!t || Number.isNaN(t.getTime())) return 'Give the time to reset to.';
      return { to: 'timestamp', timestamp: t.toISOString(), topics };
    }
    case 'offset': {
      const n = Number(f.offset);
      if (f.offset === '' || !Number.isInteger(n) || n < 0) return 'Give the offset, a whole number of at least 0.';
      return { to: 'offset', offset: n, topics };
    }
    case 'shift': {
      const n = Number(f.shift);
      if (f.shift === '' || !Number.isInteger(n) || n === 0) return 'Give the shift: a whole number, negative to re-read, positive to skip.';
      return { to: 'shift', shift: n, topics };
    }
    default:
      return { to: f.mode, topics };
  }
}

/** Why Apply is not offered for a plan, or null when it is. */
export function applyBlocked(plan: ResetPlan): string | null {
  if (plan.active_members > 0)
    return plan.warning || `The group has ${plan.active_members} active member${plan.active_members === 1 ? '' : 's'}: stop its consumers first, Kafka refuses to move the offsets of a running group.`;
  if ((plan.partitions ?? []).length === 0) return 'Nothing to reset: the group has no offsets on the selected topics.';
  return null;
}

const off = (n: number | null) => (n === null ? '—' : formatInt(n));

function ResetTable({ plan }: { plan: ResetPlan }) {
  const ps = plan.partitions ?? [];
  const moved = (p: OffsetChange) => p.old_offset !== p.new_offset;
  return (
    <Table.ScrollContainer minWidth={560} maxHeight={320}>
      <Table stickyHeader verticalSpacing={3} fz="sm" striped data-testid="reset-plan-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Topic</Table.Th>
            <Table.Th ta="right">Part.</Table.Th>
            <Table.Th ta="right">Offset (old → new)</Table.Th>
            <Table.Th ta="right">Log start–end</Table.Th>
            <Table.Th ta="right">Lag (before → after)</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ps.map((p) => (
            <Table.Tr key={`${p.topic}/${p.partition}`} data-testid="reset-row" data-topic={p.topic} data-partition={p.partition} data-old={p.old_offset ?? ''} data-new={p.new_offset}>
              <Table.Td>{p.topic}</Table.Td>
              <Table.Td ta="right">{p.partition}</Table.Td>
              <Table.Td ta="right" className="num">
                <Text span size="sm" c={p.old_offset === null ? 'dimmed' : undefined}>
                  {p.old_offset === null ? 'no commit' : formatInt(p.old_offset)}
                </Text>{' '}
                → <Text span size="sm" fw={moved(p) ? 700 : 400}>{formatInt(p.new_offset)}</Text>
                {p.clamped && (
                  <Badge size="xs" color="gray" variant="outline" ml={4} title="The wanted offset was outside the log: clamped to its start or end">
                    clamped
                  </Badge>
                )}
              </Table.Td>
              <Table.Td ta="right" className="num">
                <Text span size="xs" c="dimmed">
                  {formatInt(p.log_start)}–{formatInt(p.log_end)}
                </Text>
              </Table.Td>
              <Table.Td ta="right" className="num">
                {off(p.lag_before)} → <b>{formatInt(p.lag_after)}</b>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * Reset a group's committed offsets: mode and its parameter, the topics, Preview (the per-partition
 * plan), then Apply, which is refused while the group has members.
 */
export function ResetOffsetsForm({ cluster, group, topics, onApplied, onCancel }: { cluster: string; group: string; topics: string[]; onApplied: (p: ResetPlan) => void; onCancel?: () => void }) {
  const [mode, setMode] = useState<ResetMode>('earliest');
  const [timestamp, setTimestamp] = useState('');
  const [offset, setOffset] = useState<number | string>('');
  const [shift, setShift] = useState<number | string>('');
  const [selected, setSelected] = useState<string[]>(topics);
  const dry = useMutation({ mutationFn: (r: ResetOffsetsRequest) => api.resetOffsets(cluster, group, r) });
  const apply = useMutation({ mutationFn: (r: ResetOffsetsRequest) => api.resetOffsets(cluster, group, r), onSuccess: onApplied });
  const { planFor, runPreview, error } = usePlanForm(dry, apply);

  const req = resetRequest({ mode, timestamp, offset, shift, topics: selected });
  const key = typeof req === 'string' ? '' : JSON.stringify(req);
  const plan = key ? planFor(key) : null;
  const blocked = plan ? applyBlocked(plan) : null;

  const doPreview = (e?: FormEvent) => runPreview(e, typeof req === 'string' ? req : { key, arg: { ...req, dry_run: true } });

  return (
    <form onSubmit={doPreview} data-testid="reset-form" noValidate>
      <Stack gap="sm">
        <div>
          <Text size="sm" fw={500} mb={4}>
            Reset to
          </Text>
          <SegmentedControl value={mode} onChange={(v) => setMode(v as ResetMode)} data={RESET_MODES.map((m) => ({ value: m.value, label: m.label }))} data-testid="reset-mode" />
          <Text size="xs" c="dimmed" mt={4}>
            {RESET_MODES.find((m) => m.value === mode)!.help}
          </Text>
        </div>
        {mode === 'timestamp' && (
          <TextInput type="datetime-local" step={1} label="Time (your local time)" value={timestamp} onChange={(e) => setTimestamp(e.currentTarget.value)} w={260} data-testid="reset-timestamp" />
        )}
        {mode === 'offset' && <NumberInput label="Offset" min={0} allowDecimal={false} value={offset} onChange={setOffset} w={200} data-testid="reset-offset" />}
        {mode === 'shift' && <NumberInput label="Shift by" description="-100: re-read 100 messages" allowDecimal={false} value={shift} onChange={setShift} w={200} data-testid="reset-shift" />}
        <Checkbox.Group label="Topics" value={selected} onChange={setSelected} data-testid="reset-topics">
          <Group gap="md" mt={4}>
            {topics.map((t) => (
              <Checkbox key={t} value={t} label={t} data-testid="reset-topic" />
            ))}
            {topics.length === 0 && (
              <Text size="sm" c="dimmed">
                The group has no committed offsets.
              </Text>
            )}
          </Group>
        </Checkbox.Group>
        <OpError error={error} title={apply.isError ? 'Could not reset the offsets' : 'Cannot reset the offsets'} testId="reset-error" />
        {plan && (
          <Paper withBorder radius="md" p="sm" data-testid="reset-plan">
            <Group justify="space-between" mb={6}>
              <Text size="sm" fw={600}>
                Dry run: {(plan.partitions ?? []).length} partition{(plan.partitions ?? []).length === 1 ? '' : 's'}, nothing changed yet
              </Text>
              <Text size="sm" data-testid="reset-lag-total">
                Lag {formatInt(plan.lag_before)} → <b>{formatInt(plan.lag_after)}</b>
              </Text>
            </Group>
            <ResetTable plan={plan} />
          </Paper>
        )}
        {blocked && (
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="Apply is not possible" data-testid="apply-blocked">
            {blocked}
          </Alert>
        )}
        <PlanFooter
          planned={!!plan}
          previewing={dry.isPending}
          previewTestId="reset-preview"
          onCancel={onCancel}
          applyLabel="Apply"
          applyColor="orange"
          applyTestId="reset-apply"
          onApply={() => typeof req !== 'string' && plan && apply.mutate({ ...req, dry_run: false })}
          applying={apply.isPending}
          applyDisabled={!!blocked}
          applyTitle={plan ? blocked : undefined}
        />
      </Stack>
    </form>
  );
}

/** The result of an applied reset, for the page. */
export function ResetDone({ plan }: { plan: ResetPlan }) {
  return (
    <>
      <Text size="sm" mb={6}>
        Offsets of {plan.group} reset to {plan.to} on {(plan.partitions ?? []).length} partition(s): lag {formatInt(plan.lag_before)} → {formatInt(plan.lag_after)}.
      </Text>
      <ResetTable plan={plan} />
    </>
  );
}

/** Delete a group: the dry run says what goes; the group's name must be typed to confirm. */
export function DeleteGroupForm({ cluster, group, onDeleted, onCancel }: { cluster: string; group: string; onDeleted: (d: GroupDeletion) => void; onCancel?: () => void }) {
  const [typed, setTyped] = useState('');
  const dq = useQuery({ queryKey: ['group-delete-dry-run', cluster, group], queryFn: () => api.deleteGroup(cluster, group, true), gcTime: 0, staleTime: 0, retry: false });
  const del = useMutation({ mutationFn: () => api.deleteGroup(cluster, group, false), onSuccess: onDeleted });
  const d = dq.data;
  const offsets = d?.offsets ?? [];
  const blocked = d && d.active_members > 0 ? d.warning || `The group has ${d.active_members} active members: stop its consumers first.` : null;
  const byTopic = new Map<string, number>();
  for (const o of offsets) byTopic.set(o.topic, (byTopic.get(o.topic) ?? 0) + 1);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (typed === group && d && !blocked) del.mutate();
  };
  return (
    <form onSubmit={submit} data-testid="delete-group-form" noValidate>
      <Stack gap="sm">
        {dq.isPending ? (
          <Loading label="Dry run: what would go…" h={80} />
        ) : dq.isError ? (
          <OpError error={dq.error} title="The dry run failed" testId="delete-group-error" />
        ) : (
          <Paper withBorder radius="md" p="sm" data-testid="delete-group-plan">
            <Text size="sm">
              Dry run: deleting <b>{group}</b> (state {d!.state}, {d!.active_members} active member{d!.active_members === 1 ? '' : 's'}) removes{' '}
              <b data-testid="delete-offset-count">{offsets.length}</b> committed offset{offsets.length === 1 ? '' : 's'}
              {byTopic.size ? ` on ${[...byTopic].map(([t, n]) => `${t} (${n})`).join(', ')}` : ''}. The consumers start from their auto.offset.reset the next time
              they run.
            </Text>
          </Paper>
        )}
        <PlanWarnings warnings={blocked ? [blocked] : []} testId="delete-group-blocked" />
        <TextInput
          label={`Type the group's name, ${group}, to confirm`}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
          data-testid="delete-group-confirm"
          data-autofocus
        />
        <OpError error={del.error} title="Could not delete the group" testId="delete-group-error" />
        <Group justify="flex-end" gap="xs">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" color="red" disabled={typed !== group || !d || !!blocked} loading={del.isPending} data-testid="delete-group-submit">
            Delete group
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Delete a group's committed offsets for one of its topics: pick the topic, Preview (the dry run
 * lists the offsets that would go), then Delete offsets. Kafka refuses while members consume it.
 */
export function DeleteOffsetsForm({ cluster, group, topics, onDeleted, onCancel }: { cluster: string; group: string; topics: string[]; onDeleted: (d: OffsetDeletion) => void; onCancel?: () => void }) {
  const [topic, setTopic] = useState<string | null>(topics.length === 1 ? topics[0] : null);
  const dry = useMutation({ mutationFn: (t: string) => api.deleteGroupOffsets(cluster, group, t, true) });
  const del = useMutation({ mutationFn: (t: string) => api.deleteGroupOffsets(cluster, group, t, false), onSuccess: onDeleted });
  const { planFor, runPreview, error } = usePlanForm(dry, del);
  const plan = topic ? planFor(topic) : null;
  const offsets = plan?.offsets ?? [];
  const doPreview = (e?: FormEvent) => runPreview(e, topic ? { key: topic, arg: topic } : 'Pick the topic whose committed offsets go.');
  return (
    <form onSubmit={doPreview} data-testid="delete-offsets-form" noValidate>
      <Stack gap="sm">
        <Select
          label="Topic"
          description="The group's committed offsets on this topic are deleted; its consumers then start from auto.offset.reset there"
          placeholder="Pick a topic"
          data={topics}
          value={topic}
          onChange={setTopic}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          data-testid="delete-offsets-topic"
        />
        <OpError error={error} title={del.isError ? 'Could not delete the offsets' : 'Cannot delete these offsets'} testId="delete-offsets-error" />
        {plan && (
          <Paper withBorder radius="md" p="sm" data-testid="delete-offsets-plan">
            <Text size="sm" mb={6}>
              Dry run: deletes <b data-testid="delete-offsets-count">{offsets.length}</b> committed offset{offsets.length === 1 ? '' : 's'} of <b>{group}</b> on <b>{plan.topic}</b>; nothing
              changed yet.
            </Text>
            <Table withTableBorder={false} verticalSpacing={2} fz="sm" data-testid="delete-offsets-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th ta="right" w={90}>
                    Partition
                  </Table.Th>
                  <Table.Th ta="right">Committed offset</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {offsets.map((o) => (
                  <Table.Tr key={o.partition} data-testid="delete-offsets-row">
                    <Table.Td ta="right">{o.partition}</Table.Td>
                    <Table.Td ta="right" className="num">
                      {formatInt(o.offset)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
        <PlanFooter
          planned={!!plan}
          previewing={dry.isPending}
          previewTestId="delete-offsets-preview"
          onCancel={onCancel}
          applyLabel="Delete offsets"
          applyColor="red"
          applyTestId="delete-offsets-submit"
          onApply={() => topic && plan && del.mutate(topic)}
          applying={del.isPending}
          applyDisabled={offsets.length === 0}
        />
      </Stack>
    </form>
  );
}
