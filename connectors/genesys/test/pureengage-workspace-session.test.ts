// The built-in Workspace API session against the emulator: the initialization sequence and what each
// request carries, voice events popping once each, one session per agent, token renewal, and a clean stop.
import { describe, expect, it } from 'vitest';
import type { GenesysConfig } from '../src/index.js';
import { AKIM, JSMITH, TOKEN_MS } from './workspace-harness.js';
import { connected, emulator, host, once, pops, runtimeFor, sleep, subscription } from './workspace-hosts.js';

describe('the Workspace session', () => {
  it('signs in, initializes, handshakes, waits for the initialization, subscribes to voice, activates, then reads the session, in that order', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    expect(server.stepsOf(JSMITH)).toEqual([
      'token',
      'initialize-workspace',
      'handshake',
      'subscribe /workspace/v3/initialization',
      'initialization Complete',
      'subscribe /workspace/v3/voice',
      'activate-channels',
      'current-session',
    ]);
  });

  it('sends what the Workspace API checks: key, Basic client, password form, bearer, then the session cookie', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const [tokenRequest, initialize, ...rest] = server.requests;
    const basic = `Basic ${Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64')}`;
    expect(tokenRequest).toMatchObject({
      method: 'POST',
      path: '/auth/v3/oauth/token',
      headers: {
        'x-api-key': server.apiKey,
        authorization: basic,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: {
        grant_type: 'password',
        username: JSMITH,
        password: '***',
        client_id: server.clientId,
        scope: '*',
      },
    });
    expect(initialize).toMatchObject({
      method: 'POST',
      path: '/workspace/v3/initialize-workspace',
      headers: { 'x-api-key': server.apiKey },
    });
    expect(initialize!.headers.authorization).toMatch(/^Bearer [0-9a-f]{32}$/);
    const cookie = /WORKSPACE_SESSIONID=[0-9a-f]+/;
    for (const request of rest) {
      expect(request.headers['x-api-key']).toBe(server.apiKey);
      expect(request.headers.cookie).toMatch(cookie);
      expect(request.headers.authorization).toBeUndefined();
    }
    expect(
      rest.filter((r) => r.path.startsWith('/workspace/v3/notifications')).length,
    ).toBeGreaterThanOrEqual(3);
    expect(rest.find((r) => r.path === '/workspace/v3/activate-channels')?.body).toEqual({
      data: { agentId: '1001', dn: '5001' },
    });
  });

  it('pops offered, answered, ended and completed once each for a call, named as the relay names the agent', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const call = await server.controls.lifecycle(JSMITH);
    await h.until('five pops', () => h.messages.length >= 5);
    await sleep(300);
    expect(pops(h.messages)).toEqual([
      'john.smith agent_state',
      `john.smith offered ${call.id}`,
      `john.smith answered ${call.id}`,
      `john.smith ended ${call.id}`,
      `john.smith completed ${call.id}`,
    ]);
    expect(h.messages[1]!.props).toMatchObject({
      agentPlatformId: '1001',
      ani: '3175550142',
      dnis: '5001',
      AccountNumber: 'ACME-40211',
    });
  });

  it('pops a held call as held, then resumed', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const call = server.controls.ring(JSMITH);
    for (const state of ['Established', 'Held', 'Established'] as const) call.set(state);
    await h.until('four call pops', () => h.messages.length >= 5);
    expect(pops(h.messages).slice(1)).toEqual([
      `john.smith offered ${call.id}`,
      `john.smith answered ${call.id}`,
      `john.smith held ${call.id}`,
      `john.smith resumed ${call.id}`,
    ]);
  });

  it('a message delivered twice pops once, and an agent state change pops agent_state', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const call = server.controls.ring(JSMITH);
    server.controls.repeatLast(JSMITH);
    server.controls.agentState(JSMITH, 'NotReady', 'AfterCallWork');
    server.controls.repeatLast(JSMITH);
    await h.until('two more pops', () => h.messages.length >= 3);
    await sleep(300);
    expect(pops(h.messages)).toEqual([
      'john.smith agent_state',
      `john.smith offered ${call.id}`,
      'john.smith agent_state',
    ]);
    expect(h.messages[2]!.props).toMatchObject({
      agentState: 'NotReady',
      agentWorkMode: 'AfterCallWork',
      dn: '5001',
    });
    expect(server.counters.published).toBe(5);
  });

  it('activates the agent login the initialization names when pureengageAgents gives no agentId', async () => {
    const server = await emulator();
    const runtime = runtimeFor(server, {}, 2);
    const h = host(server, {}, AKIM, runtime);
    await connected(h);
    expect(server.requests.find((r) => r.path === '/workspace/v3/activate-channels')?.body).toEqual({
      data: { agentId: '1002', dn: '5002' },
    });
    const call = server.controls.ring(AKIM);
    await h.until('the offer', () => h.messages.length >= 2);
    // 1002 is in no directory: it is the agent id OpenConnect gets.
    expect(pops(h.messages)).toEqual(['1002 agent_state', `1002 offered ${call.id}`]);
  });

  it('holds one session per agent: each is its own, and each agent pops only its own calls', async () => {
    const server = await emulator();
    const runtime = runtimeFor(server, {}, 2);
    expect(subscription.instances!(runtime.config as GenesysConfig)).toEqual([JSMITH, AKIM]);
    const first = host(server, {}, JSMITH, runtime);
    const second = host(server, {}, AKIM, runtime);
    await connected(first);
    await connected(second);
    expect(
      server
        .sessions()
        .map((s) => [s.username, s.activated])
        .sort(),
    ).toEqual([
      [AKIM, true],
      [JSMITH, true],
    ]);
    const a = server.controls.ring(JSMITH);
    const b = server.controls.ring(AKIM);
    await first.until('jsmith offered', () => first.messages.length >= 2);
    await second.until('akim offered', () => second.messages.length >= 2);
    await sleep(200);
    expect(pops(first.messages)).toEqual(['john.smith agent_state', `john.smith offered ${a.id}`]);
    expect(pops(second.messages)).toEqual(['1002 agent_state', `1002 offered ${b.id}`]);
  });

  it('renews the token with the refresh token before it expires, and keeps the same session', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    await sleep(TOKEN_MS * 2);
    const grants = server.requests
      .filter((r) => r.path === '/auth/v3/oauth/token')
      .map((r) => (r.body as { grant_type: string }).grant_type);
    expect(grants[0]).toBe('password');
    expect(grants.slice(1).length).toBeGreaterThanOrEqual(2);
    expect(new Set(grants.slice(1))).toEqual(new Set(['refresh_token']));
    expect(server.counters).toMatchObject({ initializations: 1, handshakes: 1, expirations: 0 });
    expect(h.sessions).toBe(1);
  });

  it('tells the host each renewal by the name of what it renews, the Workspace API token', async () => {
    const server = await emulator();
    const seen: string[] = [];
    await once(runtimeFor(server), seen, { stopAfterMs: TOKEN_MS * 1.5 });
    expect(server.counters.renewals).toBeGreaterThanOrEqual(1);
    expect(seen.filter((s) => s.startsWith('renewal '))[0]).toBe('renewal Workspace API token true ');
  });

  it('renews with the password when the token answer has no refresh token', async () => {
    const server = await emulator({ refreshTokens: false });
    const h = host(server);
    await connected(h);
    await sleep(TOKEN_MS * 2);
    const grants = server.requests
      .filter((r) => r.path === '/auth/v3/oauth/token')
      .map((r) => (r.body as { grant_type: string }).grant_type);
    expect(grants.length).toBeGreaterThanOrEqual(3);
    expect(new Set(grants)).toEqual(new Set(['password']));
    expect(server.counters).toMatchObject({ initializations: 1, expirations: 0 });
  });

  it('on a clean stop disconnects CometD and logs the session out', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    await h.stop();
    expect(server.stepsOf(JSMITH).slice(-2)).toEqual(['disconnect', 'logout']);
    expect(server.counters.logouts).toBe(1);
    expect(server.sessions()).toEqual([]);
  });

  it('stops at once while the initialization is still running, and logs out', async () => {
    const server = await emulator({ initializationGapMs: 10_000 });
    const h = host(server);
    await h.until('the initialization to start', () =>
      server.stepsOf(JSMITH).includes('subscribe /workspace/v3/initialization'),
    );
    const started = Date.now();
    await h.stop();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(server.counters.logouts).toBe(1);
    // A stop is no failure of the session.
    expect(h.errors).toEqual([]);
  });

  it('stops at once while the calls of the snapshot are still being stored, and logs out', async () => {
    const server = await emulator();
    server.controls.ring(JSMITH);
    const h = host(server);
    h.slowStores(600);
    await h.until('the snapshot read', () => server.stepsOf(JSMITH).includes('current-session'));
    const started = Date.now();
    await h.stop();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(server.counters.logouts).toBe(1);
    // A stop is no failure of the session.
    expect(h.errors).toEqual([]);
  });

  it('does not log out on stop with pureengageLogout false', async () => {
    const server = await emulator();
    const h = host(server, { pureengageLogout: false });
    await connected(h);
    await h.stop();
    expect(server.stepsOf(JSMITH).at(-1)).toBe('disconnect');
    expect(server.counters.logouts).toBe(0);
  });
});
