import { Anchor, Badge, Button, Group, NativeSelect, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { selfserve } from '../api/selfserve';
import { useIsAdmin } from '../auth';
import { PageHeader, Section, TablePanel } from '../components/Page';
import { CreateForm, NoTeams } from '../components/SelfServe';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { formatAgo } from '../lib/format';

/** The caller's applications and teams (GET /api/v1/applications), shared by the self-service pages. */
export function useApplications() {
  return useQuery({ queryKey: ['applications'], queryFn: ({ signal }) => selfserve.applications(signal) });
}

function CreateApplicationForm({ teams, onDone }: { teams: string[]; onDone: (name: string) => void }) {
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', team: teams[0] ?? '', description: '' });
  const create = useMutation({
    mutationFn: () => selfserve.createApplication({ name: f.name.trim(), team: f.team, description: f.description.trim() }),
    onSuccess: (a) => {
      void qc.invalidateQueries({ queryKey: ['applications'] });
      onDone(a.name);
    },
  });
  const check = () => {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$/.test(f.name.trim())) return "The name: 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit. It is also the application's Kafka user name.";
    if (!f.team) return 'Choose the team.';
    return null;
  };
  return (
    <CreateForm
      testId="app-create-form"
      cols={3}
      check={check}
      create={() => create.mutate()}
      creating={create.isPending}
      createError={create.isError ? create.error : null}
      errorTitle="Could not create the application"
      errorTestId="app-create-error"
      submitLabel="Create application"
      submitTestId="app-create"
    >
      <TextInput label="Name" description="Its Kafka user name too" placeholder="orders-service" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} data-testid="app-name" />
      <NativeSelect label="Team" description="The team owning it" data={teams} value={f.team} onChange={(e) => setF({ ...f, team: e.currentTarget.value })} data-testid="app-team" />
      <TextInput label="Description" description="What it does" value={f.description} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} data-testid="app-description" />
    </CreateForm>
  );
}

export function ApplicationsPage() {
  const admin = useIsAdmin();
  const navigate = useNavigate();
  const q = useApplications();
  // Admins create applications for any team.
  const allTeams = useQuery({ queryKey: ['teams'], queryFn: ({ signal }) => selfserve.teams(signal), enabled: admin });
  const [creating, setCreating] = useState(false);
  if (q.isPending) return <Loading />;
  if (q.isError)
    return (
      <>
        <PageHeader title="Applications" />
        <ErrorAlert error={q.error} />
      </>
    );
  const { applications, teams } = q.data;
  const teamChoices = admin ? Array.from(new Set([...teams, ...(allTeams.data ?? []).map((t) => t.name)])) : teams;
  const mayCreate = teamChoices.length > 0;
  return (
    <>
      <PageHeader
        title="Applications"
        meta={<Text size="sm">{teams.length ? `Your teams: ${teams.join(', ')}` : admin ? 'You are an admin: you manage every team’s applications.' : 'You are in no team.'}</Text>}
        right={
          mayCreate && !creating ? (
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)} data-testid="app-create-button">
              New application
            </Button>
          ) : undefined
        }
      />
      <Stack gap="md">
        {teams.length === 0 && <NoTeams admin={admin} />}
        {admin && teamChoices.length === 0 && allTeams.isSuccess && (
          <Text size="sm" c="dimmed" data-testid="no-teams-admin">
            There are no teams yet:{' '}
            <Anchor component={Link} to="/teams" size="sm">
              create one
            </Anchor>{' '}
            before applications.
          </Text>
        )}
        {creating && mayCreate && <CreateApplicationForm teams={teamChoices} onDone={(name) => navigate(`/applications/${encodeURIComponent(name)}`)} />}
        <Section title="All applications">
          <TablePanel
            empty={applications.length === 0 && <Empty>No applications yet.</Empty>}
            minWidth={600}
            columns={['Application', 'Team', 'Description', 'Created']}
            table={{ verticalSpacing: 6, fz: 'sm', highlightOnHover: true }}
            testId="apps-table"
          >
            {applications.map((a) => (
              <Table.Tr key={a.name} data-testid="app-row" data-app={a.name} data-mine={a.mine}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Anchor component={Link} to={`/applications/${encodeURIComponent(a.name)}`} ff="monospace" size="sm" data-testid="app-link">
                      {a.name}
                    </Anchor>
                    {a.mine && (
                      <Badge size="xs" variant="light" color="teal" data-testid="app-mine">
                        mine
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{a.team}</Table.Td>
                <Table.Td c={a.description ? undefined : 'dimmed'}>{a.description || '—'}</Table.Td>
                <Table.Td title={a.created_at}>{formatAgo(a.created_at)}</Table.Td>
              </Table.Tr>
            ))}
          </TablePanel>
        </Section>
      </Stack>
    </>
  );
}
