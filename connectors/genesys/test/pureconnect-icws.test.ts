// The built-in ICWS session against the emulator: the login and what every later request carries, the
// queue subscriptions, SSE or polling, each fault ICWS can show (401, connection down, 503 with alternate
// hosts, a stall, malformed and duplicate messages), and that no fault pops a call twice.
import {
  ConfigError,
  createMemoryStateStore,
  createRuntime,
  handleFrame,
  type PreparedMessage,
  runSession,
  SessionError,
  type SessionStatus,
} from '@openconnect/core';
import { hostSubscription, type TestHost } from '@openconnect/core/testing';
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ICWS_EMULATOR_PASSWORD,
  ICWS_EMULATOR_USER,
  type IcwsEmulator,
  type IcwsEmulatorOptions,
  startIcwsEmulator,
} from '../src/emulators/index.js';
import { ICWS_ATTRIBUTES } from '../src/icws/settings.js';
import connector, { type GenesysConfig } from '../src/index.js';
import { IDLE_MS, icwsSettings } from './icws-harness.js';
import { settings } from './settings.js';

const subscription = connector.subscriptions!.find((s) => s.id === 'pureconnect-icws')!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function emulator(options: IcwsEmulatorOptions = {}): Promise<IcwsEmulator> {
  const started = await startIcwsEmulator({ sessionIdleMs: IDLE_MS, pingMs: 200, ...options });
  opened.push(started);
  return started;
}

function host(server: IcwsEmulator, options: Record<string, unknown> = {}): TestHost {
  const runtime = createRuntime(connector, icwsSettings(server, options), {
    state: createMemoryStateStore(),
  });
  const held = hostSubscription(runtime, subscription);
  opened.push({ close: () => held.stop() });
  return held;
}

const pops = (messages: PreparedMessage[]) =>
  messages.map((m) => `${m.agentid} ${m.lifecycle} ${m.props.interactionId}`);

async function connected(h: TestHost) {
  await h.until('the session to connect', () => h.connected);
}

/** Login requests a server received (a 503 answer counted too). */
const loginsAt = (server: IcwsEmulator) =>
  server.requests.filter((r) => r.method === 'POST' && r.path === '/icws/connection').length;

/** Logout requests a server received, answered or not. */
const logoutsAt = (server: IcwsEmulator) =>
  server.requests.filter((r) => r.method === 'DELETE' && /^\/icws\/[^/]+\/connection$/.test(r.path)).length;

describe.each([
  { mode: 'server-sent events', version: 2 },
  { mode: 'polling', version: 1 },
])('by $mode', ({ version }) => {
  it('pops offered, answered and ended once each for A → C → E → removed, though two subscriptions see the call', async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    await server.controls.lifecycle({ id: '1001', user: 'jdoe', workgroup: 'Billing' });
    await h.until('three pops', () => h.messages.length >= 3);
    await sleep(300);
    expect(pops(h.messages)).toEqual(['jdoe offered 1001', 'jdoe answered 1001', 'jdoe ended 1001']);
  });

  it('pops Eic_State sent as a number exactly as the letter', async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    await server.controls.lifecycle({ id: '2001', user: 'jdoe' });
    await server.controls.lifecycle({ id: '2002', user: 'jdoe', numeric: true });
    await h.until('six pops', () => h.messages.length >= 6);
    const shown = (id: string) =>
      h.messages
        .filter((m) => m.props.interactionId === id)
        .map(({ agentid, lifecycle, props }) => ({
          agentid,
          lifecycle,
          props: { ...props, interactionId: 'x', Eic_CallId: 'x' } as Record<string, unknown>,
        }));
    expect(shown('2002')).toEqual(shown('2001'));
    expect(shown('2002').map((m) => [m.lifecycle, m.props.Eic_State])).toEqual([
      ['offered', 'A'],
      ['answered', 'C'],
      ['ended', 'E'],
    ]);
  });

  it('logs in again after the session expired (401), re-subscribes, and the snapshot pops nothing already popped', async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    const call = server.controls.call('3001', {
      Eic_CallId: '3001',
      Eic_State: 'A',
      Eic_UserName: 'jdoe',
      Eic_WorkgroupName: 'Billing',
    });
    call.state('C');
    await h.until('offered and answered', () => h.messages.length >= 2);
    server.controls.expireSessions();
    await h.until(
      'a second login with its three subscriptions',
      () => server.counters.logins >= 2 && server.counters.subscribes >= 6,
    );
    await h.until('the second session to connect', () => h.connected);
    await sleep(300);
    expect(pops(h.messages)).toEqual(['jdoe offered 3001', 'jdoe answered 3001']);
    call.state('E');
    await h.until('ended', () => h.messages.length >= 3);
    expect(pops(h.messages)).toEqual(['jdoe offered 3001', 'jdoe answered 3001', 'jdoe ended 3001']);
    expect(h.errors.join(' ')).toContain('401');
  });

  it('pops once, from the snapshot, a call answered while it was logged out', async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    const call = server.controls.call('3101', { Eic_CallId: '3101', Eic_State: 'A', Eic_UserName: 'jdoe' });
    await h.until('offered', () => h.messages.length >= 1);
    server.controls.expireSessions();
    call.state('C'); // no session to tell
    await h.until('answered, from the new session', () => h.messages.length >= 2);
    await sleep(300);
    expect(pops(h.messages)).toEqual(['jdoe offered 3101', 'jdoe answered 3101']);
  });

  it.each([
    ['down', 'string' as const],
    ['2', 'number' as const],
  ])('logs in again after a connection-down message (newConnectionState %s)', async (_, connectionState) => {
    const server = await emulator({ messagingVersion: version, connectionState });
    const h = host(server);
    await connected(h);
    server.controls.connectionDown('The server is shutting down.');
    await h.until('a second login', () => server.counters.logins >= 2);
    await h.until('the second session to connect', () => h.connected);
    expect(h.errors.join(' ')).toContain('connection is down (The server is shutting down.)');
    await server.controls.lifecycle({ id: '4001', user: 'asmith' });
    await h.until('three pops', () => h.messages.length >= 3);
    expect(pops(h.messages)).toEqual(['asmith offered 4001', 'asmith answered 4001', 'asmith ended 4001']);
  });

  it('pops nothing for duplicate messages', async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    const call = server.controls.call('5001', { Eic_CallId: '5001', Eic_State: 'A', Eic_UserName: 'jdoe' });
    server.controls.repeatLast();
    call.state('C');
    server.controls.repeatLast();
    server.controls.repeatLast();
    await h.until('two pops', () => h.messages.length >= 2);
    await sleep(400);
    expect(pops(h.messages)).toEqual(['jdoe offered 5001', 'jdoe answered 5001']);
  });

  it('counts a message without __type as a bad frame and goes on', async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    server.controls.sendMalformed('shape');
    await h.until('the bad frame', () => h.badFrames.length >= 1);
    expect(h.badFrames[0]).toContain('__type');
    await server.controls.lifecycle({ id: '5101', user: 'jdoe' });
    await h.until('three pops', () => h.messages.length >= 3);
    expect(h.sessions).toBe(1);
  });

  it('logs in at the alternate host a 503 names, and goes on there', async () => {
    const alternate = await emulator({ messagingVersion: version });
    const primary = await emulator({ messagingVersion: version });
    primary.controls.unavailable([alternate.host]);
    const h = host(primary);
    await connected(h);
    expect(alternate.counters.logins).toBe(1);
    expect(primary.counters.unavailable).toBeGreaterThanOrEqual(1);
    await alternate.controls.lifecycle({ id: '6001', user: 'jdoe' });
    await h.until('three pops', () => h.messages.length >= 3);
    expect(pops(h.messages)).toEqual(['jdoe offered 6001', 'jdoe answered 6001', 'jdoe ended 6001']);
  });

  it("a transfer between two watched user queues ends the first agent's part once and offers the call to the second", async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    const call = server.controls.call('9001', {
      Eic_CallId: '9001',
      Eic_State: 'A',
      Eic_UserName: 'jdoe',
      Eic_WorkgroupName: 'Billing',
    });
    call.state('C');
    await h.until('offered and answered', () => h.messages.length >= 2);
    call.update({ Eic_UserName: 'asmith', Eic_State: 'A' });
    call.state('C');
    await h.until('four more pops', () => h.messages.length >= 5);
    await sleep(300);
    expect(pops(h.messages)).toEqual([
      'jdoe offered 9001',
      'jdoe answered 9001',
      'jdoe ended 9001',
      'asmith offered 9001',
      'asmith answered 9001',
    ]);
  });

  it('does not log out a session ICWS said is down', async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    server.controls.connectionDown('The server is shutting down.');
    await h.until('a second login', () => server.counters.logins >= 2);
    expect(logoutsAt(server)).toBe(0);
  });

  it('does not log out a session that is gone (401)', async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    server.controls.expireSessions();
    await h.until('a second login', () => server.counters.logins >= 2);
    expect(h.errors.join(' ')).toContain('401');
    expect(logoutsAt(server)).toBe(0);
  });

  it('logs in again at the alternate a 503 named when its session there ends, without asking the first server again', async () => {
    const alternate = await emulator({ messagingVersion: version });
    const primary = await emulator({ messagingVersion: version });
    primary.controls.unavailable([alternate.host]);
    const h = host(primary);
    await connected(h);
    alternate.controls.expireSessions();
    await h.until('a second login at the alternate', () => alternate.counters.logins >= 2);
    expect(loginsAt(primary)).toBe(1);
  });

  it('on a clean stop deletes its queue subscriptions and logs out', async () => {
    const server = await emulator({ messagingVersion: version });
    const h = host(server);
    await connected(h);
    expect(server.sessions()).toHaveLength(1);
    await h.stop();
    expect(server.counters.unsubscribes).toBe(3);
    expect(server.counters.logouts).toBe(1);
    expect(server.sessions()).toEqual([]);
  });
});

describe('login and requests', () => {
  it('logs in with the ICWS media type, language and body, then sends the cookie and CSRF token on every request', async () => {
    const server = await emulator();
    const h = host(server, { pureconnectAttributes: ['AccountNumber', 'eic_state'] });
    await connected(h);
    await sleep(300);
    const [loginRequest, ...later] = server.requests;
    expect(loginRequest).toMatchObject({
      method: 'POST',
      path: '/icws/connection',
      query: '?include=features',
      headers: { 'content-type': 'application/vnd.inin.icws+JSON', 'accept-language': 'en-us' },
      body: {
        __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
        applicationName: 'OpenConnect runner',
        userID: ICWS_EMULATOR_USER,
        password: '***',
      },
    });
    const [session] = server.sessions();
    expect(later.length).toBeGreaterThanOrEqual(4);
    for (const request of later) {
      expect(request.path.startsWith(`/icws/${session!.id}/`)).toBe(true);
      expect(request.headers['inin-icws-csrf-token']).toBeTruthy();
      expect(request.headers.cookie).toMatch(new RegExp(`icws_${session!.id}=`));
    }
    expect(server.counters.unauthorized).toBe(0);
  });

  it('subscribes once per user queue and once for all workgroups, with the attributes the mapping reads', async () => {
    const server = await emulator();
    const h = host(server, {
      pureconnectWorkgroupQueues: ['Billing', 'Support'],
      pureconnectAttributes: ['AccountNumber', 'eic_state'],
    });
    await connected(h);
    const attributeNames = [...ICWS_ATTRIBUTES, 'AccountNumber'];
    expect(server.sessions()[0]!.subscriptions).toEqual([
      { id: 'openconnect-user-jdoe', queueIds: [{ queueType: 1, queueName: 'jdoe' }], attributeNames },
      { id: 'openconnect-user-asmith', queueIds: [{ queueType: 1, queueName: 'asmith' }], attributeNames },
      {
        id: 'openconnect-workgroups',
        queueIds: [
          { queueType: 2, queueName: 'Billing' },
          { queueType: 2, queueName: 'Support' },
        ],
        attributeNames,
      },
    ]);
  });

  it('the emulator refuses a session request without the cookie, or without the CSRF token (401)', async () => {
    const server = await emulator();
    const login = await axios.post(
      `${server.url}/icws/connection`,
      {
        __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
        applicationName: 't',
        userID: ICWS_EMULATOR_USER,
        password: ICWS_EMULATOR_PASSWORD,
      },
      { headers: { 'content-type': 'application/vnd.inin.icws+JSON', 'accept-language': 'en-us' } },
    );
    const { sessionId, csrfToken } = login.data as { sessionId: string; csrfToken: string };
    const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]!;
    const get = (headers: Record<string, string>) =>
      axios
        .get(`${server.url}/icws/${sessionId}/connection`, { headers, validateStatus: () => true })
        .then((r) => r.status);
    expect(await get({ cookie, 'ININ-ICWS-CSRF-Token': csrfToken })).toBe(200);
    expect(await get({ 'ININ-ICWS-CSRF-Token': csrfToken })).toBe(401);
    expect(await get({ cookie })).toBe(401);
    expect(await get({ cookie, 'ININ-ICWS-CSRF-Token': 'guessed' })).toBe(401);
  });

  it('uses server-sent events when messaging version 2 is offered, and never polls', async () => {
    const server = await emulator({ messagingVersion: 2 });
    const h = host(server);
    await connected(h);
    await server.controls.lifecycle({ id: '7001', user: 'jdoe' });
    await h.until('three pops', () => h.messages.length >= 3);
    expect(server.counters.streams).toBe(1);
    expect(server.counters.polls).toBe(0);
  });

  it('polls when only messaging version 1 is offered, at the configured interval', async () => {
    const server = await emulator({ messagingVersion: 1 });
    const h = host(server, { pureconnectPollIntervalMs: 250 });
    await connected(h);
    const before = server.counters.polls;
    await sleep(1_300);
    expect(server.counters.polls - before).toBeGreaterThanOrEqual(4);
    expect(server.counters.polls - before).toBeLessThanOrEqual(7);
    expect(server.counters.streams).toBe(0);
  });

  it('polls when pureconnectMessaging is poll, though version 2 is offered', async () => {
    const server = await emulator({ messagingVersion: 2 });
    const h = host(server, { pureconnectMessaging: 'poll' });
    await connected(h);
    await server.controls.lifecycle({ id: '7101', user: 'jdoe' });
    await h.until('three pops', () => h.messages.length >= 3);
    expect(server.counters.streams).toBe(0);
    expect(server.counters.polls).toBeGreaterThan(0);
  });

  it('logs in again without a logout when a keep-alive finds the session gone (401)', async () => {
    const server = await emulator({ messagingVersion: 2 });
    const h = host(server);
    await connected(h);
    // The event stream stays open; only the next keep-alive (GET /icws/{session}/connection) learns of the end.
    server.controls.failNext(1, 401, '/connection');
    await h.until('a second login', () => server.counters.logins >= 2);
    expect(h.errors.join(' ')).toContain('401');
    expect(logoutsAt(server)).toBe(0);
  });

  it('keeps an event-stream session alive with keep-alive requests; a polled one needs none', async () => {
    const streamed = await emulator({ messagingVersion: 2 });
    const polled = await emulator({ messagingVersion: 1 });
    const a = host(streamed);
    const b = host(polled);
    await connected(a);
    await connected(b);
    await sleep(IDLE_MS * 2);
    expect(streamed.counters.keepAlives).toBeGreaterThanOrEqual(2);
    expect(polled.counters.keepAlives).toBe(0);
    expect(streamed.counters.expirations + polled.counters.expirations).toBe(0);
    expect(a.sessions + b.sessions).toBe(2);
  });

  it('reopens a stalled event stream, then logs in again and pops a change made meanwhile once', async () => {
    const server = await emulator({ messagingVersion: 2, pingMs: 100 });
    const h = host(server, { pureconnectStreamTimeoutMs: 1_000 });
    await connected(h);
    const call = server.controls.call('8001', { Eic_CallId: '8001', Eic_State: 'A', Eic_UserName: 'jdoe' });
    await h.until('offered', () => h.messages.length >= 1);
    server.controls.stall(true);
    call.state('C');
    await h.until('the stream to be given up', () => h.statuses.includes('degraded'), 5_000);
    await sleep(1_200);
    server.controls.stall(false);
    await h.until('a new login', () => server.counters.logins >= 2, 15_000);
    await h.until('answered', () => h.messages.length >= 2);
    await sleep(300);
    expect(pops(h.messages)).toEqual(['jdoe offered 8001', 'jdoe answered 8001']);
    // The first stream, the reopening (held by the stall), the new session's stream.
    expect(
      server.requests.filter((r) => r.path.endsWith('/messaging/messages')).length,
    ).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('ends the session when a poll stalls past the request timeout, and logs in again', async () => {
    const server = await emulator({ messagingVersion: 1 });
    const h = host(server);
    await connected(h);
    server.controls.stall(true);
    await h.until('the poll to time out', () => h.errors.some((e) => e.includes('timeout')), 8_000);
    expect(server.counters.logins).toBe(1);
    server.controls.stall(false);
    await h.until('a new login', () => server.counters.logins >= 2, 15_000);
    await h.until('the new session to connect', () => h.connected);
    await server.controls.lifecycle({ id: '8101', user: 'jdoe' });
    await h.until('three pops', () => h.messages.length >= 3);
  }, 30_000);

  it('logs in at the next configured server when the first cannot be reached', async () => {
    const closed = await emulator();
    const unreachable = closed.url;
    await closed.close();
    const server = await emulator();
    const h = host(server, { pureconnectServer: unreachable, pureconnectAlternateServers: [server.url] });
    await connected(h);
    expect(server.counters.logins).toBe(1);
  });

  it('after a 503 in the middle of a session, logs in again at the alternate host it names', async () => {
    const alternate = await emulator({ messagingVersion: 1 });
    const primary = await emulator({ messagingVersion: 1 });
    const h = host(primary);
    await connected(h);
    primary.controls.unavailable([alternate.host]);
    await h.until('a login at the alternate', () => alternate.counters.logins === 1);
    await h.until('the new session to connect', () => h.connected);
    expect(h.errors.join(' ')).toContain('503');
    await alternate.controls.lifecycle({ id: '6101', user: 'asmith' });
    await h.until('three pops', () => h.messages.length >= 3);
  });

  it('waits as ICWS asks when it answers 429 to the login', async () => {
    const server = await emulator();
    server.controls.failNext(1, 429, '/icws/connection');
    const runtime = createRuntime(connector, icwsSettings(server), { state: createMemoryStateStore() });
    const error = await once(runtime).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as SessionError).retryAfterMs).toBe(1_000);
    expect((error as SessionError).failed).toBe(false);
  });

  it('fails naming the queue when ICWS refuses a queue subscription', async () => {
    const server = await emulator({ viewable: { users: ['jdoe'] } });
    const runtime = createRuntime(connector, icwsSettings(server), { state: createMemoryStateStore() });
    const error = (await once(runtime).catch((e: unknown) => e)) as SessionError;
    expect(error.failed).toBe(true);
    expect(error.message).toContain('user queue asmith');
    expect(error.message).toContain('does not have rights to view the queue asmith');
    expect(server.counters.logouts).toBe(1);
  });

  it('fails when pureconnectMessaging is sse and ICWS offers only messaging version 1', async () => {
    const server = await emulator({ messagingVersion: 1 });
    const runtime = createRuntime(connector, icwsSettings(server, { pureconnectMessaging: 'sse' }), {
      state: createMemoryStateStore(),
    });
    const error = (await once(runtime).catch((e: unknown) => e)) as SessionError;
    expect(error.failed).toBe(true);
    expect(error.message).toContain('messaging version 1');
  });
});

describe('what the dashboard shows', () => {
  it('while logging in: the server it logs in to and the user', async () => {
    const server = await emulator();
    const runtime = createRuntime(connector, icwsSettings(server), { state: createMemoryStateStore() });
    const seen: string[] = [];
    await once(runtime, seen, (stop) => stop());
    expect(seen[0]).toBe(`connecting logging in to ICWS at ${server.url} as ${ICWS_EMULATOR_USER}`);
  });

  it.each([
    { version: 2, options: {}, how: 'server-sent events' },
    { version: 1, options: { pureconnectPollIntervalMs: 250 }, how: 'polling every 250 ms' },
  ])(
    'once connected: the user, the server, the queue subscriptions and messages by $how',
    async ({ version, options, how }) => {
      const server = await emulator({ messagingVersion: version });
      const runtime = createRuntime(connector, icwsSettings(server, options), {
        state: createMemoryStateStore(),
      });
      const seen: string[] = [];
      await once(runtime, seen, (stop) => stop());
      expect(seen.filter((line) => line.startsWith('connected '))).toEqual([
        `connected ICWS session of ${ICWS_EMULATOR_USER} on ${server.url}: 3 queue subscription(s), messages by ${how}`,
      ]);
    },
  );
});

describe('switchover and keep-alive', () => {
  it('logs a warning naming the server that answered the login 503 and the alternates it tries', async () => {
    const alternate = await emulator();
    const primary = await emulator();
    primary.controls.unavailable([alternate.host]);
    const h = host(primary);
    await connected(h);
    expect(h.logs.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        detail: { server: primary.url, alternates: [alternate.url] },
        message: 'ICWS answered 503 (switchover); trying its alternate hosts',
      },
    ]);
  });

  it('after a 503 in the middle of a session, logs in at the alternate it names without asking that server again', async () => {
    const alternate = await emulator({ messagingVersion: 1 });
    const primary = await emulator({ messagingVersion: 1 });
    const h = host(primary);
    await connected(h);
    primary.controls.unavailable([alternate.host]);
    await h.until('a login at the alternate', () => alternate.counters.logins === 1);
    expect(loginsAt(primary)).toBe(1);
  });

  it('sends no keep-alive while the session is young: the first waits until its timeout nears', async () => {
    const server = await emulator({ messagingVersion: 2, sessionIdleMs: 20_000 });
    const h = host(server, { pureconnectSessionTimeoutMs: 10_000 });
    await connected(h);
    await sleep(500);
    expect(server.counters.keepAlives).toBe(0);
  });

  it('a keep-alive answered 401 ends the session, naming the failed renewal, and it logs in again', async () => {
    const server = await emulator({ messagingVersion: 2 });
    const h = host(server);
    await connected(h);
    server.controls.failNext(1, 401, '/connection');
    await h.until('a second login', () => server.counters.logins >= 2);
    expect(h.errors).toEqual([
      `renewing the ICWS session failed: the ICWS session on ${server.url} is gone (401 on GET /connection); logging in again`,
    ]);
  });

  it('a keep-alive answered 503 naming an alternate: logs in at the alternate without asking that server again', async () => {
    const alternate = await emulator({ messagingVersion: 2 });
    const primary = await emulator({ messagingVersion: 2 });
    const h = host(primary);
    await connected(h);
    primary.controls.unavailable([alternate.host]);
    await h.until('a login at the alternate', () => alternate.counters.logins === 1);
    expect(h.errors.join(' ')).toContain('503');
    expect(loginsAt(primary)).toBe(1);
  });

  it('after a keep-alive answered 401 at the alternate a 503 named, logs in there again without asking the first server', async () => {
    const alternate = await emulator({ messagingVersion: 2 });
    const primary = await emulator({ messagingVersion: 2 });
    primary.controls.unavailable([alternate.host]);
    const h = host(primary);
    await connected(h);
    alternate.controls.failNext(1, 401, '/connection');
    await h.until('a second login at the alternate', () => alternate.counters.logins >= 2);
    expect(h.errors.join(' ')).toContain('renewing the ICWS session failed');
    expect(loginsAt(primary)).toBe(1);
  });
});

describe('stopping', () => {
  it('a stop while a poll is unanswered ends the session without an error', async () => {
    const server = await emulator({ messagingVersion: 1 });
    const h = host(server);
    await connected(h);
    server.controls.stall(true);
    const before = server.requests.length;
    await h.until('a poll held unanswered', () => server.requests.length > before);
    const stopping = h.stop();
    server.controls.stall(false);
    await stopping;
    expect(h.errors).toEqual([]);
  });
});

describe('frames', () => {
  const runtime = () => createRuntime(connector, settings, { state: createMemoryStateStore() });
  const queueMessage = {
    __type: 'urn:inin.com:queues:queueContentsMessage',
    subscriptionId: 'openconnect-user-jdoe',
    isDelta: true,
    interactionsAdded: [
      { interactionId: '1001234567', attributes: { Eic_CallId: '1001234567', Eic_State: 'A' } },
    ],
  };

  it('refuses an ICWS message not wrapped in {message, headers?}, naming the frame shape', async () => {
    const outcome = await handleFrame(runtime(), subscription, queueMessage);
    expect(outcome).toMatchObject({ kind: 'invalid', reason: 'an ICWS frame is {message, headers?}' });
  });

  it('reads no agent from a header whose value is not text', async () => {
    const outcome = await handleFrame(runtime(), subscription, {
      message: queueMessage,
      headers: { 'X-Genesys-Agent': 1001 },
    });
    expect(outcome).toMatchObject({
      kind: 'ignored',
      reason: 'interaction 1001234567: no agent yet (no Eic_UserName, no x-genesys-agent header)',
    });
  });
});

describe('credentials', () => {
  const PASSWORD = 'not-the-right-password-4711';

  it('a wrong password fails with ICWS reason, and the password appears nowhere', async () => {
    const server = await emulator();
    const runtime = createRuntime(connector, icwsSettings(server, { pureconnectPassword: PASSWORD }), {
      state: createMemoryStateStore(),
    });
    const seen: string[] = [];
    const error = (await once(runtime, seen).catch((e: unknown) => e)) as SessionError;
    expect(error).toBeInstanceOf(SessionError);
    expect(error.failed).toBe(true);
    expect(error.message).toContain(
      'The authentication process failed. (error.request.connection.authenticationFailure)',
    );
    expect(error.message).toContain(ICWS_EMULATOR_USER);
    expect([error.message, error.stack, ...seen].join('\n')).not.toContain(PASSWORD);
    expect(server.counters.refusedLogins).toBe(1);
  });

  it('the password appears in no error, status or log line through faults', async () => {
    const alternate = await emulator();
    const server = await emulator();
    const runtime = createRuntime(connector, icwsSettings(server), { state: createMemoryStateStore() });
    const seen: string[] = [];
    const run = (fault: () => void) =>
      once(runtime, seen, () => {
        setTimeout(fault, 200);
      }).catch((e: unknown) => seen.push(String((e as Error).message), String((e as Error).stack)));
    await run(() => server.controls.expireSessions());
    await run(() => server.controls.connectionDown('maintenance'));
    await run(() => server.controls.sendMalformed('text'));
    await run(() => server.controls.unavailable([alternate.host]));
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.join('\n')).not.toContain(ICWS_EMULATOR_PASSWORD);
  });
});

describe('config', () => {
  const options = (more: Record<string, unknown>) => ({
    ...settings,
    options: { ...settings.options, ...more },
  });

  it('is a config error naming each missing option when the session is half configured', () => {
    expect(() =>
      createRuntime(connector, options({ pureconnectServer: 'https://cic1.example.com:8019' })),
    ).toThrow(ConfigError);
    try {
      createRuntime(
        connector,
        options({ pureconnectServer: 'https://cic1.example.com:8019', pureconnectUser: 'svc' }),
      );
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('pureconnectPassword');
      expect(message).toContain('pureconnectUserQueues');
      expect(message).not.toContain('pureconnectServer:');
    }
    expect(() => createRuntime(connector, options({ pureconnectWorkgroupQueues: ['Billing'] }))).toThrow(
      /pureconnectServer/,
    );
  });

  it('runs only when the login and at least one queue are configured', () => {
    const config = (more: Record<string, unknown>) =>
      createRuntime(connector, options(more)).config as GenesysConfig;
    expect(subscription.enabled(config({}))).toBe(false);
    const full = {
      pureconnectServer: 'https://cic1.example.com:8019',
      pureconnectUser: 'svc',
      pureconnectPassword: 'pw',
      pureconnectWorkgroupQueues: ['Billing'],
    };
    expect(subscription.enabled(config(full))).toBe(true);
  });
});

/**
 * One session through the core's runSession, as a host runs it, with every status and log line kept in
 * `seen`. `started` runs once it is connected (it may stop the session); the session is stopped 3 s after it
 * began if still running.
 */
async function once(
  runtime: ReturnType<typeof createRuntime>,
  seen: string[] = [],
  started?: (stop: () => void) => void,
): Promise<void> {
  const controller = new AbortController();
  const log = (level: string) => (detail: Record<string, unknown>, message: string) => {
    seen.push(`${level} ${message} ${JSON.stringify(detail)}`);
  };
  const timer = setTimeout(() => controller.abort(), 3_000);
  try {
    await runSession(
      runtime,
      subscription,
      {
        http: axios.create({ timeout: 5_000, validateStatus: () => true }),
        publicUrl: 'http://127.0.0.1:8080',
        log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
        store: async (messages) => ({ stored: messages.length, duplicates: 0 }),
        onStatus(status: SessionStatus, detail?: string) {
          seen.push(`${status} ${detail ?? ''}`);
          if (status === 'connected') started?.(() => controller.abort());
        },
        onBadFrame: (reason) => seen.push(`bad frame ${reason}`),
        onRenewal: (what, ok, error) => seen.push(`renewal ${what} ${ok} ${error ?? ''}`),
      },
      controller.signal,
    );
  } finally {
    clearTimeout(timer);
  }
}
