import { Alert, Badge, Button, Group, Modal, Paper, Select, Tabs, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconBellOff, IconCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/endpoints';
import type { AlertItem, Silence } from '../api/types';
import { useCanOperate } from '../auth';
import { DataTable, type Column } from '../components/DataTable';
import { EntityLink, Expandable, Fix, parseEntityKey, SeverityBadge, SEVERITIES } from '../components/Findings';
import { PageHeader } from '../components/Page';
import { matcherText, matchersFromLabels, SilenceForm } from '../components/SilenceForm';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { formatAgo, formatDuration, formatUntil } from '../lib/format';
import { useTimeState } from '../lib/timeState';

const TABS = ['firing', 'pending', 'resolved', 'silences'] as const;
type Tab = (typeof TABS)[number];

function localTime(iso?: string): string {
  if (!iso) return '';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString();
}

/** "firing for 2m 5s", "pending for 10s", "resolved 3m ago". */
export function alertSince(a: AlertItem, now: number = Date.now()): string {
  const age = (iso?: string) => {
    if (!iso) return '—';
    const ms = now - Date.parse(iso);
    return ms < 1000 ? '<1s' : formatDuration(ms);
  };
  if (a.state === 'resolved') return `resolved ${formatAgo(a.ends_at, now)}`;
  if (a.state === 'pending') return `pending for ${age(a.active_at)}`;
  return `firing for ${age(a.starts_at || a.active_at)}`;
}

/** The labels worth showing, the alert's identity first; severity is its badge. */
export function shownLabels(labels: Record<string, string>): [string, string][] {
  const first = ['alertname', 'cluster', 'entity'];
  return Object.entries(labels)
    .filter(([k]) => k !== 'severity')
    .sort(([a], [b]) => {
      const ia = first.indexOf(a);
      const ib = first.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
}

export function AlertCard({ alert: a, onSilence, onShowSilence }: { alert: AlertItem; onSilence?: (a: AlertItem) => void; onShowSilence?: (id: string) => void }) {
  const entity = parseEntityKey(a.labels.entity);
  const ev = a.evidence ?? [];
  const receivers = a.receivers ?? [];
  const sinceAt = a.state === 'resolved' ? a.ends_at : a.state === 'pending' ? a.active_at : a.starts_at || a.active_at;
  return (
    <Expandable
      testId="alert"
      className={`sev-${a.severity}`}
      data={{ fingerprint: a.fingerprint, state: a.state, entity: a.labels.entity, alertname: a.labels.alertname, silenced: a.silenced_by ? 'true' : 'false' }}
      head={
        <>
          <SeverityBadge severity={a.severity} />
          <Text span size="sm" fw={550} className="expandable-title" data-testid="alert-title">
            {a.title}
          </Text>
        </>
      }
      aside={
        <>
          {entity && <EntityLink entity={entity} />}
          <Tooltip label={localTime(sinceAt)} withArrow openDelay={300}>
            <Text span size="xs" c="dimmed" data-testid="alert-since">
              {alertSince(a)}
            </Text>
          </Tooltip>
          {a.silenced_by && (
            <Tooltip label={`Muted by silence ${a.silenced_by}: nothing is sent for it`} withArrow>
              <Badge
                component="button"
                type="button"
                color="gray"
                variant="outline"
                size="sm"
                leftSection={<IconBellOff size={12} />}
                data-testid="silenced-badge"
                data-silence={a.silenced_by}
                onClick={() => onShowSilence?.(a.silenced_by!)}
                style={{ cursor: 'pointer' }}
              >
                silenced
              </Badge>
            </Tooltip>
          )}
          {onSilence && !a.silenced_by && a.state !== 'resolved' && (
            <Button size="compact-xs" variant="light" color="gray" leftSection={<IconBellOff size={13} />} onClick={() => onSilence(a)} data-testid="silence-button">
              Silence
            </Button>
          )}
        </>
      }
      sub={
        <Group gap={4} data-testid="alert-labels">
          {shownLabels(a.labels).map(([k, v]) => (
            <Text key={k} size="xs" className="label-chip">
              {k}={v}
            </Text>
          ))}
        </Group>
      }
    >
      {ev.length > 0 && (
        <ul className="evidence" data-testid="evidence">
          {ev.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      )}
      {a.fix && <Fix>{a.fix}</Fix>}
      <Text size="xs" c="dimmed" mt={6}>
        First seen {localTime(a.active_at)}
        {a.starts_at ? ` · fired ${localTime(a.starts_at)}` : ''}
        {a.ends_at ? ` · resolved ${localTime(a.ends_at)}` : ''} · last seen {formatAgo(a.last_seen)} ·{' '}
        {receivers.length ? `sent to ${receivers.join(', ')}` : 'not sent to any receiver'} · fingerprint {a.fingerprint}
      </Text>
    </Expandable>
  );
}

const silenceColor: Record<string, string> = { active: 'blue', pending: 'yellow', expired: 'gray' };
const silenceRank: Record<string, number> = { active: 0, pending: 1, expired: 2 };

function SilencesTab({ silences, highlight }: { silences: Silence[]; highlight: string | null }) {
  const qc = useQueryClient();
  const operate = useCanOperate();
  const expire = useMutation({
    mutationFn: api.expireSilence,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['silences'] });
      void qc.invalidateQueries({ queryKey: ['alerts'] });
    },
  });
  const rows = [...silences].sort((a, b) => (silenceRank[a.state] ?? 3) - (silenceRank[b.state] ?? 3) || b.created_at.localeCompare(a.created_at));
  const cols: Column<Silence>[] = [
    {
      key: 'state',
      header: 'State',
      width: '80px',
      render: (s) => (
        <Badge color={silenceColor[s.state] ?? 'gray'} variant={s.state === 'active' ? 'filled' : 'light'} size="sm" data-testid="silence-state" data-state={s.state}>
          {s.state}
        </Badge>
      ),
    },
    {
      key: 'matchers',
      header: 'Matchers',
      width: 'minmax(220px, 3fr)',
      render: (s) => {
        const t = s.matchers.map(matcherText).join(' ');
        return (
          <Text span className="matcher truncate" title={t} data-testid="silence-matchers">
            {t}
          </Text>
        );
      },
    },
    {
      key: 'ends',
      header: 'Ends',
      width: '150px',
      render: (s) => (
        <Tooltip label={`${localTime(s.starts_at)} – ${localTime(s.ends_at)}${s.expired_by ? `, expired by ${s.expired_by}` : ''}`} withArrow openDelay={300}>
          <Text span size="sm">
            {s.state === 'expired' ? `ended ${formatAgo(s.ends_at)}` : s.state === 'pending' ? `starts ${formatUntil(s.starts_at)}` : formatUntil(s.ends_at)}
          </Text>
        </Tooltip>
      ),
    },
    {
      key: 'by',
      header: 'Created by',
      width: '140px',
      render: (s) => (
        <Text span size="sm" className="truncate" title={localTime(s.created_at)}>
          {s.created_by} <Text span size="xs" c="dimmed">{formatAgo(s.created_at)}</Text>
        </Text>
      ),
    },
    { key: 'comment', header: 'Comment', width: 'minmax(140px, 2fr)', render: (s) => <Text span size="sm" className="truncate" title={s.comment}>{s.comment || '—'}</Text> },
    {
      key: 'action',
      header: '',
      width: '76px',
      align: 'right',
      render: (s) =>
        operate && s.state !== 'expired' ? (
          <Button
            size="compact-xs"
            variant="light"
            color="red"
            loading={expire.isPending && expire.variables === s.id}
            onClick={() => expire.mutate(s.id)}
            data-testid="expire-silence"
            aria-label={`Expire silence ${s.id}`}
          >
            Expire
          </Button>
        ) : null,
    },
  ];
  return (
    <>
      {expire.isError && (
        <div style={{ marginBottom: 8 }}>
          <ErrorAlert error={expire.error} title={`Could not expire silence ${expire.variables}`} />
        </div>
      )}
      <DataTable
        label="Silences"
        testId="silences-table"
        columns={cols}
        rows={rows}
        rowKey={(s) => s.id}
        rowClass={(s) => (s.id === highlight ? 'row-accent' : s.state === 'expired' ? 'row-muted' : undefined)}
        empty="No silence: every alert is sent. Silence one from its Silence button."
      />
    </>
  );
}

function AlertList({ alerts, empty, onSilence, onShowSilence }: { alerts: AlertItem[]; empty: string; onSilence?: (a: AlertItem) => void; onShowSilence: (id: string) => void }) {
  if (alerts.length === 0)
    return (
      <Paper withBorder radius="md">
        <Empty h={90}>{empty}</Empty>
      </Paper>
    );
  return (
    <Paper withBorder radius="md" className="expandable-list" data-testid="alerts-list">
      {alerts.map((a) => (
        <AlertCard key={a.fingerprint} alert={a} onSilence={onSilence} onShowSilence={onShowSilence} />
      ))}
    </Paper>
  );
}

export function AlertsPage() {
  const [search, setSearch] = useSearchParams();
  const { interval } = useTimeState();
  const qc = useQueryClient();
  const operate = useCanOperate();
  const tab: Tab = (TABS as readonly string[]).includes(search.get('tab') ?? '') ? (search.get('tab') as Tab) : 'firing';
  const cluster = search.get('cluster') ?? '';
  const severity = (SEVERITIES as readonly string[]).includes(search.get('severity') ?? '') ? search.get('severity')! : '';
  const highlight = search.get('silence');
  const [silencing, setSilencing] = useState<AlertItem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const update = (patch: Record<string, string | null>) =>
    setSearch(
      (prev) => {
        const n = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (!v) n.delete(k);
          else n.set(k, v);
        }
        return n;
      },
      { replace: true },
    );

  const clusters = useQuery({ queryKey: ['clusters'], queryFn: ({ signal }) => api.clusters(signal) });
  const aq = useQuery({
    queryKey: ['alerts', 'list', cluster, severity],
    queryFn: ({ signal }) => api.alerts({ cluster, severity }, signal),
    refetchInterval: interval,
  });
  const sq = useQuery({ queryKey: ['silences'], queryFn: ({ signal }) => api.silences(signal), refetchInterval: interval });
  const all = aq.data ?? [];
  const by = (st: string) => all.filter((a) => a.state === st);
  const silences = sq.data ?? [];
  const activeSilences = silences.filter((s) => s.state !== 'expired').length;
  const showSilence = (id: string) => update({ tab: 'silences', silence: id });
  // Viewers get no Silence button: creating silences needs operator or admin.
  const onSilence = operate
    ? (a: AlertItem) => {
        setNotice(null);
        setSilencing(a);
      }
    : undefined;

  const count = (n: number, color: string, testId: string) => (
    <Badge size="xs" variant={n ? 'filled' : 'light'} color={n ? color : 'gray'} ml={4} data-testid={testId}>
      {n}
    </Badge>
  );

  return (
    <>
      <PageHeader
        title="Alerts"
        meta={<Text size="sm">Alerts from findings and rules, evaluated every collection cycle. A silence mutes the alerts it matches: they stay listed, nothing is sent.</Text>}
      />
      <Group mb="sm" gap="sm">
        <Select
          aria-label="Cluster"
          placeholder="All clusters"
          clearable
          w={180}
          value={cluster || null}
          data={(clusters.data ?? []).map((c) => c.name)}
          onChange={(v) => update({ cluster: v })}
          data-testid="alerts-cluster"
        />
        <Select aria-label="Severity" placeholder="All severities" clearable w={160} value={severity || null} data={[...SEVERITIES].reverse()} onChange={(v) => update({ severity: v })} data-testid="alerts-severity" />
      </Group>
      {notice && (
        <Alert color="teal" icon={<IconCheck size={18} />} mb="sm" withCloseButton onClose={() => setNotice(null)} data-testid="silence-notice">
          {notice}
        </Alert>
      )}
      <Tabs value={tab} onChange={(v) => update({ tab: v === 'firing' ? null : v, silence: null })} keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="firing" data-testid="tab-firing">
            Firing {count(by('firing').length, 'red', 'count-firing')}
          </Tabs.Tab>
          <Tabs.Tab value="pending" data-testid="tab-pending">
            Pending {count(by('pending').length, 'yellow', 'count-pending')}
          </Tabs.Tab>
          <Tabs.Tab value="resolved" data-testid="tab-resolved">
            Resolved {count(by('resolved').length, 'green', 'count-resolved')}
          </Tabs.Tab>
          <Tabs.Tab value="silences" data-testid="tab-silences">
            Silences {count(activeSilences, 'blue', 'count-silences')}
          </Tabs.Tab>
        </Tabs.List>
        {(['firing', 'pending', 'resolved'] as const).map((st) => (
          <Tabs.Panel key={st} value={st}>
            {aq.isError ? (
              <ErrorAlert error={aq.error} />
            ) : aq.isPending ? (
              <Loading />
            ) : (
              <AlertList
                alerts={by(st)}
                empty={st === 'firing' ? 'Nothing is firing.' : st === 'pending' ? 'No alert is pending.' : 'No alert resolved in the last 24 hours.'}
                onSilence={onSilence}
                onShowSilence={showSilence}
              />
            )}
          </Tabs.Panel>
        ))}
        <Tabs.Panel value="silences">
          {sq.isError ? <ErrorAlert error={sq.error} /> : sq.isPending ? <Loading /> : <SilencesTab silences={silences} highlight={highlight} />}
        </Tabs.Panel>
      </Tabs>
      <Modal opened={!!silencing} onClose={() => setSilencing(null)} title="Silence alerts" size="lg" data-testid="silence-modal">
        {silencing && (
          <>
            <Text size="sm" mb="sm">
              From <b>{silencing.title}</b>
            </Text>
            <SilenceForm
              initial={matchersFromLabels(silencing.labels)}
              onCancel={() => setSilencing(null)}
              onCreated={(s) => {
                setSilencing(null);
                setNotice(`Silence ${s.id} created: it mutes the matching alerts until ${localTime(s.ends_at)}.`);
                void qc.invalidateQueries({ queryKey: ['alerts'] });
                void qc.invalidateQueries({ queryKey: ['silences'] });
              }}
            />
          </>
        )}
      </Modal>
    </>
  );
}
