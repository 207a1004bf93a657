// Webex CC delivers concurrently and may deliver twice: requests for one event or one task must not both win.
import {
  createMemoryStateStore,
  createRuntime,
  handleRequest,
  type Outcome,
  toInboundRequest,
} from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { AGENT_UUID, services, settings, sign } from './helpers.js';

const TASK = '7a1b2c3d-0000-4000-8000-00000000c0c0';
const delivery = (id: string, type: string, data: Record<string, unknown>) =>
  sign(
    toInboundRequest({
      url: 'http://localhost/webhooks/cisco/webex-cc',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, specversion: '1.0', type, data }),
    }),
  );

const sent = (outcomes: Outcome[]) =>
  outcomes.flatMap((o) => (o.kind === 'accepted' ? o.messages.map((m) => [m.agentid, m.lifecycle]) : []));

describe('Webex CC concurrent deliveries', () => {
  it('maps one of two simultaneous deliveries of the same event and calls the other a duplicate', async () => {
    const runtime = createRuntime(connector, settings, { services, state: createMemoryStateStore() });
    const request = delivery('evt-dup-1', 'agent:channel_state_change', {
      agentId: AGENT_UUID,
      currentState: 'ringing',
      taskId: TASK,
    });
    const outcomes = await Promise.all([handleRequest(runtime, request), handleRequest(runtime, request)]);
    expect(sent(outcomes)).toEqual([['jdoe@example.com', 'offered']]);
    expect(
      outcomes.filter((o) => o.kind === 'ignored' && o.reason.includes('duplicate delivery')),
    ).toHaveLength(1);
  });

  it('sends answered once when task:connected and the agent connected state arrive together, and not again later', async () => {
    const runtime = createRuntime(connector, settings, { services, state: createMemoryStateStore() });
    const outcomes = await Promise.all([
      handleRequest(
        runtime,
        delivery('evt-c-2', 'agent:channel_state_change', {
          agentId: AGENT_UUID,
          currentState: 'connected',
          taskId: TASK,
        }),
      ),
      handleRequest(runtime, delivery('evt-c-1', 'task:connected', { taskId: TASK, origin: '+14155550123' })),
    ]);
    const later = await handleRequest(
      runtime,
      delivery('evt-c-3', 'agent:channel_state_change', {
        agentId: AGENT_UUID,
        currentState: 'wrapup',
        taskId: TASK,
      }),
    );
    expect(sent([...outcomes, later])).toEqual([
      ['jdoe@example.com', 'answered'],
      ['jdoe@example.com', 'wrapup'],
    ]);
  });

  it('gives a later redelivery the first delivery’s messages with the same dedupe keys, so the outbox keeps one', async () => {
    const runtime = createRuntime(connector, settings, { services, state: createMemoryStateStore() });
    const request = delivery('evt-again-1', 'agent:channel_state_change', {
      agentId: AGENT_UUID,
      currentState: 'ringing',
      taskId: TASK,
    });
    const keys = async () => {
      const outcome = await handleRequest(runtime, request);
      return outcome.kind === 'accepted'
        ? outcome.messages.map((m) => [m.lifecycle, m.dedupeKey])
        : outcome.kind;
    };
    const first = await keys();
    expect([first, await keys()]).toEqual([
      [['offered', 'cisco/webex-cc/evt-again-1']],
      [['offered', 'cisco/webex-cc/evt-again-1']],
    ]);
  });

  it('lets a redelivery through after the first attempt failed', async () => {
    const state = createMemoryStateStore();
    let fail = true;
    const flaky = {
      ...state,
      async set(key: string, value: unknown, ttl?: number) {
        if (fail && key.includes('wxcc:task:')) throw new Error('store unavailable');
        return state.set(key, value, ttl);
      },
    };
    const runtime = createRuntime(connector, settings, { services, state: flaky });
    const request = delivery('evt-retry-1', 'agent:channel_state_change', {
      agentId: AGENT_UUID,
      currentState: 'ringing',
      taskId: TASK,
    });
    const first = await handleRequest(runtime, request);
    fail = false;
    const retry = await handleRequest(runtime, request);
    expect([first.answer.status, sent([retry])]).toEqual([503, [['jdoe@example.com', 'offered']]]);
  });
});
