import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Route, Routes } from 'react-router';
import type { Message, MessagesResponse, SearchResponse } from '../api/types';
import { AuthProvider, RequireAuth } from '../auth';
import { calls, mockApi, Status, type MockRequest } from '../test/mockApi';
import { renderAt } from '../test/render';
import { fromParam, MessageBrowser, MessageSearch, MessagesTab, preview, ProduceForm, searchSpec, stopReason } from './Messages';

afterEach(() => vi.unstubAllGlobals());

const P = '/api/v1/clusters/demo/topics/orders/messages';

const msg = (partition: number, offset: number, over: Partial<Message> = {}): Message => ({
  partition,
  offset,
  timestamp: '2026-01-01T10:00:00Z',
  key: `key-${offset}`,
  key_size: 6,
  value: `{"seq":${offset}}`,
  value_size: 10,
  truncated: false,
  decode: 'text',
  headers: [],
  ...over,
});

const page = (messages: Message[], next_from: string, over: Partial<MessagesResponse> = {}): MessagesResponse => ({
  topic: 'orders',
  from: 'newest',
  decode: 'text',
  limit: 50,
  max_bytes: 4096,
  messages,
  next: {},
  next_from,
  more: false,
  stopped: 'limit',
  partitions: [],
  ...over,
});

const pick = async (testId: string, label: string) => {
  await userEvent.click(screen.getByTestId(testId));
  await userEvent.click(await screen.findByRole('option', { name: label, hidden: true }));
};

describe('helpers', () => {
  it('fromParam, preview and stopReason', () => {
    expect(fromParam('newest', '')).toBe('newest');
    expect(fromParam('offset', ' 120 ')).toBe('120');
    expect(fromParam('offset', '0:120,1:98')).toBe('0:120,1:98');
    expect(fromParam('offset', 'x')).toHaveProperty('problem');
    expect(fromParam('time', '')).toHaveProperty('problem');
    expect(fromParam('time', '2026-01-01T10:00:00Z')).toBe('2026-01-01T10:00:00.000Z');
    expect(preview('{\n  "a": 1\n}')).toBe('{ "a": 1 }');
    expect(preview('x'.repeat(200), 10)).toBe('xxxxxxxxxx…');
    expect(stopReason({ stopped: 'max_messages', max_messages: 10000, max_seconds: 10, limit: 100 })).toBe('stopped at the 10,000 message limit');
    expect(stopReason({ stopped: 'limit', max_messages: 10000, max_seconds: 10, limit: 100 })).toBe('stopped at the 100 match limit');
    expect(stopReason({ stopped: 'max_seconds', max_messages: 1, max_seconds: 10, limit: 1 })).toBe('stopped at the 10 s time limit');
    expect(stopReason({ stopped: 'end', max_messages: 1, max_seconds: 10, limit: 1 })).toBe('reached the end of the topic');
  });

  it('searchSpec needs a condition, keeps JSON values and checks the bounds', () => {
    const base = { key: '', value: '', regex: '', jsonPath: '', jsonEquals: '', partition: '', from: 'oldest', maxMessages: 10000, maxSeconds: 10, limit: 100, decode: 'text' };
    expect(searchSpec(base)).toMatch(/at least one condition/);
    expect(searchSpec({ ...base, jsonEquals: '1' })).toMatch(/path/);
    expect(searchSpec({ ...base, jsonPath: 'user.name', jsonEquals: 'alice' })).toEqual({ json_path: 'user.name', json_equals: '"alice"', from: 'oldest', max_messages: 10000, max_seconds: 10, limit: 100 });
    expect(searchSpec({ ...base, jsonPath: 'n', jsonEquals: '42' })).toMatchObject({ json_equals: '42' });
    expect(searchSpec({ ...base, value: 'x', maxSeconds: 61 })).toMatch(/Max seconds/);
    expect(searchSpec({ ...base, value: 'x', partition: '2', decode: 'json', maxMessages: '' })).toEqual({ value_contains: 'x', partition: '2', from: 'oldest', max_seconds: 10, limit: 100, decode: 'json' });
  });
});

describe('MessageBrowser', () => {
  it('reads the newest page, shows the truncation marker, expands a row (whole value, headers, download), loads more via next_from', async () => {
    const long = msg(0, 7, { value: 'a'.repeat(50), value_size: 9000, truncated: true, headers: [{ key: 'trace', value: 'abc' }, { key: 'bin', value: 'AAE=', encoding: 'base64' }] });
    const fetch = mockApi({
      [P]: (r: MockRequest) => (r.query.get('from') === 'newest' ? page([msg(1, 3), long], '0:8,1:4', { more: true }) : page([msg(1, 4)], '0:8,1:5')),
      [`${P}/0/7`]: { ...long, value: 'WHOLE-VALUE', truncated: false },
    });
    renderAt(<MessageBrowser cluster="demo" topic="orders" partitions={[0, 1]} />);
    await waitFor(() => expect(screen.getAllByTestId('message-row')).toHaveLength(2));
    expect(calls(fetch)[0].path).toBe(P);
    expect(calls(fetch)[0].query.toString()).toBe('from=newest&limit=50&decode=text');
    const rows = screen.getAllByTestId('message-row');
    expect(rows[0]).toHaveTextContent('key-3');
    expect(rows[0]).toHaveTextContent('{"seq":3}');
    expect(within(rows[1]).getByTestId('truncated-badge')).toBeInTheDocument();
    expect(within(rows[1]).getByTestId('message-header-count')).toHaveTextContent('2');
    expect(within(rows[0]).queryByTestId('truncated-badge')).toBeNull();
    expect(screen.getByTestId('browse-status')).toHaveTextContent('2 messages · the page is full, more after · next from 0:8,1:4');

    await userEvent.click(within(rows[1]).getByTestId('message-toggle'));
    expect(await screen.findByTestId('message-value')).toHaveTextContent('WHOLE-VALUE');
    expect(calls(fetch)[1].path).toBe(`${P}/0/7`);
    expect(calls(fetch)[1].query.get('decode')).toBe('text');
    expect(screen.getByTestId('message-headers')).toHaveTextContent('trace');
    expect(screen.getByTestId('message-headers')).toHaveTextContent('base64');
    expect(screen.getByTestId('message-download')).toHaveAttribute('href', `${P}/0/7?download=1`);

    await userEvent.click(screen.getByTestId('load-more'));
    await waitFor(() => expect(screen.getAllByTestId('message-row')).toHaveLength(3));
    expect(calls(fetch)[2].query.get('from')).toBe('0:8,1:4');
  });

  it('sends the chosen partition, offset and decode; a non-truncated row needs no request', async () => {
    const fetch = mockApi({ [P]: (r: MockRequest) => page(r.query.get('from') === 'newest' ? [] : [msg(1, 120, { decode: 'json', value: '{\n  "seq": 120\n}' })], '1:121') });
    renderAt(<MessageBrowser cluster="demo" topic="orders" partitions={[0, 1]} />);
    await screen.findByText(/No messages here/);
    await pick('browse-partition', 'Partition 1');
    await pick('browse-from', 'Offset');
    await userEvent.type(screen.getByTestId('browse-offset'), '120');
    await pick('browse-decode', 'JSON');
    await userEvent.click(screen.getByTestId('browse-read'));
    await screen.findByTestId('message-row');
    expect(calls(fetch)[1].query.toString()).toBe('partition=1&from=120&limit=50&decode=json');
    await userEvent.click(screen.getByTestId('message-toggle'));
    expect(screen.getByTestId('message-value').textContent).toBe('{\n  "seq": 120\n}');
    expect(calls(fetch)).toHaveLength(2);
  });

  it("checks the offset before asking and shows the API's error", async () => {
    const fetch = mockApi({ [P]: new Status(400, { error: { code: 'bad_request', message: 'from: "nope" is not newest, oldest, an offset or a time' } }) });
    renderAt(<MessageBrowser cluster="demo" topic="orders" partitions={[0]} />);
    expect(await screen.findByTestId('api-error')).toHaveTextContent('is not newest, oldest');
    await pick('browse-from', 'Offset');
    await userEvent.type(screen.getByTestId('browse-offset'), 'abc');
    await userEvent.click(screen.getByTestId('browse-read'));
    expect(screen.getByTestId('browse-problem')).toHaveTextContent('Give an offset');
    expect(calls(fetch)).toHaveLength(1);
  });
});

const searchAnswer = (over: Partial<SearchResponse> = {}): SearchResponse => ({
  topic: 'orders',
  from: 'oldest',
  matches: [msg(0, 1), msg(2, 9)],
  scanned: 10000,
  stopped: 'max_messages',
  max_messages: 10000,
  max_seconds: 10,
  limit: 100,
  elapsed_ms: 321,
  next: {},
  next_from: '0:5000,2:5000',
  partitions: [],
  ...over,
});

describe('MessageSearch', () => {
  it('searches with GET and the exact query, shows matches, scanned and why it stopped, and continues from next_from', async () => {
    const fetch = mockApi({ [`${P}/search`]: (r: MockRequest) => (r.query.get('from') === 'oldest' ? searchAnswer() : searchAnswer({ matches: [], scanned: 12, stopped: 'end' })) });
    renderAt(<MessageSearch cluster="demo" topic="orders" partitions={[0, 1, 2]} />);
    await userEvent.type(screen.getByTestId('search-value'), 'seq');
    await userEvent.type(screen.getByTestId('search-regex'), 'key-[[0-9]+');
    await userEvent.type(screen.getByTestId('search-json-path'), 'user.name');
    await userEvent.type(screen.getByTestId('search-json-equals'), 'alice');
    await userEvent.click(screen.getByTestId('search-run'));
    const summary = await screen.findByTestId('search-summary');
    expect(summary).toHaveTextContent('2 matches, 10,000 messages scanned in 321 ms: stopped at the 10,000 message limit.');
    const c = calls(fetch);
    expect(c).toHaveLength(1);
    expect(c[0].method).toBe('GET');
    expect(Object.fromEntries(c[0].query)).toEqual({
      value_contains: 'seq',
      regex: 'key-[0-9]+',
      json_path: 'user.name',
      json_equals: '"alice"',
      from: 'oldest',
      max_messages: '10000',
      max_seconds: '10',
      limit: '100',
    });
    expect(within(screen.getByTestId('search-results')).getAllByTestId('message-row')).toHaveLength(2);
    await userEvent.click(screen.getByTestId('search-continue'));
    await waitFor(() => expect(screen.getByTestId('search-stopped')).toHaveTextContent('reached the end of the topic'));
    expect(calls(fetch)[1].query.get('from')).toBe('0:5000,2:5000');
    expect(screen.queryByTestId('search-continue')).toBeNull();
    expect(screen.getByText('No message matched.')).toBeInTheDocument();
  });

  it("asks for a condition first and shows the API's error (bad regex)", async () => {
    const fetch = mockApi({ [`${P}/search`]: new Status(400, { error: { code: 'bad_request', message: 'regex is not a valid RE2 expression: missing closing )' } }) });
    renderAt(<MessageSearch cluster="demo" topic="orders" partitions={[0]} />);
    await userEvent.click(screen.getByTestId('search-run'));
    expect(screen.getByTestId('search-error')).toHaveTextContent('at least one condition');
    expect(fetch).not.toHaveBeenCalled();
    await userEvent.type(screen.getByTestId('search-regex'), '(a');
    await userEvent.click(screen.getByTestId('search-run'));
    expect(await screen.findByTestId('search-error')).toHaveTextContent('missing closing )');
  });
});

describe('ProduceForm', () => {
  it('posts key, value, headers and partition, and shows where the record landed', async () => {
    const fetch = mockApi({ [`POST ${P}`]: { topic: 'orders', partition: 2, offset: 4501, timestamp: '2026-01-01T10:00:00Z', key_size: 5, value_size: 11 } });
    renderAt(<ProduceForm cluster="demo" topic="orders" partitions={[0, 1, 2]} />);
    await userEvent.type(screen.getByTestId('produce-key'), 'alice');
    await userEvent.type(screen.getByTestId('produce-value'), 'hello world');
    await userEvent.click(screen.getByTestId('add-header'));
    await userEvent.type(screen.getByTestId('header-key'), 'source');
    await userEvent.type(screen.getByTestId('header-value'), 'ui');
    await pick('produce-partition', 'Partition 2');
    await userEvent.click(screen.getByTestId('produce-submit'));
    const res = await screen.findByTestId('produce-result');
    expect(res).toHaveTextContent('Written to partition 2 at offset 4501');
    const c = calls(fetch);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ method: 'POST', path: P, body: { key: 'alice', value: 'hello world', headers: [{ key: 'source', value: 'ui' }], partition: 2 } });
    expect(fetch.mock.calls[0][1]?.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });

  it('leaves out an empty key and the partition (default partitioner), and shows the API error', async () => {
    const fetch = mockApi({ [`POST ${P}`]: new Status(400, { error: { code: 'bad_request', message: 'topic "orders" has 3 partitions (0 to 2): no partition 7' } }) });
    renderAt(<ProduceForm cluster="demo" topic="orders" partitions={[0, 1, 2]} />);
    await userEvent.type(screen.getByTestId('produce-value'), 'v');
    await userEvent.click(screen.getByTestId('produce-submit'));
    expect(await screen.findByTestId('produce-error')).toHaveTextContent('no partition 7');
    expect(calls(fetch)[0].body).toEqual({ value: 'v' });
  });
});

describe('MessagesTab roles', () => {
  const at = (role: string) => {
    mockApi({ '/api/v1/auth/me': { user: 'u', role, method: 'session', csrf_token: 't' }, [P]: page([msg(0, 1)], '0:2') });
    return renderAt(
      <AuthProvider>
        <RequireAuth>
          <Routes>
            <Route path="*" element={<MessagesTab cluster="demo" topic="orders" partitions={[0]} />} />
          </Routes>
        </RequireAuth>
      </AuthProvider>,
    );
  };
  it('offers Produce to operators only', async () => {
    at('viewer');
    await screen.findByTestId('message-row');
    expect(screen.getByTestId('messages-mode')).toHaveTextContent('Search');
    expect(screen.getByTestId('messages-mode')).not.toHaveTextContent('Produce');
  });
  it('operators can produce', async () => {
    at('operator');
    await screen.findByTestId('message-row');
    await userEvent.click(screen.getByText('Produce'));
    expect(screen.getByTestId('produce-form')).toBeInTheDocument();
  });
});
