import { Badge, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { Deduction, Score } from '../api/types';
import { useTimeState } from '../lib/timeState';

/** The colour of a health score: green from 80, yellow from 50, red below. */
export function healthColor(score: number): 'green' | 'yellow' | 'red' {
  return score >= 80 ? 'green' : score >= 50 ? 'yellow' : 'red';
}

/** "-30: 4 under-replicated partitions" */
export function deductionText(d: Deduction): string {
  return `-${d.points}: ${d.title}`;
}

/** The deductions of a score, biggest first, one a line. */
export function Deductions({ deductions, testId = 'deductions' }: { deductions?: Deduction[] | null; testId?: string }) {
  const ds = [...(deductions ?? [])].sort((a, b) => b.points - a.points);
  if (ds.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid={testId}>
        Nothing deducted: no finding lowers this score.
      </Text>
    );
  return (
    <ul className="deductions" data-testid={testId}>
      {ds.map((d, i) => (
        <li key={`${d.code}-${i}`} data-code={d.code}>
          <Text span size="sm" fw={700} className="num deduction-points">
            -{d.points}
          </Text>
          <Text span size="sm">
            {d.title}
          </Text>
        </li>
      ))}
    </ul>
  );
}

/** A score as a coloured badge; its deductions show on hover or focus. A dash when unknown. */
export function HealthBadge({
  score,
  size = 'sm',
  testId = 'health-score',
  focusable = true,
  label,
}: {
  score?: Score | null;
  size?: 'xs' | 'sm' | 'md' | 'lg';
  testId?: string;
  /** False inside a link or button (no nested focus target). */
  focusable?: boolean;
  /** Written before the score ("Health 73"). */
  label?: string;
}) {
  if (!score)
    return (
      <Text span size="sm" c="dimmed" data-testid={testId} data-score="">
        —
      </Text>
    );
  const ds = [...(score.deductions ?? [])].sort((a, b) => b.points - a.points);
  const color = healthColor(score.score);
  return (
    <Tooltip
      label={
        ds.length ? (
          <Stack gap={2}>
            {ds.map((d, i) => (
              <Text key={i} size="xs">
                {deductionText(d)}
              </Text>
            ))}
          </Stack>
        ) : (
          'Nothing deducted'
        )
      }
      withArrow
      multiline
      maw={440}
      openDelay={150}
      events={{ hover: true, focus: true, touch: true }}
    >
      <Badge
        color={color}
        variant={color === 'red' ? 'filled' : 'light'}
        size={size}
        className="num"
        data-testid={testId}
        data-score={score.score}
        data-color={color}
        tabIndex={focusable ? 0 : undefined}
        aria-label={`Health ${score.score} of 100${ds.length ? ': ' + ds.map(deductionText).join('; ') : ''}`}
        style={{ cursor: 'help' }}
      >
        {label ? `${label} ${score.score}` : score.score}
      </Badge>
    </Tooltip>
  );
}

/** A score with its deductions written out, for the top of a cluster, topic or group page. */
export function HealthPanel({ score, extra, testId = 'health-panel' }: { score: Score; extra?: ReactNode; testId?: string }) {
  const color = healthColor(score.score);
  return (
    <Paper withBorder radius="md" p="md" mb="md" className={`health-panel health-${color}`} data-testid={testId}>
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <Stack gap={0} align="center" miw={84}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.3}>
            Health
          </Text>
          <Text fz={34} fw={750} lh={1.1} c={`${color}.7`} className="num" data-testid="health-score" data-score={score.score} data-color={color}>
            {score.score}
          </Text>
          <Text size="xs" c="dimmed">
            of 100
          </Text>
        </Stack>
        <Stack gap={6} style={{ flex: 1, minWidth: 0 }}>
          <Deductions deductions={score.deductions} />
          {extra}
        </Stack>
      </Group>
    </Paper>
  );
}

const notYet = (e: unknown) => e instanceof ApiError && e.status === 503;

/** The score of one entity (the kind/name form of /health); 503 until the first analysis. */
export function useEntityScore(cluster: string, kind: string, name: string) {
  const { interval } = useTimeState();
  return useQuery({
    queryKey: ['score', cluster, kind, name],
    queryFn: ({ signal }) => api.score(cluster, kind, name, signal),
    refetchInterval: (q) => (notYet(q.state.error) ? 5000 : interval),
    retry: (n, e) => !notYet(e) && !(e instanceof ApiError && e.status < 500) && n < 1,
  });
}

/** An entity's score for its page: the panel, a quiet note before the first analysis. */
export function EntityHealth({ cluster, kind, name, extra }: { cluster: string; kind: string; name: string; extra?: ReactNode }) {
  const q = useEntityScore(cluster, kind, name);
  if (q.data) return <HealthPanel score={q.data} extra={extra} />;
  if (q.isError)
    return (
      <Text size="sm" c="dimmed" mb="md" data-testid="health-unavailable">
        {notYet(q.error) ? 'Health score pending: the first analysis has not run yet.' : `Health score unavailable: ${(q.error as Error).message}`}
      </Text>
    );
  return null;
}
