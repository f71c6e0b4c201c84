import { Alert, Button, Center, Divider, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconKey, IconLock } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { oidcInfo, type OIDCInfo } from '../api/endpoints';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../auth';
import { errorMessage } from '../components/States';

export function LoginPage() {
  const { session, login } = useAuth();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
  // A failed single sign-on comes back here with ?error=.
  const [error, setError] = useState<string | null>(search.get('error'));
  const [sso, setSso] = useState<OIDCInfo | null>(null);
  useEffect(() => {
    oidcInfo().then(setSso, () => setSso(null));
  }, []);
  const [busy, setBusy] = useState(false);
  const next = search.get('next');
  const safeNext = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  if (session && !busy) return <Navigate to={safeNext} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!user.trim() || !password) {
      setError('Enter a user name and a password.');
      return;
    }
    setBusy(true);
    try {
      await login(user.trim(), password);
      navigate(safeNext, { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" className="login-bg">
      <Paper withBorder shadow="md" radius="md" p="xl" w={380}>
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Stack gap={2} align="center">
              <svg width="40" height="40" viewBox="0 0 32 32" aria-hidden>
                <rect width="32" height="32" rx="7" fill="var(--mantine-color-blue-filled)" />
                <path d="M9 22V10h5.5a4 4 0 0 1 0 8H9m6 0 5 4M19 10h4v12" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
              <Title order={1} fz={22} mt={6}>
                Sign in to Gregor
              </Title>
              <Text size="sm" c="dimmed">
                The control plane for your Kafka fleet
              </Text>
            </Stack>
            {search.get('expired') && !error && (
              <Alert color="yellow" variant="light" p="xs">
                Your session ended. Sign in again to continue.
              </Alert>
            )}
            {error && (
              <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Sign-in failed" role="alert" data-testid="login-error">
                {error}
              </Alert>
            )}
            <TextInput label="User" name="user" autoComplete="username" value={user} onChange={(e) => setUser(e.currentTarget.value)} required autoFocus={!user} />
            <PasswordInput
              label="Password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              required
              autoFocus={!!user}
            />
            <Button type="submit" loading={busy} leftSection={<IconLock size={16} />} fullWidth>
              Sign in
            </Button>
            {sso?.enabled && sso.login_url && (
              <>
                <Divider label="or" labelPosition="center" />
                <Button component="a" href={sso.login_url} variant="default" leftSection={<IconKey size={16} />} fullWidth data-testid="sso-login">
                  Sign in with {sso.name ?? 'SSO'}
                </Button>
              </>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
