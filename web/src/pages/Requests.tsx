import { Alert, Anchor, Button, Group, Modal, NativeSelect, Paper, SegmentedControl, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { selfserve, type RequestScope, type RequestView } from '../api/selfserve';
import { useAuth, useCanOperate, useIsAdmin } from '../auth';
import { OpError } from '../components/Ops';
import { PageHeader } from '../components/Page';
import { NewRequestForm, NoTeams, RequestStateBadge, specSummary, STATES } from '../components/SelfServe';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { formatAgo } from '../lib/format';
import { useApplications } from './Applications';

function Actions({ r, me }: { r: RequestView; me: string }) {
  const qc = useQueryClient();
  const admin = useIsAdmin();
  const operate = useCanOperate();
  const done = () => void qc.invalidateQueries({ queryKey: ['requests'] });
  const cancel = useMutation({ mutationFn: () => selfserve.cancel(r.id), onSuccess: done });
  const retry = useMutation({ mutationFn: () => selfserve.retry(r.id), onSuccess: done });
  const err = cancel.error ?? retry.error;
  return (
    <Stack gap={4} align="flex-end">
      <Group gap={4} wrap="nowrap">
        {r.state === 'pending' && (r.requester === me || admin) && (
          <Button size="compact-xs" variant="default" color="red" loading={cancel.isPending} onClick={() => cancel.mutate()} data-testid="request-cancel">
            Cancel
          </Button>
        )}
        {r.state === 'failed' && operate && (
          <Button size="compact-xs" variant="default" loading={retry.isPending} onClick={() => retry.mutate()} data-testid="request-retry">
            Retry
          </Button>
        )}
        {r.state === 'pending' && r.can_decide && (
          <Anchor component={Link} to="/approvals" size="xs">
            Decide
          </Anchor>
        )}
      </Group>
      {err && <OpError error={err} title="Refused" testId="request-action-error" />}
    </Stack>
  );
}

export function RequestsTable({ requests, me, testId = 'requests-table' }: { requests: RequestView[]; me: string; testId?: string }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table fz="sm" verticalSpacing={6} highlightOnHover data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Request</Table.Th>
            <Table.Th>Application</Table.Th>
            <Table.Th>Cluster</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Requested</Table.Th>
            <Table.Th>Decision</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {requests.map((r) => (
            <Table.Tr key={r.id} data-testid="request-row" data-id={r.id} data-state={r.state}>
              <Table.Td className="num">{r.id}</Table.Td>
              <Table.Td>
                <Text size="sm" data-testid="request-summary">
                  {specSummary(r.spec)}
                </Text>
                {r.reason && (
                  <Text size="xs" c="dimmed">
                    “{r.reason}”
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/applications/${encodeURIComponent(r.application)}`} size="sm" ff="monospace">
                  {r.application}
                </Anchor>
                <Text size="xs" c="dimmed">
                  team {r.team}
                </Text>
              </Table.Td>
              <Table.Td>{r.cluster}</Table.Td>
              <Table.Td>
                <RequestStateBadge state={r.state} />
              </Table.Td>
              <Table.Td>
                <Tooltip label={r.created_at}>
                  <Text size="sm">
                    {r.requester === me ? 'you' : r.requester}, {formatAgo(r.created_at)}
                  </Text>
                </Tooltip>
              </Table.Td>
              <Table.Td maw={320}>
                {r.decided_by && (
                  <Text size="sm" data-testid="request-decider">
                    by {r.decided_by}
                  </Text>
                )}
                {r.comment && (
                  <Text size="xs" c="dimmed" data-testid="request-comment">
                    “{r.comment}”
                  </Text>
                )}
                {r.error && (
                  <Text size="xs" c="red" data-testid="request-error">
                    {r.error}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Actions r={r} me={me} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function RequestsPage() {
  const { session } = useAuth();
  const me = session?.user ?? '';
  const operate = useCanOperate();
  const admin = useIsAdmin();
  const [sp, setSp] = useSearchParams();
  const scope = (sp.get('scope') as RequestScope) || 'mine';
  const state = sp.get('state') ?? '';
  const setParam = (k: string, v: string) =>
    setSp(
      (p) => {
        const n = new URLSearchParams(p);
        if (v) n.set(k, v);
        else n.delete(k);
        return n;
      },
      { replace: true },
    );
  const apps = useApplications();
  const q = useQuery({ queryKey: ['requests', scope, state], queryFn: ({ signal }) => selfserve.requests({ scope, state: state || undefined }, signal), retry: false });
  const [creating, setCreating] = useState(false);
  const [filed, setFiled] = useState<RequestView | null>(null);
  const teams = apps.data?.teams ?? [];
  const myApps = (apps.data?.applications ?? []).filter((a) => a.mine || admin).map((a) => a.name);
  const scopes = [
    { value: 'mine', label: 'Mine' },
    { value: 'team', label: 'My teams' },
    ...(operate ? [{ value: 'all', label: 'All' }] : []),
  ];
  return (
    <>
      <PageHeader
        title="Requests"
        meta={<Text size="sm">Topics, access, quotas and partitions asked for your applications, and what became of them.</Text>}
        right={
          myApps.length > 0 ? (
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)} data-testid="new-request-button">
              New request
            </Button>
          ) : undefined
        }
      />
      <Stack gap="md">
        {apps.isSuccess && teams.length === 0 && <NoTeams admin={admin} />}
        {apps.isSuccess && myApps.length === 0 && (teams.length > 0 || admin) && (
          <Text size="sm" c="dimmed" data-testid="no-apps">
            Requests are filed for an application: <Anchor component={Link} to="/applications" size="sm">create one</Anchor> first.
          </Text>
        )}
        {filed && (
          <Alert color="teal" withCloseButton onClose={() => setFiled(null)} title={`Request #${filed.id} filed`} data-testid="request-filed">
            <Group gap="xs">
              <RequestStateBadge state={filed.state} />
              <Text size="sm">{specSummary(filed.spec)}</Text>
            </Group>
          </Alert>
        )}
        <Group gap="sm" align="flex-end">
          <SegmentedControl value={scope} onChange={(v) => setParam('scope', v === 'mine' ? '' : v)} data={scopes} data-testid="request-scope" />
          <NativeSelect aria-label="State" value={state} onChange={(e) => setParam('state', e.currentTarget.value)} data={[{ value: '', label: 'Any state' }, ...STATES]} data-testid="request-state-filter" w={150} />
        </Group>
        {q.isPending ? (
          <Loading />
        ) : q.isError ? (
          <ErrorAlert error={q.error} />
        ) : (
          <Paper withBorder radius="md" p={0}>
            {q.data.requests.length === 0 ? (
              <Empty>No requests{state ? ` ${state}` : ''} {scope === 'mine' ? 'filed by you' : scope === 'team' ? 'of your teams' : ''}.</Empty>
            ) : (
              <RequestsTable requests={q.data.requests} me={me} />
            )}
          </Paper>
        )}
        {q.isSuccess && q.data.total > q.data.requests.length && (
          <Text size="xs" c="dimmed">
            The newest {q.data.requests.length} of {q.data.total}.
          </Text>
        )}
      </Stack>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New request" size="lg">
        {creating && (
          <NewRequestForm
            applications={myApps}
            onCancel={() => setCreating(false)}
            onDone={(r) => {
              setCreating(false);
              setFiled(r);
            }}
          />
        )}
      </Modal>
    </>
  );
}
