// PureConnect through a real runner configured with the ICWS server, a user and the queues to watch only: the
// runner logs in, subscribes, reads the event stream and pops each call state once, through a dropped session
// and an expiry; the session's status is visible in the admin API.
import genesys from '@openconnect/genesys';
import {
  ICWS_EMULATOR_PASSWORD,
  ICWS_EMULATOR_USER,
  type IcwsEmulator,
  startIcwsEmulator,
} from '@openconnect/genesys/emulators';
import { afterEach, describe, expect, it } from 'vitest';
import { pops, ref, startTestRunner, subscriptionViews, type TestRunner, until } from '../helpers/runner.js';

let emulator: IcwsEmulator | undefined;
let test: TestRunner | undefined;
afterEach(async () => {
  await test?.close();
  await emulator?.close();
});

async function start(messagingVersion: number) {
  emulator = await startIcwsEmulator({ messagingVersion, sessionIdleMs: 1_500, pingMs: 200 });
  test = await startTestRunner({
    connectors: [genesys],
    env: { ICWS_PASSWORD: ICWS_EMULATOR_PASSWORD },
    config: {
      subscriptions: { backoffBaseMs: 100, backoffMaxMs: 300 },
      connectors: {
        genesys: {
          options: {
            pureconnectServer: emulator.url,
            pureconnectUser: ICWS_EMULATOR_USER,
            pureconnectPassword: ref('ICWS_PASSWORD'),
            pureconnectUserQueues: ['jdoe'],
            pureconnectWorkgroupQueues: ['Support'],
            pureconnectPollIntervalMs: 100,
            pureconnectSessionTimeoutMs: 1_500,
            pureconnectStreamTimeoutMs: 2_000,
          },
        },
      },
    },
  });
  const t = test;
  await until(
    async () => (await subscriptionViews(t))[0]?.status === 'connected',
    10_000,
    'the ICWS session',
  );
  return t;
}

describe.each([
  ['server-sent events (messaging v2)', 2],
  ['short polling (messaging v1)', 1],
])('PureConnect ICWS held by the runner, %s', (_name, version) => {
  it('pops each call state once, through a dropped session and an expiry', async () => {
    const t = await start(version);
    const call = emulator!.controls.call('100201', {
      Eic_State: 'A',
      Eic_UserName: 'jdoe',
      Eic_WorkgroupName: 'Support',
      Eic_RemoteAddress: '+13175550100',
      Eic_CallDirection: 'I',
      Eic_ObjectType: 'Call',
    });
    await until(() => pops(t).length === 1, 10_000, 'offered');
    // The session is cut without a word: the runner logs in again and the snapshot pops nothing twice.
    emulator!.controls.drop();
    await until(() => emulator!.counters.logins >= 2, 10_000, 'a new login');
    call.state('C');
    await until(() => pops(t).length === 2, 10_000, 'answered');
    // The session ends as an idle timeout would: 401, a new login, no duplicate.
    emulator!.controls.expireSessions();
    await until(() => emulator!.counters.logins >= 3, 10_000, 'a third login');
    call.state('E');
    call.remove();
    await until(() => pops(t).length === 3, 10_000, 'ended');
    await new Promise((r) => setTimeout(r, 500));
    expect(pops(t)).toEqual(['jdoe offered 100201', 'jdoe answered 100201', 'jdoe ended 100201']);
    expect(t.emulator.messages[1]!.props).toMatchObject({
      ani: '+13175550100',
      queue: 'Support',
      direction: 'inbound',
    });
    const [view] = await subscriptionViews(t);
    expect(view).toMatchObject({
      connector: 'genesys',
      subscription: 'pureconnect-icws',
      status: 'connected',
    });
    expect(view!.reconnects).toBeGreaterThanOrEqual(2);
    expect(`${t.logs.join('\n')}${JSON.stringify(view)}`).not.toContain(ICWS_EMULATOR_PASSWORD);
  }, 60_000);
});
