// mapChat one behaviour at a time, on single Chat Gateway events against a fresh state store: why an event is
// ignored (each reason says what was missing), the properties read from the envelope and its data, and what
// the conversation remembers between events (queue, channel, agent, transfer).
import { createMemoryStateStore, type StateStore, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { mapChat, normaliseChatChannel, parseChat } from '../src/chat.js';
import { AGENT, AGENT_B, chatRequest, reason, run, sign } from './webhook-helpers.js';

const directory = new Map([
  [AGENT, 'jdoe'],
  [AGENT_B, 'asmith'],
]);

let sequence = 0;
/** One event read as the source reads it (headers included), mapped against `state`. */
async function send(
  body: Record<string, unknown>,
  state: StateStore = createMemoryStateStore(),
  headers: Record<string, string> = {},
) {
  sequence += 1;
  const event = parseChat(chatRequest(body, { 'x-8x8-event-id': `evt-${sequence}`, ...headers }));
  const result = await mapChat(event, { directory, state });
  return 'ignored' in result ? result.ignored : result;
}
const assigned = (id: string, more: Record<string, unknown> = {}) => ({
  eventType: 'CONVERSATION_UPDATE',
  conversationId: 'CONV-1',
  data: { state: 'active', assignment: { type: 'agent', id }, ...more },
});

describe('Chat Gateway events ignored, each with its reason', () => {
  it('QUEUED: no agent yet, naming the conversation and queue', async () => {
    expect(
      await send({ eventType: 'QUEUED', conversationId: 'CONV-1', data: { queueName: 'Support' } }),
    ).toBe('conversation CONV-1 is queued in Support; no agent yet');
    expect(await send({ eventType: 'QUEUED', queueName: 'Sales' })).toBe(
      'conversation (no id) is queued in Sales; no agent yet',
    );
    expect(await send({ eventType: 'QUEUED', conversationId: 'CONV-1' })).toBe(
      'conversation CONV-1 is queued; no agent yet',
    );
  });

  it('CONVERSATION_UPDATE assigned to a queue or to nobody', async () => {
    expect(
      await send({
        eventType: 'CONVERSATION_UPDATE',
        conversationId: 'CONV-1',
        data: { state: 'queued', assignment: { type: 'queue', id: 'Q1' } },
      }),
    ).toBe('CONVERSATION_UPDATE without an agent assignment (state queued, assigned to queue)');
    expect(await send({ eventType: 'CONVERSATION_UPDATE', conversationId: 'CONV-1' })).toBe(
      'CONVERSATION_UPDATE without an agent assignment (state unknown, assigned to nobody)',
    );
  });

  it('an assignment of type Agent (any case) is one', async () => {
    expect(
      await send({
        eventType: 'CONVERSATION_UPDATE',
        conversationId: 'CONV-1',
        data: { assignment: { type: 'AGENT', id: AGENT } },
      }),
    ).toMatchObject({ agentid: 'jdoe', lifecycle: 'answered' });
  });

  it('an assignment without a type is to nobody', async () => {
    expect(
      await send({
        eventType: 'CONVERSATION_UPDATE',
        conversationId: 'CONV-1',
        data: { assignment: { id: AGENT } },
      }),
    ).toBe('CONVERSATION_UPDATE without an agent assignment (state unknown, assigned to nobody)');
  });

  it('AGENT_JOINED without agentId, and AGENT_LEFT without one', async () => {
    expect(
      await send({
        eventType: 'AGENT_JOINED',
        conversationId: 'CONV-1',
        data: { assignment: { type: 'agent', id: AGENT } },
      }),
    ).toBe('AGENT_JOINED without an agent assignment (state unknown, assigned to agent)');
    expect(await send({ eventType: 'AGENT_LEFT', conversationId: 'CONV-1' })).toBe(
      'AGENT_LEFT names no agent',
    );
  });

  it('MEMBERS_CHANGED for an agent without an id, or with no member type', async () => {
    expect(
      await send({
        eventType: 'MEMBERS_CHANGED',
        conversationId: 'CONV-1',
        data: { memberType: 'agent', change: 'joined' },
      }),
    ).toBe('MEMBERS_CHANGED: a agent joined; only agents pop');
    expect(await send({ eventType: 'MEMBERS_CHANGED', conversationId: 'CONV-1' })).toBe(
      'MEMBERS_CHANGED: a member changed; only agents pop',
    );
    expect(
      await send({
        eventType: 'MEMBERS_CHANGED',
        conversationId: 'CONV-1',
        data: { memberType: 'agent', id: AGENT },
      }),
    ).toBe(`MEMBERS_CHANGED: agent ${AGENT} (no change), neither joined nor left`);
  });

  it('MEMBERS_CHANGED reads Agent, JOINED and LEFT in any case', async () => {
    const state = createMemoryStateStore();
    const member = (change: string) => ({
      eventType: 'MEMBERS_CHANGED',
      conversationId: 'CONV-1',
      data: { memberType: 'Agent', change, id: AGENT },
    });
    expect(await send(member('JOINED'), state)).toMatchObject({ lifecycle: 'answered' });
    expect(await send(member('Left'), state)).toMatchObject({ lifecycle: 'ended' });
  });

  it('TRANSFER without a conversation, or with no agent known, or an agent not in the directory', async () => {
    expect(await send({ eventType: 'TRANSFER' })).toBe('TRANSFER names no conversation');
    expect(await send({ eventType: 'TRANSFER', conversationId: 'CONV-1' })).toBe(
      'TRANSFER of conversation CONV-1: no agent is known to handle it',
    );
    const state = createMemoryStateStore();
    await state.set('agent:CONV-1', 'agNotInDirectory');
    expect(await send({ eventType: 'TRANSFER', conversationId: 'CONV-1' }, state)).toBe(
      '8x8 agent agNotInDirectory is not in the directory; add "agNotInDirectory": "<agent login>" to the 8x8 directory',
    );
  });

  it('an agent not in the directory joining or leaving', async () => {
    const notIn = '8x8 agent agX is not in the directory; add "agX": "<agent login>" to the 8x8 directory';
    expect(await send({ eventType: 'AGENT_JOINED', conversationId: 'CONV-1', agentId: 'agX' })).toBe(notIn);
    expect(await send({ eventType: 'AGENT_LEFT', conversationId: 'CONV-1', agentId: 'agX' })).toBe(notIn);
  });

  it('any other event type, pointing at where the assignment arrives', async () => {
    expect(await send({ eventType: 'MESSAGE_RECEIVED', conversationId: 'CONV-1' })).toBe(
      'Chat Gateway MESSAGE_RECEIVED is not an event this connector maps (the agent assignment arrives in CONVERSATION_UPDATE)',
    );
  });
});

describe('Chat Gateway properties', () => {
  it('reads the envelope, the customer and the queue into one message', async () => {
    const result = await send(
      {
        ...assigned(AGENT, {
          queueId: 77,
          queueName: 'Support',
          user: {
            name: 'Ada Lovelace',
            phone: '+447700900123',
            email: 'ada@example.com',
            additionalProperties: [
              { key: 'crmId', value: 'C-42' },
              { value: 'no key' },
              { key: 'tier', value: { level: 'gold' } },
            ],
          },
        }),
        timestamp: 1764065702412,
        agentName: 'Jane Doe',
      },
      createMemoryStateStore(),
      { 'x-8x8-tenant-id': 'acme01' },
    );
    expect(result).toEqual({
      agentid: 'jdoe',
      lifecycle: 'answered',
      props: {
        nativeEvent: 'CONVERSATION_UPDATE',
        platform: '8x8 Contact Center',
        channel: 'chat',
        eventTime: '2025-11-25T10:15:02.412Z',
        interactionId: 'CONV-1',
        customerName: 'Ada Lovelace',
        ani: '+447700900123',
        queue: 'Support',
        queueId: '77',
        agentPlatformId: AGENT,
        agentName: 'Jane Doe',
        conversationState: 'active',
        tenantId: 'acme01',
        'user.email': 'ada@example.com',
        'user.crmId': 'C-42',
        'user.tier.level': 'gold',
        leg: 'primary',
      },
    });
  });

  it('a timestamp that is not milliseconds since the epoch is no eventTime', async () => {
    for (const timestamp of ['2025-11-25T10:15:02Z', 0, -1, 8.64e15]) {
      const result = await send({ ...assigned(AGENT), timestamp });
      expect(typeof result !== 'string' && result.props).not.toHaveProperty('eventTime');
    }
    const last = await send({ ...assigned(AGENT), timestamp: 8.64e15 - 1 });
    expect(typeof last !== 'string' && last.props.eventTime).toBe('+275760-09-12T23:59:59.999Z');
  });

  it('a timestamp sent as text is no eventTime, even when it holds milliseconds', async () => {
    const result = await send({ ...assigned(AGENT), timestamp: '1764065702412' });
    expect(typeof result !== 'string' && result.props).not.toHaveProperty('eventTime');
  });

  it('the envelope queue when data names none, and the queue remembered from QUEUED last', async () => {
    const state = createMemoryStateStore();
    await send({ eventType: 'QUEUED', conversationId: 'CONV-1', queueId: 'Q-top', queueName: 'Top' }, state);
    const remembered = await send(assigned(AGENT), state);
    expect(typeof remembered !== 'string' && [remembered.props.queue, remembered.props.queueId]).toEqual([
      'Top',
      'Q-top',
    ]);
    const envelope = await send({ ...assigned(AGENT_B), queueId: 'Q-env', queueName: 'Env' }, state);
    expect(typeof envelope !== 'string' && [envelope.props.queue, envelope.props.queueId]).toEqual([
      'Env',
      'Q-env',
    ]);
  });

  it('no conversation: no interactionId, channel chat, nothing remembered', async () => {
    const result = await send({ eventType: 'AGENT_JOINED', agentId: AGENT, data: { channel: 'SMS' } });
    expect(result).toMatchObject({ props: { channel: 'chat', leg: 'primary' } });
    expect(typeof result !== 'string' && result.props).not.toHaveProperty('interactionId');
  });

  it('the channel a conversation was last named with stays with it', async () => {
    const state = createMemoryStateStore();
    await send({ eventType: 'QUEUED', conversationId: 'CONV-1', data: { channel: 'WhatsApp' } }, state);
    expect(await send(assigned(AGENT), state)).toMatchObject({ props: { channel: 'messaging' } });
  });
});

describe('a chat joined after TRANSFER', () => {
  it('the agent who had it gets transferred; the next agent the transfer leg; the same agent again is primary', async () => {
    const state = createMemoryStateStore();
    await send(assigned(AGENT), state);
    expect(await send({ eventType: 'TRANSFER', conversationId: 'CONV-1' }, state)).toMatchObject({
      agentid: 'jdoe',
      lifecycle: 'transferred',
    });
    expect(
      await send({ eventType: 'AGENT_JOINED', conversationId: 'CONV-1', agentId: AGENT_B }, state),
    ).toMatchObject({
      agentid: 'asmith',
      props: { leg: 'transfer', parentInteractionId: 'CONV-1' },
    });
    const again = createMemoryStateStore();
    await send(assigned(AGENT), again);
    await send({ eventType: 'TRANSFER', conversationId: 'CONV-1' }, again);
    await send({ eventType: 'AGENT_LEFT', conversationId: 'CONV-1', agentId: AGENT }, again);
    expect(
      await send({ eventType: 'AGENT_JOINED', conversationId: 'CONV-1', agentId: AGENT }, again),
    ).toMatchObject({
      props: { leg: 'primary' },
    });
  });

  it('an agent joining twice is answered once; after leaving, again', async () => {
    const state = createMemoryStateStore();
    const joined = { eventType: 'AGENT_JOINED', conversationId: 'CONV-1', agentId: AGENT };
    await send(joined, state, { 'x-8x8-event-id': 'e1' });
    expect(await send(joined, state, { 'x-8x8-event-id': 'e2' })).toBe(
      'AGENT_JOINED: conversation CONV-1 was already answered by agent ' + AGENT,
    );
    await send({ eventType: 'AGENT_LEFT', conversationId: 'CONV-1', agentId: AGENT }, state);
    expect(await send(joined, state, { 'x-8x8-event-id': 'e3' })).toMatchObject({ lifecycle: 'answered' });
  });
});

describe('normaliseChatChannel', () => {
  it.each([
    ['WhatsApp', 'messaging'],
    ['Viber', 'messaging'],
    [' RCS ', 'messaging'],
    ['ChatAPI', 'chat'],
    ['WebChat', 'chat'],
    ['SMS', 'sms'],
    ['Email', 'email'],
    ['Facebook', 'social'],
  ])('%s is %s', (word, channel) => {
    expect(normaliseChatChannel(word)).toBe(channel);
  });

  it('none for nothing or blanks', () => {
    expect(normaliseChatChannel(undefined)).toBeUndefined();
    expect(normaliseChatChannel('  ')).toBeUndefined();
  });
});

describe('the Chat Gateway request', () => {
  it('takes the event id and the tenant from the x-8x8 headers', () => {
    const event = parseChat(
      chatRequest({ eventType: 'QUEUED' }, { 'x-8x8-event-id': 'evt-9', 'x-8x8-tenant-id': 'acme01' }),
    );
    expect(event).toEqual({ body: { eventType: 'QUEUED' }, eventId: 'evt-9', tenantId: 'acme01' });
    const bare = parseChat(
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: { eventType: 'QUEUED' },
      }),
    );
    expect(bare).toEqual({ body: { eventType: 'QUEUED' } });
  });

  it('answers WEB_HOOK_VERIFY with {"status":"verified"} as JSON, delivering nothing', async () => {
    const outcome = await run(
      await sign(chatRequest({ eventType: 'WEB_HOOK_VERIFY' })),
      undefined,
      'chat-gateway',
    );
    expect(outcome.answer).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"status":"verified"}',
    });
    expect(outcome.kind).not.toBe('accepted');
  });

  it('refuses a body that is not as expected with 400, naming the Chat Gateway event', async () => {
    const outcome = await run(
      await sign(chatRequest({ conversationId: 'CONV-1' })),
      undefined,
      'chat-gateway',
    );
    expect(outcome.answer.status).toBe(400);
    expect(reason(outcome)).toMatch(/^the Chat Gateway event is not as expected at eventType: /);
  });

  it('refuses a signed body that is not JSON with 400 (no handshake, no crash)', async () => {
    const request = toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-8x8-event-id': 'evt-1' },
      body: '{"eventType": "WEB_HOOK_VERIFY"',
    });
    const outcome = await run(await sign(request), undefined, 'chat-gateway');
    expect(outcome.answer.status).toBe(400);
  });

  it('an eventType that is not text is no Chat Gateway body', async () => {
    const outcome = await run(
      await sign(chatRequest({ eventType: ['CONVERSATION_UPDATE'], conversationId: 'CONV-1' })),
    );
    expect('source' in outcome ? outcome.source : undefined).not.toBe('chat-gateway');
  });

  it('is told from an Event Streaming payload by its upper-case eventType', async () => {
    const lower = await run(
      await sign(chatRequest({ eventType: 'conversation_update', conversationId: 'CONV-1' })),
    );
    expect('source' in lower ? lower.source : undefined).not.toBe('chat-gateway');
    const one = await run(await sign(chatRequest({ eventType: 'Q', conversationId: 'CONV-1' })));
    expect('source' in one ? one.source : undefined).not.toBe('chat-gateway');
    const spaced = await run(
      await sign(chatRequest({ eventType: 'CONVERSATION UPDATE', conversationId: 'CONV-1' })),
    );
    expect('source' in spaced ? spaced.source : undefined).not.toBe('chat-gateway');
    expect(reason(lower)).toBeDefined();
  });
});
