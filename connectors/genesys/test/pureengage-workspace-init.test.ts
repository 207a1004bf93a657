// The Workspace session's own words and its initialization: the status an admin reads, the initialization
// failing, timing out or naming the agent login, the CometD handshake refused, the frames it accepts, and
// when it logs the Workspace session out.
import { InputError, SessionError } from '@openconnect/core';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { pureengageWorkspace } from '../src/pureengage-workspace.js';
import { AgentToken } from '../src/workspace/auth.js';
import { Notifications } from '../src/workspace/notifications.js';
import { initializeWorkspace } from '../src/workspace/rest.js';
import { AKIM, agentsOf, JSMITH } from './workspace-harness.js';
import { connected, emulator, host, once, runtimeFor, sleep } from './workspace-hosts.js';

const stopWhenConnected = { started: (stop: () => void) => stop() };

async function failure(run: Promise<void>): Promise<SessionError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SessionError);
  return error as SessionError;
}

describe('the Workspace session tells the admin', () => {
  it('that it signs the agent in, then which agent and DN it holds', async () => {
    const server = await emulator();
    const seen: string[] = [];
    await once(runtimeFor(server), seen, stopWhenConnected);
    expect(seen.filter((s) => /^(connecting|connected) /.test(s))).toEqual([
      'connecting signing acme\\jsmith in to the Authentication API',
      'connected Workspace session of acme\\jsmith: agent 1001 on DN 5001, voice channel',
    ]);
  });

  it('connects with trailing slashes on pureengageApiUrl', async () => {
    const server = await emulator();
    const seen: string[] = [];
    await once(runtimeFor(server, { pureengageApiUrl: `${server.url}//` }), seen, stopWhenConnected);
    expect(seen).toContain(
      'connected Workspace session of acme\\jsmith: agent 1001 on DN 5001, voice channel',
    );
  });
});

describe('the Workspace initialization', () => {
  it('not completing within pureengageInitTimeoutMs ends the session saying so', async () => {
    const server = await emulator({ initializationGapMs: 5_000 });
    const error = await failure(once(runtimeFor(server, { pureengageInitTimeoutMs: 200 })));
    expect(error.message).toBe('the Workspace initialization of acme\\jsmith did not complete within 200 ms');
  });

  it("failing fails the session with the vendor's data.message", async () => {
    const server = await emulator({
      initializationEnd: () => ({
        state: 'Failed',
        data: { message: '  No agent login is configured for the user  ' },
        messageType: 'WorkspaceInitializationFailed',
      }),
    });
    const error = await failure(once(runtimeFor(server)));
    expect(error.message).toBe(
      'the Workspace initialization of acme\\jsmith failed: No agent login is configured for the user',
    );
    expect(error.failed).toBe(true);
  });

  it("failing fails the session with the vendor's message when data has none", async () => {
    const server = await emulator({
      initializationEnd: () => ({ state: 'Failed', data: {}, message: 'Place Place_5001 is in use' }),
    });
    const error = await failure(once(runtimeFor(server)));
    expect(error.message).toBe(
      'the Workspace initialization of acme\\jsmith failed: Place Place_5001 is in use',
    );
  });

  it('failing without a word fails the session with state Failed', async () => {
    const server = await emulator({ initializationEnd: () => ({ state: 'Failed' }) });
    const error = await failure(once(runtimeFor(server)));
    expect(error.message).toBe('the Workspace initialization of acme\\jsmith failed: state Failed');
    expect(error.failed).toBe(true);
  });

  it('completing without data.user goes on with the configured agentId', async () => {
    const server = await emulator({ initializationEnd: () => ({ state: 'Complete' }) });
    const seen: string[] = [];
    await once(runtimeFor(server), seen, stopWhenConnected);
    expect(seen).toContain(
      'connected Workspace session of acme\\jsmith: agent 1001 on DN 5001, voice channel',
    );
  });

  it('without agentId, a blank agentLogin falls back to the trimmed employeeId', async () => {
    const server = await emulator({
      initializationEnd: (user) => ({
        state: 'Complete',
        data: { user: { ...user, agentLogin: '   ', employeeId: ' 1002 ' } },
      }),
    });
    const seen: string[] = [];
    await once(runtimeFor(server, {}, 2), seen, { instance: AKIM, ...stopWhenConnected });
    expect(seen).toContain('connected Workspace session of acme\\akim: agent 1002 on DN 5002, voice channel');
  });

  it('without agentId, a user with neither agentLogin nor employeeId fails naming agentId', async () => {
    const server = await emulator({
      initializationEnd: ({ agentLogin: _a, employeeId: _e, ...user }) => ({
        state: 'Complete',
        data: { user },
      }),
    });
    const error = await failure(once(runtimeFor(server, {}, 2), [], { instance: AKIM }));
    expect(error.message).toBe(
      'the Workspace user acme\\akim has no agent login: set agentId for it in pureengageAgents',
    );
    expect(error.failed).toBe(true);
  });
});

describe('the CometD side of the Workspace session', () => {
  it('a handshake answered 503 ends the session saying so, and logs the Workspace session out', async () => {
    const server = await emulator();
    server.controls.failNext(1, 503, '/workspace/v3/notifications');
    const error = await failure(once(runtimeFor(server)));
    expect(error.message).toBe('the CometD handshake of acme\\jsmith failed: HTTP 503');
    expect(server.counters.logouts).toBe(1);
  });

  it('a handshake refused 403 ends the session without a logout: the Workspace session is gone', async () => {
    const server = await emulator();
    server.controls.failNext(1, 403, '/workspace/v3/notifications');
    const error = await failure(once(runtimeFor(server)));
    expect(error.message).toBe('the CometD handshake of acme\\jsmith failed: HTTP 403');
    expect(server.counters.logouts).toBe(0);
  });

  it('a handshake the runner stops gives up at once, stopped before it or while the API holds it', async () => {
    const server = await emulator();
    server.controls.stall(true);
    const open = (signal: AbortSignal) =>
      Notifications.open({
        url: `${server.url}/workspace/v3/notifications`,
        apiKey: server.apiKey,
        sessionId: 'e3b0c442-98fc-4c14-9afb-4c8996fb9242',
        username: JSMITH,
        networkDelayMs: 5_000,
        retryWindowMs: 5_000,
        now: Date.now,
        signal,
        onStatus: () => undefined,
      }).then(
        () => new Error('the handshake went on'),
        (error: unknown) => error,
      );
    const started = Date.now();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    for (const error of [await open(controller.signal), await open(AbortSignal.abort())]) {
      expect(error).toBeInstanceOf(SessionError);
      expect((error as Error).message).toBe('the CometD handshake of acme\\jsmith failed: stopped');
    }
    expect(Date.now() - started).toBeLessThan(1_000);
    server.controls.stall(false);
  });

  it('a subscription the runner stops gives up at once, stopped while the API holds it or before it', async () => {
    const server = await emulator();
    const http = axios.create({ timeout: 3_000, validateStatus: () => true });
    const agent = agentsOf(server)[0]!;
    const signal = new AbortController().signal;
    const api = { url: server.url, apiKey: server.apiKey };
    const token = await new AgentToken({
      ...api,
      http,
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      agent,
      now: Date.now,
      signal,
    }).signIn();
    const session = await initializeWorkspace({ ...api, http, signal }, token.accessToken, agent.username);
    const controller = new AbortController();
    const n = await Notifications.open({
      url: `${server.url}/workspace/v3/notifications`,
      apiKey: server.apiKey,
      sessionId: session.sessionId,
      username: agent.username,
      networkDelayMs: 5_000,
      retryWindowMs: 5_000,
      now: Date.now,
      signal: controller.signal,
      onStatus: () => undefined,
    });
    server.controls.stall(true);
    const subscribed = () =>
      n
        .subscribe('/workspace/v3/voice', () => undefined)
        .then(
          () => new Error('subscribed'),
          (error: unknown) => error,
        );
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    for (const error of [await subscribed(), await subscribed()]) {
      expect(error).toBeInstanceOf(SessionError);
      expect((error as Error).message).toBe('subscribing acme\\jsmith to /workspace/v3/voice: stopped');
    }
    expect(Date.now() - started).toBeLessThan(1_000);
    server.controls.stall(false);
    await n.close();
  });

  for (const channel of ['/workspace/v3/initialization', '/workspace/v3/voice'])
    it(`a subscription to ${channel} the API denies ends the session at once saying so`, async () => {
      const server = await emulator({ refusedChannels: [channel] });
      const started = Date.now();
      const error = await failure(once(runtimeFor(server)));
      expect(error.message).toBe(`subscribing acme\\jsmith to ${channel} failed: 403::subscribe_denied`);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

  it('advice reconnect none ends the session without a logout', async () => {
    const server = await emulator();
    const error = await failure(
      once(runtimeFor(server), [], { started: () => server.controls.expire('none') }),
    );
    expect(error.message).toBe('the Workspace API advised not to reconnect (advice.reconnect none)');
    expect(server.counters.logouts).toBe(0);
  });
});

describe('the CometD connection of a Workspace session', () => {
  it('a connect answered 503 shows degraded, then connected again, naming the agent', async () => {
    const server = await emulator();
    const seen: string[] = [];
    let failed = false;
    await once(runtimeFor(server), seen, {
      stopAfterMs: 2_000,
      started: () => {
        // once per session: "connected again" is a connected status too
        if (!failed) server.controls.failNext(1, 503, '/workspace/v3/notifications');
        failed = true;
      },
    });
    expect(seen.filter((s) => s.includes('CometD'))).toEqual([
      'degraded CometD connect failed for acme\\jsmith (HTTP 503); retrying',
      'connected CometD connected again for acme\\jsmith',
    ]);
  });

  it('a connect without an answer shows degraded naming why: past the long poll and pureengageNetworkDelayMs, or hung up', async () => {
    const server = await emulator({ tokenLifetimeMs: 60_000 });
    const seen: string[] = [];
    let stalled = false;
    await once(runtimeFor(server), seen, {
      // The stall holds until the session stops: lifting it drops the held poll ("socket hang up"), which on a
      // busy machine can come before the client's own 1,400 ms timeout fires.
      stopAfterMs: 3_000,
      started: () => {
        if (stalled) return;
        stalled = true;
        server.controls.stall(true);
      },
    });
    // 400 ms long poll + 1_000 ms pureengageNetworkDelayMs (workspaceSettings)
    expect(seen.filter((s) => s.startsWith('degraded'))[0]).toMatch(
      /^degraded CometD connect failed for acme\\jsmith \(Transport long-polling expired waiting for message replies of request \d+: 1400 ms\); retrying$/,
    );
    const dropped = await emulator({ tokenLifetimeMs: 60_000 });
    const after: string[] = [];
    const error = await failure(
      once(runtimeFor(dropped), after, { started: () => setTimeout(() => dropped.controls.drop(), 100) }),
    );
    expect(after.filter((s) => s.startsWith('degraded'))).toEqual([
      'degraded CometD connect failed for acme\\jsmith (socket hang up); retrying',
    ]);
    expect(error.message).toBe('the Workspace session of acme\\jsmith expired (/meta/connect: HTTP 403)');
  });

  it('disconnected by the Workspace API (/meta/disconnect): the session ends saying so, without a logout', async () => {
    const server = await emulator();
    const error = await failure(
      once(runtimeFor(server), [], { started: () => server.controls.expire('disconnect') }),
    );
    expect(error.message).toBe('the Workspace API ended the CometD session (/meta/disconnect)');
    expect(server.counters.logouts).toBe(0);
  });

  it('ended by the vendor while the initialization runs: the session ends saying why, without a logout', async () => {
    const server = await emulator({ initializationGapMs: 2_000 });
    const run = failure(once(runtimeFor(server)));
    while (!server.stepsOf(JSMITH).includes('subscribe /workspace/v3/initialization')) await sleep(10);
    server.controls.expire('handshake');
    const error = await run;
    expect(error.message).toBe(
      'the Workspace API asked for a new CometD handshake (402::session_unknown): initializing the session again',
    );
    expect(server.counters.logouts).toBe(0);
  });

  it('a clean stop does not wait out the disconnect timer', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const started = Date.now();
    await h.stop();
    expect(Date.now() - started).toBeLessThan(700);
    expect(server.stepsOf(JSMITH).slice(-2)).toEqual(['disconnect', 'logout']);
  });
});

describe('a Workspace frame', () => {
  const WRONG = 'a Workspace frame is {agent, message: {channel, data}}';
  for (const [what, frame] of [
    ['null', null],
    ['undefined', undefined],
    ['text', '<html>502 Bad Gateway</html>'],
    ['a list', [{ agent: JSMITH, message: {} }]],
    ['without an agent name', { agent: 1001, message: { channel: '/workspace/v3/voice', data: {} } }],
    ['without a message', { agent: JSMITH }],
  ] as const)
    it(`${what} is refused as not a Workspace frame`, () => {
      expect(() => pureengageWorkspace.parse!(frame as never)).toThrow(new InputError(WRONG));
    });
});
