// PureEngage through a real runner configured with the Workspace API key, an OAuth client and each agent's
// credentials and DN only: one Workspace session per agent (CometD), each call state popped once through an
// expired session (403), a handshake advice and token renewals; both agents' sessions are visible.
import genesys from '@openconnect/genesys';
import {
  startWorkspaceEmulator,
  WORKSPACE_EMULATOR_ACCOUNTS,
  type WorkspaceEmulator,
} from '@openconnect/genesys/emulators';
import { afterEach, describe, expect, it } from 'vitest';
import { pops, ref, startTestRunner, subscriptionViews, type TestRunner, until } from '../helpers/runner.js';

let emulator: WorkspaceEmulator | undefined;
let test: TestRunner | undefined;
afterEach(async () => {
  await test?.close();
  await emulator?.close();
});

const [JSMITH, AKIM] = WORKSPACE_EMULATOR_ACCOUNTS as [
  (typeof WORKSPACE_EMULATOR_ACCOUNTS)[0],
  (typeof WORKSPACE_EMULATOR_ACCOUNTS)[0],
];
// Call moments only: each activation also pops the DN's agent state (Ready).
const events = (t: TestRunner) =>
  pops(t)
    .map((line) => line.split(' ').slice(0, 2).join(' '))
    .filter((line) => !line.endsWith(' agent_state'));

describe('Genesys PureEngage Workspace sessions held by the runner', () => {
  it('holds one session per agent and pops each call state once through an expiry and a handshake advice', async () => {
    emulator = await startWorkspaceEmulator({ tokenLifetimeMs: 2_000, longPollMs: 400 });
    test = await startTestRunner({
      connectors: [genesys],
      env: {
        WS_SECRET: emulator.clientSecret,
        WS_KEY: emulator.apiKey,
        JSMITH_PW: JSMITH.password,
        AKIM_PW: AKIM.password,
      },
      config: {
        subscriptions: { backoffBaseMs: 100, backoffMaxMs: 300 },
        connectors: {
          genesys: {
            options: {
              pureengageApiUrl: emulator.url,
              pureengageApiKey: ref('WS_KEY'),
              pureengageClientId: emulator.clientId,
              pureengageClientSecret: ref('WS_SECRET'),
              pureengageAgents: [
                {
                  username: JSMITH.username,
                  password: ref('JSMITH_PW'),
                  dn: JSMITH.dn,
                  agentId: JSMITH.agentLogin,
                },
                { username: AKIM.username, password: ref('AKIM_PW'), dn: AKIM.dn, agentId: AKIM.agentLogin },
              ],
              pureengageNetworkDelayMs: 1_000,
              pureengageRetryWindowMs: 3_000,
            },
          },
        },
      },
    });
    const t = test;
    await until(
      async () => {
        const views = await subscriptionViews(t);
        return views.length === 2 && views.every((v) => v.status === 'connected');
      },
      15_000,
      "both agents' sessions",
    );
    expect((await subscriptionViews(t)).map((v) => v.subscription)).toEqual([
      `pureengage-workspace:${JSMITH.username}`,
      `pureengage-workspace:${AKIM.username}`,
    ]);

    const call = emulator.controls.ring(JSMITH.username);
    await until(() => events(t).length === 1, 10_000, 'offered');
    emulator.controls.expire('cookie', JSMITH.username); // the next connect answers 403: initialize again
    await until(() => emulator!.counters.initializations >= 3, 10_000, 'a new initialization');
    await until(
      async () => (await subscriptionViews(t)).every((v) => v.status === 'connected'),
      10_000,
      'connected again',
    );
    call.set('Established');
    await until(() => events(t).length === 2, 10_000, 'answered');
    emulator.controls.expire('handshake', JSMITH.username);
    await until(
      () => emulator!.counters.initializations >= 4,
      10_000,
      'a new initialization after the advice',
    );
    await until(
      async () => (await subscriptionViews(t)).every((v) => v.status === 'connected'),
      10_000,
      'connected again',
    );
    call.set('Released');
    await until(() => events(t).length === 3, 10_000, 'ended');
    // Two token lifetimes more: renewed, never expired.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(emulator.counters.expirations).toBe(0);
    expect(emulator.counters.renewals).toBeGreaterThanOrEqual(2);
    // The DN's state pops once per agent, not again at every new initialization.
    expect(
      pops(t)
        .filter((l) => l.includes(' agent_state '))
        .map((l) => l.split(' ')[0])
        .sort(),
    ).toEqual([JSMITH.agentLogin, AKIM.agentLogin].sort());
    expect(events(t)).toEqual([
      `${JSMITH.agentLogin} offered`,
      `${JSMITH.agentLogin} answered`,
      `${JSMITH.agentLogin} ended`,
    ]);
    const all = `${t.logs.join('\n')}${JSON.stringify(await subscriptionViews(t))}`;
    for (const secret of [JSMITH.password, AKIM.password, emulator.clientSecret, emulator.apiKey])
      expect(all).not.toContain(secret);
  }, 60_000);
});
