import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { selfserve, type RequestView } from '../api/selfserve';
import { useCanOperate } from '../auth';
import { OpError } from '../components/Ops';
import { PageHeader, Section } from '../components/Page';
import { RequestStateBadge, SpecDetails, specSummary } from '../components/SelfServe';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { formatAgo } from '../lib/format';

function InboxItem({ r, onDecided }: { r: RequestView; onDecided: (v: RequestView) => void }) {
  const qc = useQueryClient();
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: (approve: boolean) => (approve ? selfserve.approve(r.id, comment.trim()) : selfserve.reject(r.id, comment.trim())),
    onSuccess: (v) => {
      onDecided(v);
      void qc.invalidateQueries({ queryKey: ['requests'] });
      void qc.invalidateQueries({ queryKey: ['application'] });
    },
  });
  return (
    <Paper withBorder radius="md" p="md" data-testid="inbox-item" data-id={r.id}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={2}>
            <Text fw={600} data-testid="inbox-summary">
              #{r.id} · {specSummary(r.spec)}
            </Text>
            <Text size="sm" c="dimmed">
              {r.requester} for application {r.application} (team {r.team}) on {r.cluster}, {formatAgo(r.created_at)}
            </Text>
          </Stack>
          <Badge variant="light">{r.kind}</Badge>
        </Group>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <SpecDetails spec={r.spec} />
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              Reason
            </Text>
            <Text size="sm" data-testid="inbox-reason">
              {r.reason || '—'}
            </Text>
            <Textarea label="Comment" placeholder="Why, or what to change (shown to the requester)" rows={2} value={comment} onChange={(e) => setComment(e.currentTarget.value)} data-testid="decide-comment" />
          </Stack>
        </SimpleGrid>
        <OpError error={decide.isError ? decide.error : null} title="Could not decide" testId="decide-error" />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" color="red" leftSection={<IconX size={14} />} loading={decide.isPending && decide.variables === false} disabled={decide.isPending} onClick={() => decide.mutate(false)} data-testid="reject">
            Reject
          </Button>
          <Button color="teal" leftSection={<IconCheck size={14} />} loading={decide.isPending && decide.variables === true} disabled={decide.isPending} onClick={() => decide.mutate(true)} data-testid="approve">
            Approve and apply
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The outcome of a decision just taken: applied, failed with Kafka's error, or rejected. */
function Decided({ v }: { v: RequestView }) {
  const color = v.state === 'applied' ? 'teal' : v.state === 'failed' ? 'red' : 'gray';
  return (
    <Alert color={color} data-testid="decided" data-id={v.id} data-state={v.state} title={<Group gap="xs"><span>#{v.id} · {specSummary(v.spec)}</span><RequestStateBadge state={v.state} testId="decided-state" /></Group>}>
      <Text size="sm">
        {v.state === 'applied'
          ? `Approved by ${v.decided_by ?? 'you'} and applied on ${v.cluster}.`
          : v.state === 'failed'
            ? `Approved, but applying it on ${v.cluster} failed:`
            : v.state === 'rejected'
              ? `Rejected by ${v.decided_by ?? 'you'}.`
              : `Now ${v.state}.`}
        {v.comment ? ` Comment: “${v.comment}”` : ''}
      </Text>
      {v.error && (
        <Text size="sm" c="red" ff="monospace" data-testid="decided-error">
          {v.error}
        </Text>
      )}
    </Alert>
  );
}

export function ApprovalsPage() {
  const operate = useCanOperate();
  const q = useQuery({ queryKey: ['requests', 'inbox'], queryFn: ({ signal }) => selfserve.requests({ scope: 'inbox' }, signal), retry: false });
  const [decided, setDecided] = useState<RequestView[]>([]);
  const done = new Set(decided.map((d) => d.id));
  const pending = (q.data?.requests ?? []).filter((r) => !done.has(r.id));
  return (
    <>
      <PageHeader
        title="Approvals"
        meta={
          <Text size="sm">
            {operate
              ? 'Pending requests you may decide: as the Kafka team, all of them. Approving applies the change on Kafka at once.'
              : 'Pending requests for access to, or partitions of, your teams’ topics. Topics and quotas are decided by the Kafka team.'}
          </Text>
        }
      />
      {decided.length > 0 && (
        <Section title="Just decided">
          <Stack gap="xs">
            {decided.map((v) => (
              <Decided key={v.id} v={v} />
            ))}
          </Stack>
        </Section>
      )}
      <Title order={3} fz={17} mb="xs">
        Waiting for a decision
      </Title>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : pending.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty>Nothing waits for your decision.</Empty>
        </Paper>
      ) : (
        <Stack gap="sm" data-testid="inbox">
          {pending.map((r) => (
            <InboxItem key={r.id} r={r} onDecided={(v) => setDecided((d) => [v, ...d.filter((x) => x.id !== v.id)])} />
          ))}
        </Stack>
      )}
    </>
  );
}
