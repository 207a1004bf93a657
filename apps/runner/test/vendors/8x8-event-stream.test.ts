// 8x8 Event Streaming through a real runner configured with the tenant and an API key only: the runner
// consumes the Pulsar topic, acknowledges each frame once stored, and pops each event once through a socket
// closed with a Pulsar error code and a dropped connection (unacknowledged frames redelivered, stored once).
import c8x8 from '@openconnect/8x8';
import { type PulsarEmulator, startPulsarEmulator } from '@openconnect/8x8/emulators';
import { afterEach, describe, expect, it } from 'vitest';
import { pops, ref, startTestRunner, subscriptionViews, type TestRunner, until } from '../helpers/runner.js';

let emulator: PulsarEmulator | undefined;
let test: TestRunner | undefined;
afterEach(async () => {
  await test?.close();
  await emulator?.close();
});

const AGENT = 'agAglVJkg0TU28dok9y9UQKg';
const interaction = (event: string, callState: string, id: string) => ({
  Interaction: {
    event,
    callState,
    interactionGUID: id,
    agentId: AGENT,
    direction: 'in',
    mediaType: 'phone',
    queueId: 1092,
  },
});

describe('8x8 Event Streaming consumed by the runner', () => {
  it('pops each event once through a Pulsar close code and a dropped connection', async () => {
    emulator = await startPulsarEmulator({ idleTimeoutMs: 0 });
    test = await startTestRunner({
      connectors: [c8x8],
      env: { EIGHT_KEY: emulator.apiKey },
      config: {
        subscriptions: { backoffBaseMs: 100, backoffMaxMs: 300 },
        connectors: {
          '8x8': {
            options: {
              streamUrl: emulator.url,
              streamTenant: emulator.tenant,
              streamApiKey: ref('EIGHT_KEY'),
            },
            directory: { [AGENT]: 'jdoe' },
          },
        },
      },
    });
    const t = test;
    await until(
      async () => (await subscriptionViews(t))[0]?.status === 'connected' && emulator!.consumers() === 1,
      10_000,
      'the consumer',
    );
    emulator.push(interaction('InteractionAssigned', 'CS_INPROGRESS', 'int-1'));
    await until(() => pops(t).length === 1, 10_000, 'offered');

    emulator.controls.closeWith(8, 'ConsumerBusy');
    await until(
      async () => emulator!.counters.connections >= 2 && emulator!.consumers() === 1,
      10_000,
      'a new consumer',
    );
    emulator.push(interaction('InteractionAccepted', 'CS_CONNECTED', 'int-1'));
    await until(() => pops(t).length === 2, 10_000, 'answered');

    emulator.controls.drop();
    emulator.push(interaction('InteractionDeleted', 'CS_DISCONNECTED', 'int-1')); // kept for the durable subscription
    await until(() => pops(t).length === 3, 10_000, 'ended, delivered to the next consumer');
    await until(() => emulator!.counters.unacked === 0, 5_000, 'every frame acknowledged');
    await new Promise((r) => setTimeout(r, 300));
    expect(pops(t)).toEqual(['jdoe offered int-1', 'jdoe answered int-1', 'jdoe ended int-1']);
    const [view] = await subscriptionViews(t);
    expect(view).toMatchObject({ connector: '8x8', subscription: 'event-stream', status: 'connected' });
    expect(view!.reconnects).toBeGreaterThanOrEqual(2);
    expect(`${t.logs.join('\n')}${JSON.stringify(view)}`).not.toContain(emulator.apiKey);
  }, 60_000);
});
