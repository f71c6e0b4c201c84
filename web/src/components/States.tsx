import { Alert, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconInbox } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Loading({ label = 'Loading…', h = 160 }: { label?: string; h?: number }) {
  return (
    <Center h={h} role="status" aria-live="polite">
      <Group gap="xs">
        <Loader size="sm" />
        <Text c="dimmed" size="sm">
          {label}
        </Text>
      </Group>
    </Center>
  );
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const status = error instanceof ApiError ? error.status : 0;
  const t =
    title ??
    (status === 404
      ? 'Not found'
      : status === 503
        ? 'Not available yet'
        : status === 403
          ? 'Not allowed'
          : 'Could not load this');
  return (
    <Alert color={status === 503 ? 'yellow' : 'red'} icon={<IconAlertTriangle size={18} />} title={t} role="alert" data-testid="api-error">
      {errorMessage(error)}
    </Alert>
  );
}

export function Empty({ children, h = 120 }: { children: ReactNode; h?: number }) {
  return (
    <Center h={h}>
      <Stack align="center" gap={4}>
        <IconInbox size={28} stroke={1.4} color="var(--mantine-color-dimmed)" />
        <Text c="dimmed" size="sm" ta="center">
          {children}
        </Text>
      </Stack>
    </Center>
  );
}
