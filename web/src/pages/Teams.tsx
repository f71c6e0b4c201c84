import { ActionIcon, Autocomplete, Badge, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconPlus, IconTrash, IconUserPlus, IconX } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { selfserve, type Team } from '../api/selfserve';
import { useIsAdmin } from '../auth';
import { ConfirmDialog, OpError } from '../components/Ops';
import { PageHeader, Section, TablePanel } from '../components/Page';
import { CreateForm } from '../components/SelfServe';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { formatAgo } from '../lib/format';

const teamsKey = ['teams'];

function CreateTeamForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', description: '' });
  const create = useMutation({
    mutationFn: () => selfserve.createTeam(f.name.trim(), f.description.trim()),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: teamsKey });
      setF({ name: '', description: '' });
      onDone();
    },
  });
  return (
    <CreateForm
      testId="team-create-form"
      cols={2}
      check={() => (f.name.trim() ? null : 'Name the team.')}
      create={() => create.mutate()}
      creating={create.isPending}
      createError={create.isError ? create.error : null}
      errorTitle="Could not create the team"
      errorTestId="team-create-error"
      submitLabel="Create team"
      submitTestId="team-create"
    >
      <TextInput label="Name" placeholder="payments" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} data-testid="team-name" />
      <TextInput label="Description" value={f.description} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} data-testid="team-description" />
    </CreateForm>
  );
}

/** Adds a member: a user picked from Gregor's users, or typed (users may sign in through a proxy or OIDC). */
function AddMember({ team, users }: { team: Team; users: string[] }) {
  const qc = useQueryClient();
  const [user, setUser] = useState('');
  const add = useMutation({
    mutationFn: (u: string) => selfserve.setMember(team.name, u, true),
    onSuccess: () => {
      setUser('');
      void qc.invalidateQueries({ queryKey: teamsKey });
    },
  });
  const members = new Set(team.members ?? []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const u = user.trim();
    if (u && !members.has(u)) add.mutate(u);
  };
  return (
    <Stack gap={4}>
      <form onSubmit={submit} noValidate data-testid={`member-add-form-${team.name}`}>
        <Group gap="xs" wrap="nowrap">
          <Autocomplete
            size="xs"
            placeholder="user name"
            aria-label={`Add a member to ${team.name}`}
            data={users.filter((u) => !members.has(u))}
            value={user}
            onChange={setUser}
            w={180}
            data-testid={`member-user-${team.name}`}
          />
          <Button type="submit" size="xs" variant="default" leftSection={<IconUserPlus size={14} />} disabled={!user.trim() || members.has(user.trim())} loading={add.isPending} data-testid={`member-add-${team.name}`}>
            Add
          </Button>
        </Group>
      </form>
      <OpError error={add.isError ? add.error : null} title="Could not add the member" testId="member-add-error" />
    </Stack>
  );
}

function Members({ team }: { team: Team }) {
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: (u: string) => selfserve.setMember(team.name, u, false),
    onSuccess: () => void qc.invalidateQueries({ queryKey: teamsKey }),
  });
  const members = team.members ?? [];
  return (
    <Stack gap={4}>
      <Group gap={6}>
        {members.length === 0 ? (
          <Text size="sm" c="dimmed">
            no members
          </Text>
        ) : (
          members.map((m) => (
            <Badge
              key={m}
              variant="light"
              tt="none"
              data-testid="team-member"
              data-user={m}
              rightSection={
                <ActionIcon size="xs" variant="transparent" color="gray" aria-label={`Remove ${m} from ${team.name}`} loading={remove.isPending && remove.variables === m} onClick={() => remove.mutate(m)} data-testid={`member-remove-${m}`}>
                  <IconX size={12} />
                </ActionIcon>
              }
            >
              {m}
            </Badge>
          ))
        )}
      </Group>
      <OpError error={remove.isError ? remove.error : null} title="Could not remove the member" testId="member-remove-error" />
    </Stack>
  );
}

/** /teams: admins create and delete teams and change their members. */
export function TeamsPage() {
  const admin = useIsAdmin();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: teamsKey, queryFn: ({ signal }) => selfserve.teams(signal) });
  const users = useQuery({ queryKey: ['users'], queryFn: ({ signal }) => selfserve.users(signal), enabled: admin });
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const del = useMutation({
    mutationFn: (team: string) => selfserve.deleteTeam(team),
    onSuccess: () => {
      setDeleting(null);
      void qc.invalidateQueries({ queryKey: teamsKey });
      void qc.invalidateQueries({ queryKey: ['applications'] });
    },
  });
  const closeDelete = () => {
    setDeleting(null);
    del.reset();
  };
  if (q.isPending) return <Loading />;
  if (q.isError)
    return (
      <>
        <PageHeader title="Teams" />
        <ErrorAlert error={q.error} />
      </>
    );
  const teams = q.data;
  const userNames = (users.data ?? []).map((u) => u.name).sort();
  return (
    <>
      <PageHeader
        title="Teams"
        meta={<Text size="sm">Teams own applications; their members manage them and file requests for them.</Text>}
        right={
          admin && !creating ? (
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)} data-testid="team-create-button">
              New team
            </Button>
          ) : undefined
        }
      />
      <Stack gap="md">
        {!admin && (
          <Text size="sm" c="dimmed" data-testid="teams-read-only">
            Only an admin creates or deletes teams and changes their members.
          </Text>
        )}
        {admin && creating && <CreateTeamForm onDone={() => setCreating(false)} />}
        <Section title="All teams">
          <TablePanel
            empty={teams.length === 0 && <Empty>No teams yet.</Empty>}
            minWidth={720}
            columns={['Team', 'Description', 'Members', 'Created']}
            actions={admin}
            table={{ verticalSpacing: 8, fz: 'sm' }}
            testId="teams-table"
          >
            {teams.map((t) => (
              <Table.Tr key={t.name} data-testid="team-row" data-team={t.name}>
                <Table.Td ff="monospace">{t.name}</Table.Td>
                <Table.Td c={t.description ? undefined : 'dimmed'}>{t.description || '—'}</Table.Td>
                <Table.Td>
                  <Stack gap={6}>
                    {admin ? (
                      <>
                        <Members team={t} />
                        <AddMember team={t} users={userNames} />
                      </>
                    ) : (
                      <Text size="sm">{(t.members ?? []).join(', ') || '—'}</Text>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td title={t.created_at}>{formatAgo(t.created_at)}</Table.Td>
                {admin && (
                  <Table.Td ta="right">
                    <Button size="xs" color="red" variant="subtle" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(t.name)} data-testid={`team-delete-${t.name}`}>
                      Delete
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </TablePanel>
        </Section>
      </Stack>
      <ConfirmDialog
        opened={!!deleting}
        onClose={closeDelete}
        title={`Delete the team ${deleting ?? ''}?`}
        text="Its members leave it. A team that still owns applications cannot be deleted: delete them first."
        error={del.isError ? del.error : null}
        errorTitle="Could not delete the team"
        errorTestId="team-delete-error"
        confirmLabel="Delete"
        confirmColor="red"
        confirmTestId="team-delete-confirm"
        confirming={del.isPending}
        onConfirm={() => deleting && del.mutate(deleting)}
      />
    </>
  );
}
