// NICE CXone through a real runner configured with an API client and an access key only: the Real-Time Data
// poller pops each moment of a call once through a dropped connection and an early token expiry, and the
// per-agent Agent API sessions do the same through a session CXone ended; both statuses are visible.
import incontact from '@openconnect/incontact';
import { type CxoneEmulator, startCxoneEmulator } from '@openconnect/incontact/emulators';
import { afterEach, describe, expect, it } from 'vitest';
import { pops, ref, startTestRunner, subscriptionViews, type TestRunner, until } from '../helpers/runner.js';

let emulator: CxoneEmulator | undefined;
let test: TestRunner | undefined;
afterEach(async () => {
  await test?.close();
  await emulator?.close();
});

const AGENT = '23045871';
const events = (t: TestRunner) => pops(t).map((line) => line.split(' ').slice(0, 2).join(' '));

async function start(options: Record<string, unknown>) {
  emulator = await startCxoneEmulator({ tokenLifetimeMs: 2_000 });
  test = await startTestRunner({
    connectors: [incontact],
    env: { CXONE_SECRET: emulator.clientSecret, CXONE_KEY_SECRET: emulator.accessKeySecret },
    config: {
      subscriptions: { backoffBaseMs: 100, backoffMaxMs: 300 },
      connectors: {
        incontact: {
          options: {
            cxoneAuthUrl: emulator.authUrl,
            cxoneApiUrl: emulator.apiUrl,
            cxoneClientId: emulator.clientId,
            cxoneClientSecret: ref('CXONE_SECRET'),
            cxoneAccessKeyId: emulator.accessKeyId,
            cxoneAccessKeySecret: ref('CXONE_KEY_SECRET'),
            cxoneRealtimeIntervalMs: 100,
            cxoneLongPollSeconds: 1,
            ...options,
          },
          directory: { [AGENT]: 'mreyes@acme.example' },
        },
      },
    },
  });
  const t = test;
  await until(
    async () => (await subscriptionViews(t)).every((s) => s.status === 'connected'),
    10_000,
    'the CXone sessions',
  );
  return t;
}

describe('NICE CXone held by the runner', () => {
  it('Real-Time Data polling pops each moment once, through a dropped connection and an early token expiry', async () => {
    const t = await start({});
    const call = emulator!.controls.call(AGENT);
    call.offer();
    await until(() => events(t).length === 1, 10_000, 'offered');
    emulator!.controls.drop();
    call.answer();
    await until(() => events(t).length === 2, 10_000, 'answered');
    emulator!.controls.expireTokens();
    call.hangUp();
    await until(() => events(t).length === 3, 10_000, 'ended');
    await new Promise((r) => setTimeout(r, 500));
    expect(events(t)).toEqual([
      'mreyes@acme.example offered',
      'mreyes@acme.example answered',
      'mreyes@acme.example ended',
    ]);
    const [view] = await subscriptionViews(t);
    expect(view).toMatchObject({ connector: 'incontact', subscription: 'rtd-poll', status: 'connected' });
    expect(`${t.logs.join('\n')}${JSON.stringify(view)}`).not.toContain(emulator!.accessKeySecret);
  }, 60_000);

  it('an Agent API session per agent pops each moment once, through a session CXone ended', async () => {
    const t = await start({ cxoneRealtime: false, cxoneAgentIds: [AGENT] });
    const [view] = await subscriptionViews(t);
    expect(view).toMatchObject({
      subscription: `agent-sessions:${AGENT}`,
      instance: AGENT,
      status: 'connected',
    });
    const call = emulator!.controls.call(AGENT);
    call.offer();
    await until(() => events(t).some((e) => e.endsWith('offered')), 10_000, 'offered');
    emulator!.controls.endSession(AGENT, { silently: true });
    await until(() => emulator!.counters.sessions >= 2, 10_000, 'a new Agent API session');
    call.answer();
    call.hangUp();
    await until(() => events(t).some((e) => e.endsWith('ended')), 10_000, 'ended');
    await new Promise((r) => setTimeout(r, 500));
    const calls = events(t).filter((e) => !e.endsWith('agent_state'));
    expect(calls).toEqual([
      'mreyes@acme.example offered',
      'mreyes@acme.example answered',
      'mreyes@acme.example ended',
    ]);
  }, 60_000);
});
