import {
  ActionIcon,
  AppShell,
  Badge,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  SegmentedControl,
  Select,
  Text,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useIsFetching, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  IconBell,
  IconChevronDown,
  IconHistory,
  IconLayoutDashboard,
  IconListDetails,
  IconListSearch,
  IconLogout,
  IconMoon,
  IconRefresh,
  IconServer2,
  IconSun,
  IconUsersGroup,
  IconWorld,
} from '@tabler/icons-react';
import { Link, Outlet, useLocation, useParams } from 'react-router';
import { api } from '../api/endpoints';
import { SelfServiceNav } from './SelfServiceNav';
import { useAuth, useCanOperate } from '../auth';
import { RANGES, REFRESHES, useTimeState, type Range, type Refresh } from '../lib/timeState';

const statusColor: Record<string, string> = {
  ok: 'var(--mantine-color-teal-6)',
  degraded: 'var(--mantine-color-yellow-6)',
  unreachable: 'var(--mantine-color-red-6)',
  pending: 'var(--mantine-color-gray-5)',
};

function Logo() {
  return (
    <Group gap={8} wrap="nowrap">
      <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden>
        <rect width="32" height="32" rx="7" fill="var(--mantine-color-blue-filled)" />
        <path d="M9 22V10h5.5a4 4 0 0 1 0 8H9m6 0 5 4M19 10h4v12" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <Text fw={700} size="lg" lts={-0.3}>
        Gregor
      </Text>
    </Group>
  );
}

export function TimeControls() {
  const { range, refresh, setRange, setRefresh, interval } = useTimeState();
  const qc = useQueryClient();
  const fetching = useIsFetching();
  return (
    <Group gap="xs" wrap="nowrap">
      <SegmentedControl
        size="xs"
        aria-label="Time range"
        data-testid="range-picker"
        value={range}
        onChange={(v) => setRange(v as Range)}
        data={RANGES.map((r) => ({ value: r, label: r }))}
      />
      <Select
        size="xs"
        w={118}
        aria-label="Auto-refresh"
        data-testid="refresh-picker"
        value={refresh}
        allowDeselect={false}
        onChange={(v) => v && setRefresh(v as Refresh)}
        data={REFRESHES.map((r) => ({ value: r, label: r === 'off' ? 'Refresh off' : `Every ${r}` }))}
        leftSection={interval ? <span className="live-dot" aria-hidden /> : undefined}
      />
      <Tooltip label="Refresh now">
        <ActionIcon variant="default" size="md" aria-label="Refresh now" onClick={() => qc.invalidateQueries()}>
          <IconRefresh size={16} className={fetching ? 'spin' : undefined} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon variant="default" size="md" aria-label={`Switch to ${next} theme`} data-testid="theme-toggle" onClick={() => setColorScheme(next)}>
        {scheme === 'dark' ? <IconSun size={16} /> : <IconMoon size={16} />}
      </ActionIcon>
    </Tooltip>
  );
}

function UserMenu() {
  const { session, logout } = useAuth();
  if (!session) return null;
  return (
    <Menu position="bottom-end" width={200}>
      <Menu.Target>
        <UnstyledButton className="user-button" aria-label="User menu" data-testid="user-menu">
          <Group gap={6} wrap="nowrap">
            <Text size="sm" fw={500}>
              {session.user}
            </Text>
            <Badge size="xs" variant="light">
              {session.role}
            </Badge>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Signed in as {session.user}</Menu.Label>
        <Menu.Item leftSection={<IconLogout size={15} />} onClick={() => void logout()} data-testid="logout">
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The number of firing alerts, red when one is critical; nothing when none fire. */
function FiringCount() {
  const { interval } = useTimeState();
  const q = useQuery({
    queryKey: ['alerts', 'firing'],
    queryFn: ({ signal }) => api.alerts({ state: 'firing' }, signal),
    refetchInterval: interval || 60000,
  });
  const n = q.data?.length ?? 0;
  if (!n) return null;
  const critical = q.data!.some((a) => a.severity === 'critical');
  return (
    <Tooltip label={`${n} alert${n === 1 ? '' : 's'} firing`}>
      <Badge size="sm" circle={n < 10} color={critical ? 'red' : 'orange'} data-testid="nav-firing-count">
        {n}
      </Badge>
    </Tooltip>
  );
}

function Nav({ onNavigate }: { onNavigate: () => void }) {
  const { link, interval } = useTimeState();
  const { cluster } = useParams();
  const location = useLocation();
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: ({ signal }) => api.clusters(signal), refetchInterval: interval });
  const operate = useCanOperate();
  const path = location.pathname;
  return (
    <ScrollArea>
      <NavLink
        component={Link}
        to={link('/')}
        label="Fleet overview"
        leftSection={<IconWorld size={17} />}
        active={path === '/'}
        onClick={onNavigate}
      />
      <NavLink
        component={Link}
        to={link('/findings')}
        label="Findings"
        leftSection={<IconListSearch size={17} />}
        active={path.startsWith('/findings')}
        onClick={onNavigate}
        data-testid="nav-findings"
      />
      <NavLink
        component={Link}
        to={link('/alerts')}
        label="Alerts"
        leftSection={<IconBell size={17} />}
        rightSection={<FiringCount />}
        active={path.startsWith('/alerts')}
        onClick={onNavigate}
        data-testid="nav-alerts"
      />
      {operate && (
        <NavLink
          component={Link}
          to={link('/audit')}
          label="Audit log"
          leftSection={<IconHistory size={17} />}
          active={path.startsWith('/audit')}
          onClick={onNavigate}
          data-testid="nav-audit"
        />
      )}
      <SelfServiceNav path={path} link={link} onNavigate={onNavigate} />
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" mt="md" mb={4} px="sm">
        Clusters
      </Text>
      {(clusters.data ?? []).map((c) => {
        const base = `/clusters/${encodeURIComponent(c.name)}`;
        const open = cluster === c.name;
        return (
          <NavLink
            key={c.name}
            label={
              <Group gap={8} wrap="nowrap">
                <span className="truncate">{c.name}</span>
                <Tooltip label={`Status: ${c.status}`}>
                  <span className="status-dot" style={{ background: statusColor[c.status] ?? 'gray' }} aria-label={`status ${c.status}`} />
                </Tooltip>
              </Group>
            }
            leftSection={<IconServer2 size={17} />}
            defaultOpened={open}
            opened={open || undefined}
            component={Link}
            to={link(base)}
            onClick={onNavigate}
            childrenOffset={18}
          >
            <NavLink
              component={Link}
              to={link(base)}
              label="Overview"
              leftSection={<IconLayoutDashboard size={15} />}
              active={path === base}
              onClick={onNavigate}
            />
            <NavLink
              component={Link}
              to={link(base + '/topics')}
              label="Topics"
              leftSection={<IconListDetails size={15} />}
              active={path.startsWith(base + '/topics')}
              onClick={onNavigate}
              data-testid="nav-topics"
            />
            <NavLink
              component={Link}
              to={link(base + '/groups')}
              label="Consumer groups"
              leftSection={<IconUsersGroup size={15} />}
              active={path.startsWith(base + '/groups')}
              onClick={onNavigate}
              data-testid="nav-groups"
            />
          </NavLink>
        );
      })}
    </ScrollArea>
  );
}

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { link } = useTimeState();
  return (
    <AppShell header={{ height: 54 }} navbar={{ width: 232, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Navigation" />
            <Link to={link('/')} className="logo-link" aria-label="Gregor home">
              <Logo />
            </Link>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <TimeControls />
            <ThemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <Nav onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main>
        <div className="page">
          <Outlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
