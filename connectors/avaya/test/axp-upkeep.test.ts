import { join } from 'node:path';
import { createRuntime, SessionError, sleep } from '@openconnect/core';
import { hostSubscription, runSubscriptionConformance } from '@openconnect/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AXP_MAPPED_EVENTS } from '../src/axp-events.js';
import type { AvayaConfig } from '../src/config.js';
import { type AxpEmulator, startAxpEmulator } from '../src/emulators/axp.js';
import connector from '../src/index.js';
import { AUTH_TOKEN, ENDPOINT, oneSession, PUBLIC_URL, upkeep, upkeepRuntime } from './upkeep-helpers.js';

const LIFETIME_MS = 2_000;

runSubscriptionConformance({
  connector,
  subscription: 'axp-upkeep',
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  harness: async () => {
    const emulator = await startAxpEmulator({ subscriptionLifetimeMs: LIFETIME_MS });
    return {
      settings: { options: { ...emulator.options, authToken: AUTH_TOKEN, axpCheckIntervalMs: 100 } },
      publicUrl: PUBLIC_URL,
      // AXP forgets the subscription (deleted by someone): GET answers 404.
      drop: async () => emulator.controls.forget(),
      expiryMs: LIFETIME_MS,
      renewals: () => emulator.counters.renewals,
      expirations: () => emulator.counters.expirations,
      close: () => emulator.close(),
    };
  },
});

describe('axp-upkeep config', () => {
  const full = {
    axpApiUrl: 'https://na.api.avayacloud.com',
    axpAccountId: 'ZWJJIQ',
    axpClientId: 'cid',
    axpClientSecret: 'client-secret-value',
    axpAppKey: 'app-key-value',
  };

  it('is a config error naming each missing option when the upkeep is partly configured', () => {
    expect(() =>
      createRuntime(connector, {
        options: { authToken: AUTH_TOKEN, axpApiUrl: full.axpApiUrl, axpAccountId: 'ZWJJIQ' },
      }),
    ).toThrow(
      /axpClientId: axpClientId is required.*axpClientSecret: axpClientSecret is required.*axpAppKey: axpAppKey is required/,
    );
  });

  it('needs authToken too, the token AXP will send and the axp source verifies', () => {
    expect(() => createRuntime(connector, { options: full })).toThrow(/authToken: authToken is required/);
  });

  it('runs only when configured', () => {
    expect(upkeep.enabled(createRuntime(connector, { options: { authToken: AUTH_TOKEN } }).config)).toBe(
      false,
    );
    expect(
      upkeep.enabled(createRuntime(connector, { options: { ...full, authToken: AUTH_TOKEN } }).config),
    ).toBe(true);
  });

  it('subscribes to the events the axp source maps unless told otherwise, and redacts the client secret and AppKey', () => {
    const runtime = createRuntime(connector, {
      options: { ...full, authToken: AUTH_TOKEN, axpApiUrl: 'https://na.api.avayacloud.com/' },
    });
    const config = runtime.config as AvayaConfig;
    expect(config.axpEvents).toEqual(AXP_MAPPED_EVENTS);
    expect(config.axpApiUrl).toBe('https://na.api.avayacloud.com');
    expect(runtime.secrets).toEqual(
      expect.arrayContaining(['client-secret-value', 'app-key-value', AUTH_TOKEN]),
    );
  });
});

describe('axp-upkeep against the AXP emulator', () => {
  let emulator: AxpEmulator;
  beforeEach(async () => {
    emulator = await startAxpEmulator({ subscriptionLifetimeMs: LIFETIME_MS });
  });
  afterEach(async () => {
    await emulator.close();
  });
  const ours = (extra: Partial<Parameters<AxpEmulator['seed']>[0]> = {}) =>
    emulator.seed({
      events: [...AXP_MAPPED_EVENTS],
      transport: {
        type: 'WEBHOOK',
        endpoint: ENDPOINT,
        authToken: AUTH_TOKEN,
        authTokenHeader: 'auth-token',
      },
      ...extra,
    });

  it('creates the WEBHOOK subscription to PUBLIC_URL/webhooks/avaya/axp when AXP has none, and reports connected', async () => {
    const session = oneSession(upkeepRuntime(emulator));
    await session.until('connected', () => session.statuses.some((s) => s.status === 'connected'));
    expect(await session.stop()).toBeUndefined();
    const [subscription, ...others] = emulator.subscriptions();
    expect(others).toEqual([]);
    expect([
      subscription!.family,
      subscription!.events,
      subscription!.status,
      subscription!.transport,
    ]).toEqual([
      'AGENT_ENGAGEMENT',
      AXP_MAPPED_EVENTS,
      'ACTIVE',
      { type: 'WEBHOOK', endpoint: ENDPOINT, authToken: AUTH_TOKEN, authTokenHeader: 'auth-token' },
    ]);
    expect(emulator.counters.subscriptionsCreated).toBe(1);
    expect(session.statuses[0]!.status).toBe('connecting');
    expect(session.statuses.at(-1)!.detail).toBe(
      `AXP subscription ${subscription!.subscriptionId} ACTIVE, delivering to ${ENDPOINT}`,
    );
  });

  it('reuses the subscription AXP already has (no second create), renewing it at once', async () => {
    const existing = ours();
    const session = oneSession(upkeepRuntime(emulator));
    await session.until('connected', () => session.statuses.some((s) => s.status === 'connected'));
    await session.stop();
    expect(emulator.counters.subscriptionsCreated).toBe(0);
    expect(emulator.counters.renewals).toBe(1);
    expect(emulator.subscriptions().map((s) => s.subscriptionId)).toEqual([existing.subscriptionId]);
  });

  it("leaves other clients' subscriptions alone (another endpoint, a WEBSOCKET, another family)", async () => {
    const foreign = [
      emulator.seed({
        transport: {
          type: 'WEBHOOK',
          endpoint: 'https://crm.example.com/axp',
          authToken: 'someone-elses-token-0123',
        },
      }),
      emulator.seed({ transport: { type: 'WEBSOCKET' } }),
      emulator.seed({
        family: 'ANALYTICS',
        transport: { type: 'WEBHOOK', endpoint: ENDPOINT, authToken: AUTH_TOKEN },
      }),
    ];
    const session = oneSession(upkeepRuntime(emulator));
    await session.until('connected', () => session.statuses.some((s) => s.status === 'connected'));
    await session.stop();
    expect(emulator.counters.subscriptionsCreated).toBe(1);
    expect(emulator.counters.deletions).toBe(0);
    expect(emulator.counters.renewals).toBe(0);
    expect(
      emulator.subscriptions().filter((s) => foreign.some((f) => f.subscriptionId === s.subscriptionId)),
    ).toHaveLength(3);
  });

  it('finds its subscription on a later page of the list (25 per page)', async () => {
    for (let i = 0; i < 30; i++)
      emulator.seed({
        transport: {
          type: 'WEBHOOK',
          endpoint: `https://crm.example.com/axp/${i}`,
          authToken: 'someone-elses-token-0123',
        },
      });
    const existing = ours();
    const session = oneSession(upkeepRuntime(emulator));
    await session.until('connected', () => session.statuses.some((s) => s.status === 'connected'));
    await session.stop();
    expect(emulator.counters.subscriptionsCreated).toBe(0);
    expect(emulator.subscriptions().some((s) => s.subscriptionId === existing.subscriptionId)).toBe(true);
    expect(
      emulator.requests
        .filter((r) => r.method === 'GET' && /subscriptions\?/.test(r.path))
        .map((r) => new URL(r.path, 'http://x').search),
    ).toEqual(['?pageNumber=1&pageSize=25', '?pageNumber=2&pageSize=25']);
  });

  it('keeps one of duplicate subscriptions (the ACTIVE one), deletes the others and says so in the log', async () => {
    const inactive = ours({ status: 'INACTIVE' });
    const active = ours();
    const session = oneSession(upkeepRuntime(emulator));
    await session.until('connected', () => session.statuses.some((s) => s.status === 'connected'));
    await session.stop();
    expect(emulator.subscriptions().map((s) => s.subscriptionId)).toEqual([active.subscriptionId]);
    expect(emulator.counters.deletions).toBe(1);
    const warning = session.logs.find((l) => l.level === 'warn');
    expect(warning?.message).toContain(
      'found 2 AXP subscriptions to this runner; kept one and deleted the others',
    );
    expect(warning?.detail).toMatchObject({
      kept: active.subscriptionId,
      deleted: [inactive.subscriptionId],
    });
  });

  for (const [what, seeded, expected] of [
    ['axpEvents', { events: ['ALL'] }, { events: AXP_MAPPED_EVENTS }],
    [
      'authTokenHeader',
      {
        transport: {
          type: 'WEBHOOK',
          endpoint: ENDPOINT,
          authToken: AUTH_TOKEN,
          authTokenHeader: 'x-old-header',
        },
      },
      {
        transport: {
          type: 'WEBHOOK',
          endpoint: ENDPOINT,
          authToken: AUTH_TOKEN,
          authTokenHeader: 'auth-token',
        },
      },
    ],
  ] as const) {
    it(`replaces its subscription when ${what} changed (renewing cannot change it), saying so`, async () => {
      const old = ours(seeded as Partial<Parameters<AxpEmulator['seed']>[0]>);
      const session = oneSession(upkeepRuntime(emulator));
      await session.until('connected', () => session.statuses.some((s) => s.status === 'connected'));
      await session.stop();
      const [now, ...others] = emulator.subscriptions();
      expect(others).toEqual([]);
      expect(now!.subscriptionId).not.toBe(old.subscriptionId);
      expect(now).toMatchObject(expected);
      expect(session.logs.map((l) => l.message)).toContain(`${what} changed: replaced the AXP subscription`);
    });
  }

  it('renews before expiresIn runs out, each time with a fresh access token, and nothing expires', async () => {
    await emulator.close();
    emulator = await startAxpEmulator({ subscriptionLifetimeMs: LIFETIME_MS, tokenLifetimeMs: 1_200 });
    const session = oneSession(upkeepRuntime(emulator, { axpCheckIntervalMs: 10_000 }));
    await sleep(LIFETIME_MS * 2.2);
    expect(await session.stop()).toBeUndefined();
    expect(emulator.counters.expirations).toBe(0);
    expect(emulator.counters.renewals).toBeGreaterThanOrEqual(3);
    // The emulator refuses expired tokens with 401; none was refused, so no renewal waited for a refusal.
    expect(emulator.requests.filter((r) => r.status === 401)).toEqual([]);
    const renewals = emulator.requests.filter((r) => r.path.endsWith(':renew'));
    expect(renewals.every((r) => r.status === 200)).toBe(true);
    expect(new Set(renewals.map((r) => r.accessToken)).size).toBeGreaterThanOrEqual(2);
  });

  it('refreshes the access token before it expires', async () => {
    await emulator.close();
    emulator = await startAxpEmulator({ tokenLifetimeMs: 1_000 });
    const session = oneSession(upkeepRuntime(emulator));
    await sleep(2_600);
    expect(await session.stop()).toBeUndefined();
    expect(emulator.counters.tokensIssued).toBeGreaterThanOrEqual(4);
    expect(emulator.requests.filter((r) => r.status === 401)).toEqual([]);
    expect(
      emulator.requests.filter((r) => r.method === 'GET' && !r.path.includes('?')).length,
    ).toBeGreaterThan(10);
  });

  it('renews an INACTIVE subscription at once: degraded, then connected again, in the same session', async () => {
    // A long lifetime: no scheduled renewal comes before the check finds it INACTIVE.
    await emulator.close();
    emulator = await startAxpEmulator({ subscriptionLifetimeMs: 60_000 });
    const session = oneSession(upkeepRuntime(emulator));
    await session.until('connected', () => session.statuses.some((s) => s.status === 'connected'));
    const renewals = emulator.counters.renewals;
    emulator.controls.deactivate();
    await session.until('degraded', () => session.statuses.some((s) => s.status === 'degraded'));
    await session.until('connected again', () => session.statuses.at(-1)!.status === 'connected', 1_000);
    expect(await session.stop()).toBeUndefined();
    expect(emulator.counters.renewals).toBe(renewals + 1);
    expect(emulator.subscriptions()[0]!.status).toBe('ACTIVE');
    expect(session.statuses.map((s) => s.status)).toEqual([
      'connecting',
      'connected',
      'degraded',
      'connected',
    ]);
  });

  it('ends the session when AXP forgot the subscription (404); the next session creates it again', async () => {
    const host = hostSubscription(upkeepRuntime(emulator), upkeep, { publicUrl: PUBLIC_URL });
    try {
      await host.until('connected', () => host.connected);
      emulator.controls.forget();
      await host.until('a second session, connected', () => host.sessions >= 2 && host.connected);
      expect(host.errors[0]).toMatch(
        /AXP no longer knows subscription .+ \(404; deleted\?\); the next session creates it again/,
      );
      expect(emulator.counters.subscriptionsCreated).toBe(2);
      expect(emulator.subscriptions()).toHaveLength(1);
    } finally {
      await host.stop();
    }
  });

  it('puts a rotated authToken in place with the renewal', async () => {
    const existing = ours({
      transport: {
        type: 'WEBHOOK',
        endpoint: ENDPOINT,
        authToken: 'the-old-token-0123456789',
        authTokenHeader: 'auth-token',
      },
    });
    const rotated = 'the-new-token-9876543210';
    const session = oneSession(upkeepRuntime(emulator, { authToken: rotated }));
    await session.until('connected', () => session.statuses.some((s) => s.status === 'connected'));
    await session.stop();
    expect(emulator.subscriptions().map((s) => [s.subscriptionId, s.transport.authToken])).toEqual([
      [existing.subscriptionId, rotated],
    ]);
    expect(emulator.requests.find((r) => r.path.endsWith(':renew'))?.body).toEqual({
      transport: { authToken: rotated },
    });
  });

  it('gets a fresh access token when AXP refuses the current one (401), and goes on', async () => {
    const session = oneSession(upkeepRuntime(emulator));
    await session.until('connected', () => session.statuses.some((s) => s.status === 'connected'));
    const issued = emulator.counters.tokensIssued;
    emulator.controls.revokeTokens();
    await session.until('a new token', () => emulator.counters.tokensIssued > issued);
    await sleep(300);
    expect(await session.stop()).toBeUndefined();
    expect(emulator.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });
});

describe('axp-upkeep refusals', () => {
  let emulator: AxpEmulator;
  beforeEach(async () => {
    emulator = await startAxpEmulator();
  });
  afterEach(async () => {
    await emulator.close();
  });

  for (const [option, value] of [
    ['axpClientSecret', 'a-wrong-client-secret-42'],
    ['axpAppKey', 'a-wrong-app-key-42'],
    ['axpClientId', 'someone-else'],
  ] as const) {
    it(`a wrong ${option} fails the session (failed), naming the options but no secret value`, async () => {
      const error = await oneSession(upkeepRuntime(emulator, { [option]: value })).ended;
      expect(error).toBeInstanceOf(SessionError);
      expect((error as SessionError).failed).toBe(true);
      expect(error!.message).toContain('AXP refused the API client (401 on the token request)');
      expect(error!.message).toContain('check axpClientId, axpClientSecret, axpAppKey');
      for (const secret of [value, emulator.clientSecret, emulator.appKey, AUTH_TOKEN])
        expect(error!.message).not.toContain(secret);
      expect(emulator.counters.tokensRefused).toBe(1);
    });
  }

  it('a 403 from the Notification API fails the session, naming the missing permission', async () => {
    emulator.controls.fail(403, { on: 'api' });
    const error = (await oneSession(upkeepRuntime(emulator)).ended) as SessionError;
    expect(error.failed).toBe(true);
    expect(error.message).toMatch(
      /AXP answered 403 \(missing permission\) while listing subscriptions \(page 1\).*needs access to the Notification API/,
    );
  });

  it('a 429 ends the session with the pause AXP asked for (Retry-After)', async () => {
    emulator.controls.fail(429, { on: 'token', retryAfterSeconds: 7 });
    const error = (await oneSession(upkeepRuntime(emulator)).ended) as SessionError;
    expect([error.failed, error.retryAfterMs]).toEqual([false, 7_000]);
    expect(error.message).toContain('AXP is rate-limiting (429) while getting an access token');
  });

  it('a 503 ends the session (not failed); the next session connects', async () => {
    emulator.controls.fail(503, { on: 'api' });
    const host = hostSubscription(upkeepRuntime(emulator), upkeep, { publicUrl: PUBLIC_URL });
    try {
      await host.until('a second session, connected', () => host.sessions >= 2 && host.connected);
      expect(host.errors).toEqual([
        'AXP answered 503 while listing subscriptions (page 1) (SERVICE_UNAVAILABLE: Service temporarily unavailable)',
      ]);
      expect(emulator.counters.subscriptionsCreated).toBe(1);
    } finally {
      await host.stop();
    }
  });

  it('ends promptly when stopped while AXP does not answer (stall)', async () => {
    emulator.controls.stall(true);
    const session = oneSession(upkeepRuntime(emulator));
    await sleep(200);
    const started = Date.now();
    expect(await session.stop()).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(500);
    expect(emulator.counters.tokensIssued).toBe(0);
  });
});
