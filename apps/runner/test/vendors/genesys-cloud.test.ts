// Genesys Cloud through a real runner configured with an OAuth client and a queue name only: the runner
// resolves the queue, holds notification channels and pops the answered moment (which EventBridge cannot
// give) once, through socket_closing, a dropped socket with an answer missed meanwhile, and channel expiry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import genesys from '@openconnect/genesys';
import { type GenesysCloudEmulator, startGenesysCloudEmulator } from '@openconnect/genesys/emulators';
import { afterEach, describe, expect, it } from 'vitest';
import { pops, ref, startTestRunner, subscriptionViews, type TestRunner, until } from '../helpers/runner.js';

const QUEUE_ID = '7e6d5c4b-aaaa-4bbb-8ccc-dddddddddddd';
const JANE = '9d8e7f6a-1111-4222-8333-444455556666';
const CHANNEL_LIFETIME_MS = 1_500;
type Frame = { topicName: string; eventBody: { id: string } };
// Recorded snapshots of one call through the Billing queue: alerting, connected, connected again, held,
// resumed, disconnected, terminated with a wrap-up code.
const frames = (
  JSON.parse(
    readFileSync(
      join(
        import.meta.dirname,
        '../../../../connectors/genesys/fixtures/cloud-notifications/queue-call-lifecycle.json',
      ),
      'utf8',
    ),
  ) as { steps: { frame: Frame }[] }
).steps.map((s) => s.frame);
const [alerting, connected, , , , disconnected] = frames as [Frame, Frame, Frame, Frame, Frame, Frame];

let emulator: GenesysCloudEmulator | undefined;
let test: TestRunner | undefined;
afterEach(async () => {
  await test?.close();
  await emulator?.close();
  test = undefined;
});

function config(queue: string) {
  return {
    subscriptions: { backoffBaseMs: 100, backoffMaxMs: 300 },
    connectors: {
      genesys: {
        options: {
          cloudClientId: emulator!.clientId,
          cloudClientSecret: ref('GENESYS_CLIENT_SECRET'),
          cloudLoginUrl: emulator!.url,
          cloudApiUrl: emulator!.url,
          cloudNotifyQueues: [queue],
          cloudNotifyHeartbeatTimeoutMs: 1_000,
        },
        directory: { [JANE]: 'jane.doe@example.com' },
      },
    },
  };
}

describe('Genesys Cloud notifications held by the runner', () => {
  it('pops offered, answered and ended once each, through socket_closing, a drop and channel expiry', async () => {
    emulator = await startGenesysCloudEmulator({
      channelLifetimeMs: CHANNEL_LIFETIME_MS,
      heartbeatIntervalMs: 200,
      queues: { [QUEUE_ID]: 'Billing' },
    });
    test = await startTestRunner({
      connectors: [genesys],
      env: { GENESYS_CLIENT_SECRET: emulator.clientSecret },
      config: config('Billing'),
    });
    const t = test;
    await until(
      async () => (await subscriptionViews(t))[0]?.status === 'connected',
      10_000,
      'the notification channel',
    );

    emulator.controls.push(alerting.topicName, alerting.eventBody);
    await until(() => pops(t).length === 1, 10_000, 'offered');
    emulator.controls.push(connected.topicName, connected.eventBody);
    await until(() => pops(t).length === 2, 10_000, 'answered');

    // Maintenance: Genesys says the socket is closing; the runner opens a new channel.
    const sockets = emulator.counters.socketsOpened;
    emulator.controls.socketClosing();
    await until(
      () => emulator!.counters.socketsOpened > sockets,
      10_000,
      'a new socket after socket_closing',
    );
    await until(
      async () => (await subscriptionViews(t))[0]?.status === 'connected',
      10_000,
      'connected again',
    );
    // The same snapshot again (as a resubscription may send) pops nothing.
    emulator.controls.push(connected.topicName, connected.eventBody);

    // The socket is cut and the caller hangs up meanwhile: the catch-up after the reconnect ends the call.
    emulator.controls.drop();
    emulator.controls.update(disconnected.topicName, disconnected.eventBody);
    await until(() => pops(t).length === 3, 10_000, 'ended, from the catch-up');

    // Two and a half channel lifetimes: renewed each time, never expired.
    const renewalsBefore = emulator.counters.renewals;
    await new Promise((r) => setTimeout(r, CHANNEL_LIFETIME_MS * 2.5));
    expect(emulator.counters.expirations).toBe(0);
    expect(emulator.counters.renewals).toBeGreaterThan(renewalsBefore);
    const call = alerting.eventBody.id;
    expect(pops(t)).toEqual([
      `jane.doe@example.com offered ${call}`,
      `jane.doe@example.com answered ${call}`,
      `jane.doe@example.com ended ${call}`,
    ]);
    expect(t.emulator.messages[1]!.props).toMatchObject({
      interactionId: alerting.eventBody.id,
      ani: '+13175550142',
      queue: 'Billing',
      nativeEvent: 'v2.routing.queues.{id}.conversations',
    });
    const [view] = await subscriptionViews(t);
    expect(view).toMatchObject({
      connector: 'genesys',
      subscription: 'cloud-notifications',
      status: 'connected',
    });
    expect(view!.reconnects).toBeGreaterThanOrEqual(2);
    expect(view!.renewals.ok).toBeGreaterThan(0);
    expect(`${t.logs.join('\n')}${JSON.stringify(view)}`).not.toContain(emulator.clientSecret);
  }, 60_000);

  it('refuses to start with a queue name the org does not have', async () => {
    emulator = await startGenesysCloudEmulator({ queues: { [QUEUE_ID]: 'Billing' } });
    await expect(
      startTestRunner({
        connectors: [genesys],
        env: { GENESYS_CLIENT_SECRET: emulator.clientSecret },
        config: config('Biling'),
      }),
    ).rejects.toThrow(/connectors\.genesys \(cloud-notifications\): .*Biling/);
  });
});
