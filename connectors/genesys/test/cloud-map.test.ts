// The Genesys Cloud source case by case where no fixture plays it: the EventBridge envelope and the relayed
// notification, the detail topics (user.start, user.end, acw, attributes, the customer's topics), the props
// of a detail event both directions, the agent's userId through the directory and the Users API, and the
// helpers the mapping reads (legs, channels, times, numbers).
import { createDirectory, createMemoryStateStore, InputError } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { cloudAgent } from '../src/cloud-agent.js';
import { GENESYS_ID, parseCloudEvent } from '../src/cloud-events.js';
import {
  detailChannel,
  detailLeg,
  isAgent,
  isMonitor,
  isOver,
  isoTime,
  messageChannel,
  snapshotLeg,
  userOf,
} from '../src/cloud-legs.js';
import connector from '../src/index.js';
import { defined, isObject, loginFor, plainNumber } from '../src/vendor-values.js';
import { CONV, detailEvent, JANE, LI, NOBODY, note, only, QUEUE, session } from './cloud-helpers.js';

const TOPIC = (suffix: string) => `v2.detail.events.conversation.{id}.${suffix}`;

describe('the two shapes of a Genesys Cloud event', () => {
  it('an EventBridge event: the topic from detail.topicName with its ids as {id}, the envelope id as event id', () => {
    const event = parseCloudEvent(detailEvent('user.start', { userId: JANE }, 'evt-1'));
    expect(event).toMatchObject({
      shape: 'eventbridge',
      eventId: 'evt-1',
      topic: TOPIC('user.start'),
      kind: 'detail',
      suffix: 'user.start',
    });
  });

  it('an EventBridge event without detail.topicName (or an empty one) reads its detail-type', () => {
    const raw = detailEvent('user.end', { userId: JANE }, 'evt-2');
    const { topicName: _, ...detail } = raw.detail;
    expect(parseCloudEvent({ ...raw, detail })).toMatchObject({ kind: 'detail', suffix: 'user.end' });
    expect(parseCloudEvent({ ...raw, detail: { ...detail, topicName: '' } })).toMatchObject({
      kind: 'detail',
      suffix: 'user.end',
      topic: TOPIC('user.end'),
    });
  });

  it('a relayed notification has no event id', () => {
    const event = parseCloudEvent(
      note(`v2.detail.events.conversation.${CONV}.acw`, { conversationId: CONV }),
    );
    expect(event).toStrictEqual({
      shape: 'notification',
      topic: TOPIC('acw'),
      kind: 'detail',
      suffix: 'acw',
      body: { conversationId: CONV },
    });
    expect('eventId' in event).toBe(false);
  });

  it('a body that is neither is a 400 that names both shapes', async () => {
    const { send } = session();
    const reason =
      'the body is neither an EventBridge event (detail-type, detail) nor a Genesys Cloud notification (topicName, eventBody)';
    expect(await send({ conversationId: CONV })).toEqual({ status: 400, reason });
    expect(() => parseCloudEvent([{ topicName: 'x' }])).toThrow(InputError);
    expect(() => parseCloudEvent(null)).toThrow(reason);
    expect(() => parseCloudEvent('v2.users.x.conversations.calls')).toThrow(reason);
  });

  it('an EventBridge event without an id is a 400 naming the envelope and the field', async () => {
    const { send } = session();
    const { id: _, ...raw } = detailEvent('user.start', { userId: JANE });
    expect(await send(raw)).toEqual({
      status: 400,
      reason: expect.stringMatching(/^the EventBridge event is not as expected at id: /),
    });
    expect(await send({ ...raw, id: '' })).toEqual({
      status: 400,
      reason: 'the EventBridge event is not as expected at id: the EventBridge event id is required',
    });
  });

  it('a notification with an empty topicName is a 400 naming the notification', async () => {
    const { send } = session();
    expect(await send(note('', {}))).toEqual({
      status: 400,
      reason: expect.stringMatching(/^the Genesys Cloud notification is not as expected at topicName: /),
    });
  });

  it('a detail body without conversationId is a 400 naming the topic suffix', async () => {
    const { send } = session();
    expect(await send(note(`v2.detail.events.conversation.${CONV}.user.start`, { userId: JANE }))).toEqual({
      status: 400,
      reason: expect.stringMatching(/^the user\.start event body is not as expected at conversationId: /),
    });
    expect(
      await send(
        note(`v2.detail.events.conversation.${CONV}.user.start`, { conversationId: '', userId: JANE }),
      ),
    ).toEqual({
      status: 400,
      reason: 'the user.start event body is not as expected at conversationId: conversationId is required',
    });
  });

  it('each medium of a user topic is read, with the user named, or none for {id}', () => {
    for (const media of ['calls', 'chats', 'messages', 'callbacks', 'emails']) {
      expect(parseCloudEvent(note(`v2.users.${JANE}.conversations.${media}`, { id: CONV }))).toStrictEqual({
        shape: 'notification',
        topic: `v2.users.{id}.conversations.${media}`,
        kind: 'calls',
        media,
        userId: JANE,
        body: { id: CONV },
      });
    }
    const pattern = parseCloudEvent(note('v2.users.{id}.conversations.calls', { id: CONV }));
    expect(pattern).toMatchObject({ kind: 'calls', media: 'calls' });
    expect('userId' in pattern).toBe(false);
  });

  it('a user topic of another medium, or with more after the medium, is no conversation topic', () => {
    for (const topic of [
      `v2.users.${JANE}.conversations.videos`,
      `v2.users.${JANE}.conversations.calls.extra`,
      `v2.users.${JANE}.conversations`,
      `x.v2.users.${JANE}.conversations.calls`,
      `v2.users.${JANE}.presence`,
    ])
      expect(parseCloudEvent(note(topic, {}))).toStrictEqual({ shape: 'notification', topic, kind: 'other' });
  });

  it('a queue topic names its queue, or none for {id}; its conversation needs an id', async () => {
    const queue = parseCloudEvent(note(`v2.routing.queues.${QUEUE}.conversations`, { id: CONV }));
    expect(queue).toStrictEqual({
      shape: 'notification',
      topic: 'v2.routing.queues.{id}.conversations',
      kind: 'queue',
      queueId: QUEUE,
      body: { id: CONV },
    });
    const pattern = parseCloudEvent(note('v2.routing.queues.{id}.conversations', { id: CONV }));
    expect('queueId' in pattern).toBe(false);
    const { send } = session();
    expect(await send(note(`v2.routing.queues.${QUEUE}.conversations`, { id: '' }))).toEqual({
      status: 400,
      reason:
        'the queue conversation notification body is not as expected at id: the conversation id is required',
    });
    expect(await send(note(`v2.users.${JANE}.conversations.calls`, { participants: [] }))).toEqual({
      status: 400,
      reason: expect.stringMatching(/^the conversation notification body is not as expected at id: /),
    });
    expect(
      parseCloudEvent(note(`v2.routing.queues.${QUEUE}.conversations.calls`, { id: CONV })),
    ).toMatchObject({ kind: 'other' });
    expect(parseCloudEvent(note(`x.v2.routing.queues.${QUEUE}.conversations`, {}))).toMatchObject({
      kind: 'other',
    });
  });

  it('a detail topic needs both the conversation and a suffix, and nothing before it', () => {
    expect(parseCloudEvent(note(`v2.detail.events.conversation.${CONV}`, {}))).toMatchObject({
      kind: 'other',
    });
    expect(parseCloudEvent(note(`x.v2.detail.events.conversation.${CONV}.acw`, {}))).toMatchObject({
      kind: 'other',
    });
  });

  it('the EventBridge event id travels with every kind, the queue and user topics too', () => {
    const envelope = (topicName: string, eventBody: unknown) => ({
      id: 'evt-9',
      'detail-type': topicName,
      detail: { topicName, eventBody },
    });
    expect(parseCloudEvent(envelope(`v2.users.${JANE}.conversations.calls`, { id: CONV }))).toMatchObject({
      shape: 'eventbridge',
      eventId: 'evt-9',
      kind: 'calls',
    });
    expect(parseCloudEvent(envelope(`v2.routing.queues.${QUEUE}.conversations`, { id: CONV }))).toMatchObject(
      {
        eventId: 'evt-9',
        kind: 'queue',
      },
    );
    expect(parseCloudEvent(envelope('v2.users.{id}.presence', {}))).toEqual({
      shape: 'eventbridge',
      eventId: 'evt-9',
      topic: 'v2.users.{id}.presence',
      kind: 'other',
    });
  });

  it('another topic is ignored with its name', async () => {
    const { send } = session();
    expect(await send(note(`v2.users.${JANE}.routingStatus`, { routingStatus: { status: 'IDLE' } }))).toEqual(
      {
        ignored: `topic v2.users.${JANE}.routingStatus is not a conversation topic this connector maps`,
      },
    );
  });

  it('the outcome carries the EventBridge id, for de-duplication', async () => {
    const { outcome } = session();
    const answer = await outcome(detailEvent('user.start', { userId: JANE }, 'evt-dedupe'));
    expect(answer).toMatchObject({ kind: 'accepted', eventId: 'evt-dedupe' });
  });
});

describe('detect: which bodies the cloud and workflow sources recognise', () => {
  const cloud = connector.sources.find((s) => s.id === 'cloud')!;
  const workflow = connector.sources.find((s) => s.id === 'cloud-workflow')!;
  const req = (body: unknown) => ({
    method: 'POST',
    url: 'http://localhost/webhooks/genesys',
    headers: { 'content-type': 'application/json' },
    query: {},
    rawBody: Buffer.from(JSON.stringify(body)),
  });

  it('cloud: an EventBridge event needs a string detail-type and an object detail', () => {
    expect(cloud.detect!(req({ 'detail-type': 'x', detail: {} }))).toBe(true);
    expect(cloud.detect!(req({ 'detail-type': 1, detail: {} }))).toBe(false);
    expect(cloud.detect!(req({ 'detail-type': 'x', detail: 'y' }))).toBe(false);
    expect(cloud.detect!(req({ 'detail-type': 'x' }))).toBe(false);
  });

  it('cloud: a notification needs a string topicName and an eventBody', () => {
    expect(cloud.detect!(req({ topicName: 'x', eventBody: null }))).toBe(true);
    expect(cloud.detect!(req({ topicName: 'x' }))).toBe(false);
    expect(cloud.detect!(req({ topicName: 2, eventBody: {} }))).toBe(false);
    expect(cloud.detect!(req(['x']))).toBe(false);
    expect(cloud.detect!(req(null))).toBe(false);
  });

  it('cloud-workflow: a string event and conversationId, and neither cloud shape', () => {
    expect(workflow.detect!(req({ event: 'user.start', conversationId: CONV }))).toBe(true);
    expect(workflow.detect!(req({ event: 1, conversationId: CONV }))).toBe(false);
    expect(workflow.detect!(req({ event: 'user.start', conversationId: 1 }))).toBe(false);
    expect(workflow.detect!(req({ event: 'user.start', conversationId: CONV, 'detail-type': 'x' }))).toBe(
      false,
    );
    expect(workflow.detect!(req({ event: 'user.start', conversationId: CONV, topicName: 'x' }))).toBe(false);
    expect(workflow.detect!(req(null))).toBe(false);
  });
});

describe('detail topics', () => {
  it('user.start pops offered with every prop of the event, leg primary', async () => {
    const { send } = session();
    const sent = only(
      await send(
        detailEvent('user.start', {
          eventTime: 1795601702123,
          participantId: 'p-1',
          sessionId: 's-1',
          mediaType: 'VOICE',
          provider: 'Edge',
          direction: 'INBOUND',
          ani: 'tel:+13175550142',
          dnis: 'tel:+18005550199',
          addressTo: 'tel:+18005550199',
          addressFrom: 'tel:+13175550142',
          userId: JANE,
          divisionId: 'div-1',
          queueId: QUEUE,
        }),
      ),
    );
    expect(sent).toEqual({
      agentid: 'jane.doe@example.com',
      event: 'offered',
      lifecycle: 'offered',
      props: {
        lifecycle: 'offered',
        nativeEvent: TOPIC('user.start'),
        platform: 'Genesys Cloud',
        interactionId: CONV,
        ani: '+13175550142',
        dnis: '+18005550199',
        direction: 'inbound',
        channel: 'voice',
        queueId: QUEUE,
        agentPlatformId: JANE,
        eventTime: '2026-11-25T10:15:02.123Z',
        aniRaw: 'tel:+13175550142',
        dnisRaw: 'tel:+18005550199',
        addressFrom: 'tel:+13175550142',
        addressTo: 'tel:+18005550199',
        participantId: 'p-1',
        sessionId: 's-1',
        provider: 'Edge',
        divisionId: 'div-1',
        leg: 'primary',
      },
    });
  });

  it('user.end pops ended with the disconnect type and no leg', async () => {
    const { send } = session();
    const sent = only(
      await send(detailEvent('user.end', { userId: JANE, disconnectType: 'PEER', interactingDurationMs: 5 })),
    );
    expect(sent.lifecycle).toBe('ended');
    expect(sent.props).toEqual({
      lifecycle: 'ended',
      nativeEvent: TOPIC('user.end'),
      platform: 'Genesys Cloud',
      interactionId: CONV,
      agentPlatformId: JANE,
      disconnectType: 'PEER',
    });
  });

  it('acw pops wrapup with the code, notes and duration', async () => {
    const { send } = session();
    const sent = only(
      await send(
        detailEvent('acw', {
          userId: JANE,
          wrapupCode: 'SALE',
          wrapupNotes: 'sold',
          wrapupDurationMs: 0,
          mediaType: 'MESSAGE',
          messageType: 'sms',
        }),
      ),
    );
    expect(sent.lifecycle).toBe('wrapup');
    expect(sent.props).toEqual({
      lifecycle: 'wrapup',
      nativeEvent: TOPIC('acw'),
      platform: 'Genesys Cloud',
      interactionId: CONV,
      agentPlatformId: JANE,
      channel: 'sms',
      disposition: 'SALE',
      wrapupNotes: 'sold',
      wrapupDurationMs: 0,
      messageType: 'sms',
    });
  });

  it('outbound, the dialled number (the detail dnis) is the ani and the caller id shown the dnis', async () => {
    const { send } = session();
    const sent = only(
      await send(
        detailEvent('user.start', {
          userId: JANE,
          direction: 'OUTBOUND',
          ani: 'tel:+18005550199',
          dnis: 'sip:+13175550142@example.org',
        }),
      ),
    );
    expect(sent.props).toMatchObject({
      direction: 'outbound',
      ani: '+13175550142',
      dnis: '+18005550199',
      aniRaw: 'sip:+13175550142@example.org',
      dnisRaw: 'tel:+18005550199',
    });
  });

  it('without a direction, ani and dnis are taken as they are', async () => {
    const { send } = session();
    const sent = only(await send(detailEvent('user.start', { userId: JANE, ani: '3175550142', dnis: '' })));
    expect(sent.props.ani).toBe('3175550142');
    expect('dnis' in sent.props).toBe(false);
    expect('direction' in sent.props).toBe(false);
    expect('channel' in sent.props).toBe(false);
  });

  it('the eventTime as an ISO string or epoch digits', async () => {
    const { send } = session();
    const iso = only(
      await send(detailEvent('user.start', { userId: JANE, eventTime: '2026-11-25T10:15:02Z' })),
    );
    expect(iso.props.eventTime).toBe('2026-11-25T10:15:02.000Z');
    const digits = only(await send(detailEvent('user.end', { userId: JANE, eventTime: '1795601702123' })));
    expect(digits.props.eventTime).toBe('2026-11-25T10:15:02.123Z');
  });

  it('the customer topics name no agent: ignored, each with the reason', async () => {
    const { send } = session();
    for (const suffix of ['customer.start', 'customer.end'])
      expect(await send(detailEvent(suffix, { userId: JANE }))).toEqual({
        ignored: `${TOPIC(suffix)} describes the customer's leg and names no agent; user.start/user.end/acw pop the agent`,
      });
  });

  it('another suffix, or one named like an object method, is not mapped', async () => {
    const { send } = session();
    for (const suffix of ['acd.start', 'constructor', 'toString', 'user.start.x'])
      expect(await send(detailEvent(suffix, { userId: JANE }))).toEqual({
        ignored: `${TOPIC(suffix)} is not an event this connector maps`,
      });
  });

  it('an event without userId, or a user not in the directory and no Users API, is ignored with the topic', async () => {
    const { send } = session();
    expect(await send(detailEvent('user.start', {}))).toEqual({
      ignored: `${TOPIC('user.start')}: the event names no agent (no userId)`,
    });
    expect(await send(detailEvent('user.end', { userId: NOBODY }))).toEqual({
      ignored: `${TOPIC('user.end')}: userId ${NOBODY} is not in the directory and no Users API client is configured (set cloudClientId and cloudClientSecret, or add the user to the directory)`,
    });
  });

  it('attributes are kept (ignored with the reason), merged, and added to the later events of the conversation only', async () => {
    const { send } = session();
    expect(await send(detailEvent('attributes', { attributes: { Account: 'A-1', Tier: 'gold' } }))).toEqual({
      ignored: `participant data of conversation ${CONV} is kept and added to the agent's later events`,
    });
    await send(detailEvent('attributes', { attributes: { Tier: 'platinum', ani: 'shadow' } }));
    await send(detailEvent('attributes', {}));
    const sent = only(await send(detailEvent('user.start', { userId: JANE, attributes: { Tier: 'own' } })));
    expect(sent.props).toMatchObject({ Account: 'A-1', Tier: 'own', 'attributes.ani': 'shadow' });
    const acw = only(await send(detailEvent('acw', { userId: JANE })));
    expect(acw.props).toMatchObject({ Account: 'A-1', Tier: 'platinum' });
    const other = only(
      await send(detailEvent('user.start', { userId: JANE, conversationId: 'other-conversation' })),
    );
    expect(other.props.Account).toBeUndefined();
  });

  it('an attribute named like a prop already set is prefixed attributes.', async () => {
    const { send } = session();
    const sent = only(
      await send(detailEvent('user.start', { userId: JANE, ani: '3175550142', attributes: { ani: 'x' } })),
    );
    expect(sent.props).toMatchObject({ ani: '3175550142', 'attributes.ani': 'x' });
  });

  it('legs: a second agent while the first is on is a consult; after the first left, a transfer', async () => {
    const { send } = session();
    const first = only(await send(detailEvent('user.start', { userId: JANE })));
    expect(first.props).toMatchObject({ leg: 'primary' });
    expect('parentInteractionId' in first.props).toBe(false);
    const consult = only(await send(detailEvent('user.start', { userId: LI })));
    expect(consult.props).toMatchObject({ leg: 'consult', parentInteractionId: CONV });
    // A retried user.start of Li keeps Li's leg.
    expect(only(await send(detailEvent('user.start', { userId: LI }))).props.leg).toBe('consult');
    const end = only(await send(detailEvent('user.end', { userId: LI })));
    expect('leg' in end.props).toBe(false);
    const acw = only(await send(detailEvent('acw', { userId: JANE })));
    expect('leg' in acw.props).toBe(false);
    // Both gone: whoever starts next (Jane again) is a transfer.
    const again = only(await send(detailEvent('user.start', { userId: JANE })));
    expect(again.props).toMatchObject({ leg: 'transfer', parentInteractionId: CONV });
  });

  it('legs: acw alone marks the agent gone too', async () => {
    const { send } = session();
    await send(detailEvent('user.start', { userId: JANE }));
    await send(detailEvent('acw', { userId: JANE }));
    expect(only(await send(detailEvent('user.start', { userId: LI }))).props.leg).toBe('transfer');
  });
});

describe('cloudAgent: the userId to a login', () => {
  const directory = createDirectory({ [JANE]: 'jane.doe@example.com' });
  const users = (answers: Record<string, string | undefined>) => {
    const asked: string[] = [];
    return {
      asked,
      services: {
        users: {
          login: async (id: string) => {
            asked.push(id);
            return answers[id];
          },
        },
      },
    };
  };

  it('no userId, or a blank one, names no agent', async () => {
    for (const id of [undefined, null, '', '   '])
      expect(await cloudAgent(id, { directory, services: undefined })).toEqual({
        ignored: 'the event names no agent (no userId)',
      });
  });

  it('the directory first, the id trimmed; the Users API is not asked', async () => {
    const api = users({ [JANE]: 'from-api' });
    expect(await cloudAgent(` ${JANE} `, { directory, services: api.services })).toEqual({
      login: 'jane.doe@example.com',
    });
    expect(api.asked).toEqual([]);
  });

  it('not in the directory and services without a users client: the reason says what to set', async () => {
    expect(await cloudAgent(NOBODY, { directory, services: {} })).toEqual({
      ignored: `userId ${NOBODY} is not in the directory and no Users API client is configured (set cloudClientId and cloudClientSecret, or add the user to the directory)`,
    });
  });

  it('not in the directory and no services at all: the same reason', async () => {
    expect(await cloudAgent(NOBODY, { directory, services: undefined })).toEqual({
      ignored: `userId ${NOBODY} is not in the directory and no Users API client is configured (set cloudClientId and cloudClientSecret, or add the user to the directory)`,
    });
  });

  it('the Users API answers the login of a GUID (trimmed, either case)', async () => {
    const upper = NOBODY.toUpperCase();
    const api = users({ [NOBODY]: 'no.body', [upper]: 'NO.BODY' });
    expect(await cloudAgent(`${NOBODY} `, { directory, services: api.services })).toEqual({
      login: 'no.body',
    });
    expect(await cloudAgent(upper, { directory, services: api.services })).toEqual({ login: 'NO.BODY' });
    expect(api.asked).toEqual([NOBODY, upper]);
  });

  it('a user the Users API does not know (404) is ignored with that reason', async () => {
    const api = users({});
    expect(await cloudAgent(NOBODY, { directory, services: api.services })).toEqual({
      ignored: `Genesys Cloud has no user ${NOBODY} (Users API answered 404)`,
    });
  });

  it('an id that is no GUID never reaches the API host', async () => {
    const api = users({});
    for (const id of ['../admin', `${NOBODY}/x`, `x${NOBODY}`, NOBODY.slice(1), NOBODY.replace('f', 'g')])
      expect(await cloudAgent(id, { directory, services: api.services })).toEqual({
        ignored: `userId ${JSON.stringify(id)} is not a Genesys Cloud user id (a GUID)`,
      });
    expect(api.asked).toEqual([]);
  });

  it('a failing Users API is a 503 (the event is retried), not an ignore', async () => {
    const { send } = session(
      {},
      {
        users: {
          login: async () => {
            throw new Error('Users API down');
          },
        },
      },
    );
    expect(await send(detailEvent('user.start', { userId: NOBODY }))).toEqual({
      status: 503,
      reason: expect.stringContaining('Users API down'),
    });
  });

  it('through the source: the Users API login becomes the agentid', async () => {
    const { send } = session({}, { users: { login: async (id) => (id === NOBODY ? 'no.body' : undefined) } });
    expect(only(await send(detailEvent('user.start', { userId: NOBODY }))).agentid).toBe('no.body');
    expect(await send(detailEvent('user.start', { userId: LI.replace('2', '3') }))).toEqual({
      ignored:
        `${TOPIC('user.start')}: userId ${LI.replace('2', '3')} is not in the directory and no Users API client is configured (set cloudClientId and cloudClientSecret, or add the user to the directory)`.replace(
          /userId .*$/,
          `Genesys Cloud has no user ${LI.replace('2', '3')} (Users API answered 404)`,
        ),
    });
  });

  it('GENESYS_ID: a whole GUID, either case, nothing around it', () => {
    expect(GENESYS_ID.test(JANE)).toBe(true);
    expect(GENESYS_ID.test(JANE.toUpperCase())).toBe(true);
    expect(GENESYS_ID.test(` ${JANE}`)).toBe(false);
    expect(GENESYS_ID.test(`${JANE}0`)).toBe(false);
    expect(GENESYS_ID.test(JANE.replace(/-/g, ''))).toBe(false);
  });
});

describe('participants in a snapshot', () => {
  const agent = (id: string, userId: string, state: string, extra: Record<string, unknown> = {}) => ({
    id,
    purpose: 'agent',
    state,
    user: { id: userId },
    ...extra,
  });

  it('userOf: user.id, else the flat userId', () => {
    expect(userOf({ user: { id: 'a' }, userId: 'b' })).toBe('a');
    expect(userOf({ user: { id: null }, userId: 'b' })).toBe('b');
    expect(userOf({ userId: 'b' })).toBe('b');
    expect(userOf({ user: null, userId: null })).toBeUndefined();
  });

  it('isAgent: purpose agent or user, any case, with a user', () => {
    expect(isAgent({ purpose: 'agent', userId: 'a' })).toBe(true);
    expect(isAgent({ purpose: 'USER', user: { id: 'a' } })).toBe(true);
    expect(isAgent({ purpose: 'Agent' })).toBe(false);
    expect(isAgent({ purpose: 'customer', userId: 'a' })).toBe(false);
    expect(isAgent({ userId: 'a' })).toBe(false);
  });

  it('isOver: disconnected or terminated, any case', () => {
    expect(isOver('disconnected')).toBe(true);
    expect(isOver('TERMINATED')).toBe(true);
    expect(isOver('connected')).toBe(false);
    expect(isOver(null)).toBe(false);
    expect(isOver(undefined)).toBe(false);
  });

  it('isMonitor: monitoring, coaching or barging in', () => {
    expect(isMonitor({ monitoredParticipantId: 'p' })).toBe(true);
    expect(isMonitor({ coachedParticipantId: 'p' })).toBe(true);
    expect(isMonitor({ bargedParticipantId: 'p' })).toBe(true);
    expect(isMonitor({ monitoredParticipantId: '' })).toBe(false);
    expect(isMonitor({})).toBe(false);
  });

  describe('snapshotLeg', () => {
    const customer = { id: 'c', purpose: 'customer', state: 'connected' };
    it('the first agent is primary; a participant not in the list too', () => {
      const jane = agent('p1', JANE, 'alerting');
      expect(snapshotLeg([customer, jane], jane, 'calls')).toBe('primary');
      const li = agent('p2', LI, 'alerting');
      expect(snapshotLeg([customer, jane, li], agent('p3', LI, 'alerting'), 'calls')).toBe('primary');
    });

    it('a participant with consultParticipantId is a consult, wherever it stands', () => {
      const li = agent('p2', LI, 'alerting', { consultParticipantId: 'c' });
      expect(snapshotLeg([customer, li], li, 'calls')).toBe('consult');
    });

    it('an earlier agent still on: conference; all gone: transfer', () => {
      const jane = agent('p1', JANE, 'connected');
      const li = agent('p2', LI, 'alerting');
      expect(snapshotLeg([customer, jane, li], li, 'calls')).toBe('conference');
      const gone = agent('p1', JANE, 'DISCONNECTED');
      expect(snapshotLeg([customer, gone, li], li, 'calls')).toBe('transfer');
    });

    it("an earlier agent's state from its last media entry (queue topic)", () => {
      const li = agent('p2', LI, undefined as unknown as string);
      const onCall = {
        id: 'p1',
        purpose: 'agent',
        userId: JANE,
        calls: [{ state: 'connected' }, { state: 'disconnected' }, { state: 'connected' }],
      };
      expect(snapshotLeg([customer, onCall, li], li, 'calls')).toBe('conference');
      const over = {
        id: 'p1',
        purpose: 'agent',
        userId: JANE,
        calls: [{ state: 'connected' }, { state: 'connected' }, { state: 'Terminated' }],
      };
      expect(snapshotLeg([customer, over, li], li, 'calls')).toBe('transfer');
      // The watched medium only: a live chat entry does not keep a call leg on.
      const chatting = {
        id: 'p1',
        purpose: 'agent',
        userId: JANE,
        calls: [{ state: 'disconnected' }],
        chats: [{ state: 'connected' }],
      };
      expect(snapshotLeg([customer, chatting, li], li, 'calls')).toBe('transfer');
      expect(snapshotLeg([customer, chatting, li], li, 'chats')).toBe('conference');
      const noState = { id: 'p1', purpose: 'agent', userId: JANE };
      expect(snapshotLeg([customer, noState, li], li, 'calls')).toBe('conference');
    });

    it('earlier monitors, non-agents and the same participant listed before do not count', () => {
      const li = agent('p2', LI, 'alerting');
      expect(snapshotLeg([{ id: 'x', state: 'connected' }, li], li, 'calls')).toBe('primary');
      const monitor = agent('p9', JANE, 'connected', { monitoredParticipantId: 'p2' });
      expect(snapshotLeg([customer, monitor, li], li, 'calls')).toBe('primary');
      const sameId = agent('p2', LI, 'disconnected');
      expect(snapshotLeg([customer, sameId, li], li, 'calls')).toBe('primary');
      const noUser = { id: 'p5', purpose: 'agent', state: 'connected' };
      expect(snapshotLeg([customer, noUser, li], li, 'calls')).toBe('primary');
    });

    it('one earlier agent still on among others gone is a conference', () => {
      const li = agent('p2', LI, 'alerting');
      const gone = agent('p0', NOBODY, 'disconnected');
      const on = agent('p1', JANE, 'connected');
      expect(snapshotLeg([customer, gone, on, li], li, 'calls')).toBe('conference');
      expect(snapshotLeg([customer, on, gone, li], li, 'calls')).toBe('conference');
    });

    it('an earlier consult target (an agent, not an acd) makes the next agent a conference, not a consult', () => {
      const jane = agent('p1', JANE, 'connected');
      const target = agent('p2', LI, 'connected', { consultParticipantId: 'c' });
      const third = agent('p3', NOBODY, 'alerting');
      expect(snapshotLeg([customer, jane, target, third], third, 'calls')).toBe('conference');
    });

    it('a consult through a queue: the last acd participant, live, with consultParticipantId', () => {
      const jane = agent('p1', JANE, 'connected');
      const li = agent('p2', LI, 'alerting');
      const acd = { id: 'a1', purpose: 'ACD', state: 'connected', consultParticipantId: 'c' };
      expect(snapshotLeg([customer, jane, acd, li], li, 'calls')).toBe('consult');
      const acdOver = { ...acd, state: 'disconnected' };
      expect(snapshotLeg([customer, jane, acdOver, li], li, 'calls')).toBe('conference');
      const plainAcd = { id: 'a2', purpose: 'acd', state: 'connected' };
      expect(snapshotLeg([customer, acd, jane, plainAcd, li], li, 'calls')).toBe('conference');
      // An acd listed after the participant is not read.
      expect(snapshotLeg([customer, jane, li, acd], li, 'calls')).toBe('conference');
      // With no earlier agent, a consult acd makes no leg but primary.
      expect(snapshotLeg([customer, acd, li], li, 'calls')).toBe('primary');
    });
  });
});

describe('detailLeg: the agents seen per conversation', () => {
  const key = `cloud:agents:${CONV}`;
  it('primary, then consult while the first is on, transfer once all others are gone', async () => {
    const state = createMemoryStateStore();
    expect(await detailLeg(state, 60_000, CONV, JANE, true, undefined)).toBe('primary');
    expect(await state.get(key)).toEqual({ [JANE]: { on: true } });
    expect(await detailLeg(state, 60_000, CONV, LI, true, null)).toBe('consult');
    expect(await detailLeg(state, 60_000, CONV, JANE, false, 'transfer')).toBe('consult');
    expect(await state.get(key)).toEqual({
      [JANE]: { on: false, disconnectType: 'transfer' },
      [LI]: { on: true },
    });
    expect(await detailLeg(state, 60_000, CONV, NOBODY, true, undefined)).toBe('consult');
  });

  it('a later end without disconnectType keeps the one seen; none seen leaves it out', async () => {
    const state = createMemoryStateStore();
    await detailLeg(state, 60_000, CONV, JANE, false, 'peer');
    await detailLeg(state, 60_000, CONV, JANE, false, undefined);
    await detailLeg(state, 60_000, CONV, LI, false, '');
    expect(await state.get(key)).toEqual({
      [JANE]: { on: false, disconnectType: 'peer' },
      [LI]: { on: false },
    });
    expect(await detailLeg(state, 60_000, CONV, NOBODY, true, undefined)).toBe('transfer');
  });

  it('the agents seen expire after the TTL', async () => {
    let now = 1_000;
    const state = createMemoryStateStore(() => now);
    await detailLeg(state, 5_000, CONV, JANE, true, undefined);
    now += 4_000;
    expect(await detailLeg(state, 5_000, CONV, LI, true, undefined)).toBe('consult');
    now += 6_000;
    expect(await detailLeg(state, 5_000, CONV, NOBODY, true, undefined)).toBe('primary');
  });
});

describe('channels and times', () => {
  it('messageChannel: sms and social networks keep their word; every other messaging app is messaging', () => {
    expect(messageChannel('sms')).toBe('sms');
    expect(messageChannel('SMS')).toBe('sms');
    expect(messageChannel('facebook')).toBe('social');
    expect(messageChannel('twitter')).toBe('social');
    expect(messageChannel('whatsapp')).toBe('messaging');
    expect(messageChannel('webmessaging')).toBe('messaging');
    expect(messageChannel('open')).toBe('messaging');
    expect(messageChannel(undefined)).toBe('messaging');
    expect(messageChannel(null)).toBe('messaging');
  });

  it('detailChannel: MESSAGE reads messageType; other media their word', () => {
    expect(detailChannel('MESSAGE', 'sms')).toBe('sms');
    expect(detailChannel('message', undefined)).toBe('messaging');
    expect(detailChannel('VOICE', 'sms')).toBe('voice');
    expect(detailChannel('CHAT', null)).toBe('chat');
    expect(detailChannel('EMAIL', null)).toBe('email');
    expect(detailChannel('CALLBACK', null)).toBe('callback');
    expect(detailChannel(undefined, 'sms')).toBeUndefined();
    expect(detailChannel(null, null)).toBeUndefined();
  });

  it('isoTime: epoch ms as a number or digits, an ISO time with its offset, else undefined', () => {
    expect(isoTime(1795601702123)).toBe('2026-11-25T10:15:02.123Z');
    expect(isoTime('1795601702123')).toBe('2026-11-25T10:15:02.123Z');
    expect(isoTime('123')).toBe('1970-01-01T00:00:00.123Z');
    expect(isoTime('2026-11-25T10:15:02.5Z')).toBe('2026-11-25T10:15:02.500Z');
    expect(isoTime('2026-11-25T10:15:02+01:00')).toBe('2026-11-25T09:15:02.000Z');
    expect(isoTime('not a time')).toBeUndefined();
    expect(isoTime('')).toBeUndefined();
    expect(isoTime(null)).toBeUndefined();
    expect(isoTime(undefined)).toBeUndefined();
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('vendor values', () => {
  it('isObject: a plain object, not null nor an array', () => {
    expect(isObject({})).toBe(true);
    expect(isObject(null)).toBe(false);
    expect(isObject([])).toBe(false);
    expect(isObject('x')).toBe(false);
    expect(isObject(undefined)).toBe(false);
  });

  it('plainNumber: tel: (any case, parameters dropped), sip: and sips: user parts, trimmed', () => {
    expect(plainNumber('TEL:+13175550142')).toBe('+13175550142');
    expect(plainNumber('tel:+13175550142;ext=12;phone-context=x')).toBe('+13175550142');
    expect(plainNumber(' tel:+13175550142 ')).toBe('+13175550142');
    expect(plainNumber('sips:+13175550142@example.org')).toBe('+13175550142');
    expect(plainNumber('SIP:5001;user=phone')).toBe('5001');
    expect(plainNumber('sip:jane@example.org')).toBe('jane');
    expect(plainNumber('  3175550142 ')).toBe('3175550142');
    expect(plainNumber('tel:')).toBe('tel:');
    expect(plainNumber('sip:@host')).toBe('sip:@host');
    expect(plainNumber('x tel:+1317')).toBe('x tel:+1317');
    expect(plainNumber('x sip:+1317@h')).toBe('x sip:+1317@h');
  });

  it('defined: leaves out undefined, null and empty strings, keeps 0 and false', () => {
    expect(defined({ a: undefined, b: null, c: '', d: 0, e: false, f: 'x' })).toEqual({
      d: 0,
      e: false,
      f: 'x',
    });
  });

  it('loginFor: the directory login, else the id itself; nothing for a blank id', () => {
    const directory = createDirectory({ '1001': 'john.smith' });
    expect(loginFor(directory, ' 1001 ')).toBe('john.smith');
    expect(loginFor(directory, ' 2002 ')).toBe('2002');
    expect(loginFor(directory, '  ')).toBeUndefined();
    expect(loginFor(directory, undefined)).toBeUndefined();
  });
});
