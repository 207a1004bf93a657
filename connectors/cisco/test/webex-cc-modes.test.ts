// The leg a second agent joins on, from each word alone that tells what the task is doing: the task event or
// the first agent's channel state (Webex may deliver either first, or only one of them).
import { createMemoryStateStore, createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { AGENT_B_UUID, AGENT_UUID, services, settings, webexTask } from './helpers.js';

const TASK = '4d5e6f70-0000-4000-8000-00000000f1f1';
const { event: delivery, channel: onChannel } = webexTask(TASK, 'evt-mode');
const channel = (agentId: string, currentState: string) => onChannel(agentId, currentState);

/** The leg agent B's answer goes out on, after A answered and the given events. */
async function legOfB(...between: ReturnType<typeof delivery>[]) {
  const runtime = createRuntime(connector, settings, { services, state: createMemoryStateStore() });
  let leg: unknown = 'none';
  for (const request of [channel(AGENT_UUID, 'connected'), ...between, channel(AGENT_B_UUID, 'connected')]) {
    const outcome = await handleRequest(runtime, request, 'webex-cc');
    if (outcome.kind === 'accepted')
      for (const m of outcome.messages) if (m.agentid === 'asmith@example.com') leg = m.props.leg;
  }
  return leg;
}

describe('Webex CC modes', () => {
  it("reads a consult or conference from the first agent's channel state alone", async () => {
    expect([
      await legOfB(channel(AGENT_UUID, 'consulting')),
      await legOfB(channel(AGENT_UUID, 'conferencing')),
    ]).toEqual(['consult', 'conference']);
  });

  it('ends a consult or conference on the done word, task event or channel state, so the next agent is a transfer', async () => {
    expect([
      await legOfB(delivery('task:consulting', {}), channel(AGENT_UUID, 'consult-done')),
      await legOfB(delivery('task:conferencing', {}), delivery('task:conference-done', {})),
      await legOfB(delivery('task:conferencing', {}), channel(AGENT_UUID, 'conference-done')),
    ]).toEqual(['transfer', 'transfer', 'transfer']);
  });

  it('puts the next agent on a transfer leg after task:conference-transferred, even during a consult', async () => {
    expect(await legOfB(delivery('task:consulting', {}), delivery('task:conference-transferred', {}))).toBe(
      'transfer',
    );
  });
});
