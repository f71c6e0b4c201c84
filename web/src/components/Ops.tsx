import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import type { UseMutationResult } from '@tanstack/react-query';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
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

/**
 * The preview-then-apply logic of an operation form around its dry-run and apply mutations: the
 * previewed plan, the problem to fix first, and the error to show (the problem, else the failed
 * apply, else the failed dry run).
 */
export function usePlanForm<P, A>(dry: Pick<UseMutationResult<P, Error, A>, 'mutate' | 'isError' | 'error'>, apply: { reset: () => void; isError: boolean; error: unknown }) {
  const [problem, setProblem] = useState<string | null>(null);
  const preview = usePreview<P>();
  /** Preview: req is either the problem to show, or the dry run's argument and the key its plan is kept under. */
  const runPreview = (e: FormEvent | undefined, req: string | { key: string; arg: A }) => {
    e?.preventDefault();
    if (typeof req === 'string') return setProblem(req);
    setProblem(null);
    apply.reset();
    dry.mutate(req.arg, { onSuccess: (p) => preview.set(req.key, p) });
  };
  const error = problem ?? (apply.isError ? apply.error : dry.isError ? dry.error : null);
  return { planFor: preview.planFor, runPreview, error };
}

/**
 * The footer of a preview-then-apply form: Cancel (when cancellable), Preview (the submit button),
 * and the apply button, disabled until there is a plan. applyTitle: undefined says "Preview first"
 * until a plan, null says nothing.
 */
export function PlanFooter({
  planned,
  previewing,
  previewTestId,
  onCancel,
  applyLabel,
  applyColor,
  applyTestId,
  onApply,
  applying,
  applyDisabled = false,
  applyTitle,
}: {
  planned: boolean;
  previewing: boolean;
  previewTestId: string;
  onCancel?: () => void;
  applyLabel: string;
  applyColor?: string;
  applyTestId: string;
  onApply: () => void;
  applying: boolean;
  applyDisabled?: boolean;
  applyTitle?: string | null;
}) {
  const title = applyTitle === undefined ? (planned ? undefined : 'Preview first') : (applyTitle ?? undefined);
  return (
    <Group justify="flex-end" gap="xs">
      {onCancel && (
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
      )}
      <Button type="submit" variant={planned ? 'default' : 'filled'} loading={previewing} data-testid={previewTestId}>
        Preview
      </Button>
      <Button color={applyColor} onClick={onApply} disabled={!planned || applyDisabled} title={title} loading={applying} data-testid={applyTestId}>
        {applyLabel}
      </Button>
    </Group>
  );
}

/** A confirmation dialog: what happens, the error of the last attempt, Cancel and the confirm button. */
export function ConfirmDialog({
  opened,
  onClose,
  title,
  text,
  error,
  errorTitle,
  errorTestId,
  confirmLabel,
  confirmColor,
  confirmTestId,
  confirming,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  text: string;
  error: unknown;
  errorTitle: string;
  errorTestId: string;
  confirmLabel: string;
  confirmColor: string;
  confirmTestId: string;
  confirming: boolean;
  onConfirm: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack gap="sm">
        <Text size="sm">{text}</Text>
        <OpError error={error} title={errorTitle} testId={errorTestId} />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color={confirmColor} loading={confirming} onClick={onConfirm} data-testid={confirmTestId}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
