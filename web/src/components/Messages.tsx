import { ActionIcon, Alert, Anchor, Badge, Button, Code, Group, NumberInput, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { IconCheck, IconChevronRight, IconDownload, IconPlus, IconTrash } from '@tabler/icons-react';
import { Fragment, useRef, useState, type FormEvent } from 'react';
import { apiUrl } from '../api/client';
import { api } from '../api/endpoints';
import type { Message, ProduceRequest, ProduceResult, SearchRequest, SearchResponse } from '../api/types';
import { useCanOperate } from '../auth';
import { formatBytes, formatInt } from '../lib/format';
import { OpError } from './Ops';
import { Empty, ErrorAlert, Loading } from './States';

export const DECODES = [
  { value: 'text', label: 'Text' },
  { value: 'json', label: 'JSON' },
  { value: 'hex', label: 'Hex' },
  { value: 'base64', label: 'Base64' },
];

export type FromKind = 'newest' | 'oldest' | 'offset' | 'time';

/** The API's `from` for the form's choice, or a problem to fix first. */
export function fromParam(kind: FromKind, value: string): string | { problem: string } {
  if (kind === 'newest' || kind === 'oldest') return kind;
  if (kind === 'offset') {
    const v = value.trim();
    if (/^\d+$/.test(v) || /^\d+:\d+(,\d+:\d+)*$/.test(v)) return v;
    return { problem: 'Give an offset (e.g. 120) or offsets per partition (0:120,1:98).' };
  }
  const t = new Date(value);
  if (!value || Number.isNaN(t.getTime())) return { problem: 'Give a time to read from.' };
  return t.toISOString();
}

/** Why a search stopped, in words. */
export function stopReason(r: Pick<SearchResponse, 'stopped' | 'limit' | 'max_messages' | 'max_seconds'>): string {
  switch (r.stopped) {
    case 'limit':
      return `stopped at the ${formatInt(r.limit)} match limit`;
    case 'max_messages':
      return `stopped at the ${formatInt(r.max_messages)} message limit`;
    case 'max_seconds':
      return `stopped at the ${formatInt(r.max_seconds)} s time limit`;
    case 'end':
      return 'reached the end of the topic';
    case 'canceled':
      return 'canceled';
    default:
      return `stopped (${r.stopped})`;
  }
}

const browseStop: Record<string, string> = {
  limit: 'the page is full',
  end: 'at the end of the log',
  bytes: 'stopped at 16 MiB of values',
  time: 'stopped after 10 s',
};

/** One line of a value for the table: whitespace folded, cut at n characters. */
export function preview(v: string | null, n = 160): string {
  if (v === null) return '';
  const s = v.replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n) + '…' : s;
}

function localTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}.${p(t.getMilliseconds(), 3)}`;
}

function MessageDetails({ cluster, topic, m, decode }: { cluster: string; topic: string; m: Message; decode: string }) {
  // A value cut at max_bytes is read again whole.
  const whole = useQuery({
    queryKey: ['message', cluster, topic, m.partition, m.offset, decode],
    queryFn: ({ signal }) => api.message(cluster, topic, m.partition, m.offset, decode, signal),
    enabled: m.truncated,
  });
  const full = m.truncated ? whole.data : m;
  return (
    <Stack gap={6} py={4} data-testid="message-details">
      <Group gap="lg">
        <Text size="sm">
          Key{m.key_decode && m.key_decode !== m.decode ? ` (${m.key_decode})` : ''}:{' '}
          <Text span ff="monospace" size="sm">
            {m.key === null ? <i>null</i> : m.key}
          </Text>
        </Text>
        <Text size="sm" c="dimmed">
          Value {formatBytes(m.value_size)} shown as {full?.decode ?? m.decode}
        </Text>
        <Anchor href={apiUrl(api.messageDownloadPath(cluster, topic, m.partition, m.offset))} download size="sm" data-testid="message-download">
          <Group gap={4} component="span">
            <IconDownload size={14} /> Download
          </Group>
        </Anchor>
      </Group>
      {full?.note && (
        <Text size="xs" c="orange" data-testid="message-note">
          {full.note}
        </Text>
      )}
      {m.truncated && whole.isPending && <Loading label="Reading the whole value…" h={60} />}
      {m.truncated && whole.isError && <ErrorAlert error={whole.error} />}
      {full && (
        <Code block data-testid="message-value" style={{ maxHeight: 420, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {full.value === null ? 'null (a tombstone)' : full.value}
        </Code>
      )}
      {(m.headers ?? []).length > 0 && (
        <Table withTableBorder={false} verticalSpacing={2} fz="sm" data-testid="message-headers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={220}>Header</Table.Th>
              <Table.Th>Value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {m.headers!.map((h, i) => (
              <Table.Tr key={i}>
                <Table.Td ff="monospace">{h.key}</Table.Td>
                <Table.Td ff="monospace">
                  {h.value}
                  {h.encoding === 'base64' && (
                    <Badge size="xs" variant="light" ml={6}>
                      base64
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** Records with a row expansion: the whole decoded value, headers and a download link. */
export function MessageTable({ cluster, topic, messages, decode, testId = 'messages-table' }: { cluster: string; topic: string; messages: Message[]; decode: string; testId?: string }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (k: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing={4} fz="sm" highlightOnHover data-testid={testId} style={{ tableLayout: 'fixed' }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={32} />
            <Table.Th w={70} ta="right">
              Partition
            </Table.Th>
            <Table.Th w={80} ta="right">
              Offset
            </Table.Th>
            <Table.Th w={190}>Time</Table.Th>
            <Table.Th w={140}>Key</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th w={75} ta="right">
              Headers
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {messages.map((m) => {
            const k = `${m.partition}/${m.offset}`;
            const isOpen = open.has(k);
            return (
              <Fragment key={k}>
                <Table.Tr data-testid="message-row" data-partition={m.partition} data-offset={m.offset} onClick={() => toggle(k)} style={{ cursor: 'pointer' }}>
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      size="sm"
                      aria-expanded={isOpen}
                      aria-label={`${isOpen ? 'Hide' : 'Show'} message ${k}`}
                      onClick={(ev) => {
                        ev.stopPropagation();
                        toggle(k);
                      }}
                      data-testid="message-toggle"
                    >
                      <IconChevronRight size={15} style={{ transform: isOpen ? 'rotate(90deg)' : undefined, transition: 'transform 120ms' }} />
                    </ActionIcon>
                  </Table.Td>
                  <Table.Td ta="right" className="num">
                    {m.partition}
                  </Table.Td>
                  <Table.Td ta="right" className="num">
                    {m.offset}
                  </Table.Td>
                  <Table.Td className="num" style={{ whiteSpace: 'nowrap' }}>
                    {localTime(m.timestamp)}
                  </Table.Td>
                  <Table.Td>
                    <Text span size="sm" ff="monospace" className="truncate" title={m.key ?? undefined} display="block">
                      {m.key === null ? <Text span c="dimmed" size="sm">null</Text> : m.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text span size="sm" ff="monospace" className="truncate" display="block" style={{ minWidth: 0, flex: 1 }} data-testid="message-preview">
                        {m.value === null ? <Text span c="dimmed" size="sm">null (tombstone)</Text> : preview(m.value)}
                      </Text>
                      {m.truncated && (
                        <Badge size="xs" color="orange" variant="light" title={`${formatBytes(m.value_size)} in all: open the row for the whole value`} data-testid="truncated-badge">
                          truncated
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td ta="right" className="num" data-testid="message-header-count">
                    {(m.headers ?? []).length}
                  </Table.Td>
                </Table.Tr>
                {isOpen && (
                  <Table.Tr data-testid="message-details-row">
                    <Table.Td />
                    <Table.Td colSpan={6}>
                      <MessageDetails cluster={cluster} topic={topic} m={m} decode={decode} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function partitionOptions(partitions: number[], all = 'All partitions') {
  return [{ value: '', label: all }, ...partitions.map((p) => ({ value: String(p), label: `Partition ${p}` }))];
}

interface BrowseParams {
  partition: string;
  from: string;
  decode: string;
  limit: number;
}

/** Browse a topic's records: partition, where to start, how to decode; Load more pages on. */
export function MessageBrowser({ cluster, topic, partitions }: { cluster: string; topic: string; partitions: number[] }) {
  const [partition, setPartition] = useState('');
  const [fromKind, setFromKind] = useState<FromKind>('newest');
  const [fromValue, setFromValue] = useState('');
  const [decode, setDecode] = useState('text');
  const [limit, setLimit] = useState<number | string>(50);
  const [problem, setProblem] = useState<string | null>(null);
  const [applied, setApplied] = useState<BrowseParams>({ partition: '', from: 'newest', decode: 'text', limit: 50 });
  const q = useInfiniteQuery({
    queryKey: ['messages', cluster, topic, applied],
    queryFn: ({ pageParam, signal }) => api.messages(cluster, topic, { partition: applied.partition || undefined, from: pageParam, limit: applied.limit, decode: applied.decode }, signal),
    initialPageParam: applied.from,
    getNextPageParam: (last) => ((last.messages ?? []).length > 0 && last.next_from ? last.next_from : undefined),
    staleTime: Infinity,
  });
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const from = fromParam(fromKind, fromValue);
    if (typeof from !== 'string') return setProblem(from.problem);
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 500) return setProblem('Read 1 to 500 messages at a time.');
    setProblem(null);
    const next = { partition, from, decode, limit: n };
    if (JSON.stringify(next) === JSON.stringify(applied)) void q.refetch();
    else setApplied(next);
  };
  const pages = q.data?.pages ?? [];
  const messages = pages.flatMap((p) => p.messages ?? []);
  const last = pages[pages.length - 1];
  return (
    <Stack gap="sm" data-testid="message-browser">
      <form onSubmit={submit} noValidate>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select label="Partition" data={partitionOptions(partitions)} value={partition} onChange={(v) => setPartition(v ?? '')} w={160} allowDeselect={false} data-testid="browse-partition" comboboxProps={{ withinPortal: true }} />
          <Select
            label="From"
            data={[
              { value: 'newest', label: 'Newest' },
              { value: 'oldest', label: 'Oldest' },
              { value: 'offset', label: 'Offset' },
              { value: 'time', label: 'Time' },
            ]}
            value={fromKind}
            onChange={(v) => setFromKind((v ?? 'newest') as FromKind)}
            allowDeselect={false}
            w={120}
            data-testid="browse-from"
            comboboxProps={{ withinPortal: true }}
          />
          {fromKind === 'offset' && <TextInput label="Offset" placeholder="120 or 0:120,1:98" value={fromValue} onChange={(e) => setFromValue(e.currentTarget.value)} w={180} data-testid="browse-offset" />}
          {fromKind === 'time' && <TextInput label="Time" type="datetime-local" step={1} value={fromValue} onChange={(e) => setFromValue(e.currentTarget.value)} w={230} data-testid="browse-time" />}
          <Select label="Decode" data={DECODES} value={decode} onChange={(v) => setDecode(v ?? 'text')} allowDeselect={false} w={110} data-testid="browse-decode" comboboxProps={{ withinPortal: true }} />
          <NumberInput label="Limit" min={1} max={500} allowDecimal={false} value={limit} onChange={setLimit} w={90} data-testid="browse-limit" />
          <Button type="submit" loading={q.isFetching && !q.isFetchingNextPage} data-testid="browse-read">
            Read
          </Button>
        </Group>
      </form>
      <OpError error={problem} title="Cannot read from there" testId="browse-problem" />
      {q.isPending ? (
        <Loading label="Reading messages…" />
      ) : q.isError && pages.length === 0 ? (
        <ErrorAlert error={q.error} />
      ) : (
        <>
          <Paper withBorder radius="md" p={0}>
            {messages.length === 0 ? (
              <Empty>No messages here{applied.from === 'newest' ? '' : ' from that point on'}.</Empty>
            ) : (
              <MessageTable cluster={cluster} topic={topic} messages={messages} decode={applied.decode} />
            )}
          </Paper>
          {q.isFetchNextPageError && <ErrorAlert error={q.error} />}
          <Group justify="space-between">
            <Text size="xs" c="dimmed" data-testid="browse-status">
              {formatInt(messages.length)} message{messages.length === 1 ? '' : 's'}
              {last ? ` · ${browseStop[last.stopped] ?? last.stopped}${last.more ? ', more after' : ''} · next from ${last.next_from}` : ''}
            </Text>
            {q.hasNextPage ? (
              <Button variant="default" size="xs" onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage} data-testid="load-more">
                Load more
              </Button>
            ) : (
              pages.length > 1 && (
                <Text size="xs" c="dimmed" data-testid="no-more">
                  No more messages for now.
                </Text>
              )
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}

/** The GET query of a search from the form's fields, or a problem to fix first. */
export function searchSpec(f: {
  key: string;
  value: string;
  regex: string;
  jsonPath: string;
  jsonEquals: string;
  partition: string;
  from: string;
  maxMessages: number | string;
  maxSeconds: number | string;
  limit: number | string;
  decode: string;
}): SearchRequest | string {
  const s: SearchRequest = {};
  if (f.key) s.key_contains = f.key;
  if (f.value) s.value_contains = f.value;
  if (f.regex) s.regex = f.regex;
  if (f.jsonPath.trim()) {
    s.json_path = f.jsonPath.trim();
    if (f.jsonEquals.trim() !== '') {
      // Any JSON value; a bare word is taken as a string.
      const e = f.jsonEquals.trim();
      try {
        JSON.parse(e);
        s.json_equals = e;
      } catch {
        s.json_equals = JSON.stringify(e);
      }
    }
  } else if (f.jsonEquals.trim() !== '') return 'Give the JSON field path the value is compared with.';
  if (!s.key_contains && !s.value_contains && !s.regex && !s.json_path) return 'Give at least one condition: key or value substring, regex or JSON field.';
  if (f.partition) s.partition = f.partition;
  if (f.from.trim()) s.from = f.from.trim();
  const bound = (v: number | string, name: string, lo: number, hi: number): number | string | undefined => {
    if (v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < lo || n > hi) return `${name} must be a whole number from ${formatInt(lo)} to ${formatInt(hi)}.`;
    return n;
  };
  const mm = bound(f.maxMessages, 'Max messages', 1, 1_000_000);
  if (typeof mm === 'string') return mm;
  const ms = bound(f.maxSeconds, 'Max seconds', 1, 60);
  if (typeof ms === 'string') return ms;
  const lim = bound(f.limit, 'Max matches', 1, 1000);
  if (typeof lim === 'string') return lim;
  if (mm !== undefined) s.max_messages = mm;
  if (ms !== undefined) s.max_seconds = ms;
  if (lim !== undefined) s.limit = lim;
  if (f.decode !== 'text') s.decode = f.decode;
  return s;
}

/** A bounded scan for records: substrings, a regex, a JSON field; says what it scanned and why it stopped. */
export function MessageSearch({ cluster, topic, partitions }: { cluster: string; topic: string; partitions: number[] }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [regex, setRegex] = useState('');
  const [jsonPath, setJsonPath] = useState('');
  const [jsonEquals, setJsonEquals] = useState('');
  const [partition, setPartition] = useState('');
  const [from, setFrom] = useState('oldest');
  const [maxMessages, setMaxMessages] = useState<number | string>(10000);
  const [maxSeconds, setMaxSeconds] = useState<number | string>(10);
  const [limit, setLimit] = useState<number | string>(100);
  const [decode, setDecode] = useState('text');
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<{ spec: SearchRequest; r: SearchResponse } | null>(null);
  const search = useMutation({ mutationFn: (s: SearchRequest) => api.searchMessages(cluster, topic, s), onSuccess: (r, s) => setResult({ spec: s, r }) });
  const run = (e?: FormEvent) => {
    e?.preventDefault();
    const spec = searchSpec({ key, value, regex, jsonPath, jsonEquals, partition, from, maxMessages, maxSeconds, limit, decode });
    if (typeof spec === 'string') return setProblem(spec);
    setProblem(null);
    search.mutate(spec);
  };
  const r = result?.r;
  return (
    <Stack gap="sm" data-testid="message-search">
      <form onSubmit={run} noValidate>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput label="Key contains" value={key} onChange={(e) => setKey(e.currentTarget.value)} data-testid="search-key" />
            <TextInput label="Value contains" value={value} onChange={(e) => setValue(e.currentTarget.value)} data-testid="search-value" />
            <TextInput label="Regex (RE2, key or value)" value={regex} onChange={(e) => setRegex(e.currentTarget.value)} ff="monospace" data-testid="search-regex" />
            <TextInput label="JSON field path" placeholder="user.name or items.0.sku" value={jsonPath} onChange={(e) => setJsonPath(e.currentTarget.value)} data-testid="search-json-path" />
            <TextInput label="JSON field equals" description="A JSON value (42, true, &quot;alice&quot;); empty: the field exists" value={jsonEquals} onChange={(e) => setJsonEquals(e.currentTarget.value)} data-testid="search-json-equals" />
            <TextInput label="From" description="oldest, newest, an offset, 0:120,1:98 or an RFC 3339 time" value={from} onChange={(e) => setFrom(e.currentTarget.value)} data-testid="search-from" />
          </SimpleGrid>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <Select label="Partition" data={partitionOptions(partitions)} value={partition} onChange={(v) => setPartition(v ?? '')} w={160} allowDeselect={false} data-testid="search-partition" comboboxProps={{ withinPortal: true }} />
            <NumberInput label="Max messages" min={1} max={1_000_000} allowDecimal={false} thousandSeparator="," value={maxMessages} onChange={setMaxMessages} w={140} data-testid="search-max-messages" />
            <NumberInput label="Max seconds" min={1} max={60} allowDecimal={false} value={maxSeconds} onChange={setMaxSeconds} w={110} data-testid="search-max-seconds" />
            <NumberInput label="Max matches" min={1} max={1000} allowDecimal={false} value={limit} onChange={setLimit} w={110} data-testid="search-limit" />
            <Select label="Decode" data={DECODES} value={decode} onChange={(v) => setDecode(v ?? 'text')} allowDeselect={false} w={110} data-testid="search-decode" comboboxProps={{ withinPortal: true }} />
            <Button type="submit" loading={search.isPending} data-testid="search-run">
              Search
            </Button>
          </Group>
        </Stack>
      </form>
      <OpError error={problem ?? (search.isError ? search.error : null)} title="Cannot search" testId="search-error" />
      {r && (
        <>
          <Group justify="space-between" wrap="wrap">
            <Text size="sm" data-testid="search-summary" data-stopped={r.stopped}>
              <b>{formatInt((r.matches ?? []).length)}</b> match{(r.matches ?? []).length === 1 ? '' : 'es'}, <b>{formatInt(r.scanned)}</b> message{r.scanned === 1 ? '' : 's'} scanned in {formatInt(r.elapsed_ms)} ms:{' '}
              <span data-testid="search-stopped">{stopReason(r)}</span>.
            </Text>
            {r.stopped !== 'end' && r.next_from && (
              <Button variant="default" size="xs" onClick={() => search.mutate({ ...result!.spec, from: r.next_from })} loading={search.isPending} data-testid="search-continue">
                Continue from there
              </Button>
            )}
          </Group>
          <Paper withBorder radius="md" p={0}>
            {(r.matches ?? []).length === 0 ? (
              <Empty>No message matched.</Empty>
            ) : (
              <MessageTable cluster={cluster} topic={topic} messages={r.matches!} decode={result!.spec.decode ?? 'text'} testId="search-results" />
            )}
          </Paper>
        </>
      )}
    </Stack>
  );
}

interface HeaderRow {
  id: number;
  key: string;
  value: string;
}

/** Write one record (operators): key, value, headers, partition; shows where it landed. */
export function ProduceForm({ cluster, topic, partitions, onProduced }: { cluster: string; topic: string; partitions: number[]; onProduced?: (r: ProduceResult) => void }) {
  const next = useRef(0);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [tombstone, setTombstone] = useState(false);
  const [headers, setHeaders] = useState<HeaderRow[]>([]);
  const [partition, setPartition] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const produce = useMutation({ mutationFn: (b: ProduceRequest) => api.produce(cluster, topic, b), onSuccess: onProduced });
  const setRow = (id: number, patch: Partial<HeaderRow>) => setHeaders((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const hs = headers.filter((h) => h.key !== '' || h.value !== '');
    if (hs.some((h) => !h.key)) return setProblem('Every header needs a key.');
    setProblem(null);
    const body: ProduceRequest = { value: tombstone ? null : value };
    if (key !== '') body.key = key;
    if (hs.length) body.headers = hs.map((h) => ({ key: h.key, value: h.value }));
    if (partition !== '') body.partition = Number(partition);
    produce.mutate(body);
  };
  const r = produce.data;
  return (
    <form onSubmit={submit} noValidate data-testid="produce-form">
      <Stack gap="sm">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput label="Key" description="Empty: no key" value={key} onChange={(e) => setKey(e.currentTarget.value)} w={260} data-testid="produce-key" />
          <Select
            label="Partition"
            description="Default: by the key's hash"
            data={partitionOptions(partitions, 'Default partitioner')}
            value={partition}
            onChange={(v) => setPartition(v ?? '')}
            allowDeselect={false}
            w={200}
            data-testid="produce-partition"
            comboboxProps={{ withinPortal: true }}
          />
          <SegmentedControl
            size="xs"
            value={tombstone ? 'null' : 'value'}
            onChange={(v) => setTombstone(v === 'null')}
            data={[
              { value: 'value', label: 'Value' },
              { value: 'null', label: 'Null (tombstone)' },
            ]}
            mb={2}
          />
        </Group>
        {!tombstone && <Textarea label="Value" rows={5} resize="vertical" value={value} onChange={(e) => setValue(e.currentTarget.value)} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} data-testid="produce-value" />}
        <div>
          <Text size="sm" fw={500} mb={4}>
            Headers
          </Text>
          <Stack gap={6}>
            {headers.map((h, i) => (
              <Group key={h.id} gap={6} wrap="nowrap" data-testid="header-row">
                <TextInput size="xs" placeholder="key" aria-label={`Header ${i + 1} key`} value={h.key} onChange={(e) => setRow(h.id, { key: e.currentTarget.value })} style={{ flex: 1 }} data-testid="header-key" />
                <Text size="sm">=</Text>
                <TextInput size="xs" placeholder="value" aria-label={`Header ${i + 1} value`} value={h.value} onChange={(e) => setRow(h.id, { value: e.currentTarget.value })} style={{ flex: 2 }} data-testid="header-value" />
                <ActionIcon variant="subtle" color="gray" aria-label={`Remove header ${i + 1}`} onClick={() => setHeaders((rs) => rs.filter((x) => x.id !== h.id))}>
                  <IconTrash size={15} />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
          <Button variant="subtle" size="compact-xs" mt={6} leftSection={<IconPlus size={13} />} onClick={() => setHeaders((rs) => [...rs, { id: next.current++, key: '', value: '' }])} data-testid="add-header">
            Add header
          </Button>
        </div>
        <OpError error={problem ?? (produce.isError ? produce.error : null)} title="Could not produce the message" testId="produce-error" />
        {r && (
          <Alert color="teal" icon={<IconCheck size={18} />} data-testid="produce-result" data-partition={r.partition} data-offset={r.offset}>
            Written to partition <b>{r.partition}</b> at offset <b>{r.offset}</b> ({formatBytes(r.key_size)} key, {formatBytes(r.value_size)} value).
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={produce.isPending} data-testid="produce-submit">
            Produce
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The topic page's Messages tab: browse, search and (operators) produce. */
export function MessagesTab({ cluster, topic, partitions }: { cluster: string; topic: string; partitions: number[] }) {
  const operate = useCanOperate();
  const [mode, setMode] = useState('browse');
  const modes = [
    { value: 'browse', label: 'Browse' },
    { value: 'search', label: 'Search' },
    ...(operate ? [{ value: 'produce', label: 'Produce' }] : []),
  ];
  return (
    <Stack gap="sm">
      <SegmentedControl value={mode} onChange={setMode} data={modes} w="fit-content" data-testid="messages-mode" />
      {mode === 'browse' && <MessageBrowser cluster={cluster} topic={topic} partitions={partitions} />}
      {mode === 'search' && <MessageSearch cluster={cluster} topic={topic} partitions={partitions} />}
      {mode === 'produce' && operate && <ProduceForm cluster={cluster} topic={topic} partitions={partitions} />}
    </Stack>
  );
}
