// Webex CC legs: every leg of a call keeps one taskId, so the leg an agent joins on follows from what the task
// was doing (task:consulting, task:conferencing...) and whether another agent had answered it.
import { createMemoryStateStore, createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { AGENT_B_UUID, AGENT_UUID, services, settings, webexTask } from './helpers.js';

const TASK = '2b3c4d5e-0000-4000-8000-00000000d1d1';
const { event: delivery, channel: onChannel } = webexTask(TASK, 'evt-leg');
const channel = (agentId: string, currentState: string) =>
  onChannel(agentId, currentState, { channelType: 'telephony' });

async function play(...requests: ReturnType<typeof delivery>[]) {
  const runtime = createRuntime(connector, settings, { services, state: createMemoryStateStore() });
  const out: unknown[][] = [];
  for (const request of requests) {
    const outcome = await handleRequest(runtime, request, 'webex-cc');
    if (outcome.kind === 'accepted') {
      for (const m of outcome.messages)
        out.push([m.agentid, m.lifecycle, m.props.leg, m.props.previousAgentState]);
    }
  }
  return out;
}

describe('Webex CC legs', () => {
  it('offers the task on the primary leg to a second agent when the first never answered (ring, no answer)', async () => {
    expect(
      await play(
        channel(AGENT_UUID, 'ringing'),
        channel(AGENT_UUID, 'not-responding'),
        channel(AGENT_B_UUID, 'ringing'),
      ),
    ).toEqual([
      ['jdoe@example.com', 'offered', 'primary', undefined],
      ['jdoe@example.com', 'agent_state', undefined, undefined],
      ['asmith@example.com', 'offered', 'primary', undefined],
    ]);
  });

  it('puts an agent joining during task:conferencing, never consulted, on the conference leg', async () => {
    expect(
      await play(
        channel(AGENT_UUID, 'connected'),
        delivery('task:conferencing', {}),
        channel(AGENT_B_UUID, 'connected'),
      ),
    ).toEqual([
      ['jdoe@example.com', 'answered', 'primary', undefined],
      ['asmith@example.com', 'answered', 'conference', undefined],
    ]);
  });

  it('puts the next agent on a transfer leg once task:consult-done closed the consult', async () => {
    expect(
      await play(
        channel(AGENT_UUID, 'connected'),
        delivery('task:consulting', {}),
        delivery('task:consult-done', {}),
        channel(AGENT_B_UUID, 'ringing'),
      ),
    ).toEqual([
      ['jdoe@example.com', 'answered', 'primary', undefined],
      ['asmith@example.com', 'offered', 'transfer', undefined],
    ]);
  });

  it("sends the agent's last state seen as previousAgentState", async () => {
    const state = (currentState: string) =>
      delivery('agent:channel_state_change', { agentId: AGENT_UUID, currentState, taskId: undefined });
    expect(await play(state('available'), state('idle'))).toEqual([
      ['jdoe@example.com', 'agent_state', undefined, undefined],
      ['jdoe@example.com', 'agent_state', undefined, 'available'],
    ]);
  });
});

describe('Webex CC task events during a consult', () => {
  it('go to the agent who has the customer, not the consulted agent whose channel event came last', async () => {
    expect(
      await play(
        channel(AGENT_UUID, 'connected'),
        delivery('task:consulting', {}),
        channel(AGENT_B_UUID, 'connected'),
        delivery('task:on-hold', {}),
        delivery('task:hold-done', {}),
      ),
    ).toEqual([
      ['jdoe@example.com', 'answered', 'primary', undefined],
      ['asmith@example.com', 'answered', 'consult', undefined],
      ['jdoe@example.com', 'held', 'primary', undefined],
      ['jdoe@example.com', 'resumed', 'primary', undefined],
    ]);
  });

  it('go to the consulted agent once the first has left the call (a consult transfer)', async () => {
    expect(
      await play(
        channel(AGENT_UUID, 'connected'),
        delivery('task:consulting', {}),
        channel(AGENT_B_UUID, 'connected'),
        channel(AGENT_UUID, 'wrapup'),
        delivery('task:ended', {}),
      ),
    ).toEqual([
      ['jdoe@example.com', 'answered', 'primary', undefined],
      ['asmith@example.com', 'answered', 'consult', undefined],
      ['jdoe@example.com', 'wrapup', 'primary', undefined],
      ['asmith@example.com', 'ended', 'consult', undefined],
    ]);
  });
});
