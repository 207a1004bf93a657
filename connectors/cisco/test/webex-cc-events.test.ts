// Webex CC events one at a time, the details the call fixtures do not isolate: what each ignored event says,
// the channel states that are steps, the v1 state field, redeliveries of agent events, the fields a step carries,
// records kept from older versions, detection and the envelope refused with 400.
import {
  createMemoryStateStore,
  createRuntime,
  handleRequest,
  type InboundRequest,
  selectSource,
  toInboundRequest,
} from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { AGENT_UUID, NOW, services, settings, sign } from './helpers.js';

const url = 'http://localhost/webhooks/cisco/webex-cc';
let n = 0;
const delivery = (type: string, data: Record<string, unknown>, envelope: Record<string, unknown> = {}) =>
  sign(
    toInboundRequest({
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: `evt-detail-${++n}`, specversion: '1.0', type, ...envelope, data }),
    }),
  );

/** Plays deliveries on one runtime: each one's messages (agent, lifecycle, props) or why it was ignored. */
async function play(...requests: InboundRequest[]) {
  const runtime = createRuntime(connector, settings, { services, state: createMemoryStateStore() });
  const out: unknown[] = [];
  for (const request of requests) {
    const outcome = await handleRequest(runtime, request, 'webex-cc');
    out.push(
      outcome.kind === 'accepted'
        ? outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props])
        : outcome.kind === 'ignored'
          ? outcome.reason
          : [outcome.answer.status, JSON.parse(outcome.answer.body ?? '{}').error],
    );
  }
  return out;
}

const jdoe = 'jdoe@example.com';
const TASK = '3c4d5e6f-0000-4000-8000-00000000e1e1';
const channel = (currentState: string, extra: Record<string, unknown> = {}) =>
  delivery('agent:channel_state_change', { agentId: AGENT_UUID, currentState, taskId: TASK, ...extra });
const taskStep = (lifecycle: string, nativeEvent: string, extra: Record<string, string> = {}) => [
  jdoe,
  lifecycle,
  {
    lifecycle,
    nativeEvent,
    interactionId: TASK,
    platform: 'Webex Contact Center',
    leg: 'primary',
    agentPlatformId: AGENT_UUID,
    ...extra,
  },
];

describe('Webex CC events that send nothing', () => {
  it('says what each one lacks or is', async () => {
    expect(
      await play(
        delivery('agent:channel_state_change', { agentId: AGENT_UUID }),
        delivery('agent:channel_state_change', { agentId: AGENT_UUID, currentState: ' ' }),
        delivery('task:connect', {}),
        delivery('task:connect', { taskId: TASK }),
        delivery('agent:state_change', {}),
        delivery('agent:state_change', { agentId: AGENT_UUID }),
        delivery('foo:bar', { agentId: AGENT_UUID }),
      ),
    ).toEqual([
      'agent:channel_state_change has no currentState',
      'agent:channel_state_change has no currentState',
      'task:connect carries no taskId',
      `task:connect for task ${TASK} names no agent; kept until an agent:channel_state_change names one`,
      'agent:state_change carries no agentId',
      'agent:state_change has no state',
      'event type foo:bar is not a task or agent event this connector maps',
    ]);
  });

  it('says a task event that is not a step was recorded, when no agent is known yet', async () => {
    expect(await play(delivery('task:new', { taskId: TASK, origin: '+14155550123' }))).toEqual([
      `task:new for task ${TASK} recorded (caller and queue for later events)`,
    ]);
  });
});

describe('Webex CC agent states', () => {
  it('reads the v1 agent:state_change state field when there is no currentState', async () => {
    expect(await play(delivery('agent:state_change', { agentId: AGENT_UUID, state: 'Available' }))).toEqual([
      [
        [
          jdoe,
          'agent_state',
          {
            lifecycle: 'agent_state',
            nativeEvent: 'agent:state_change',
            agentState: 'Available',
            platform: 'Webex Contact Center',
            agentPlatformId: AGENT_UUID,
          },
        ],
      ],
    ]);
  });

  it('gives a redelivered agent event the first delivery’s message again', async () => {
    const logout = delivery('agent:logout', { agentId: AGENT_UUID });
    const [first, again] = await play(logout, logout);
    expect([again, (first as unknown[][])[0]?.[1]]).toEqual([first, 'agent_state']);
  });
});

describe('Webex CC task steps from channel states', () => {
  it('sends on-hold, hold-done and wrapup-done as held, resumed and completed', async () => {
    expect(
      await play(channel('connected'), channel('on-hold'), channel('hold-done'), channel('wrapup-done')),
    ).toEqual([
      [taskStep('answered', 'agent:channel_state_change:connected')],
      [taskStep('held', 'agent:channel_state_change:on-hold')],
      [taskStep('resumed', 'agent:channel_state_change:hold-done')],
      [taskStep('completed', 'agent:channel_state_change:wrapup-done')],
    ]);
  });

  it('sends the end reason on ended, wrap-up and completed only, and the wrap-up code on completed only', async () => {
    const why = { reason: 'customer hung up', terminatingParty: 'CUSTOMER', wrapUpAuxCodeId: 'wc-7' };
    const sent = await play(
      delivery('task:new', { taskId: TASK, ...why }),
      channel('connected'),
      channel('wrapup'),
      channel('wrapup-done'),
    );
    const ending = { reason: 'customer hung up', terminatingParty: 'CUSTOMER' };
    expect(sent.slice(1)).toEqual([
      [taskStep('answered', 'agent:channel_state_change:connected')],
      [taskStep('wrapup', 'agent:channel_state_change:wrapup', ending)],
      [taskStep('completed', 'agent:channel_state_change:wrapup-done', { ...ending, disposition: 'wc-7' })],
    ]);
  });

  it('sends a task kept from before legs were recorded on the primary leg', async () => {
    const state = createMemoryStateStore();
    await state.set(
      `cisco:wxcc:task:${TASK}`,
      {
        info: {},
        agentId: AGENT_UUID,
        progress: [{ agentId: AGENT_UUID, sent: ['answered'], held: false }],
        pending: [],
      },
      60_000,
    );
    const runtime = createRuntime(connector, settings, { services, state });
    const outcome = await handleRequest(runtime, delivery('task:on-hold', { taskId: TASK }), 'webex-cc');
    expect(
      outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.leg]),
    ).toEqual([[jdoe, 'held', 'primary']]);
  });
});

describe('Webex CC event time', () => {
  const dry = async (comciscotimestamp: unknown) => {
    const runtime = createRuntime(connector, settings, { services, state: createMemoryStateStore() });
    const outcome = await handleRequest(
      runtime,
      delivery('agent:login', { agentId: AGENT_UUID }, { comciscotimestamp }),
      'webex-cc',
      { verify: false },
    );
    return outcome.kind === 'accepted' ? outcome.messages[0]?.props.eventTime : outcome.kind;
  };

  it('takes eventTime from comciscotimestamp in epoch milliseconds, and none from what is not a time', async () => {
    expect([
      await dry(NOW),
      await dry(String(NOW)),
      await dry(''),
      await dry('soon'),
      await dry(1e20),
    ]).toEqual(['2026-11-25T12:00:00.000Z', '2026-11-25T12:00:00.000Z', undefined, undefined, undefined]);
  });
});

describe('Webex CC detection and envelope', () => {
  const pick = (body: unknown) => {
    const picked = selectSource(
      connector,
      toInboundRequest({
        url: 'http://localhost/webhooks/cisco',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
      undefined,
    );
    return 'id' in picked ? picked.id : 'none';
  };

  it('picks webex-cc for task, agent, capture and task-message events, and nothing for other types', () => {
    expect(
      [
        'task:new',
        'agent:login',
        'capture:available',
        'task-message:new',
        'taskx:new',
        'xtask:new',
        'task',
        7,
      ].map((type) => pick({ id: '1', type })),
    ).toEqual(['webex-cc', 'webex-cc', 'webex-cc', 'webex-cc', 'none', 'none', 'none', 'none']);
  });

  it('picks nothing for a JSON null', () => {
    expect(pick(null)).toBe('none');
  });

  it('refuses a body that is not a JSON object with 400, saying what a webhook is', async () => {
    expect(
      await play(
        sign(toInboundRequest({ url, headers: { 'content-type': 'application/json' }, body: '[1]' })),
      ),
    ).toEqual([[400, 'a Webex Contact Center webhook is a JSON object with id, type and data']]);
  });

  it('refuses an event whose id is blank with 400, naming the field', async () => {
    const body = JSON.stringify({ id: ' ', type: 'task:new', data: {} });
    const [refused] = (await play(
      sign(toInboundRequest({ url, headers: { 'content-type': 'application/json' }, body })),
    )) as [number, string][];
    expect([
      refused?.[0],
      refused?.[1]?.startsWith('the Webex Contact Center event is not as expected at id'),
    ]).toEqual([400, true]);
  });

  it('reads numbers as text and a mistyped field as absent', async () => {
    const [sent] = await play(
      delivery('agent:channel_state_change', {
        agentId: AGENT_UUID,
        currentState: 'available',
        teamId: 42,
        idleCodeName: { name: 'Lunch' },
        channelType: ' chat ',
      }),
    );
    expect((sent as unknown[][])[0]?.[2]).toEqual({
      lifecycle: 'agent_state',
      nativeEvent: 'agent:channel_state_change:available',
      agentState: 'available',
      platform: 'Webex Contact Center',
      agentPlatformId: AGENT_UUID,
      channel: 'chat',
      teamId: '42',
    });
  });

  it('reads a data that is not an object as empty', async () => {
    expect(await play(delivery('task:new', 'not an object' as unknown as Record<string, unknown>))).toEqual([
      'task:new carries no taskId',
    ]);
  });
});
