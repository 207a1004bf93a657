// An agent missing from the directory: nothing is guessed, and the task's waiting steps survive for later.
import { createMemoryStateStore, createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { AGENT_UUID, services, settings, sign } from './helpers.js';

const TASK = '11111111-2222-4333-8444-555555555555';
let counter = 0;
const delivery = (type: string, data: Record<string, unknown>) =>
  sign(
    toInboundRequest({
      url: 'http://localhost/webhooks/cisco/webex-cc',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: `evt-${++counter}`, specversion: '1.0', type, data }),
    }),
  );

describe('Webex CC agents and the directory', () => {
  it('keeps waiting steps while the agent is unknown and sends them once the directory knows it', async () => {
    const state = createMemoryStateStore();
    const without = createRuntime(connector, { ...settings, directory: {} }, { services, state });
    await handleRequest(without, delivery('task:connected', { taskId: TASK, origin: '+14155550123' }));
    const unknown = await handleRequest(
      without,
      delivery('agent:channel_state_change', { agentId: AGENT_UUID, currentState: 'ringing', taskId: TASK }),
    );
    expect(unknown.kind === 'ignored' && unknown.reason).toContain(`add "${AGENT_UUID}"`);

    // The same store after a restart with the directory entry added.
    const withIt = createRuntime(connector, settings, { services, state });
    const outcome = await handleRequest(
      withIt,
      delivery('agent:channel_state_change', {
        agentId: AGENT_UUID,
        currentState: 'connected',
        taskId: TASK,
      }),
    );
    expect(
      outcome.kind === 'accepted' &&
        outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.nativeEvent]),
    ).toEqual([
      ['jdoe@example.com', 'offered', 'agent:channel_state_change:ringing'],
      ['jdoe@example.com', 'answered', 'task:connected'],
    ]);
  });
});
