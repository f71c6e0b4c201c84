import { ActionIcon, Alert, Button, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import type { Matcher, Silence } from '../api/types';
import { errorMessage } from './States';

/** The labels a silence made from an alert matches on. */
export const SILENCE_LABELS = ['alertname', 'cluster', 'entity'];

/** Equality matchers on an alert's alertname, cluster and entity (those it has). */
export function matchersFromLabels(labels: Record<string, string>): Matcher[] {
  return SILENCE_LABELS.filter((k) => labels[k]).map((k) => ({ name: k, value: labels[k], is_regex: false, is_equal: true }));
}

type Op = '=' | '!=' | '=~' | '!~';
const OPS: Op[] = ['=', '!=', '=~', '!~'];

export function matcherOp(m: Pick<Matcher, 'is_regex' | 'is_equal'>): Op {
  if (m.is_equal) return m.is_regex ? '=~' : '=';
  return m.is_regex ? '!~' : '!=';
}

/** alertname="group.lag", topic=~"tmp-.*" */
export function matcherText(m: Matcher): string {
  return `${m.name}${matcherOp(m)}${JSON.stringify(m.value)}`;
}

interface Row extends Matcher {
  key: number;
}

/** The form that creates a silence: matchers, a duration, a comment. */
export function SilenceForm({ initial, onCreated, onCancel }: { initial: Matcher[]; onCreated: (s: Silence) => void; onCancel?: () => void }) {
  const next = useRef(0);
  const [rows, setRows] = useState<Row[]>(() => (initial.length ? initial : [{ name: '', value: '', is_regex: false, is_equal: true }]).map((m) => ({ ...m, key: next.current++ })));
  const [duration, setDuration] = useState('2h');
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation({ mutationFn: api.createSilence, onSuccess: onCreated });

  const set = (key: number, patch: Partial<Matcher>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const matchers = rows.filter((r) => r.name.trim() !== '' || r.value !== '').map(({ name, value, is_regex, is_equal }) => ({ name: name.trim(), value, is_regex, is_equal }));
    if (matchers.length === 0) return setProblem('Add at least one matcher.');
    if (matchers.some((m) => !m.name)) return setProblem('Every matcher needs a label name.');
    if (!duration.trim()) return setProblem('Give a duration, e.g. 2h.');
    if (!comment.trim()) return setProblem('Say why in the comment: the next person on call will want to know.');
    setProblem(null);
    create.mutate({ matchers, duration: duration.trim(), comment: comment.trim() });
  };
  const error = problem ?? (create.isError ? errorMessage(create.error) : null);

  return (
    <form onSubmit={submit} data-testid="silence-form" noValidate>
      <Stack gap="sm">
        <div>
          <Text size="sm" fw={500} mb={4}>
            Matchers
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            The silence mutes every alert whose labels match all of them; =~ and !~ take a regular expression over the whole value.
          </Text>
          <Stack gap={6}>
            {rows.map((r, i) => (
              <Group key={r.key} gap={6} wrap="nowrap" data-testid="matcher-row">
                <TextInput size="xs" aria-label={`Matcher ${i + 1} label`} placeholder="label" value={r.name} onChange={(e) => set(r.key, { name: e.currentTarget.value })} w={130} data-testid="matcher-name" />
                <Select
                  size="xs"
                  w={70}
                  aria-label={`Matcher ${i + 1} operator`}
                  value={matcherOp(r)}
                  allowDeselect={false}
                  data={OPS}
                  onChange={(v) => v && set(r.key, { is_equal: !v.startsWith('!'), is_regex: v.endsWith('~') })}
                  comboboxProps={{ withinPortal: true }}
                />
                <TextInput size="xs" aria-label={`Matcher ${i + 1} value`} placeholder="value" value={r.value} onChange={(e) => set(r.key, { value: e.currentTarget.value })} style={{ flex: 1 }} data-testid="matcher-value" />
                <ActionIcon variant="subtle" color="gray" aria-label={`Remove matcher ${i + 1}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}>
                  <IconTrash size={15} />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
          <Button
            variant="subtle"
            size="compact-xs"
            mt={6}
            leftSection={<IconPlus size={13} />}
            onClick={() => setRows((rs) => [...rs, { name: '', value: '', is_regex: false, is_equal: true, key: next.current++ }])}
          >
            Add matcher
          </Button>
        </div>
        <Group gap="xs" align="flex-end" wrap="wrap">
          <TextInput
            label="Duration"
            description="From now: 30m, 2h, 24h…"
            value={duration}
            onChange={(e) => setDuration(e.currentTarget.value)}
            w={170}
            data-testid="silence-duration"
          />
          <Group gap={4} mb={2}>
            {[
              ['1h', '1h'],
              ['2h', '2h'],
              ['8h', '8h'],
              ['24h', '1d'],
              ['168h', '1w'],
            ].map(([v, l]) => (
              <Button key={v} size="compact-xs" variant={duration === v ? 'light' : 'default'} onClick={() => setDuration(v)}>
                {l}
              </Button>
            ))}
          </Group>
        </Group>
        <Textarea
          label="Comment"
          placeholder="Why, and until what: e.g. billing consumer retired, group deleted on Monday"
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
          rows={2}
          required
          data-testid="silence-comment"
        />
        {error && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Could not create the silence" role="alert" data-testid="silence-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={create.isPending} data-testid="silence-submit">
            Create silence
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
