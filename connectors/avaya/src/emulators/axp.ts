// A local Avaya Experience Platform for tests and benchmarks: the client-credentials token endpoint (appkey and
// client checked, tokens expire), the Notification API's subscriptions (list paged by at most 25, create, get,
// `:renew`, delete) whose expiry timers set them INACTIVE, and an event pusher that POSTs an AXP event to every
// ACTIVE WEBHOOK subscription with its authToken header. Faults: 401/403/429/503, forget, INACTIVE now, stall.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Answer, answerError as error, createSubscriptionStore } from './axp-subscriptions.js';
import {
  AXP_EMULATOR_DEFAULTS,
  AXP_EMULATOR_EVENT,
  type AxpCounters,
  type AxpDelivery,
  type AxpEmulator,
  type AxpEmulatorOptions,
  type AxpFault,
  type AxpRequest,
} from './axp-types.js';

export * from './axp-types.js';

export async function startAxpEmulator(options: AxpEmulatorOptions = {}): Promise<AxpEmulator> {
  const account = options.accountId ?? AXP_EMULATOR_DEFAULTS.accountId;
  const client = {
    id: options.clientId ?? AXP_EMULATOR_DEFAULTS.clientId,
    secret: options.clientSecret ?? AXP_EMULATOR_DEFAULTS.clientSecret,
    appKey: options.appKey ?? AXP_EMULATOR_DEFAULTS.appKey,
  };
  const tokenLifetimeMs = options.tokenLifetimeMs ?? 900_000;
  const lifetimeMs = options.subscriptionLifetimeMs ?? 900_000;
  let event: unknown = options.event ?? AXP_EMULATOR_EVENT;
  const tokens = new Map<string, number>();
  const faults: {
    status: AxpFault;
    remaining: number;
    on: 'token' | 'api' | 'any';
    retryAfterSeconds?: number;
  }[] = [];
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const requests: AxpRequest[] = [];
  const counters: AxpCounters = {
    tokensIssued: 0,
    tokensRefused: 0,
    subscriptionsCreated: 0,
    renewals: 0,
    expirations: 0,
    deletions: 0,
    eventsDelivered: 0,
    deliveryAnswers: [],
  };
  let stalled = false;

  const store = createSubscriptionStore({
    lifetimeMs,
    counters,
    pageUrl: (n, size) =>
      `${base}/api/notification/v1/accounts/${account}/subscriptions?pageNumber=${n}&pageSize=${size}`,
  });

  function takeFault(kind: 'token' | 'api'): Answer | undefined {
    const fault = faults.find((f) => f.on === 'any' || f.on === kind);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
    if (fault.status === 401)
      return kind === 'token'
        ? { status: 401, body: { error: 'invalid_client', error_description: 'Invalid client credentials' } }
        : error(401, 'UNAUTHORIZED', 'Invalid token');
    if (fault.status === 403)
      return error(403, 'FORBIDDEN', 'The client is not allowed to use this resource');
    if (fault.status === 429)
      return {
        ...error(429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded'),
        headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
      };
    return error(503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable');
  }

  function token(headers: http.IncomingHttpHeaders, form: URLSearchParams): Answer {
    const fault = takeFault('token');
    if (fault) return fault;
    const ok =
      headers.appkey === client.appKey &&
      form.get('grant_type') === 'client_credentials' &&
      form.get('client_id') === client.id &&
      form.get('client_secret') === client.secret;
    if (!ok) {
      counters.tokensRefused += 1;
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' },
      };
    }
    const accessToken = randomBytes(24).toString('base64url');
    tokens.set(accessToken, Date.now() + tokenLifetimeMs);
    counters.tokensIssued += 1;
    const expiresIn = tokenLifetimeMs / 1000;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        expires_in: expiresIn,
        refresh_expires_in: expiresIn * 2,
        refresh_token: randomBytes(24).toString('base64url'),
        token_type: 'Bearer',
        scope: 'profile email',
      },
    };
  }

  function api(method: string, rest: string, query: URLSearchParams, body: unknown): Answer {
    return takeFault('api') ?? store.handle(method, rest, query, body);
  }

  async function route(
    req: http.IncomingMessage,
    text: string,
  ): Promise<Answer & { accessToken?: string; body?: unknown; request?: unknown }> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const tokenPath = /^\/api\/auth\/v1\/([^/]+)\/protocol\/openid-connect\/token$/.exec(url.pathname);
    if (tokenPath) {
      if (method !== 'POST') return error(405, 'METHOD_NOT_ALLOWED', 'POST only');
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
        return { status: 400, body: { error: 'invalid_request', error_description: 'form body expected' } };
      if (decodeURIComponent(tokenPath[1]!) !== account)
        return { status: 401, body: { error: 'invalid_client', error_description: 'Unknown account' } };
      return token(req.headers, new URLSearchParams(text));
    }
    const apiPath = /^\/api\/notification\/v1\/accounts\/([^/]+)\/subscriptions(.*)$/.exec(url.pathname);
    if (!apiPath) return error(404, 'NOT_FOUND', 'No such resource');
    const accessToken = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const expiresAt = accessToken ? tokens.get(accessToken) : undefined;
    if (req.headers.appkey !== client.appKey)
      return {
        ...error(401, 'UNAUTHORIZED', 'Invalid or missing appkey'),
        ...(accessToken ? { accessToken } : {}),
      };
    if (!accessToken || expiresAt === undefined || expiresAt <= Date.now())
      return {
        ...error(401, 'UNAUTHORIZED', 'Invalid or expired token'),
        ...(accessToken ? { accessToken } : {}),
      };
    if (decodeURIComponent(apiPath[1]!) !== account)
      return { ...error(403, 'FORBIDDEN', 'The token does not grant this account'), accessToken };
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return { ...error(400, 'BAD_REQUEST', 'The body is not JSON'), accessToken };
      }
    }
    return { ...api(method, apiPath[2]!, url.searchParams, body), accessToken, request: body };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (stalled) await new Promise<void>((resolve) => held.push(resolve));
      const text = Buffer.concat(chunks).toString('utf8');
      const answer = await route(req, text);
      requests.push({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status: answer.status,
        ...(answer.accessToken ? { accessToken: answer.accessToken } : {}),
        ...(answer.request !== undefined ? { body: answer.request } : {}),
      });
      if (res.destroyed) return;
      const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        ...(payload ? { 'content-type': 'application/json' } : {}),
        ...answer.headers,
      });
      res.end(payload);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function push(payload: unknown = event): Promise<AxpDelivery[]> {
    const type = (payload as { eventType?: unknown } | undefined)?.eventType;
    const targets = store.deliveringTo(type);
    return Promise.all(
      targets.map(async (sub) => {
        const { endpoint, authToken, authTokenHeader } = sub.transport as Required<typeof sub.transport>;
        let status = 0;
        try {
          const answer = await fetch(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [authTokenHeader]: authToken },
            body: JSON.stringify(payload),
            signal: AbortSignal.timeout(5_000),
          });
          status = answer.status;
          await answer.arrayBuffer();
        } catch {
          status = 0;
        }
        counters.eventsDelivered += 1;
        counters.deliveryAnswers.push(status);
        return { subscriptionId: sub.subscriptionId, endpoint, status };
      }),
    );
  }

  return {
    url: base,
    accountId: account,
    clientId: client.id,
    clientSecret: client.secret,
    appKey: client.appKey,
    options: {
      axpApiUrl: base,
      axpAccountId: account,
      axpClientId: client.id,
      axpClientSecret: client.secret,
      axpAppKey: client.appKey,
    },
    subscriptions: store.all,
    seed: store.seed,
    push,
    controls: {
      fail: (status, { times = 1, on = 'any', retryAfterSeconds } = {}) => {
        faults.push({
          status,
          remaining: times,
          on,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        });
      },
      forget: store.forget,
      deactivate: store.deactivate,
      stall: (on) => {
        stalled = on;
        if (!on) for (const release of held.splice(0)) release();
      },
      revokeTokens: () => tokens.clear(),
      setEvent: (next) => {
        event = next;
      },
    },
    counters,
    requests,
    async close() {
      store.close();
      for (const release of held.splice(0)) release();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
