// Parts of the application page: traffic against quotas, discovery (with a client properties
// snippet, never a password) and deleting the application.
import { Alert, Badge, Button, Code, CopyButton, Group, Modal, Paper, Progress, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconCheck, IconCopy, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { selfserve, type AppRate, type DiscoveryCluster } from '../api/selfserve';
import { formatBytesRate } from '../lib/format';
import { OpError } from './Ops';
import { Section } from './Page';
import { Empty, ErrorAlert, Loading } from './States';

/** formatThrottle(1300) = "1.3 s", formatThrottle(40) = "40 ms". */
export function formatThrottle(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  return `${Math.max(1, Math.round(ms))} ms`;
}

/** One direction (produce or consume) of an application's measured traffic next to its quota. */
export function RateCell({ rate, dir, quota }: { rate?: AppRate; dir: 'produce' | 'consume'; quota?: number }) {
  const cap = (dir === 'produce' ? rate?.producer_byte_rate : rate?.consumer_byte_rate) ?? quota;
  if (!rate) return cap === undefined ? <Text span c="dimmed" size="sm">none</Text> : <>{formatBytesRate(cap)}</>;
  const actual = dir === 'produce' ? rate.produce_bytes_per_sec : rate.fetch_bytes_per_sec;
  const throttle = dir === 'produce' ? rate.produce_throttle_ms : rate.fetch_throttle_ms;
  const testId = `rate-${dir}`;
  if (!rate.measured)
    return (
      <Group gap={6} wrap="nowrap" data-testid={testId}>
        <Text span size="sm">
          {cap === undefined ? <Text span c="dimmed" size="sm">no quota</Text> : `${formatBytesRate(cap)} quota`}
        </Text>
        <Badge size="sm" variant="light" color="gray" title="The brokers expose no client quota sensors for this user (they do once any client quota is set)" data-testid="rate-not-measured">
          not measured
        </Badge>
      </Group>
    );
  const pct = cap ? (actual / cap) * 100 : 0;
  const color = throttle > 0 || pct >= 100 ? 'red' : pct >= 80 ? 'orange' : 'teal';
  return (
    <Stack gap={4} data-testid={testId} miw={180}>
      <Group gap={6} wrap="nowrap">
        <Text span size="sm" data-testid={`${testId}-text`}>
          {cap ? `${formatBytesRate(actual)} of ${formatBytesRate(cap)} quota` : `${formatBytesRate(actual)} (no quota)`}
        </Text>
        {throttle > 0 && (
          <Badge size="sm" color="red" variant="filled" leftSection={<IconAlertTriangle size={12} />} title="Kafka delays this application's requests: it is at its quota" data-testid="rate-throttled">
            throttled ({formatThrottle(throttle)})
          </Badge>
        )}
      </Group>
      {cap ? <Progress value={Math.min(100, pct)} color={color} size="sm" aria-label={`${dir} ${Math.round(pct)}% of the quota`} data-testid={`${testId}-bar`} /> : null}
    </Stack>
  );
}

const jaasModules: Record<string, string> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
};

const jaasQuote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The Java client properties of a discovered cluster, with a <password> placeholder: Gregor never shows a kept password. */
export function clientProperties(c: DiscoveryCluster): string {
  const lines = [`bootstrap.servers=${(c.bootstrap_servers ?? []).join(',')}`];
  if (c.security_protocol) lines.push(`security.protocol=${c.security_protocol}`);
  if (c.sasl_mechanism) {
    lines.push(`sasl.mechanism=${c.sasl_mechanism}`);
    const mod = jaasModules[c.sasl_mechanism.toUpperCase()] ?? jaasModules['SCRAM-SHA-512'];
    lines.push(`sasl.jaas.config=${mod} required username=${jaasQuote(c.sasl_username)} password="<password>";`);
  }
  return lines.join('\n') + '\n';
}

function DiscoveryClusterCard({ c }: { c: DiscoveryCluster }) {
  const props = clientProperties(c);
  const topics = c.topics ?? [];
  return (
    <Paper withBorder radius="md" p="sm" data-testid="discovery-cluster" data-cluster={c.cluster}>
      <Stack gap="xs">
        <Text fw={600}>{c.cluster}</Text>
        <Table fz="sm" verticalSpacing={2} withRowBorders={false}>
          <Table.Tbody>
            <Table.Tr>
              <Table.Td c="dimmed" w={170}>
                Bootstrap servers
              </Table.Td>
              <Table.Td ff="monospace" data-testid="discovery-bootstrap">
                {(c.bootstrap_servers ?? []).join(',') || '—'}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td c="dimmed">Security protocol</Table.Td>
              <Table.Td ff="monospace">{c.security_protocol || '—'}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td c="dimmed">SASL mechanism</Table.Td>
              <Table.Td ff="monospace">{c.sasl_mechanism || '—'}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td c="dimmed">Username</Table.Td>
              <Table.Td ff="monospace" data-testid="discovery-username">
                {c.sasl_username || '—'}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        {topics.length === 0 ? (
          <Text size="sm" c="dimmed">
            No topics yet.
          </Text>
        ) : (
          <Table fz="sm" verticalSpacing={2} data-testid="discovery-topics">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Topic</Table.Th>
                <Table.Th>Access</Table.Th>
                <Table.Th>Group</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {topics.map((t) => (
                <Table.Tr key={t.topic} data-testid="discovery-topic">
                  <Table.Td ff="monospace">{t.topic}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {(t.access ?? []).map((x) => (
                        <Badge key={x} size="sm" variant="light" color={x === 'owner' ? 'teal' : x === 'produce' ? 'blue' : 'violet'}>
                          {x}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td ff="monospace">{t.group ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group justify="space-between" align="end">
          <Text size="xs" c="dimmed">
            Client properties: replace &lt;password&gt; with the credential&apos;s password from your secret store.
          </Text>
          <CopyButton value={props}>
            {({ copied, copy }) => (
              <Button size="xs" variant={copied ? 'light' : 'default'} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy} data-testid="discovery-copy">
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Code block data-testid="discovery-snippet">
          {props}
        </Code>
      </Stack>
    </Paper>
  );
}

/** GET /api/v1/discovery/{app}: what its clients need to connect, per cluster with a credential. */
export function DiscoverySection({ app }: { app: string }) {
  const q = useQuery({ queryKey: ['discovery', app], queryFn: ({ signal }) => selfserve.discovery(app, signal) });
  const clusters = q.data?.clusters ?? [];
  return (
    <Section title="Discovery">
      <Text size="sm" c="dimmed" mt={-4}>
        Clients may read this at start: <Code>GET /api/v1/discovery/{app}</Code> with HTTP Basic as the application (its name and a credential&apos;s password).
      </Text>
      <div data-testid="discovery">
        {q.isPending ? (
          <Loading h={80} />
        ) : q.isError ? (
          <ErrorAlert error={q.error} />
        ) : clusters.length === 0 ? (
          <Paper withBorder radius="md" p={0}>
            <Empty h={80}>No cluster yet: create a credential to connect.</Empty>
          </Paper>
        ) : (
          <Stack gap="sm">
            {clusters.map((c) => (
              <DiscoveryClusterCard key={c.cluster} c={c} />
            ))}
          </Stack>
        )}
      </div>
    </Section>
  );
}

/** Deleting an application: its name retyped to confirm. */
export function DeleteApplication({ app }: { app: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const del = useMutation({
    mutationFn: () => selfserve.deleteApplication(app),
    onSuccess: () => {
      setOpen(false);
      qc.removeQueries({ queryKey: ['application', app] });
      qc.removeQueries({ queryKey: ['discovery', app] });
      void qc.invalidateQueries({ queryKey: ['applications'] });
      navigate('/applications');
    },
  });
  const close = () => {
    setOpen(false);
    setTyped('');
    del.reset();
  };
  return (
    <>
      <Button size="xs" color="red" variant="light" leftSection={<IconTrash size={14} />} onClick={() => setOpen(true)} data-testid="app-delete">
        Delete
      </Button>
      <Modal opened={open} onClose={close} title={`Delete the application ${app}?`}>
        <Stack gap="sm" data-testid="app-delete-dialog">
          <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="app-delete-warning">
            Its credentials (SCRAM users) and ACLs are removed from every cluster: its clients can no longer connect. Its topics are not deleted from Kafka.
          </Alert>
          <TextInput label={`Type ${app} to confirm`} value={typed} onChange={(e) => setTyped(e.currentTarget.value)} autoComplete="off" data-testid="app-delete-confirm-name" />
          <OpError error={del.isError ? del.error : null} title="Could not delete the application" testId="app-delete-error" />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red" disabled={typed !== app} loading={del.isPending} onClick={() => del.mutate()} data-testid="app-delete-confirm">
              Delete {app}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
