import { ActionIcon, Autocomplete, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconPlus, IconTrash, IconUserPlus, IconX } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { selfserve, type Team } from '../api/selfserve';
import { useIsAdmin } from '../auth';
import { OpError } from '../components/Ops';
import { PageHeader, Section } from '../components/Page';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { formatAgo } from '../lib/format';

const teamsKey = ['teams'];

function CreateTeamForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', description: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => selfserve.createTeam(f.name.trim(), f.description.trim()),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: teamsKey });
      setF({ name: '', description: '' });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!f.name.trim()) return setProblem('Name the team.');
    setProblem(null);
    create.mutate();
  };
  return (
    <Paper withBorder radius="md" p="sm">
      <form onSubmit={submit} noValidate data-testid="team-create-form">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Name" placeholder="payments" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} data-testid="team-name" />
            <TextInput label="Description" value={f.description} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} data-testid="team-description" />
          </SimpleGrid>
          <OpError error={problem ?? (create.isError ? create.error : null)} title={problem ? 'Not yet' : 'Could not create the team'} testId="team-create-error" />
          <Group justify="flex-end">
            <Button type="submit" leftSection={<IconPlus size={14} />} loading={create.isPending} data-testid="team-create">
              Create team
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
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
          <Paper withBorder radius="md" p={0}>
            {teams.length === 0 ? (
              <Empty>No teams yet.</Empty>
            ) : (
              <Table.ScrollContainer minWidth={720}>
                <Table verticalSpacing={8} fz="sm" data-testid="teams-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Team</Table.Th>
                      <Table.Th>Description</Table.Th>
                      <Table.Th>Members</Table.Th>
                      <Table.Th>Created</Table.Th>
                      {admin && <Table.Th />}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
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
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>
        </Section>
      </Stack>
      <Modal opened={!!deleting} onClose={closeDelete} title={`Delete the team ${deleting ?? ''}?`}>
        <Stack gap="sm">
          <Text size="sm">Its members leave it. A team that still owns applications cannot be deleted: delete them first.</Text>
          <OpError error={del.isError ? del.error : null} title="Could not delete the team" testId="team-delete-error" />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={closeDelete}>
              Cancel
            </Button>
            <Button color="red" loading={del.isPending} onClick={() => deleting && del.mutate(deleting)} data-testid="team-delete-confirm">
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
