import { NavLink, Text } from '@mantine/core';
import { IconApps, IconChecklist, IconInbox, IconUsersGroup } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useIsAdmin } from '../auth';

/** The "Self-service" part of the navigation: applications, requests, approvals, and teams for admins. */
export function SelfServiceNav({ path, link, onNavigate }: { path: string; link: (to: string) => string; onNavigate: () => void }) {
  const admin = useIsAdmin();
  return (
    <>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" mt="md" mb={4} px="sm">
        Self-service
      </Text>
      <NavLink component={Link} to={link('/applications')} label="Applications" leftSection={<IconApps size={17} />} active={path.startsWith('/applications')} onClick={onNavigate} data-testid="nav-applications" />
      <NavLink component={Link} to={link('/requests')} label="Requests" leftSection={<IconChecklist size={17} />} active={path.startsWith('/requests')} onClick={onNavigate} data-testid="nav-requests" />
      <NavLink component={Link} to={link('/approvals')} label="Approvals" leftSection={<IconInbox size={17} />} active={path.startsWith('/approvals')} onClick={onNavigate} data-testid="nav-approvals" />
      {admin && <NavLink component={Link} to={link('/teams')} label="Teams" leftSection={<IconUsersGroup size={17} />} active={path.startsWith('/teams')} onClick={onNavigate} data-testid="nav-teams" />}
    </>
  );
}
