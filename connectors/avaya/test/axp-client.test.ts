// The AXP REST client of the upkeep, call by call against a scripted HTTP instance: what it sends (URLs,
// headers, bodies, paging), how it reads AXP's answers, and the SessionError each refusal becomes.
import { SessionError } from '@openconnect/core';
import type { AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import { createAxpClient, expiryOf, PAGE_SIZE, retryAfterMs } from '../src/axp-upkeep/client.js';
import { config as schema } from '../src/config.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const SECRET = 'client-secret-value-123';
const APP_KEY = 'app-key-value-456';
const AUTH_TOKEN = 'axp-webhook-token-0123456789';
const BASE = 'https://na.api.avayacloud.com';
const SUBSCRIPTIONS = `${BASE}/api/notification/v1/accounts/ZWJJIQ/subscriptions`;
const TOKEN_URL = `${BASE}/api/auth/v1/ZWJJIQ/protocol/openid-connect/token`;

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  data?: unknown;
  params?: Record<string, unknown>;
}
type Answer = { status: number; data?: unknown; headers?: Record<string, string> } | Error;

/** A client whose HTTP calls are answered in turn by `answers` (a function of the request, or a list). */
function client(
  answers: Answer[] | ((sent: Sent) => Answer),
  { signal = new AbortController().signal, options = {} as Record<string, unknown> } = {},
) {
  const sent: Sent[] = [];
  const queue = Array.isArray(answers) ? [...answers] : undefined;
  const http = {
    request: async (request: Sent) => {
      sent.push(request);
      const answer = queue ? queue.shift() : (answers as (sent: Sent) => Answer)(request);
      if (!answer) throw new Error(`no answer scripted for ${request.method} ${request.url}`);
      if (answer instanceof Error) throw answer;
      return { headers: {}, ...answer };
    },
  } as unknown as AxiosInstance;
  const config = schema.parse({
    authToken: AUTH_TOKEN,
    axpApiUrl: BASE,
    axpAccountId: 'ZWJJIQ',
    axpClientId: 'cid',
    axpClientSecret: SECRET,
    axpAppKey: APP_KEY,
    ...options,
  });
  return { api: createAxpClient({ config, http, signal, now: () => NOW }), sent };
}
const token = (expires_in: unknown = 300) => ({ status: 200, data: { access_token: 'tok-1', expires_in } });
const tokenExpiring = (expires_in: unknown) => ({ status: 200, data: { access_token: 'tok-1', expires_in } });
const subscription = (id: string, extra: Record<string, unknown> = {}) => ({ subscriptionId: id, ...extra });
const failure = async (promise: Promise<unknown>): Promise<SessionError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SessionError);
  return error as SessionError;
};
const networkError = (code: string | undefined, message = 'socket hang up') =>
  Object.assign(new Error(message), code ? { code } : {});

describe('expiryOf: when AXP sets a subscription INACTIVE', () => {
  it('takes the earlier of expiresAt and now + expiresIn', () => {
    expect(expiryOf(subscription('s', { expiresIn: 900, expiresAt: '2026-12-01T10:05:00Z' }), NOW)).toBe(
      NOW + 300_000,
    );
    expect(expiryOf(subscription('s', { expiresIn: 60, expiresAt: '2026-12-01T10:05:00Z' }), NOW)).toBe(
      NOW + 60_000,
    );
  });

  it('reads expiresIn alone, and expiresAt alone', () => {
    expect(expiryOf(subscription('s', { expiresIn: 120 }), NOW)).toBe(NOW + 120_000);
    expect(expiryOf(subscription('s', { expiresAt: '2026-12-01T10:02:00Z' }), NOW)).toBe(NOW + 120_000);
  });

  it('ignores an expiresIn that is no finite number and an expiresAt that is no date: 900 s', () => {
    for (const odd of [
      { expiresIn: Number.NaN },
      { expiresIn: Number.POSITIVE_INFINITY },
      { expiresIn: '120' },
      { expiresAt: 'soon' },
      { expiresAt: '' },
      {},
    ])
      expect(expiryOf(subscription('s', odd), NOW)).toBe(NOW + 900_000);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and waits a minute when AXP names no pause', () => {
    expect(retryAfterMs('7', NOW)).toBe(7_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:30 GMT', NOW)).toBe(30_000);
    expect(retryAfterMs(undefined, NOW)).toBe(60_000);
    expect(retryAfterMs('later', NOW)).toBe(60_000);
  });
});

describe('login: the client-credentials token', () => {
  it("posts the API client's credentials as a form to the account's token URL, with the appkey header", async () => {
    const { api, sent } = client([token()]);
    await api.login();
    expect(sent).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: TOKEN_URL,
        headers: {
          appkey: APP_KEY,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        data: `grant_type=client_credentials&client_id=cid&client_secret=${SECRET}`,
      }),
    ]);
  });

  it('puts the URL-encoded account id into a configured token path', async () => {
    const { api, sent } = client([token()], {
      options: { axpAccountId: 'ab_C-1', axpTokenPath: '/auth/{accountId}/token/{accountId}' },
    });
    await api.login();
    expect(sent[0]!.url).toBe(`${BASE}/auth/ab_C-1/token/ab_C-1`);
  });

  it('returns when the token expires: expires_in seconds from now', async () => {
    expect(await client([token(300)]).api.login()).toBe(NOW + 300_000);
  });

  it.each([[0], [-5], ['300'], [undefined]])('counts 900 s when expires_in is %s', async (expiresIn) => {
    expect(await client([tokenExpiring(expiresIn)]).api.login()).toBe(NOW + 900_000);
  });

  it.each([[400], [401]])(
    'a %i fails the session, with what AXP said and the options to check, but no secret',
    async (status) => {
      const error = await failure(
        client([
          { status, data: { error: 'invalid_client', error_description: `bad secret ${SECRET}` } },
        ]).api.login(),
      );
      expect(error.failed).toBe(true);
      expect(error.message).toBe(
        `AXP refused the API client (${status} on the token request) (invalid_client: bad secret [redacted]): check axpClientId, axpClientSecret, axpAppKey (the AppKey of the same API client) and axpAccountId`,
      );
    },
  );

  it('a 200 without an access_token is an error naming the token URL (not failed: the next session tries again)', async () => {
    const error = await failure(client([{ status: 200, data: { token_type: 'bearer' } }]).api.login());
    expect([error.failed, error.message]).toEqual([
      false,
      `AXP's token answer holds no access_token (${TOKEN_URL})`,
    ]);
  });

  it('an answer without a body holds no access_token; another status is refused even with a token in it', async () => {
    expect((await failure(client([{ status: 200 }]).api.login())).message).toBe(
      `AXP's token answer holds no access_token (${TOKEN_URL})`,
    );
    expect(
      (await failure(client([{ status: 500, data: { access_token: 'tok-1' } }]).api.login())).message,
    ).toBe('AXP answered 500 while getting an access token');
  });

  it('another status is the shared refusal: AXP answered <status> while getting an access token', async () => {
    const error = await failure(client([{ status: 502, data: 'Bad   gateway\n' }]).api.login());
    expect([error.failed, error.message]).toEqual([
      false,
      'AXP answered 502 while getting an access token (Bad gateway)',
    ]);
  });

  it('a 403 fails the session, naming the account whose subscriptions the client needs', async () => {
    const error = await failure(client([{ status: 403, data: { code: 'FORBIDDEN' } }]).api.login());
    expect([error.failed, error.message]).toEqual([
      true,
      'AXP answered 403 (missing permission) while getting an access token (FORBIDDEN): the API client needs access to the Notification API subscriptions of account ZWJJIQ',
    ]);
  });

  it('a 429 carries the pause AXP asked for, or a minute', async () => {
    const asked = await failure(client([{ status: 429, headers: { 'retry-after': '12' } }]).api.login());
    expect([asked.failed, asked.retryAfterMs, asked.message]).toEqual([
      false,
      12_000,
      'AXP is rate-limiting (429) while getting an access token',
    ]);
    expect((await failure(client([{ status: 429 }]).api.login())).retryAfterMs).toBe(60_000);
  });
});

describe("AXP's own words in an error", () => {
  const said = async (data: unknown) =>
    (await failure(client([{ status: 500, data }]).api.login())).message.replace(
      'AXP answered 500 while getting an access token',
      '',
    );

  it('joins error, error_description, code, message and a gateway faultstring', async () => {
    expect(
      await said({
        error: 'e',
        error_description: 'd',
        code: 42,
        message: 'm',
        fault: { faultstring: 'Rate limit quota violation' },
        detail: 'not read',
      }),
    ).toBe(' (e: d: 42: m: Rate limit quota violation)');
  });

  it('leaves out fields that are neither text nor number, and says nothing when nothing is left', async () => {
    expect(await said({ error: { nested: true }, message: 'm' })).toBe(' (m)');
    expect(await said({ detail: 'x' })).toBe('');
    expect(await said(undefined)).toBe('');
    expect(await said('   ')).toBe('');
  });

  it('keeps at most 200 characters, whitespace collapsed', async () => {
    expect(await said(`a \n\t b ${'x'.repeat(300)}`)).toBe(` (${`a b ${'x'.repeat(300)}`.slice(0, 200)})`);
  });

  it('never shows the client secret, the AppKey, the authToken or the access token', async () => {
    const { api } = client([
      token(),
      { status: 500, data: { message: `${SECRET} ${APP_KEY} ${AUTH_TOKEN} tok-1` } },
    ]);
    await api.login();
    expect((await failure(api.get('s-1'))).message).toBe(
      'AXP answered 500 while reading subscription s-1 ([redacted] [redacted] [redacted] [redacted])',
    );
  });
});

describe('when AXP cannot be reached', () => {
  it.each([['ECONNABORTED'], ['ETIMEDOUT']])('%s: it did not answer in time', async (code) => {
    const error = await failure(client([networkError(code)]).api.login());
    expect([error.failed, error.message]).toEqual([
      false,
      `could not reach AXP at ${BASE} while getting an access token: it did not answer in time`,
    ]);
  });

  it('another failure is named by its code, else by its message (secrets redacted)', async () => {
    expect((await failure(client([networkError('ECONNREFUSED')]).api.login())).message).toBe(
      `could not reach AXP at ${BASE} while getting an access token: ECONNREFUSED`,
    );
    expect(
      (await failure(client([networkError(undefined, `no route ${APP_KEY}`)]).api.login())).message,
    ).toBe(`could not reach AXP at ${BASE} while getting an access token: no route [redacted]`);
  });

  it('stopped while waiting: says so', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(
      client([networkError('ERR_CANCELED', 'canceled')], { signal: controller.signal }).api.login(),
    );
    expect(error.message).toBe('the AXP upkeep was stopped while getting an access token');
  });
});

describe('Notification API calls', () => {
  it('send the bearer token and the appkey; JSON content-type only with a body', async () => {
    const { api, sent } = client([
      token(),
      { status: 200, data: subscription('s-1') },
      { status: 201, data: subscription('s-2') },
    ]);
    await api.get('s-1');
    const transport = {
      type: 'WEBHOOK' as const,
      endpoint: 'https://x/y',
      authToken: AUTH_TOKEN,
      authTokenHeader: 'auth-token',
    };
    await api.create({ family: 'AGENT_ENGAGEMENT', events: ['AgentReady'], transport });
    expect(sent.slice(1)).toEqual([
      {
        method: 'GET',
        url: `${SUBSCRIPTIONS}/s-1`,
        headers: { authorization: 'Bearer tok-1', appkey: APP_KEY, accept: 'application/json' },
        signal: expect.any(AbortSignal),
        validateStatus: expect.any(Function),
      },
      {
        method: 'POST',
        url: SUBSCRIPTIONS,
        headers: {
          authorization: 'Bearer tok-1',
          appkey: APP_KEY,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        data: { family: 'AGENT_ENGAGEMENT', events: ['AgentReady'], transport },
        signal: expect.any(AbortSignal),
        validateStatus: expect.any(Function),
      },
    ]);
  });

  it('sign in first when no token is held, once for several calls', async () => {
    const { api, sent } = client([token(), { status: 404 }, { status: 404 }]);
    await api.get('a');
    await api.get('b');
    expect(sent.map((s) => s.url)).toEqual([TOKEN_URL, `${SUBSCRIPTIONS}/a`, `${SUBSCRIPTIONS}/b`]);
  });

  it('a 401 gets one fresh token and one more try', async () => {
    const { api, sent } = client([
      token(),
      { status: 401 },
      { status: 200, data: { access_token: 'tok-2' } },
      { status: 404 },
    ]);
    expect(await api.get('a')).toBeUndefined();
    expect(sent.map((s) => [s.url, s.headers.authorization])).toEqual([
      [TOKEN_URL, undefined],
      [`${SUBSCRIPTIONS}/a`, 'Bearer tok-1'],
      [TOKEN_URL, undefined],
      [`${SUBSCRIPTIONS}/a`, 'Bearer tok-2'],
    ]);
  });

  it('a second 401 with a fresh token fails the session, naming the AppKey and API client to check', async () => {
    const { api, sent } = client([
      token(),
      { status: 401 },
      token(),
      { status: 401, data: { code: 'UNAUTHORIZED' } },
    ]);
    const error = await failure(api.get('a'));
    expect(sent).toHaveLength(4);
    expect([error.failed, error.message]).toEqual([
      true,
      'AXP refused a fresh access token (401) while reading subscription a (UNAUTHORIZED): check that axpAppKey belongs to the API client axpClientId and that it may use the Notification API',
    ]);
  });

  it('get: URL-encodes the id; 404 is undefined; another status is a refusal; an answer without subscriptionId is an error', async () => {
    const { api, sent } = client([
      token(),
      { status: 200, data: subscription('a/b c', { status: 'ACTIVE' }) },
      { status: 404 },
      { status: 500 },
      { status: 200, data: { status: 'ACTIVE' } },
    ]);
    expect(await api.get('a/b c')).toEqual({ subscriptionId: 'a/b c', status: 'ACTIVE' });
    expect(sent[1]!.url).toBe(`${SUBSCRIPTIONS}/a%2Fb%20c`);
    expect(await api.get('x')).toBeUndefined();
    expect((await failure(api.get('x'))).message).toBe('AXP answered 500 while reading subscription x');
    expect((await failure(api.get('x'))).message).toBe(
      "AXP's answer holds no subscriptionId while reading subscription x",
    );
  });

  it('create: 200 and 201 are created; 202 or 400 is a refusal; an answer without subscriptionId is an error', async () => {
    const body = {
      family: 'F',
      events: ['E'],
      transport: { type: 'WEBHOOK' as const, endpoint: 'e', authToken: 't', authTokenHeader: 'h' },
    };
    const { api } = client([
      token(),
      { status: 200, data: subscription('s-1') },
      { status: 201, data: subscription('s-2') },
      { status: 202, data: subscription('s-3') },
      { status: 400, data: { code: 'BAD_REQUEST', message: 'events: unknown event' } },
      { status: 201, data: {} },
    ]);
    expect((await api.create(body)).subscriptionId).toBe('s-1');
    expect((await api.create(body)).subscriptionId).toBe('s-2');
    expect((await failure(api.create(body))).message).toBe(
      'AXP answered 202 while creating the subscription',
    );
    expect((await failure(api.create(body))).message).toBe(
      'AXP answered 400 while creating the subscription (BAD_REQUEST: events: unknown event)',
    );
    expect((await failure(api.create(body))).message).toBe(
      "AXP's answer holds no subscriptionId while creating the subscription",
    );
  });

  it('renew: POSTs the authToken to <id>:renew and returns the renewed subscription (200 or 201)', async () => {
    const { api, sent } = client([
      token(),
      { status: 200, data: subscription('s-1', { expiresIn: 900 }) },
      { status: 201, data: subscription('s-1', { expiresIn: 800 }) },
    ]);
    expect(await api.renew('s-1', AUTH_TOKEN)).toEqual({ subscriptionId: 's-1', expiresIn: 900 });
    expect(await api.renew('s-1', AUTH_TOKEN)).toEqual({ subscriptionId: 's-1', expiresIn: 800 });
    expect(sent[1]).toMatchObject({
      method: 'POST',
      url: `${SUBSCRIPTIONS}/s-1:renew`,
      data: { transport: { authToken: AUTH_TOKEN } },
    });
  });

  it('renew: an answer without the subscription is read back with a GET', async () => {
    const { api, sent } = client([
      token(),
      { status: 200, data: '' },
      { status: 200, data: subscription('s-1', { expiresIn: 700 }) },
    ]);
    expect(await api.renew('s-1', AUTH_TOKEN)).toEqual({ subscriptionId: 's-1', expiresIn: 700 });
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST ${TOKEN_URL}`,
      `POST ${SUBSCRIPTIONS}/s-1:renew`,
      `GET ${SUBSCRIPTIONS}/s-1`,
    ]);
  });

  it('renew: a 404 (on the renewal or the read back) ends the session, the next one creates it again', async () => {
    const { api } = client([token(), { status: 404 }, { status: 200 }, { status: 404 }, { status: 409 }]);
    expect((await failure(api.renew('s-1', AUTH_TOKEN))).message).toBe(
      'AXP no longer knows subscription s-1 (404 on renew); the next session creates it again',
    );
    expect((await failure(api.renew('s-1', AUTH_TOKEN))).message).toBe(
      'AXP no longer knows subscription s-1 after renewing it',
    );
    expect((await failure(api.renew('s-1', AUTH_TOKEN))).message).toBe(
      'AXP answered 409 while renewing subscription s-1',
    );
  });

  it('remove: DELETEs it; 200, 202, 204 and 404 (already gone) count as deleted, another status is a refusal', async () => {
    const { api, sent } = client([
      token(),
      { status: 200 },
      { status: 202 },
      { status: 204 },
      { status: 404 },
      { status: 201 },
      { status: 500 },
    ]);
    for (let i = 0; i < 4; i++) await expect(api.remove('s-1')).resolves.toBeUndefined();
    expect((await failure(api.remove('s-1'))).message).toBe(
      'AXP answered 201 while deleting subscription s-1',
    );
    expect((await failure(api.remove('s-1'))).message).toBe(
      'AXP answered 500 while deleting subscription s-1',
    );
    expect(sent[1]).toMatchObject({ method: 'DELETE', url: `${SUBSCRIPTIONS}/s-1` });
    expect(sent[1]!.data).toBeUndefined();
    expect(sent[1]!.headers['content-type']).toBeUndefined();
  });
});

describe('list: every subscription of the account, page by page', () => {
  const page = (ids: string[], extra: Record<string, unknown> = {}) => ({
    status: 200,
    data: { subscriptions: ids.map((id) => subscription(id)), ...extra },
  });
  const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  it('asks page 1, 2... of 25 while pagination.total says more are left', async () => {
    const { api, sent } = client([
      token(),
      page(ids(25, 'a'), { pagination: { total: 51 } }),
      page(ids(25, 'b'), { pagination: { total: 51 } }),
      page(['c0'], { pagination: { total: 51 } }),
    ]);
    const all = await api.list();
    expect(all).toHaveLength(51);
    expect(sent.slice(1).map((s) => [s.method, s.url, s.params])).toEqual([
      ['GET', SUBSCRIPTIONS, { pageNumber: 1, pageSize: PAGE_SIZE }],
      ['GET', SUBSCRIPTIONS, { pageNumber: 2, pageSize: PAGE_SIZE }],
      ['GET', SUBSCRIPTIONS, { pageNumber: 3, pageSize: PAGE_SIZE }],
    ]);
  });

  it('stops when pagination.total is reached, even with a full page and a next link', async () => {
    const { api, sent } = client([
      token(),
      page(ids(25, 'a'), { pagination: { total: 25 }, links: { next: 'x' } }),
    ]);
    expect(await api.list()).toHaveLength(25);
    expect(sent).toHaveLength(2);
  });

  it('without a total, goes on while a next link is given or the page is full', async () => {
    const { api, sent } = client([
      token(),
      page(['a'], { links: { next: '?pageNumber=2' } }),
      page(ids(25, 'b')),
      page(['c'], { links: {} }),
    ]);
    expect((await api.list()).map((s) => s.subscriptionId)).toEqual(['a', ...ids(25, 'b'), 'c']);
    expect(sent).toHaveLength(4);
  });

  it('stops at an empty page whatever the total says', async () => {
    const { api, sent } = client([token(), page([], { pagination: { total: 80 } })]);
    expect(await api.list()).toEqual([]);
    expect(sent).toHaveLength(2);
  });

  it('skips entries without a subscriptionId and reads a body without a list as an empty page', async () => {
    const { api } = client([
      token(),
      {
        status: 200,
        data: {
          subscriptions: [subscription('a'), { status: 'ACTIVE' }, null, subscription('b')],
          links: { next: 'n' },
        },
      },
      { status: 200, data: { subscriptions: 'none' } },
    ]);
    expect((await api.list()).map((s) => s.subscriptionId)).toEqual(['a', 'b']);
  });

  it('reads at most 100 pages from a server whose paging never ends', async () => {
    const { api, sent } = client((request) =>
      request.url === TOKEN_URL ? token() : page(ids(25, `p${String(request.params?.pageNumber)}-`)),
    );
    expect(await api.list()).toHaveLength(2_500);
    expect(sent).toHaveLength(101);
  });

  it('reads an answer without a body as an empty page, and a get without a body as no subscription', async () => {
    const { api } = client([token(), { status: 200 }, { status: 200 }]);
    expect(await api.list()).toEqual([]);
    expect((await failure(api.get('s-1'))).message).toBe(
      "AXP's answer holds no subscriptionId while reading subscription s-1",
    );
  });

  it('a status other than 200 is a refusal naming the page', async () => {
    const { api } = client([token(), page(ids(25, 'a')), { status: 500, data: { message: 'down' } }]);
    expect((await failure(api.list())).message).toBe(
      'AXP answered 500 while listing subscriptions (page 2) (down)',
    );
  });
});
