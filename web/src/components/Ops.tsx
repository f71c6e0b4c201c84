import { Alert, List } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { errorMessage } from './States';

/** The API's refusal of an operation, shown in its form. */
export function OpError({ error, title, testId }: { error: unknown; title: string; testId: string }) {
  if (!error) return null;
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={title} role="alert" data-testid={testId}>
      {typeof error === 'string' ? error : errorMessage(error)}
    </Alert>
  );
}

/** A plan's warnings, one per line. */
export function PlanWarnings({ warnings, testId = 'plan-warnings' }: { warnings?: (string | undefined | null)[] | null; testId?: string }) {
  const ws = (warnings ?? []).filter((w): w is string => !!w);
  if (ws.length === 0) return null;
  return (
    <Alert color="orange" icon={<IconAlertTriangle size={18} />} title={ws.length === 1 ? 'Warning' : 'Warnings'} data-testid={testId}>
      {ws.length === 1 ? (
        ws[0]
      ) : (
        <List size="sm" spacing={2}>
          {ws.map((w) => (
            <List.Item key={w}>{w}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

/**
 * The preview-then-apply state of an operation form: the plan of the last dry run and the
 * request it was made for. Apply is offered only while the form still says what was previewed.
 */
export function usePreview<P>() {
  const [previewed, setPreviewed] = useState<{ key: string; plan: P } | null>(null);
  return {
    previewed,
    set: (key: string, plan: P) => setPreviewed({ key, plan }),
    clear: () => setPreviewed(null),
    /** The plan, when it is for the request key; otherwise null (the form changed since). */
    planFor: (key: string) => (previewed && previewed.key === key ? previewed.plan : null),
  };
}
