// The ICWS session module on its own (src/icws/session.ts, queues.ts, settings.ts): the login against the
// emulator or a server answering as ICWS does at its edges (a 200, a body without a token, renewed cookies),
// what each failure says, the switchover hosts, the queue subscriptions and the option rules.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SessionError } from '@openconnect/core';
import axios, { type AxiosResponse, type AxiosResponseHeaders } from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ICWS_EMULATOR_PASSWORD,
  ICWS_EMULATOR_USER,
  type IcwsEmulator,
  startIcwsEmulator,
} from '../src/emulators/index.js';
import { attributeNames, planSubscriptions, subscribe } from '../src/icws/queues.js';
import {
  alternateBase,
  type IcwsSession,
  IcwsSessionGone,
  IcwsUnavailable,
  icwsReason,
  type LoginRequest,
  login,
  serverBase,
} from '../src/icws/session.js';
import { icwsEnabled, icwsProblems } from '../src/icws/settings.js';
import connector from '../src/index.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function emulator(options: Parameters<typeof startIcwsEmulator>[0] = {}): Promise<IcwsEmulator> {
  const started = await startIcwsEmulator(options);
  opened.push(started);
  return started;
}

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

/** A server answering each request as `answer` says (status, body, headers), keeping what it received. */
async function scripted(
  answer: (received: Received) => { status: number; body?: string; headers?: http.OutgoingHttpHeaders },
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const got = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
      received.push(got);
      const { status, body, headers = {} } = answer(got);
      res.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const ICWS_JSON = { 'content-type': 'application/vnd.inin.icws+JSON; charset=utf-8' };
/** A login answer as ICWS sends it, with the fields given replacing the usual ones. */
const loginAnswer = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    csrfToken: 'Y3NyZi10b2tlbg==',
    sessionId: '1234567890',
    alternateHostList: [],
    userID: ICWS_EMULATOR_USER,
    icServer: 'CIC1',
    features: [
      { featureId: 'connection', version: 10 },
      { featureId: 'messaging', version: 2 },
    ],
    ...fields,
  });

const http$ = () => axios.create({ timeout: 5_000, validateStatus: () => true });

function request(servers: string[], more: Partial<LoginRequest> = {}): LoginRequest {
  return {
    http: http$(),
    servers,
    applicationName: 'OpenConnect runner',
    userId: ICWS_EMULATOR_USER,
    password: ICWS_EMULATOR_PASSWORD,
    signal: new AbortController().signal,
    ...more,
  };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as SessionError,
  );

/** A refused port: a server that was started and closed again. */
async function unreachable(): Promise<string> {
  const closed = await startIcwsEmulator();
  await closed.close();
  return closed.url;
}

describe('the base URL of a server', () => {
  it('drops trailing slashes and the /icws path', () => {
    expect(serverBase('https://cic1.example.com:8019/icws//')).toBe('https://cic1.example.com:8019');
    expect(serverBase('https://cic1.example.com:8019/')).toBe('https://cic1.example.com:8019');
  });

  it('keeps a host whose name starts with icws', () => {
    expect(serverBase('https://icws.example.com:8019')).toBe('https://icws.example.com:8019');
  });
});

describe('the base URL of an alternate host', () => {
  it('reaches a host ICWS names with the scheme and port of the server that named it', () => {
    expect(alternateBase(' cic2 ', 'https://cic1.example.com:8019')).toBe('https://cic2:8019');
  });

  it('reaches a named host on the default port when the naming server used it', () => {
    expect(alternateBase('cic2.example.com', 'https://cic1.example.com')).toBe('https://cic2.example.com');
  });

  it('takes a host:port as it is', () => {
    expect(alternateBase('cic2.example.com:8018', 'https://cic1.example.com:8019')).toBe(
      'https://cic2.example.com:8018',
    );
  });

  it('takes a bracketed IPv6 address with its port as it is, and adds the port to one without', () => {
    expect(alternateBase('[fd00::2]:8018', 'https://cic1.example.com:8019')).toBe('https://[fd00::2]:8018');
    expect(alternateBase('[fd00::2]', 'https://cic1.example.com:8019')).toBe('https://[fd00::2]:8019');
  });

  it('takes a full URL as it is, http or https, without its /icws path', () => {
    expect(alternateBase('https://cic2.example.com:8019/icws', 'http://cic1.example.com:8018')).toBe(
      'https://cic2.example.com:8019',
    );
    expect(alternateBase('HTTP://cic2.example.com:8018', 'https://cic1.example.com:8019')).toBe(
      'HTTP://cic2.example.com:8018',
    );
  });
});

describe('the reason an ICWS answer gives', () => {
  const answered = (status: number, data: unknown) => ({ status, data, headers: {} }) as AxiosResponse;

  it('is the message and the errorId', () => {
    expect(
      icwsReason(
        answered(400, {
          errorId: 'error.request.connection.authenticationFailure',
          errorCode: -2147221503,
          message: 'The authentication process failed.',
        }),
      ),
    ).toBe('The authentication process failed. (error.request.connection.authenticationFailure)');
  });

  it('is the errorId alone when there is no message', () => {
    expect(icwsReason(answered(403, { errorId: 'error.request.accessDenied' }))).toBe(
      'error.request.accessDenied',
    );
  });

  it('is the message alone when there is no errorId', () => {
    expect(icwsReason(answered(500, { message: 'Internal error.' }))).toBe('Internal error.');
  });

  it('leaves out a message or errorId that is not text', () => {
    expect(
      icwsReason(answered(400, { errorId: 'error.request.invalidRepresentation', message: ['bad'] })),
    ).toBe('error.request.invalidRepresentation');
    expect(icwsReason(answered(400, { errorId: -2147221503, message: 'Bad request.' }))).toBe('Bad request.');
  });

  it('is the HTTP status when the body is not JSON, or none', () => {
    expect(icwsReason(answered(502, '<html><body>Bad Gateway</body></html>'))).toBe('HTTP 502');
    expect(icwsReason(answered(503, ''))).toBe('HTTP 503');
    expect(icwsReason(answered(504, undefined))).toBe('HTTP 504');
  });

  it('is read from a body answered as text', () => {
    expect(
      icwsReason(
        answered(503, '{"errorId":"error.server.unavailable","message":"The server is switching over."}'),
      ),
    ).toBe('The server is switching over. (error.server.unavailable)');
  });
});

describe('login', () => {
  it('asks for JSON answers', async () => {
    const server = await emulator();
    await login(request([server.url]));
    expect(server.requests[0]!.headers.accept).toBe('application/json');
  });

  it('accepts a login answered 200 as well as 201', async () => {
    const server = await scripted(() => ({ status: 200, body: loginAnswer(), headers: ICWS_JSON }));
    const session = await login(request([server.url]));
    expect(session.sessionId).toBe('1234567890');
    expect(session.url('/connection')).toBe(`${server.url}/icws/1234567890/connection`);
  });

  it('tries a server listed twice once', async () => {
    const down = await unreachable();
    const error = await failure(login(request([down, `${down}/icws/`])));
    expect(error.message).toBe(
      `no ICWS server accepted the login: ${down}: connect ECONNREFUSED ${down.slice('http://'.length)}`,
    );
  });

  it('says no server was configured when the list is empty', async () => {
    const error = await failure(login(request([])));
    expect(error.message).toBe('no ICWS server accepted the login: no server configured');
  });

  it('goes on to the next server after a 5xx, and names each when none is left', async () => {
    const down = await unreachable();
    const server = await emulator();
    server.controls.failNext(1, 500, '/icws/connection');
    const error = await failure(login(request([server.url, down])));
    expect(error.message).toBe(
      `no ICWS server accepted the login: ${server.url}: Injected 500. (error.server.injected); ` +
        `${down}: connect ECONNREFUSED ${down.slice('http://'.length)}`,
    );
    expect(error.failed).toBe(false);
  });

  it('logs in at the next server after a 5xx at the first', async () => {
    const first = await emulator();
    const second = await emulator();
    first.controls.failNext(1, 500, '/icws/connection');
    const session = await login(request([first.url, second.url]));
    expect(session.server).toBe(second.url);
  });

  it('goes on to the next server after a login answered 204 without a session', async () => {
    const empty = await scripted(() => ({ status: 204 }));
    const error = await failure(login(request([empty.url])));
    expect(error.message).toBe(`no ICWS server accepted the login: ${empty.url}: HTTP 204`);
    expect(error.failed).toBe(false);
  });

  it('names a server that answered 503 without alternates, and tries no other host', async () => {
    const server = await emulator();
    server.controls.unavailable([]);
    const error = await failure(login(request([server.url])));
    expect(error.message).toBe(
      `no ICWS server accepted the login: ${server.url}: 503 The server is switching over. (error.server.unavailable)`,
    );
  });

  it('goes on after a 503 whose body is not JSON (a load balancer page)', async () => {
    const balancer = await scripted(() => ({
      status: 503,
      body: '<html><body>Service Unavailable</body></html>',
      headers: { 'content-type': 'text/html' },
    }));
    const error = await failure(login(request([balancer.url])));
    expect(error.message).toBe(`no ICWS server accepted the login: ${balancer.url}: 503 HTTP 503`);
  });

  it('logs the alternates a 503 names that it has not tried, and logs in at them without a log function', async () => {
    const alternate = await emulator();
    const primary = await emulator();
    primary.controls.unavailable([primary.host, alternate.host]);
    const logged: unknown[] = [];
    const session = await login(
      request([primary.url], { log: (detail, message) => logged.push({ detail, message }) }),
    );
    expect(session.server).toBe(alternate.url);
    expect(logged).toEqual([
      {
        detail: { server: primary.url, alternates: [alternate.url] },
        message: 'ICWS answered 503 (switchover); trying its alternate hosts',
      },
    ]);
    const quiet = await login(request([primary.url]));
    expect(quiet.server).toBe(alternate.url);
  });

  it('says ICWS asked it to slow down when the login is answered 429', async () => {
    const server = await emulator();
    server.controls.failNext(1, 429, '/icws/connection');
    const error = await failure(login(request([server.url])));
    expect(error.message).toBe(`ICWS at ${server.url} asked to slow down (429) before the login`);
    expect(error.retryAfterMs).toBe(1_000);
  });

  it('refused credentials are final and say what to check', async () => {
    const server = await emulator();
    const error = await failure(login(request([server.url], { password: 'wrong' })));
    expect(error.message).toBe(
      `ICWS at ${server.url} refused the login of ${ICWS_EMULATOR_USER}: The authentication process failed. ` +
        '(error.request.connection.authenticationFailure). Check pureconnectUser and pureconnectPassword, that ' +
        'the user holds an ICWS (client access) licence, and that the URL is the ICWS port',
    );
    expect(error.failed).toBe(true);
  });

  it('a stop while logging in ends it at once, saying so', async () => {
    const server = await emulator();
    server.controls.stall(true);
    const stop = new AbortController();
    const pending = failure(login(request([server.url], { signal: stop.signal })));
    setTimeout(() => stop.abort(), 50);
    const error = await pending;
    expect(error.message).toBe('stopped while logging in to ICWS');
    server.controls.stall(false);
  });

  it.each([
    ['a body that is not JSON', '<html>Welcome</html>'],
    ['no csrfToken', loginAnswer({ csrfToken: undefined })],
    ['no sessionId', loginAnswer({ sessionId: undefined })],
  ])('refuses a login answer with %s', async (_, body) => {
    const server = await scripted(() => ({ status: 201, body, headers: ICWS_JSON }));
    const error = await failure(login(request([server.url])));
    expect(error).toBeInstanceOf(SessionError);
    expect(error.message).toBe(`ICWS at ${server.url} answered the login without a sessionId and csrfToken`);
  });

  it('keeps the features ICWS lists, skipping entries that are not objects', async () => {
    const server = await scripted(() => ({
      status: 201,
      body: loginAnswer({ features: ['messaging', null, { featureId: 'Messaging', version: 2 }] }),
      headers: ICWS_JSON,
    }));
    const session = await login(request([server.url]));
    expect(session.features).toEqual([{ featureId: 'Messaging', version: 2 }]);
    expect(session.messagingVersion).toBe(2);
  });

  it('reads messaging version 1 when the login answer lists no features', async () => {
    const server = await scripted(() => ({
      status: 201,
      body: loginAnswer({ features: undefined }),
      headers: ICWS_JSON,
    }));
    const session = await login(request([server.url]));
    expect(session.features).toEqual([]);
    expect(session.messagingVersion).toBe(1);
  });
});

describe('cookies', () => {
  /** ICWS's login answer with these Set-Cookie lines; later requests answered 200 with `later` cookies. */
  async function cookieServer(cookies: string[], later: string[] = []) {
    return scripted(({ method }) =>
      method === 'POST'
        ? { status: 201, body: loginAnswer(), headers: { ...ICWS_JSON, 'set-cookie': cookies } }
        : {
            status: 200,
            body: '{}',
            headers: { ...ICWS_JSON, ...(later.length ? { 'set-cookie': later } : {}) },
          },
    );
  }

  it('sends back every cookie of the login, without attributes', async () => {
    const server = await cookieServer([
      'ININ-ICWS-Session-Affinity=cic1 ; Path=/',
      'icws_1234567890=abc; Path=/icws/1234567890; HttpOnly',
    ]);
    const session = await login(request([server.url]));
    await session.keepAlive();
    expect(server.received[1]!.headers.cookie).toBe('ININ-ICWS-Session-Affinity=cic1; icws_1234567890=abc');
  });

  it('skips Set-Cookie lines without a name=value pair', async () => {
    const server = await cookieServer(['icws_1234567890=abc; Path=/', 'HttpOnly', '=orphan; Path=/']);
    const session = await login(request([server.url]));
    expect(session.headers()).toEqual({
      'ININ-ICWS-CSRF-Token': 'Y3NyZi10b2tlbg==',
      'Accept-Language': 'en-us',
      Cookie: 'icws_1234567890=abc',
    });
  });

  it('sends the cookie value ICWS renewed on a later answer', async () => {
    const server = await cookieServer(['icws_1234567890=abc; Path=/'], ['icws_1234567890=def; Path=/']);
    const session = await login(request([server.url]));
    await session.keepAlive();
    await session.keepAlive();
    expect(server.received.map((r) => r.headers.cookie)).toEqual([
      undefined,
      'icws_1234567890=abc',
      'icws_1234567890=def',
    ]);
  });

  it('reads a Set-Cookie header given as one text, as another HTTP adapter may give it', async () => {
    const http = axios.create({
      validateStatus: () => true,
      adapter: async (config) => ({
        status: 201,
        statusText: 'Created',
        data: JSON.parse(loginAnswer()),
        // Axios types it as a list; an adapter of the host's may still give one text.
        headers: { 'set-cookie': 'icws_1234567890=abc; Path=/' } as unknown as AxiosResponseHeaders,
        config,
      }),
    });
    const session = await login(request(['https://cic1.example.com:8019'], { http }));
    expect(session.headers().Cookie).toBe('icws_1234567890=abc');
  });
});

describe('requests in a session', () => {
  async function session(server: IcwsEmulator, signal = new AbortController().signal): Promise<IcwsSession> {
    return login(request([server.url], { signal }));
  }

  it('keeps the session alive with GET /connection, asking for JSON', async () => {
    const server = await emulator();
    await (await session(server)).keepAlive();
    expect(server.counters.keepAlives).toBe(1);
    expect(server.requests.at(-1)!.headers.accept).toBe('application/json');
  });

  it('sends data as the ICWS media type', async () => {
    const server = await emulator();
    const s = await session(server);
    await s.request('PUT', '/messaging/subscriptions/queues/openconnect-workgroups', {
      data: { queueIds: [{ queueType: 2, queueName: 'Billing' }], attributeNames: ['Eic_State'] },
    });
    expect(server.requests.at(-1)!.headers['content-type']).toBe('application/vnd.inin.icws+JSON');
  });

  it('a 401 means the session is gone', async () => {
    const server = await emulator();
    const s = await session(server);
    server.controls.expireSessions();
    const error = await failure(s.keepAlive());
    expect(error).toBeInstanceOf(IcwsSessionGone);
    expect(error.message).toBe(
      `the ICWS session on ${server.url} is gone (401 on GET /connection); logging in again`,
    );
  });

  it('sends no logout once a request of the session was answered 401, and one otherwise', async () => {
    const server = await emulator();
    const gone = await session(server);
    server.controls.failNext(1, 401, '/connection');
    await failure(gone.keepAlive());
    await gone.logout();
    expect(server.counters.logouts).toBe(0);
    await (await session(server)).logout();
    expect(server.counters.logouts).toBe(1);
  });

  it('a 503 names the alternate hosts, also on a request answered as text', async () => {
    const alternate = await emulator();
    const server = await emulator();
    const s = await session(server);
    server.controls.unavailable([alternate.host]);
    const error = (await failure(s.request('GET', '/messaging/messages', { text: true }))) as IcwsUnavailable;
    expect(error).toBeInstanceOf(IcwsUnavailable);
    expect(error.message).toBe(
      `ICWS on ${server.url} answered 503 (The server is switching over. (error.server.unavailable)); logging in again`,
    );
    expect(error.alternates).toEqual([alternate.url]);
  });

  it('a 429 asks to slow down for as long as Retry-After says', async () => {
    const server = await emulator();
    const s = await session(server);
    server.controls.failNext(1, 429, '/messaging/messages');
    const error = await failure(s.request('GET', '/messaging/messages'));
    expect(error.message).toBe(`ICWS on ${server.url} asked to slow down (429 on GET /messaging/messages)`);
    expect(error.retryAfterMs).toBe(1_000);
  });

  it('a stop cancels a request ICWS has not answered', async () => {
    const server = await emulator();
    const stop = new AbortController();
    const s = await session(server, stop.signal);
    server.controls.stall(true);
    const pending = failure(s.request('GET', '/messaging/messages'));
    setTimeout(() => stop.abort(), 50);
    const error = await pending;
    expect(axios.isCancel(error)).toBe(true);
    server.controls.stall(false);
  });
});

describe('queue subscriptions', () => {
  it('plans no workgroup subscription when no workgroup is watched', () => {
    expect(
      planSubscriptions({
        pureconnectUserQueues: ['jdoe', 'jdoe'],
        pureconnectWorkgroupQueues: [],
        pureconnectAttributes: [],
      }),
    ).toEqual([
      { id: 'openconnect-user-jdoe', queueIds: [{ queueType: 1, queueName: 'jdoe' }], agent: 'jdoe' },
    ]);
  });

  it('names each attribute once, whatever its case', () => {
    expect(attributeNames(['eic_state', 'AccountNumber', 'accountnumber']).slice(-2)).toEqual([
      'Eic_ConferenceId',
      'AccountNumber',
    ]);
  });

  async function refusal(status: number, plan = planSubscriptions(PLAN)) {
    const server = await emulator();
    const s = await login(request([server.url]));
    server.controls.failNext(1, status, '/messaging/subscriptions/queues/');
    return failure(subscribe(s, plan, ['Eic_State']));
  }
  const PLAN = {
    pureconnectUserQueues: [],
    pureconnectWorkgroupQueues: ['Billing', 'Support'],
    pureconnectAttributes: [],
  };

  it('a refused workgroup subscription names its queues and what to check, and is final', async () => {
    const error = await refusal(400);
    expect(error.message).toBe(
      'ICWS refused the subscription to workgroup queue Billing, workgroup queue Support: Injected 400. ' +
        '(error.server.injected). Check that the queue exists and that the session user has the right to view it',
    );
    expect(error.failed).toBe(true);
  });

  it('a subscription answered 5xx is not final', async () => {
    expect((await refusal(500)).failed).toBe(false);
  });

  it('an answer outside 2xx is a refusal, not final', async () => {
    const error = await refusal(300);
    expect(error.message).toContain('ICWS refused the subscription to workgroup queue Billing');
    expect(error.failed).toBe(false);
  });

  it('a subscription answered 200 is taken', async () => {
    const server = await scripted(({ method }) =>
      method === 'POST'
        ? { status: 201, body: loginAnswer(), headers: ICWS_JSON }
        : { status: 200, body: '{}', headers: ICWS_JSON },
    );
    const s = await login(request([server.url]));
    await subscribe(s, planSubscriptions(PLAN), ['Eic_State']);
    expect(server.received.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /icws/connection?include=features',
      'PUT /icws/1234567890/messaging/subscriptions/queues/openconnect-workgroups',
    ]);
  });
});

describe('ICWS options', () => {
  const full = {
    pureconnectServer: 'https://cic1.example.com:8019',
    pureconnectUser: 'svc',
    pureconnectPassword: 'pw',
    pureconnectUserQueues: [],
    pureconnectWorkgroupQueues: ['Billing'],
  };

  it('runs with the whole login and one queue', () => {
    expect(icwsEnabled(full)).toBe(true);
    expect(icwsEnabled({ ...full, pureconnectWorkgroupQueues: [], pureconnectUserQueues: ['jdoe'] })).toBe(
      true,
    );
  });

  it.each([
    ['the server', { pureconnectServer: undefined }],
    ['the user', { pureconnectUser: undefined }],
    ['the password', { pureconnectPassword: undefined }],
    ['the server and the user', { pureconnectServer: undefined, pureconnectUser: undefined }],
    ['a queue', { pureconnectWorkgroupQueues: [] }],
  ])('does not run without %s', (_, missing) => {
    expect(icwsEnabled({ ...full, ...missing })).toBe(false);
  });

  const why = 'the built-in ICWS session (pureconnect-icws) needs it once any of its options is set';

  it('names every missing option when only the server is set', () => {
    expect(
      icwsProblems({
        pureconnectServer: 'https://cic1.example.com:8019',
        pureconnectUserQueues: [],
        pureconnectWorkgroupQueues: [],
      }),
    ).toEqual([
      { path: 'pureconnectUser', message: `the IC user id to log in with is missing: ${why}` },
      { path: 'pureconnectPassword', message: `that IC user's password is missing: ${why}` },
      {
        path: 'pureconnectUserQueues',
        message: `no queue to watch: list IC user ids in pureconnectUserQueues and/or workgroup names in pureconnectWorkgroupQueues (${why})`,
      },
    ]);
  });

  it('names the missing server when only a queue is set', () => {
    expect(icwsProblems({ pureconnectUserQueues: [], pureconnectWorkgroupQueues: ['Billing'] })).toEqual([
      {
        path: 'pureconnectServer',
        message: `the ICWS server URL (e.g. https://cic1.example.com:8019) is missing: ${why}`,
      },
      { path: 'pureconnectUser', message: `the IC user id to log in with is missing: ${why}` },
      { path: 'pureconnectPassword', message: `that IC user's password is missing: ${why}` },
    ]);
  });

  it('reports half-configured sessions as custom issues on their options, which the runner shows as they are', () => {
    const result = connector.config.safeParse({
      cloudNotifyQueues: ['Support'],
      cloudClientId: 'a1b2c3d4-0000-4000-8000-00000000c11e',
      pureconnectServer: 'https://cic1.example.com:8019',
      pureconnectUser: 'svc',
      pureconnectUserQueues: ['jdoe'],
      pureengageApiUrl: 'https://api-usw1.genhtcc.com',
      pureengageApiKey: 'k',
      pureengageClientId: 'c',
      pureengageClientSecret: 's',
    });
    expect(result.error?.issues.map(({ code, path }) => `${code} ${path.join('.')}`)).toEqual([
      'custom cloudClientSecret',
      'custom pureconnectPassword',
      'custom pureengageAgents',
    ]);
  });
});
