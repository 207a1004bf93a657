// Every way the Workspace API ends or refuses a session: the session expiring (403), advice handshake and
// none, a dropped connection, a stall, 503s, 429s, refused credentials, DN and key; through each, a call
// pops each of its states once, changes made while nobody watched included; no secret appears anywhere.
import { SessionError } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { JSMITH, LONG_POLL_MS, TOKEN_MS } from './workspace-harness.js';
import { connected, emulator, host, once, pops, runtimeFor, sleep } from './workspace-hosts.js';

const ALL_STATES = (id: string) => [
  'john.smith agent_state',
  `john.smith offered ${id}`,
  `john.smith answered ${id}`,
  `john.smith ended ${id}`,
  `john.smith completed ${id}`,
];

describe('a session the Workspace API ends', () => {
  it('expired (403 on the next connect): initialized again, and a call answered meanwhile pops answered once', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const call = server.controls.ring(JSMITH);
    await h.until('the offer', () => h.messages.length >= 2);
    server.controls.expire('cookie');
    call.set('Established'); // nobody receives it: the session is gone
    await h.until('a second session', () => h.sessions >= 2 && h.connected);
    expect(h.errors[0]).toMatch(/Workspace session of acme\\jsmith expired \(\/meta\/connect: HTTP 403\)/);
    call.set('Released');
    call.set('Completed');
    await h.until('every state', () => h.messages.length >= 5);
    await sleep(300);
    expect(pops(h.messages)).toEqual(ALL_STATES(call.id));
    expect(server.counters.initializations).toBe(2);
    expect(server.counters.logouts).toBe(0);
  });

  it('advice handshake: initialized again, and the snapshot of a call still ringing pops nothing twice', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const call = server.controls.ring(JSMITH);
    await h.until('the offer', () => h.messages.length >= 2);
    server.controls.expire('handshake');
    await h.until('a second session', () => h.sessions >= 2 && h.connected);
    expect(h.errors[0]).toMatch(/asked for a new CometD handshake \(402::session_unknown\)/);
    for (const state of ['Established', 'Released', 'Completed'] as const) call.set(state);
    await h.until('every state', () => h.messages.length >= 5);
    await sleep(300);
    expect(pops(h.messages)).toEqual(ALL_STATES(call.id));
    expect(server.stepsOf(JSMITH).filter((s) => s === 'handshake')).toHaveLength(2);
  });

  it('advice reconnect none: the session ends with that reason, and the next one goes on', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    server.controls.expire('none');
    await h.until('a second session', () => h.sessions >= 2 && h.connected);
    expect(h.errors[0]).toBe('the Workspace API advised not to reconnect (advice.reconnect none)');
    const call = server.controls.ring(JSMITH);
    await h.until('the offer', () => h.messages.some((m) => m.props.interactionId === call.id));
  });

  it('a dropped connection during a call that then completes: ended and completed pop once from the new session', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const call = server.controls.ring(JSMITH);
    call.set('Established');
    await h.until('offered and answered', () => h.messages.length >= 3);
    server.controls.drop();
    call.set('Released'); // both while no session holds the agent: current-session no longer lists the call
    call.set('Completed');
    await h.until('a second session', () => h.sessions >= 2 && h.connected);
    await h.until('every state', () => h.messages.length >= 5);
    await sleep(300);
    expect(pops(h.messages)).toEqual(ALL_STATES(call.id));
    expect(h.messages.at(-1)!.props).toMatchObject({ AccountNumber: 'ACME-40211', ani: '3175550142' });
  });

  it('a call released (not yet completed) while nobody watched pops ended from the snapshot, completed when it comes', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const call = server.controls.ring(JSMITH);
    call.set('Established');
    await h.until('offered and answered', () => h.messages.length >= 3);
    server.controls.drop();
    call.set('Released');
    await h.until('a second session', () => h.sessions >= 2 && h.connected);
    await h.until('ended', () => h.messages.length >= 4);
    call.set('Completed');
    await h.until('completed', () => h.messages.length >= 5);
    await sleep(300);
    expect(pops(h.messages)).toEqual(ALL_STATES(call.id));
  });

  it('with pureengageSnapshot false, a new session reads no current-session', async () => {
    const server = await emulator();
    const h = host(server, { pureengageSnapshot: false });
    await connected(h);
    expect(server.stepsOf(JSMITH)).not.toContain('current-session');
  });

  it('a current-session the API does not serve (404) leaves the live messages to tell', async () => {
    const server = await emulator({ currentSession: false });
    const h = host(server);
    await connected(h);
    const call = await server.controls.lifecycle(JSMITH);
    await h.until('every state', () => h.messages.length >= 5);
    expect(pops(h.messages)).toEqual(ALL_STATES(call.id));
  });

  it('a stall: CometD requests time out, the session shows degraded, and goes on once the API answers', async () => {
    // A token that outlives the stall: this is about CometD, not about a renewal falling in it.
    const server = await emulator({ tokenLifetimeMs: 60_000 });
    const h = host(server);
    await connected(h);
    server.controls.stall(true);
    await h.until('degraded', () => h.statuses.includes('degraded'), 5_000);
    server.controls.stall(false);
    await h.until('connected again', () => h.connected, 5_000);
    const call = server.controls.ring(JSMITH);
    await h.until('the offer', () => h.messages.some((m) => m.props.interactionId === call.id));
    expect(h.sessions).toBe(1);
  });

  it('503s on connects are retried within pureengageRetryWindowMs; past it the session is initialized again', async () => {
    const server = await emulator();
    const h = host(server, { pureengageRetryWindowMs: 1_500 });
    await connected(h);
    server.controls.failNext(1, 503, '/workspace/v3/notifications');
    await h.until('degraded', () => h.statuses.includes('degraded'));
    await h.until('connected again', () => h.connected);
    expect(h.sessions).toBe(1);
    server.controls.failNext(1_000, 503, '/workspace/v3/notifications');
    await h.until('the session to end', () => h.errors.length >= 1, 8_000);
    expect(h.errors[0]).toMatch(/^CometD could not connect for \d+ ms \(last: HTTP 503\)$/);
    const failingMs = Number(/for (\d+) ms/.exec(h.errors[0]!)![1]);
    expect(failingMs).toBeGreaterThanOrEqual(1_500);
    expect(failingMs).toBeLessThan(10_000);
    server.controls.failNext(0, 503);
    await h.until('a new session', () => h.sessions >= 2 && h.connected, 8_000);
  }, 20_000);

  it('a 403 to a connect or a 401 to initialize-workspace: a new session signs in and initializes again', async () => {
    const server = await emulator();
    server.controls.failNext(1, 401, '/workspace/v3/initialize-workspace');
    const h = host(server);
    await connected(h);
    expect(h.errors[0]).toMatch(/^initialize-workspace refused the token of acme\\jsmith \(401\)/);
    server.controls.failNext(1, 403, '/workspace/v3/notifications');
    await h.until('a third session', () => h.sessions >= 3 && h.connected);
    expect(h.errors[1]).toMatch(/expired \(\/meta\/connect: HTTP 403\)/);
    expect(server.counters.tokens).toBe(3);
  });

  it('a 503 to a token renewal is tried again while the token lasts: the session goes on', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    server.controls.failNext(1, 503, '/auth/v3/oauth/token');
    await sleep(TOKEN_MS * 1.5);
    expect(server.counters.renewals).toBeGreaterThanOrEqual(1);
    expect(server.counters.expirations).toBe(0);
    expect(h.sessions).toBe(1);
    expect(h.connected).toBe(true);
    // The admin reads which agent's renewal failed, and why, as a warning (the session itself goes on).
    expect(h.logs).toContainEqual({
      level: 'warn',
      detail: {
        agent: JSMITH,
        reason: `the Authentication API answered 503 for ${JSMITH}: Injected 503`,
      },
      message: 'renewing the Workspace API token failed; trying again',
    });
  });

  it('a malformed voice message is counted and the session goes on', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    server.controls.sendMalformed(JSMITH, 'text');
    server.controls.sendMalformed(JSMITH, 'shape');
    const call = server.controls.ring(JSMITH);
    await h.until('the offer', () => h.messages.some((m) => m.props.interactionId === call.id));
    expect(h.badFrames).toHaveLength(2);
    expect(h.badFrames[0]).toMatch(/not a Workspace API message/);
    expect(h.sessions).toBe(1);
  });

  it('long polls keep the session: connects go on at the long-poll pace without a new handshake', async () => {
    const server = await emulator();
    const h = host(server);
    await connected(h);
    const connects = server.counters.connects;
    await sleep(LONG_POLL_MS * 4);
    expect(server.counters.connects - connects).toBeGreaterThanOrEqual(3);
    expect(server.counters.handshakes).toBe(1);
  });
});

describe('a session the Workspace API refuses', () => {
  const PASSWORD = 'not-the-right-password-4711';

  async function refusal(options: Record<string, unknown>, agentOverride: Record<string, unknown> = {}) {
    const server = await emulator();
    const agent = {
      username: JSMITH,
      password: server.accounts[0]!.password,
      dn: '5001',
      agentId: '1001',
      ...agentOverride,
    };
    const runtime = runtimeFor(server, { pureengageAgents: [agent], ...options });
    const seen: string[] = [];
    const error = await once(runtime, seen).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { server, runtime, seen, error: error as SessionError };
  }

  it('a wrong password fails with the vendor reason, and the password appears nowhere', async () => {
    const { server, seen, error } = await refusal({}, { password: PASSWORD });
    expect(error).toBeInstanceOf(SessionError);
    expect(error.failed).toBe(true);
    expect(error.message).toBe(
      "the Authentication API refused the sign-in of acme\\jsmith: Bad credentials (check that agent's username, tenant\\user, and password in pureengageAgents)",
    );
    expect(server.counters.refusedTokens).toBe(1);
    expect(JSON.stringify([error.message, error.stack, seen])).not.toContain(PASSWORD);
    expect(server.counters.initializations).toBe(0);
  });

  it('a wrong client secret fails naming pureengageClientSecret, without the secret', async () => {
    const { error, seen } = await refusal({ pureengageClientSecret: 'Wrong-client-secret-9876' });
    expect(error.failed).toBe(true);
    expect(error.message).toMatch(
      /refused the OAuth client openconnect-runner: Bad client credentials \(check pureengageClientId and pureengageClientSecret\)/,
    );
    expect(JSON.stringify([error.message, seen])).not.toContain('Wrong-client-secret-9876');
  });

  it('a wrong API key fails naming pureengageApiKey', async () => {
    const { error } = await refusal({ pureengageApiKey: 'wrong-key-000' });
    expect(error.failed).toBe(true);
    expect(error.message).toMatch(/refused the request for acme\\jsmith: Forbidden \(check pureengageApiKey/);
  });

  it("a DN that is not the agent's fails naming dn, after the initialization", async () => {
    const { error, server } = await refusal({}, { dn: '5999' });
    expect(error.failed).toBe(true);
    expect(error.message).toMatch(
      /activate-channels refused agent 1001 on DN 5999 for acme\\jsmith: DN 5999 not found \(check dn and agentId/,
    );
    // The runner ended a live session on its side: it logs it out.
    expect(server.counters.logouts).toBe(1);
  });

  it('a 429 on the token request asks the host to wait the Retry-After', async () => {
    const server = await emulator();
    server.controls.failNext(1, 429, '/auth/v3/oauth/token');
    const error = (await once(runtimeFor(server)).catch((e: unknown) => e)) as SessionError;
    expect(error.retryAfterMs).toBe(1_000);
    expect(error.failed).toBe(false);
  });

  it('passwords, the client secret and the API key are secrets the runtime redacts', async () => {
    const server = await emulator();
    const runtime = runtimeFor(server, {}, 2);
    expect(runtime.secrets).toEqual(
      expect.arrayContaining([
        server.apiKey,
        server.clientSecret,
        server.accounts[0]!.password,
        server.accounts[1]!.password,
      ]),
    );
  });
});
