// Avaya Aura AES through a real runner configured with the AES host, a DMCC user and the stations only: the
// runner holds a DMCC session over TLS and pops each call event once, through a dropped socket and a session
// expiry; its status is visible in the admin API and the password never leaves.
import avaya from '@openconnect/avaya';
import { type DmccEmulator, startDmccEmulator } from '@openconnect/avaya/emulators';
import { afterEach, describe, expect, it } from 'vitest';
import { pops, ref, startTestRunner, subscriptionViews, type TestRunner, until } from '../helpers/runner.js';

let emulator: DmccEmulator | undefined;
let test: TestRunner | undefined;
afterEach(async () => {
  await test?.close();
  await emulator?.close();
});

describe('Avaya AES DMCC held by the runner', () => {
  it('pops each call event once, through a dropped socket and a session expiry', async () => {
    emulator = await startDmccEmulator();
    const { aesPassword, ...options } = emulator.options;
    test = await startTestRunner({
      connectors: [avaya],
      env: { AES_PASSWORD: aesPassword },
      config: {
        subscriptions: { backoffBaseMs: 100, backoffMaxMs: 300 },
        connectors: {
          avaya: {
            options: {
              ...options,
              aesPassword: ref('AES_PASSWORD'),
              aesExtensions: ['4001'],
              aesSessionDurationS: 2,
            },
            directory: { '4001': 'jdoe' },
          },
        },
      },
    });
    const t = test;
    const connected = async () =>
      (await subscriptionViews(t))[0]?.status === 'connected' && emulator!.monitorsOf('4001') === 1;
    await until(connected, 10_000, 'the DMCC session');
    const call = { extension: '4001', callId: '179', calling: '3175550100', called: '8005550199' };
    emulator.push({ type: 'DeliveredEvent', ...call });
    await until(() => pops(t).length === 1, 10_000, 'offered');

    emulator.controls.drop();
    await until(
      async () => emulator!.counters.connections >= 2 && (await connected()),
      10_000,
      'the session after the drop',
    );
    emulator.push({ type: 'EstablishedEvent', ...call });
    await until(() => pops(t).length === 2, 10_000, 'answered');

    emulator.controls.expire();
    await until(
      async () => emulator!.counters.sessionsStarted >= 2 && (await connected()),
      10_000,
      'a new session after the expiry',
    );
    emulator.push({ type: 'ConnectionClearedEvent', ...call });
    await until(() => pops(t).length === 3, 10_000, 'ended');

    // Two granted durations more: the timer is reset at half of each, so nothing expires by itself.
    const expired = emulator.counters.expirations;
    await new Promise((r) => setTimeout(r, 4_500));
    expect(emulator.counters.expirations).toBe(expired);
    expect(emulator.counters.resets).toBeGreaterThanOrEqual(3);
    expect(pops(t)).toEqual(['jdoe offered 179', 'jdoe answered 179', 'jdoe ended 179']);
    expect(emulator.monitorsOf('4001')).toBe(1); // never monitored twice
    const [view] = await subscriptionViews(t);
    expect(view).toMatchObject({ connector: 'avaya', subscription: 'aes-dmcc', status: 'connected' });
    expect(`${t.logs.join('\n')}${JSON.stringify(view)}`).not.toContain(aesPassword);
  }, 60_000);
});
