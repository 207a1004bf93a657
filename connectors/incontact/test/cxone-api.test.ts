// The CXone REST client both sessions share, against recorded answers (no server): what the token request
// sends, how long a token lasts, and what each refusal tells the admin to do, without a secret in it.
import type { SessionError } from '@openconnect/core';
import { AxiosError, type AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { createCxoneApi } from '../src/cxone/api.js';

const NOW = Date.parse('2026-11-25T14:00:00.000Z');
const CONFIG = config.parse({
  cxoneAuthUrl: 'https://cxone.niceincontact.com/auth/token',
  cxoneApiUrl: 'https://api-na1.niceincontact.com/inContactAPI//',
  cxoneClientId: 'openconnect@acme',
  cxoneClientSecret: 'client-secret-0123456789',
  cxoneAccessKeyId: 'AK0123456789',
  cxoneAccessKeySecret: 'access-key-secret-0123456789',
});

interface Reply {
  status: number;
  data?: string;
  headers?: Record<string, string>;
}
type Sent = {
  url: string;
  data?: unknown;
  headers: Record<string, string>;
  timeout?: number;
  method?: string;
};
const TOKEN = JSON.stringify({ access_token: 'eyJ.token.1', token_type: 'bearer', expires_in: 3600 });

/** A client whose token endpoint and API answer from the lists given (or fail with an error), recording what it sent. */
function client(tokenReplies: (Reply | Error)[], apiReplies: (Reply | Error)[] = []) {
  const sent = { token: [] as Sent[], api: [] as Sent[] };
  const answer = (reply: Reply | Error | undefined) =>
    reply instanceof Error
      ? Promise.reject(reply)
      : Promise.resolve({ headers: {}, ...(reply ?? { status: 599 }) });
  const http = {
    post: (url: string, data: unknown, options: { headers: Record<string, string> }) => {
      sent.token.push({ url, data, headers: options.headers });
      return answer(tokenReplies.shift());
    },
    request: (options: Sent) => {
      sent.api.push(options);
      return answer(apiReplies.shift());
    },
  } as unknown as AxiosInstance;
  const api = createCxoneApi({ http, config: CONFIG, signal: new AbortController().signal, now: () => NOW });
  return { api, sent };
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: SessionError) => ({
      message: error.message,
      failed: error.failed,
      retryAfterMs: error.retryAfterMs,
    }),
  );
const call = (
  api: ReturnType<typeof client>['api'],
  path = 'contacts/active',
  query?: Record<string, string | undefined>,
) =>
  api.call('GET', path, {
    what: 'polling contacts/active',
    permission: 'the Real-Time Data API',
    ...(query ? { query } : {}),
  });

describe('cxone api: the token', () => {
  it('asks with Basic client credentials and the access key as a password grant', async () => {
    const { api, sent } = client([{ status: 200, data: TOKEN }]);
    await api.login();
    const basic = Buffer.from('openconnect@acme:client-secret-0123456789').toString('base64');
    expect(sent.token).toEqual([
      {
        url: 'https://cxone.niceincontact.com/auth/token',
        data: 'grant_type=password&username=AK0123456789&password=access-key-secret-0123456789',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      },
    ]);
  });
  it.each([
    [3600, NOW + 3_600_000],
    [90, NOW + 90_000],
    [undefined, NOW + 3_600_000],
    [0, NOW + 3_600_000],
    [-5, NOW + 3_600_000],
    ['soon', NOW + 3_600_000],
  ])(
    'takes expires_in %s as lasting until %s (an hour when it names no lifetime)',
    async (expires_in, until) => {
      const { api } = client([
        { status: 200, data: JSON.stringify({ access_token: 'eyJ.token.1', expires_in }) },
      ]);
      expect(await api.login()).toBe(until);
    },
  );
  it('refuses bad credentials as a failure naming the options to check and the OAuth error code, no secret', async () => {
    const body = JSON.stringify({
      error: 'invalid_grant',
      error_description: 'access-key-secret-0123456789',
    });
    const { api } = client([{ status: 400, data: body }]);
    expect(await failure(api.login())).toEqual({
      message:
        'CXone refused the credentials (HTTP 400 invalid_grant): check cxoneAccessKeyId and cxoneAccessKeySecret (an access key of an active CXone user) and cxoneClientId and cxoneClientSecret (the registered API application)',
      failed: true,
      retryAfterMs: undefined,
    });
  });
  it.each([
    [401, '{"error":"Invalid Client: access-key-secret-0123456789"}'],
    [403, 'Forbidden'],
  ])('refuses HTTP %s without reading out a body that is no OAuth error code', async (status, data) => {
    const { api } = client([{ status, data }]);
    const refused = await failure(api.login());
    expect(refused).toMatchObject({ failed: true });
    expect((refused as { message: string }).message).toMatch(
      new RegExp(`^CXone refused the credentials \\(HTTP ${status}\\): check`),
    );
  });
  it('passes on the pause a 429 asks for, a second when it names none', async () => {
    const { api } = client([{ status: 429, headers: { 'retry-after': '7' } }, { status: 429 }]);
    expect(await failure(api.login())).toEqual({
      message: 'the CXone token endpoint asked to slow down (HTTP 429)',
      failed: false,
      retryAfterMs: 7_000,
    });
    expect(await failure(api.login())).toMatchObject({ retryAfterMs: 1_000 });
  });
  it.each([
    [200, '{"token_type":"bearer"}'],
    [200, '<html>maintenance</html>'],
    [503, ''],
  ])('retries an answer %s without a token (%s)', async (status, data) => {
    const { api } = client([{ status, data }]);
    expect(await failure(api.login())).toEqual({
      message: `the CXone token endpoint answered HTTP ${status} without a token`,
      failed: false,
      retryAfterMs: undefined,
    });
  });
  it('names the network error and the option to check when the token endpoint cannot be reached', async () => {
    const { api } = client([new AxiosError('connect ECONNREFUSED 10.0.0.1:443', 'ECONNREFUSED')]);
    expect(await failure(api.login())).toMatchObject({
      message: 'the CXone token endpoint could not be reached (ECONNREFUSED); check cxoneAuthUrl',
      failed: false,
    });
  });
});

describe('cxone api: calls', () => {
  it('calls {api}/services/v{N}/path with the token, the query without unset values', async () => {
    const { api, sent } = client(
      [{ status: 200, data: TOKEN }],
      [{ status: 200, data: '{"activeContacts":[]}' }],
    );
    const answer = await call(api, 'contacts/active', {
      updatedSince: '2026-11-25T13:59:00.000Z',
      skillId: undefined,
    });
    expect([
      sent.api[0]!.url,
      sent.api[0]!.method,
      sent.api[0]!.headers,
      'data' in sent.api[0]!,
      'timeout' in sent.api[0]!,
    ]).toEqual([
      'https://api-na1.niceincontact.com/inContactAPI/services/v23.0/contacts/active?updatedSince=2026-11-25T13%3A59%3A00.000Z',
      'GET',
      { authorization: 'Bearer eyJ.token.1', accept: 'application/json' },
      false,
      false,
    ]);
    expect(answer).toEqual({ status: 200, data: { activeContacts: [] } });
  });
  it('follows an absolute next-page link as given, and sends a body and timeout when asked', async () => {
    const { api, sent } = client([{ status: 200, data: TOKEN }], [{ status: 202, data: '' }]);
    const next = 'https://api-na1.niceincontact.com/inContactAPI/services/v23.0/contacts/active?page=2';
    const answer = await api.call('POST', next, {
      what: 'x',
      permission: 'y',
      body: { asAgentId: '23045871' },
      timeoutMs: 65_000,
    });
    expect([sent.api[0]!.url, sent.api[0]!.data, sent.api[0]!.timeout, answer]).toEqual([
      next,
      { asAgentId: '23045871' },
      65_000,
      { status: 202 },
    ]);
  });
  it('gets a new token once when CXone refuses the current one, and calls again with it', async () => {
    const second = JSON.stringify({ access_token: 'eyJ.token.2', expires_in: 3600 });
    const { api, sent } = client(
      [
        { status: 200, data: TOKEN },
        { status: 200, data: second },
      ],
      [{ status: 401 }, { status: 200, data: '{}' }],
    );
    expect(await call(api)).toEqual({ status: 200, data: {} });
    expect(sent.api.map((s) => s.headers.authorization)).toEqual([
      'Bearer eyJ.token.1',
      'Bearer eyJ.token.2',
    ]);
  });
  it('fails when the new token is refused too', async () => {
    const { api } = client(
      [
        { status: 200, data: TOKEN },
        { status: 200, data: TOKEN },
      ],
      [{ status: 401 }, { status: 401 }],
    );
    expect(await failure(call(api))).toEqual({
      message: 'CXone refused a new token too (polling contacts/active: HTTP 401)',
      failed: true,
      retryAfterMs: undefined,
    });
  });
  it('fails on 403 naming the permission the user needs', async () => {
    const { api } = client([{ status: 200, data: TOKEN }], [{ status: 403 }]);
    expect(await failure(call(api))).toEqual({
      message:
        "CXone refused polling contacts/active (HTTP 403): the access key's user needs the Real-Time Data API",
      failed: true,
      retryAfterMs: undefined,
    });
  });
  it('passes on the pause a 429 asks for, as an HTTP date too', async () => {
    const { api } = client(
      [{ status: 200, data: TOKEN }],
      [{ status: 429, headers: { 'retry-after': 'Tue, 25 Nov 2026 14:00:30 GMT' } }],
    );
    expect(await failure(call(api))).toEqual({
      message: 'CXone asked to slow down (polling contacts/active: HTTP 429)',
      failed: false,
      retryAfterMs: 30_000,
    });
  });
  it('retries an answer it does not expect, naming its status', async () => {
    const { api } = client([{ status: 200, data: TOKEN }], [{ status: 500, data: 'oops' }]);
    expect(await failure(call(api))).toEqual({
      message: 'CXone answered HTTP 500 (polling contacts/active)',
      failed: false,
      retryAfterMs: undefined,
    });
  });
  it.each([200, 201, 204, 304, 404, 409])('hands on HTTP %s to the caller', async (status) => {
    const { api } = client([{ status: 200, data: TOKEN }], [{ status, data: ' ' }]);
    expect(await call(api)).toEqual({ status });
  });
  it('hands on a body that is not JSON as malformed, with the parser reason and without the body', async () => {
    const { api } = client(
      [{ status: 200, data: TOKEN }],
      [{ status: 200, data: '<html>access-key</html>' }],
    );
    const answer = await call(api);
    expect([answer.status, answer.data, answer.malformed?.startsWith('the answer is not JSON (')]).toEqual([
      200,
      undefined,
      true,
    ]);
    expect(answer.malformed).not.toContain('access-key');
  });
  it('names the call and the network error when the API cannot be reached', async () => {
    const { api } = client([{ status: 200, data: TOKEN }], [new AxiosError('socket hang up', 'ECONNRESET')]);
    expect(await failure(call(api))).toMatchObject({
      message: 'the CXone API could not be reached (polling contacts/active: ECONNRESET); check cxoneApiUrl',
    });
  });
  it('names a failure that is not an HTTP one by its text', async () => {
    const { api } = client([{ status: 200, data: TOKEN }], [new Error('aborted')]);
    expect(await failure(call(api))).toMatchObject({
      message:
        'the CXone API could not be reached (polling contacts/active: Error: aborted); check cxoneApiUrl',
    });
  });
});
