// 8x8 agent id → login: the directory first, then the Agent Status API (emulated), cached; an agent 8x8
// does not know is ignored with a reason, a failing API is an error (503 / negative ack), never the token.
import { createRuntime, handleFrame } from '@openconnect/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentLookup } from '../src/agents.js';
import { type PulsarEmulator, startPulsarEmulator } from '../src/emulators/index.js';
import connector from '../src/index.js';
import { AGENT, interaction, subscription } from './event-stream-harness.js';

const LI = 'agLiWei00000000000000000';
let emulator: PulsarEmulator;
afterEach(() => emulator?.close());

const start = async () => {
  emulator = await startPulsarEmulator({ agents: { [LI]: { name: 'li.wei' } } });
  return emulator;
};
const lookup = (overrides: Partial<Parameters<typeof createAgentLookup>[0]> = {}) =>
  createAgentLookup({
    url: emulator.agentApiUrl,
    tenant: emulator.tenant,
    user: emulator.agentApiUser,
    token: emulator.agentApiToken,
    loginField: 'name',
    cacheTtlMs: 60_000,
    timeoutMs: 2_000,
    ...overrides,
  });
const frameFor = (agentId: string) => ({
  messageId: 'CAcQFQ==',
  payload: Buffer.from(JSON.stringify(interaction('InteractionAccepted', 'int-1', { agentId }))).toString(
    'base64',
  ),
});

describe('Agent Status API look-up', () => {
  it("answers the agent's name as its login, and asks 8x8 once per agent while cached", async () => {
    await start();
    const agents = lookup();
    expect(await Promise.all([agents.login(LI), agents.login(LI)])).toEqual(['li.wei', 'li.wei']);
    expect(await agents.login(LI)).toBe('li.wei');
    expect(emulator.counters.agentLookups).toBe(1);
  });

  it('answers undefined for an agent 8x8 does not know (404) and for an id that is not one', async () => {
    await start();
    const agents = lookup();
    expect(await agents.login('agUnknown000000000000000')).toBeUndefined();
    expect(await agents.login('../../tenants')).toBeUndefined();
    expect(emulator.counters.agentLookups).toBe(1);
  });

  it('throws on refused credentials, naming the options and not the token, and does not cache the failure', async () => {
    await start();
    const agents = lookup({ token: 'wrong-token-0123456789' });
    await expect(agents.login(LI)).rejects.toThrow(
      'the 8x8 Agent Status API refused agentApiUser/agentApiToken for tenant acme01 (HTTP 401); a new token voids the old one',
    );
    emulator.controls.failAgentApi(500);
    const ok = lookup();
    await expect(ok.login(LI)).rejects.toThrow('the 8x8 Agent Status API answered HTTP 500 for agent');
    expect(await ok.login(LI)).toBe('li.wei');
  });
});

describe('agents in event-stream frames', () => {
  const settings = () => ({
    options: {
      agentApiUser: emulator.agentApiUser,
      agentApiUrl: emulator.agentApiUrl,
      agentApiToken: emulator.agentApiToken,
    },
    directory: { [AGENT]: 'jdoe' },
  });

  it('takes the directory first and asks the API only for agents not in it', async () => {
    await start();
    const runtime = createRuntime(connector, settings());
    const fromDirectory = await handleFrame(runtime, subscription, frameFor(AGENT));
    const fromApi = await handleFrame(runtime, subscription, frameFor(LI));
    const agentOf = (o: typeof fromApi) => (o.kind === 'accepted' ? o.messages[0]!.agentid : o.kind);
    expect([agentOf(fromDirectory), agentOf(fromApi)]).toEqual(['jdoe', 'li.wei']);
    expect(emulator.counters.agentLookups).toBe(1);
  });

  it('ignores an agent the API does not know, with the reason', async () => {
    await start();
    const outcome = await handleFrame(
      createRuntime(connector, settings()),
      subscription,
      frameFor('agUnknown000000000000000'),
    );
    expect(outcome.kind === 'ignored' && outcome.reason).toBe(
      '8x8 agent agUnknown000000000000000 is not in the directory and the Agent Status API has no login for it',
    );
  });

  it('fails the frame (to be handed back) when the API cannot answer', async () => {
    await start();
    emulator.controls.failAgentApi(503);
    const outcome = await handleFrame(createRuntime(connector, settings()), subscription, frameFor(LI));
    expect(outcome.kind).toBe('failed');
  });
});
