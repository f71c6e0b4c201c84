import { Alert, Anchor, Badge, Button, Code, CopyButton, Group, Modal, Paper, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/endpoints';
import { selfserve, type Credential, type RequestKind, type RequestView, type Secret } from '../api/selfserve';
import { useCanOperate, useIsAdmin } from '../auth';
import { DeleteApplication, DiscoverySection, RateCell } from '../components/AppDetails';
import { ConfirmDialog, OpError } from '../components/Ops';
import { Meta, PageHeader, Section, TablePanel } from '../components/Page';
import { NewRequestForm, RequestStateBadge } from '../components/SelfServe';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { formatAgo } from '../lib/format';
import { useApplications } from './Applications';

/** The password of a new or rotated credential, shown once: closing the dialog forgets it. */
export function SecretDialog({ secret, onClose }: { secret: Secret | null; onClose: () => void }) {
  return (
    <Modal opened={!!secret} onClose={onClose} title={secret ? `Credential of ${secret.application} on ${secret.cluster}` : ''} size="lg" closeOnClickOutside={false}>
      {secret && (
        <Stack gap="sm" data-testid="secret-dialog">
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="This password is shown only once" data-testid="secret-warning">
            Gregor keeps only a hash of it: copy it now into your application&apos;s secret store. Once this dialog is closed it cannot be shown again; rotate the credential to get a new
            one.{secret.rotated ? ' The previous password has stopped working.' : ''}
          </Alert>
          <Table fz="sm" verticalSpacing={4} withRowBorders={false}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Td c="dimmed" w={170}>
                  Username
                </Table.Td>
                <Table.Td ff="monospace" data-testid="secret-username">
                  {secret.username}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td c="dimmed">Password</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Code fz="sm" data-testid="secret-password" style={{ wordBreak: 'break-all' }}>
                      {secret.password}
                    </Code>
                    <CopyButton value={secret.password}>
                      {({ copied, copy }) => (
                        <Button size="xs" variant={copied ? 'light' : 'default'} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy} data-testid="secret-copy">
                          {copied ? 'Copied' : 'Copy'}
                        </Button>
                      )}
                    </CopyButton>
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td c="dimmed">Mechanism</Table.Td>
                <Table.Td ff="monospace">{secret.mechanism}</Table.Td>
              </Table.Tr>
              {secret.security_protocol && (
                <Table.Tr>
                  <Table.Td c="dimmed">Security protocol</Table.Td>
                  <Table.Td ff="monospace">{secret.security_protocol}</Table.Td>
                </Table.Tr>
              )}
              {(secret.bootstrap_servers ?? []).length > 0 && (
                <Table.Tr>
                  <Table.Td c="dimmed">Bootstrap servers</Table.Td>
                  <Table.Td ff="monospace">{secret.bootstrap_servers!.join(',')}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="secret-close">
              I have saved it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function Credentials({ app, credentials, manage }: { app: string; credentials: Credential[]; manage: boolean }) {
  const qc = useQueryClient();
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: ({ signal }) => api.clusters(signal) });
  const [secret, setSecret] = useState<Secret | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const rotate = useMutation({
    mutationFn: (cluster: string) => selfserve.rotate(app, cluster),
    onSuccess: (s) => {
      setConfirm(null);
      setSecret(s);
      void qc.invalidateQueries({ queryKey: ['application', app] });
    },
  });
  const byCluster = new Map(credentials.map((c) => [c.cluster, c]));
  const names = Array.from(new Set([...(clusters.data ?? []).map((c) => c.name), ...credentials.map((c) => c.cluster)])).sort();
  const act = (cluster: string) => (byCluster.has(cluster) ? setConfirm(cluster) : rotate.mutate(cluster));
  return (
    <Section title="Credentials">
      <TablePanel
        empty={names.length === 0 && (clusters.isPending ? <Loading h={80} /> : <Empty h={80}>No clusters.</Empty>)}
        minWidth={640}
        columns={['Cluster', 'Username', 'Mechanism', 'Created', 'Rotated']}
        actions={manage}
        table={{ fz: 'sm', verticalSpacing: 6 }}
        testId="credentials-table"
      >
        {names.map((n) => {
          const c = byCluster.get(n);
          return (
            <Table.Tr key={n} data-testid="credential-row" data-cluster={n}>
              <Table.Td>{n}</Table.Td>
              <Table.Td ff="monospace">{c ? c.username : <Text c="dimmed" size="sm">none</Text>}</Table.Td>
              <Table.Td ff="monospace">{c?.mechanism ?? ''}</Table.Td>
              <Table.Td title={c?.created_at}>{c ? formatAgo(c.created_at) : ''}</Table.Td>
              <Table.Td title={c?.rotated_at}>{c ? formatAgo(c.rotated_at) : ''}</Table.Td>
              {manage && (
                <Table.Td ta="right">
                  <Button size="xs" variant="default" leftSection={<IconKey size={14} />} loading={rotate.isPending && rotate.variables === n} onClick={() => act(n)} data-testid={`rotate-${n}`}>
                    {c ? 'Rotate password' : 'Create credential'}
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          );
        })}
      </TablePanel>
      {!confirm && <OpError error={rotate.isError ? rotate.error : null} title="Could not create the credential" testId="rotate-error" />}
      <ConfirmDialog
        opened={!!confirm}
        onClose={() => setConfirm(null)}
        title={`Rotate the password of ${app} on ${confirm ?? ''}?`}
        text="A new password replaces the current one at once: clients still using the old password can no longer connect."
        error={rotate.isError ? rotate.error : null}
        errorTitle="Could not rotate"
        errorTestId="rotate-confirm-error"
        confirmLabel="Rotate"
        confirmColor="orange"
        confirmTestId="rotate-confirm"
        confirming={rotate.isPending}
        onConfirm={() => confirm && rotate.mutate(confirm)}
      />
      <SecretDialog secret={secret} onClose={() => setSecret(null)} />
    </Section>
  );
}

export function ApplicationPage() {
  const { app = '' } = useParams();
  const admin = useIsAdmin();
  const operate = useCanOperate();
  const q = useQuery({ queryKey: ['application', app], queryFn: ({ signal }) => selfserve.application(app, signal) });
  const apps = useApplications();
  const [asking, setAsking] = useState<RequestKind | null>(null);
  const [filed, setFiled] = useState<RequestView | null>(null);
  if (q.isPending) return <Loading />;
  if (q.isError)
    return (
      <>
        <PageHeader crumbs={[{ label: 'Applications', to: '/applications' }]} title={app} />
        <ErrorAlert error={q.error} />
      </>
    );
  const a = q.data;
  const manage = admin || (apps.data?.teams ?? []).includes(a.team);
  const topics = a.topics ?? [];
  const grants = a.grants ?? [];
  const quotas = a.quotas ?? [];
  const rates = new Map((a.rates ?? []).map((r) => [r.cluster, r]));
  const throttled = (a.rates ?? []).filter((r) => r.produce_throttle_ms > 0 || r.fetch_throttle_ms > 0).map((r) => r.cluster);
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Applications', to: '/applications' }, { label: app }]}
        title={<span data-testid="app-title">{a.name}</span>}
        badges={
          <Badge variant="light" data-testid="app-team-badge">
            team {a.team}
          </Badge>
        }
        meta={
          <>
            <Meta label="Team">{a.team}</Meta>
            <Meta label="Created">{formatAgo(a.created_at)}</Meta>
            {a.description && <Meta label="Description">{a.description}</Meta>}
          </>
        }
        right={
          manage ? (
            <Group gap="xs">
              <Button size="xs" variant="default" onClick={() => setAsking('topic')} data-testid="ask-topic">
                Request a topic
              </Button>
              <Button size="xs" variant="default" onClick={() => setAsking('access')} data-testid="ask-access">
                Request access
              </Button>
              <Button size="xs" variant="default" onClick={() => setAsking('quota')} data-testid="ask-quota">
                Request a quota
              </Button>
              <DeleteApplication app={a.name} />
            </Group>
          ) : undefined
        }
      />
      {filed && (
        <Alert color="teal" mb="md" withCloseButton onClose={() => setFiled(null)} title={`Request #${filed.id} filed`} data-testid="request-filed">
          <Group gap="xs">
            <RequestStateBadge state={filed.state} />
            <Text size="sm">
              {filed.state === 'pending' ? 'It waits for approval. ' : ''}
              <Anchor component={Link} to="/requests" size="sm">
                See my requests
              </Anchor>
            </Text>
          </Group>
        </Alert>
      )}
      {!manage && (
        <Text size="sm" c="dimmed" mb="md" data-testid="not-my-app">
          This application belongs to team {a.team}: only its members (or an admin) manage its credentials and file requests for it.
        </Text>
      )}
      <Credentials app={a.name} credentials={a.credentials ?? []} manage={manage} />
      <Section title="Owned topics">
        <Paper withBorder radius="md" p={0}>
          {topics.length === 0 ? (
            <Empty h={80}>No topics: request one.</Empty>
          ) : (
            <Table fz="sm" verticalSpacing={4} data-testid="owned-topics">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Cluster</Table.Th>
                  <Table.Th>Topic</Table.Th>
                  <Table.Th>Region</Table.Th>
                  <Table.Th>Since</Table.Th>
                  {manage && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {topics.map((t) => (
                  <Table.Tr key={t.cluster + '/' + t.topic} data-testid="owned-topic">
                    <Table.Td>{t.cluster}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/clusters/${encodeURIComponent(t.cluster)}/topics/${encodeURIComponent(t.topic)}`} ff="monospace" size="sm">
                        {t.topic}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{t.region || <Text span c="dimmed" size="sm">—</Text>}</Table.Td>
                    <Table.Td>{formatAgo(t.created_at)}</Table.Td>
                    {manage && (
                      <Table.Td ta="right">
                        <Button size="compact-xs" variant="subtle" onClick={() => setAsking('partitions')}>
                          More partitions
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      </Section>
      <Section title="Access grants">
        <Paper withBorder radius="md" p={0}>
          {grants.length === 0 ? (
            <Empty h={80}>No access granted yet.</Empty>
          ) : (
            <Table fz="sm" verticalSpacing={4} data-testid="grants-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Cluster</Table.Th>
                  <Table.Th>Topic</Table.Th>
                  <Table.Th>Access</Table.Th>
                  <Table.Th>Group</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {grants.map((g, i) => (
                  <Table.Tr key={i} data-testid="grant-row">
                    <Table.Td>{g.cluster}</Table.Td>
                    <Table.Td ff="monospace">{g.topic}</Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={g.access === 'produce' ? 'blue' : 'violet'}>
                        {g.access}
                      </Badge>
                    </Table.Td>
                    <Table.Td ff="monospace">{g.group || (g.access === 'consume' ? `${a.name}*` : '')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      </Section>
      <Section title="Quotas and traffic">
        {throttled.length > 0 && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title={`Throttled on ${throttled.join(', ')}`} data-testid="app-throttled">
            {a.name} is at its quota: Kafka delays its requests. Lower its traffic or request a larger quota.
          </Alert>
        )}
        <Paper withBorder radius="md" p={0}>
          {quotas.length === 0 ? (
            <Empty h={80}>No clusters with a credential, topic or grant yet.</Empty>
          ) : (
            <Table fz="sm" verticalSpacing={4} data-testid="app-quotas">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Cluster</Table.Th>
                  <Table.Th>Produce (measured of quota)</Table.Th>
                  <Table.Th>Consume (measured of quota)</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {quotas.map((x) => (
                  <Table.Tr key={x.cluster} data-testid="app-quota-row" data-cluster={x.cluster}>
                    <Table.Td>{x.cluster}</Table.Td>
                    {x.error ? (
                      <Table.Td colSpan={2} c="red">
                        {x.error}
                      </Table.Td>
                    ) : (
                      <>
                        <Table.Td>
                          <RateCell rate={rates.get(x.cluster)} dir="produce" quota={x.values?.producer_byte_rate} />
                        </Table.Td>
                        <Table.Td>
                          <RateCell rate={rates.get(x.cluster)} dir="consume" quota={x.values?.consumer_byte_rate} />
                        </Table.Td>
                      </>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      </Section>
      {(manage || operate) && <DiscoverySection app={a.name} />}
      <Modal opened={!!asking} onClose={() => setAsking(null)} title={`New request for ${a.name}`} size="lg">
        {asking && (
          <NewRequestForm
            applications={[a.name]}
            application={a.name}
            kind={asking}
            onCancel={() => setAsking(null)}
            onDone={(r) => {
              setAsking(null);
              setFiled(r);
            }}
          />
        )}
      </Modal>
    </>
  );
}
