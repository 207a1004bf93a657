// Avaya Experience Platform through a real runner, configured with credentials only: the runner creates
// the WEBHOOK subscription pointing at its own PUBLIC_URL, keeps it alive past several lifetimes, and the
// events AXP pushes reach the OpenConnect emulator; the upkeep's status is visible in the admin API.
import avaya from '@openconnect/avaya';
import { type AxpEmulator, startAxpEmulator } from '@openconnect/avaya/emulators';
import { afterEach, describe, expect, it } from 'vitest';
import type { SubscriptionView } from '../../src/index.js';
import { freePort } from '../helpers/ports.js';
import { ref, startTestRunner, subscriptionViews, type TestRunner, until } from '../helpers/runner.js';

const AUTH_TOKEN = 'axp-webhook-token-runner-0123';
const LIFETIME_MS = 1_500;

let emulator: AxpEmulator | undefined;
let test: TestRunner | undefined;
afterEach(async () => {
  await test?.close();
  await emulator?.close();
});

describe('Avaya AXP subscription upkeep in the runner', () => {
  it('keeps its AXP subscription alive on its own and delivers what AXP pushes', async () => {
    emulator = await startAxpEmulator({ subscriptionLifetimeMs: LIFETIME_MS, tokenLifetimeMs: 2_000 });
    const port = await freePort();
    test = await startTestRunner({
      connectors: [avaya],
      env: { AXP_SECRET: emulator.clientSecret, AXP_APP_KEY: emulator.appKey, AXP_AUTH_TOKEN: AUTH_TOKEN },
      config: {
        port,
        publicUrl: `http://127.0.0.1:${port}`,
        connectors: {
          avaya: {
            options: {
              authToken: ref('AXP_AUTH_TOKEN'),
              axpApiUrl: emulator.url,
              axpAccountId: emulator.accountId,
              axpClientId: emulator.clientId,
              axpClientSecret: ref('AXP_SECRET'),
              axpAppKey: ref('AXP_APP_KEY'),
              axpCheckIntervalMs: 200,
            },
            directory: { 'ag-7f3a91': 'jdoe' },
          },
        },
      },
    });
    const t = test;
    await until(
      () => emulator!.subscriptions().some((s) => s.status === 'ACTIVE'),
      10_000,
      'the subscription',
    );
    const [subscription] = emulator.subscriptions();
    expect(subscription!.transport).toMatchObject({
      type: 'WEBHOOK',
      endpoint: `http://127.0.0.1:${port}/webhooks/avaya/axp`,
      authToken: AUTH_TOKEN,
      authTokenHeader: 'auth-token',
    });
    // Three lifetimes later it is still the same ACTIVE subscription: renewed, never lapsed.
    await new Promise((r) => setTimeout(r, LIFETIME_MS * 3));
    expect(emulator.counters.expirations).toBe(0);
    expect(emulator.counters.subscriptionsCreated).toBe(1);
    expect(emulator.counters.renewals).toBeGreaterThanOrEqual(3);
    expect(emulator.subscriptions().map((s) => s.status)).toEqual(['ACTIVE']);

    expect((await emulator.push()).map((d) => d.status)).toEqual([200]);
    await until(() => t.emulator.messages.length === 1, 10_000, 'the delivery');
    expect(t.emulator.messages[0]).toMatchObject({ agentid: 'jdoe', event: 'answered' });

    const subscriptions = await subscriptionViews(t);
    expect(subscriptions).toEqual([
      expect.objectContaining({
        connector: 'avaya',
        subscription: 'axp-upkeep',
        status: 'connected',
        holding: true,
      }),
    ]);
    expect(subscriptions[0]!.renewals.ok).toBeGreaterThanOrEqual(3);
    const all = `${t.logs.join('\n')}\n${JSON.stringify(subscriptions)}`;
    for (const secret of [AUTH_TOKEN, emulator.clientSecret, emulator.appKey])
      expect(all).not.toContain(secret);
  }, 30_000);

  it('shows refused credentials as failed, naming the options, and keeps taking webhooks', async () => {
    emulator = await startAxpEmulator({ subscriptionLifetimeMs: LIFETIME_MS });
    test = await startTestRunner({
      connectors: [avaya],
      env: { AXP_AUTH_TOKEN: AUTH_TOKEN },
      config: {
        subscriptions: { backoffBaseMs: 200, backoffMaxMs: 400 },
        connectors: {
          avaya: {
            options: {
              authToken: ref('AXP_AUTH_TOKEN'),
              axpApiUrl: emulator.url,
              axpAccountId: emulator.accountId,
              axpClientId: emulator.clientId,
              axpClientSecret: 'a-wrong-client-secret-0123',
              axpAppKey: emulator.appKey,
            },
          },
        },
      },
    });
    const t = test;
    let view: SubscriptionView | undefined;
    await until(
      async () => {
        [view] = await subscriptionViews(t);
        return view?.status === 'failed';
      },
      10_000,
      'failed',
    );
    expect(view!.detail).toContain('axpClientSecret');
    expect(JSON.stringify(view)).not.toContain('a-wrong-client-secret-0123');
    expect(t.logs.join('\n')).not.toContain('a-wrong-client-secret-0123');
    expect((await fetch(`${t.runner.url}/healthz`)).status).toBe(200);
  }, 30_000);
});
