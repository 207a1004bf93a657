// Where the axp source finds each field. Avaya does not publish the webhook bodies' field names, so each field
// is looked for under several likely names (src/axp.ts NAMES): every one of them is pinned here, alone in an
// event, and the order in which they win where an event carries several.
import { describe, expect, it } from 'vitest';
import { handleRequest, toInboundRequest } from '@openconnect/core';
import { axp, props, reason, runtime } from './leg-helpers.js';
import { AXP_TOKEN } from './settings.js';

/** `{a: {b: value}}` for the dotted name `a.b`. */
const at = (name: string, value: unknown): Record<string, unknown> =>
  name
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;

let n = 0;
/** One AXP event, posted alone to a fresh runtime; its messages' props. */
async function sent(body: Record<string, unknown>, options: Record<string, unknown> = {}) {
  n += 1;
  return axp(runtime(options), { eventId: `f-${n}`, ...body });
}
const first = async (body: Record<string, unknown>) => {
  const outcome = await sent(body);
  if (outcome.kind !== 'accepted') throw new Error(`not accepted: ${reason(outcome)}`);
  return outcome.messages[0]!;
};
/** A body posted to the connector without naming the source: detection decides. */
const post = (body: unknown) =>
  handleRequest(
    runtime(),
    toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'auth-token': AXP_TOKEN },
      body,
    }),
  );
const ready = { eventType: 'AgentReady', agentId: 'ag-7f3a91' };
const added = { eventType: 'AgentParticipantAdded', agentId: 'ag-7f3a91', engagementId: 'e-1' };

describe('axp: the names each field is looked for under', () => {
  it.each(['eventType', 'eventName', 'notificationType', 'type', 'event', 'name'])(
    'reads the event name from %s',
    async (name) => {
      const message = await first({ [name]: 'AgentReady', agentId: 'ag-7f3a91' });
      expect([message.lifecycle, message.props.nativeEvent]).toEqual(['agent_state', 'AgentReady']);
    },
  );

  it.each(['eventId', 'notificationId', 'messageId', 'id'])('reads the event id from %s', async (name) => {
    const outcome = await axp(runtime(), { ...ready, [name]: `id-${name}` });
    expect(outcome.kind === 'accepted' && outcome.eventId).toBe(`id-${name}`);
  });

  it.each([
    'engagementId',
    'engagement.id',
    'engagement.engagementId',
    'interactionId',
    'dialogId',
    'workRequestId',
  ])('reads the engagement from %s', async (name) => {
    const message = await first({
      eventType: 'AgentParticipantHeld',
      agentId: 'ag-7f3a91',
      ...at(name, 'e-42'),
    });
    expect(message.props.interactionId).toBe('e-42');
  });

  it.each(['agentId', 'agent.id', 'agent.agentId', 'agentLoginId', 'loginId', 'agentHandle', 'agent.handle'])(
    'reads the agent from %s',
    async (name) => {
      const message = await first({ eventType: 'AgentReady', ...at(name, 'ag-7f3a91') });
      expect([message.agentid, message.props.agentPlatformId]).toEqual(['jdoe', 'ag-7f3a91']);
    },
  );

  it.each([
    'ani',
    'callingNumber',
    'callingAddress',
    'customerAddress',
    'originatingAddress',
    'fromAddress',
    'customer.address',
    'customer.phoneNumber',
    'customerIdentifier',
    'from',
  ])('reads ani from %s on an inbound engagement', async (name) => {
    const message = await first({ ...added, ...at(name, '+15551230001') });
    expect(message.props.ani).toBe('+15551230001');
  });

  it.each([
    'dnis',
    'dialledNumber',
    'dialedNumber',
    'calledNumber',
    'calledAddress',
    'destinationAddress',
    'to',
  ])('reads dnis from %s on an inbound engagement', async (name) => {
    const message = await first({ ...added, ...at(name, '+18005550100') });
    expect(message.props.dnis).toBe('+18005550100');
  });

  it.each(['customerAddress', 'customer.address', 'customer.phoneNumber', 'customerIdentifier'])(
    'reads ani (the customer dialed) from %s on an outbound engagement',
    async (name) => {
      const message = await first({ ...added, direction: 'OUTBOUND', ...at(name, '+15551239999') });
      expect([message.props.direction, message.props.ani]).toEqual(['outbound', '+15551239999']);
    },
  );

  it('reads ani on an outbound engagement from the number dialed when no customer field is given', async () => {
    const message = await first({ ...added, direction: 'OUTBOUND', to: '+15551239999' });
    expect([message.props.ani, message.props.dnis]).toEqual(['+15551239999', undefined]);
  });

  it.each(['callingNumber', 'callingAddress', 'originatingAddress', 'fromAddress', 'from', 'ani'])(
    'reads dnis (the caller id presented) from %s on an outbound engagement',
    async (name) => {
      const message = await first({ ...added, direction: 'OUTBOUND', ...at(name, '+18005550100') });
      expect(message.props.dnis).toBe('+18005550100');
    },
  );

  it.each([
    'participantReason',
    'inviteReason',
    'joinReason',
    'addReason',
    'reason',
    'participantRole',
    'role',
    'leg',
  ])('reads the leg from %s', async (name) => {
    const message = await first({
      eventType: 'AgentParticipantInvited',
      agentId: 'ag-7f3a91',
      engagementId: 'e-1',
      ...at(name, 'CONSULT'),
    });
    expect([message.props.leg, message.props.parentInteractionId]).toEqual(['consult', 'e-1']);
  });

  it.each(['parentEngagementId', 'originalEngagementId', 'initialEngagementId', 'relatedEngagementId'])(
    'reads the parent engagement from %s',
    async (name) => {
      const message = await first({
        eventType: 'AgentParticipantHeld',
        agentId: 'ag-7f3a91',
        engagementId: 'e-2',
        [name]: 'e-1',
      });
      expect(message.props.parentInteractionId).toBe('e-1');
    },
  );

  it.each(['eventTime', 'eventTimestamp', 'timestamp', 'occurredAt', 'time'])(
    'reads the event time from %s',
    async (name) => {
      const message = await first({ ...ready, [name]: '2026-11-25T11:01:09.851Z' });
      expect(message.props.eventTime).toBe('2026-11-25T11:01:09.851Z');
    },
  );

  it('reads the event time at most one level down, not from a nested part', async () => {
    const message = await first({
      ...ready,
      engagement: { details: { timestamp: '2026-11-25T11:01:09.851Z' } },
    });
    expect(message.props.eventTime).toBeUndefined();
    expect(message.props['axp.engagement.details.timestamp']).toBe('2026-11-25T11:01:09.851Z');
  });

  it.each(['previousState', 'previousAgentState', 'previousStatus', 'oldState', 'fromState'])(
    'reads the previous agent state from %s',
    async (name) => {
      const message = await first({ ...ready, [name]: 'NOT_READY' });
      expect(message.props.previousAgentState).toBe('NOT_READY');
    },
  );

  it.each(['queueName', 'queue.name', 'queue', 'routingPointName', 'serviceName', 'skillName'])(
    'reads the queue from %s',
    async (name) => {
      const message = await first({ ...added, ...at(name, 'Support') });
      expect(message.props.queue).toBe('Support');
    },
  );

  it.each(['queueId', 'queue.id', 'queue.queueId'])('reads the queue id from %s', async (name) => {
    const message = await first({ ...added, ...at(name, 'q-17') });
    expect(message.props.queueId).toBe('q-17');
  });

  it.each(['channel', 'channelType', 'channelId', 'mediaType'])('reads the channel from %s', async (name) => {
    const message = await first({ ...added, [name]: 'VOICE' });
    expect(message.props.channel).toBe('voice');
  });

  it.each(['direction', 'engagementDirection'])('reads the direction from %s', async (name) => {
    const message = await first({ ...added, [name]: 'INBOUND' });
    expect(message.props.direction).toBe('inbound');
  });

  it('keeps a direction word it does not know as it is', async () => {
    const message = await first({ ...added, direction: 'TRANSFERRED_IN' });
    expect(message.props.direction).toBe('TRANSFERRED_IN');
  });

  it.each(['customerName', 'customer.name', 'customer.displayName'])(
    'reads the customer name from %s',
    async (name) => {
      const message = await first({ ...added, ...at(name, 'Ada Lovelace') });
      expect(message.props.customerName).toBe('Ada Lovelace');
    },
  );

  it.each(['contextParameters', 'engagementParameters', 'context', 'customData', 'userData'])(
    'reads context parameters from %s, as a list of name/value pairs or an object',
    async (name) => {
      const listed = await first({
        ...added,
        engagement: { [name]: [{ name: 'intent', value: 'billing' }] },
      });
      expect(listed.props['ctx.intent']).toBe('billing');
      const object = await first({ ...added, [name]: { accountNumber: '100234', vip: true } });
      expect([object.props['ctx.accountNumber'], object.props['ctx.vip']]).toEqual(['100234', true]);
    },
  );
});

describe('axp: which name wins', () => {
  it('takes the more specific name first: eventType over type, engagementId over interactionId', async () => {
    const message = await first({
      type: 'AGENT',
      eventType: 'AgentParticipantHeld',
      agentId: 'ag-7f3a91',
      interactionId: 'i-9',
      engagementId: 'e-1',
    });
    expect([
      message.props.nativeEvent,
      message.props.interactionId,
      message.props['axp.interactionId'],
    ]).toEqual(['AgentParticipantHeld', 'e-1', 'i-9']);
  });

  it('takes an event name only in PascalCase, so an enum value such as AGENT under type is no event name', async () => {
    const outcome = await sent({ type: 'AGENT', agentId: 'ag-7f3a91' });
    expect(reason(outcome)).toBe(
      'no AXP event name found (looked for eventType, eventName, notificationType, type, event, name)',
    );
  });

  it('takes the event id only at the top level, not the id of a nested part', async () => {
    const outcome = await axp(runtime(), { ...ready, engagement: { id: 'e-1' } });
    expect(outcome.kind === 'accepted' && outcome.eventId).toBeUndefined();
  });

  it('takes a leg word only from a value that names a transfer, consult or conference', async () => {
    const message = await first({
      eventType: 'AgentParticipantInvited',
      agentId: 'ag-7f3a91',
      engagementId: 'e-1',
      participantReason: 'ROUTED',
      role: 'CONFERENCE',
    });
    expect(message.props.leg).toBe('conference');
    expect(message.props['axp.participantReason']).toBe('ROUTED');
  });

  it('names no agent when none of the agent names is given', async () => {
    expect(reason(await sent({ eventType: 'AgentReady', participant: { participantId: 'p-1' } }))).toBe(
      'AXP event AgentReady names no agent (looked for agentId, agent.id, agent.agentId, agentLoginId, loginId, agentHandle, agent.handle)',
    );
  });
});

describe('axp: what an event maps to', () => {
  it('an agent removed on a transfer is transferred, not ended; with another reason it is ended', async () => {
    const base = { eventType: 'AgentParticipantRemoved', agentId: 'ag-7f3a91', engagementId: 'e-1' };
    expect((await first({ ...base, reason: 'TRANSFERRED' })).lifecycle).toBe('transferred');
    expect((await first({ ...base, reason: 'CONFERENCE' })).lifecycle).toBe('ended');
    expect((await first(base)).lifecycle).toBe('ended');
  });

  it('names an agent the directory does not know by its AXP id, without agentPlatformId', async () => {
    const message = await first({ eventType: 'AgentReady', agentId: 'ag-unknown-1' });
    expect([message.agentid, message.props.agentPlatformId, message.props.agentState]).toEqual([
      'ag-unknown-1',
      undefined,
      'Ready',
    ]);
  });

  it('gives the agent state without the Agent prefix only on agent events', async () => {
    expect((await first({ eventType: 'AgentNotReady', agentId: 'ag-7f3a91' })).props.agentState).toBe(
      'NotReady',
    );
    expect((await first(added)).props.agentState).toBeUndefined();
  });

  it('sends an event that names no engagement without interactionId, on the leg its reason names', async () => {
    const message = await first({
      eventType: 'AgentParticipantInvited',
      agentId: 'ag-7f3a91',
      reason: 'CONSULT',
    });
    expect([message.props.interactionId, message.props.leg]).toEqual([undefined, 'consult']);
  });

  it('names the parent engagement on a held event only when the event names one', async () => {
    expect(
      (await first({ eventType: 'AgentParticipantHeld', agentId: 'ag-7f3a91', engagementId: 'e-2' })).props,
    ).not.toHaveProperty('parentInteractionId');
  });

  it('maps the mappable events of a batch and drops the others', async () => {
    const outcome = await sent({
      events: [
        { eventType: 'InboundEngagementCreated', eventId: 'b-1', engagementId: 'e-1' },
        { eventType: 'AgentReady', eventId: 'b-2', agentId: 'ag-7f3a91' },
      ],
    });
    expect(props(outcome)).toEqual([expect.objectContaining({ nativeEvent: 'AgentReady' })]);
  });

  it('gives a batch no event id when one of its events has none', async () => {
    const outcome = await axp(runtime(), [
      { eventType: 'AgentReady', eventId: 'b-1', agentId: 'ag-7f3a91' },
      { eventType: 'AgentNotReady', agentId: 'ag-7f3a91' },
    ] as unknown as Record<string, unknown>);
    expect(outcome.kind === 'accepted' && [outcome.eventId, outcome.messages.length]).toEqual([undefined, 2]);
  });
});

describe('axp: context parameters', () => {
  it('reads a list entry by name or key and its value; an entry with more parts or no value is kept as it is', async () => {
    const message = await first({
      ...added,
      contextParameters: [
        { key: 'intent', value: 'billing' },
        { name: 'nested', value: { a: 1 } },
        { name: 'novalue' },
        'loose',
      ],
    });
    expect(Object.fromEntries(Object.entries(message.props).filter(([k]) => k.startsWith('ctx.')))).toEqual({
      'ctx.intent': 'billing',
      'ctx.1.name': 'nested',
      'ctx.1.value.a': 1,
      'ctx.2.name': 'novalue',
      'ctx.3': 'loose',
    });
  });

  it('takes a field named context that is plain text for no context parameters', async () => {
    const message = await first({ ...added, context: 'web' });
    expect([
      message.props['axp.context'],
      Object.keys(message.props).some((k) => k.startsWith('ctx.')),
    ]).toEqual(['web', false]);
  });
});

describe('axp: which bodies are AXP notifications', () => {
  const detected = async (body: unknown) => {
    const outcome = await post(body);
    return 'source' in outcome && outcome.kind !== 'invalid' ? outcome.source : outcome.kind;
  };

  it('one event, a list or {events} whose first event is named in PascalCase', async () => {
    expect(await detected(ready)).toBe('axp');
    expect(await detected([ready])).toBe('axp');
    expect(await detected({ events: [ready] })).toBe('axp');
    expect(await detected({ notification: { eventName: 'AgentReady' }, agentId: 'ag-7f3a91' })).toBe('axp');
  });

  it('not a CSTA-named event, an enum word, a list of lists or of text', async () => {
    expect(await detected({ type: 'HeldEvent', agent: 'ag-7f3a91' })).toBe('invalid');
    expect(await detected({ type: 'AGENT', agentId: 'ag-7f3a91' })).toBe('invalid');
    expect(await detected([[ready]])).toBe('invalid');
    expect(await detected(['AgentReady'])).toBe('invalid');
    expect(await detected({ events: [], eventType: 'AgentReady' })).toBe('invalid');
  });

  it('an event name must be a PascalCase word from its first letter to its last', async () => {
    expect(reason(await sent({ type: 'myAgentReady', agentId: 'ag-7f3a91' }))).toMatch(
      /^no AXP event name found/,
    );
    expect(reason(await sent({ type: 'AgentReady-v2', agentId: 'ag-7f3a91' }))).toMatch(
      /^no AXP event name found/,
    );
  });
});
