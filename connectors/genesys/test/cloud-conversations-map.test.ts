// Genesys Cloud conversation snapshots relayed on the `cloud` source, case by case where no fixture plays it:
// v2.users.{id}.conversations.{media} (state on the participant) and v2.routing.queues.{id}.conversations
// (state on each media entry): every state word, the order of snapshots, which participant is the agent's,
// the customer's numbers both directions, the props each field feeds, and the reasons a snapshot pops nothing.
import { createMemoryStateStore, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import {
  CONV,
  detailEvent,
  JANE,
  LI,
  messages,
  NOBODY,
  note,
  only,
  QUEUE,
  session,
} from './cloud-helpers.js';
import { CLOUD_KEY } from './settings.js';

const USER_TOPIC = (media = 'calls') => `v2.users.{id}.conversations.${media}`;
const QUEUE_TOPIC = 'v2.routing.queues.{id}.conversations';

type P = Record<string, unknown>;
const customer = (extra: P = {}): P => ({
  id: 'p-customer',
  purpose: 'customer',
  state: 'connected',
  name: 'Acme Caller',
  address: 'tel:+13175550142',
  ...extra,
});
const agent = (userId: string, state: string | undefined, extra: P = {}): P => ({
  id: `p-${userId.slice(0, 4)}`,
  purpose: 'agent',
  ...(state ? { state } : {}),
  user: { id: userId },
  ...extra,
});
const userTopic = (
  participants: P[],
  options: { media?: string; user?: string; id?: string; address?: string } = {},
) =>
  note(`v2.users.${options.user ?? JANE}.conversations.${options.media ?? 'calls'}`, {
    id: options.id ?? CONV,
    ...(options.address ? { address: options.address } : {}),
    participants,
  });
const queueTopic = (participants: P[], id = CONV, queue = QUEUE) =>
  note(`v2.routing.queues.${queue}.conversations`, { id, participants });
/** A queue-topic participant: the state sits on its media entry. */
const queueAgent = (userId: string, entry: P, extra: P = {}, media = 'calls'): P => ({
  id: `p-${userId.slice(0, 4)}`,
  purpose: 'agent',
  userId,
  [media]: [entry],
  ...extra,
});

describe('v2.users.{id}.conversations.calls', () => {
  it('an inbound call: offered with every prop, then answered, held, resumed, ended and completed', async () => {
    const { send } = session();
    const acd = { id: 'p-acd', purpose: 'acd', name: 'Billing', state: 'disconnected', queue: { id: QUEUE } };
    const step = (state: string, extra: P = {}) =>
      send(
        userTopic(
          [
            customer(),
            acd,
            agent(JANE, state, {
              direction: 'inbound',
              queue: { id: QUEUE },
              connectedTime: '2026-11-25T10:15:05Z',
              endTime: '2026-11-25T10:19:00Z',
              ...extra,
            }),
          ],
          { address: 'tel:+18005550199' },
        ),
      );
    expect(await step('alerting')).toEqual([
      {
        agentid: 'jane.doe@example.com',
        event: 'offered',
        lifecycle: 'offered',
        props: {
          lifecycle: 'offered',
          nativeEvent: USER_TOPIC(),
          platform: 'Genesys Cloud',
          interactionId: CONV,
          ani: '+13175550142',
          dnis: '+18005550199',
          direction: 'inbound',
          channel: 'voice',
          queueId: QUEUE,
          queue: 'Billing',
          agentPlatformId: JANE,
          customerName: 'Acme Caller',
          aniRaw: 'tel:+13175550142',
          dnisRaw: 'tel:+18005550199',
          participantId: 'p-9d8e',
          participantState: 'alerting',
          leg: 'primary',
        },
      },
    ]);
    const answered = only(await step('connected'));
    expect(answered.lifecycle).toBe('answered');
    expect(answered.props).toMatchObject({ eventTime: '2026-11-25T10:15:05.000Z', leg: 'primary' });
    const held = only(await step('connected', { held: true }));
    expect(held.lifecycle).toBe('held');
    expect('eventTime' in held.props || 'leg' in held.props).toBe(false);
    const resumed = only(await step('connected', { held: false }));
    expect(resumed.lifecycle).toBe('resumed');
    expect('eventTime' in resumed.props || 'leg' in resumed.props).toBe(false);
    const ended = only(await step('disconnected', { disconnectType: 'peer' }));
    expect(ended.lifecycle).toBe('ended');
    expect(ended.props).toMatchObject({ eventTime: '2026-11-25T10:19:00.000Z', disconnectType: 'peer' });
    expect('leg' in ended.props).toBe(false);
    const completed = only(
      await step('disconnected', { wrapup: { code: 'SALE', name: 'Sale', notes: 'sold two' } }),
    );
    expect(completed.lifecycle).toBe('completed');
    expect(completed.props).toMatchObject({
      disposition: 'SALE',
      wrapupNotes: 'sold two',
      eventTime: '2026-11-25T10:19:00.000Z',
    });
  });

  it('the same state again pops nothing, with the reason naming the user and the state', async () => {
    const { send } = session();
    await send(userTopic([customer(), agent(JANE, 'connected')]));
    expect(await send(userTopic([customer(), agent(JANE, 'CONNECTED')]))).toEqual({
      ignored: `${USER_TOPIC()}: no change for user ${JANE} (still answered)`,
    });
  });

  it('state words in any case: offering and ALERTING are offered, terminated is ended', async () => {
    const { send } = session();
    expect(only(await send(userTopic([agent(JANE, 'offering')], { id: 'c1' }))).lifecycle).toBe('offered');
    expect(only(await send(userTopic([agent(JANE, 'ALERTING')], { id: 'c2' }))).lifecycle).toBe('offered');
    expect(only(await send(userTopic([agent(JANE, 'Terminated')], { id: 'c3' }))).lifecycle).toBe('ended');
    expect(only(await send(userTopic([agent(JANE, 'Disconnected')], { id: 'c4' }))).lifecycle).toBe('ended');
  });

  it('a state that pops nothing (dialing, or none) says which', async () => {
    const { send } = session();
    expect(await send(userTopic([agent(JANE, 'dialing')]))).toEqual({
      ignored: `${USER_TOPIC()}: the state "dialing" of user ${JANE} pops nothing`,
    });
    expect(await send(userTopic([agent(JANE, undefined)]))).toEqual({
      ignored: `${USER_TOPIC()}: the state "" of user ${JANE} pops nothing`,
    });
  });

  it('an older snapshot after a later one pops nothing; held after answered does', async () => {
    const { send } = session();
    await send(userTopic([agent(JANE, 'connected')]));
    expect(await send(userTopic([agent(JANE, 'alerting')]))).toEqual({
      ignored: `${USER_TOPIC()}: an older snapshot for user ${JANE} (offered after answered)`,
    });
    expect(only(await send(userTopic([agent(JANE, 'connected', { held: true })]))).lifecycle).toBe('held');
    await send(userTopic([agent(JANE, 'disconnected', { wrapup: { code: 'X' } })]));
    expect(await send(userTopic([agent(JANE, 'disconnected')]))).toEqual({
      ignored: `${USER_TOPIC()}: an older snapshot for user ${JANE} (ended after completed)`,
    });
    expect(await send(userTopic([agent(JANE, 'connected')]))).toEqual({
      ignored: `${USER_TOPIC()}: an older snapshot for user ${JANE} (answered after completed)`,
    });
  });

  it('ended then completed pops both; a leg first seen over pops on the user topic', async () => {
    const { send } = session();
    expect(only(await send(userTopic([agent(JANE, 'disconnected')]))).lifecycle).toBe('ended');
    expect(
      only(await send(userTopic([agent(JANE, 'disconnected', { wrapup: { code: 'X' } })]))).lifecycle,
    ).toBe('completed');
  });

  it('media not in cloudNotifyMedia are ignored with the medium', async () => {
    const { send } = session();
    expect(await send(userTopic([agent(JANE, 'alerting')], { media: 'chats' }))).toEqual({
      ignored: `${USER_TOPIC('chats')}: chats are not in cloudNotifyMedia`,
    });
    const watched = session({ cloudNotifyMedia: ['emails'] });
    expect(await watched.send(userTopic([agent(JANE, 'alerting')]))).toEqual({
      ignored: `${USER_TOPIC()}: calls are not in cloudNotifyMedia`,
    });
  });

  it("a topic for {id}: the conversation's only agent (monitors aside); none or two is ignored", async () => {
    const { send } = session();
    const monitor = agent(LI, 'connected', { id: 'p-mon', monitoredParticipantId: 'p-9d8e' });
    const sent = only(
      await send(userTopic([customer(), agent(JANE, 'alerting'), monitor], { user: '{id}' })),
    );
    expect(sent.agentid).toBe('jane.doe@example.com');
    const reason = `${USER_TOPIC()}: the topic names no user and the conversation has no single agent`;
    expect(
      await send(userTopic([customer(), agent(JANE, 'alerting'), agent(LI, 'alerting')], { user: '{id}' })),
    ).toEqual({
      ignored: reason,
    });
    expect(await send(userTopic([customer()], { user: '{id}' }))).toEqual({ ignored: reason });
    expect(
      await send(userTopic([customer(), { purpose: 'agent', state: 'alerting' }], { user: '{id}' })),
    ).toEqual({
      ignored: reason,
    });
    // The same user on two participants is still one agent.
    const twice = await send(
      userTopic([agent(LI, 'disconnected', { id: 'p-li-1' }), agent(LI, 'alerting', { id: 'p-li-2' })], {
        user: '{id}',
        id: 'c-twice',
      }),
    );
    expect(only(twice).agentid).toBe('li.wei');
  });

  it('no participant of the user: ignored with the user and the conversation; a monitor is not offered', async () => {
    const { send } = session();
    expect(await send(userTopic([customer(), agent(JANE, 'alerting')], { user: LI }))).toEqual({
      ignored: `${USER_TOPIC()}: user ${LI} has no agent participant in conversation ${CONV}`,
    });
    const monitor = agent(LI, 'connected', { coachedParticipantId: 'p-9d8e' });
    expect(await send(userTopic([customer(), agent(JANE, 'connected'), monitor], { user: LI }))).toEqual({
      ignored: `${USER_TOPIC()}: user ${LI} has no agent participant in conversation ${CONV}`,
    });
    expect(await send(note(`v2.users.${LI}.conversations.calls`, { id: CONV }))).toEqual({
      ignored: `${USER_TOPIC()}: user ${LI} has no agent participant in conversation ${CONV}`,
    });
  });

  it("the user's live participant, else its last one", async () => {
    const { send } = session();
    const live = only(
      await send(
        userTopic([
          agent(JANE, 'disconnected', { id: 'p-old' }),
          agent(JANE, 'alerting', { id: 'p-new' }),
          agent(JANE, 'terminated', { id: 'p-other' }),
        ]),
      ),
    );
    expect(live.props.participantId).toBe('p-new');
    const last = only(
      await send(
        userTopic(
          [agent(JANE, 'disconnected', { id: 'p-old' }), agent(JANE, 'disconnected', { id: 'p-last' })],
          { id: 'c-last' },
        ),
      ),
    );
    expect(last.props.participantId).toBe('p-last');
  });

  it('an unknown user pops nothing and leaves no state: once the user is known, the same snapshot pops', async () => {
    let known = false;
    const { send } = session({}, { users: { login: async () => (known ? 'no.body' : undefined) } });
    expect(await send(userTopic([agent(NOBODY, 'alerting')], { user: NOBODY }))).toEqual({
      ignored: `${USER_TOPIC()}: Genesys Cloud has no user ${NOBODY} (Users API answered 404)`,
    });
    known = true;
    expect(only(await send(userTopic([agent(NOBODY, 'alerting')], { user: NOBODY }))).agentid).toBe(
      'no.body',
    );
  });

  it("each participant of the user is tracked by its own id: a new offer after the user's earlier leg pops", async () => {
    const { send } = session();
    expect(only(await send(userTopic([customer(), agent(JANE, 'connected', { id: 'p1' })]))).lifecycle).toBe(
      'answered',
    );
    const again = only(
      await send(
        userTopic([
          customer(),
          agent(JANE, 'disconnected', { id: 'p1' }),
          agent(JANE, 'alerting', { id: 'p2' }),
        ]),
      ),
    );
    expect(again).toMatchObject({ lifecycle: 'offered', props: { participantId: 'p2' } });
  });

  it('queue topic participants without ids are tracked per user', async () => {
    const { send } = session();
    const sent = await send(
      queueTopic([
        { purpose: 'agent', userId: JANE, calls: [{ state: 'alerting' }] },
        { purpose: 'agent', userId: LI, calls: [{ state: 'alerting' }] },
      ]),
    );
    expect(messages(sent).map((m) => m.agentid)).toEqual(['jane.doe@example.com', 'li.wei']);
  });

  it('a participant without an id is tracked by its user; conversations are tracked apart', async () => {
    const { send } = session();
    const noId = { purpose: 'agent', state: 'alerting', user: { id: JANE } };
    expect(only(await send(userTopic([noId]))).lifecycle).toBe('offered');
    expect(await send(userTopic([noId]))).toEqual({
      ignored: `${USER_TOPIC()}: no change for user ${JANE} (still offered)`,
    });
    expect(only(await send(userTopic([noId], { id: 'another' }))).props.interactionId).toBe('another');
  });

  it('legs: a consult target stays consult once the consulting agent left; conference and transfer', async () => {
    const { send } = session();
    const jane = agent(JANE, 'connected', { id: 'p-jane' });
    const li = (state: string, extra: P = {}) => agent(LI, state, { id: 'p-li', ...extra });
    const offered = only(
      await send(
        userTopic([customer(), jane, li('alerting', { consultParticipantId: 'p-customer' })], { user: LI }),
      ),
    );
    expect(offered.props).toMatchObject({
      leg: 'consult',
      parentInteractionId: CONV,
      consultParticipantId: 'p-customer',
    });
    const answered = only(
      await send(
        userTopic([customer(), agent(JANE, 'disconnected', { id: 'p-jane' }), li('connected')], { user: LI }),
      ),
    );
    expect(answered.props).toMatchObject({ leg: 'consult', parentInteractionId: CONV });

    const conference = session();
    const both = only(
      await conference.send(userTopic([customer(), jane, li('alerting')], { user: LI, id: 'c-conf' })),
    );
    expect(both.props).toMatchObject({ leg: 'conference', parentInteractionId: 'c-conf' });

    const transfer = session();
    const moved = only(
      await transfer.send(
        userTopic([customer(), agent(JANE, 'disconnected', { id: 'p-jane' }), li('alerting')], {
          user: LI,
          id: 'c-xfer',
        }),
      ),
    );
    expect(moved.props).toMatchObject({ leg: 'transfer', parentInteractionId: 'c-xfer' });
  });

  it("participant data: kept attributes, then the customer's, then the agent's own win", async () => {
    const { send } = session();
    await send(detailEvent('attributes', { attributes: { Account: 'kept', Tier: 'kept', Kept: 'yes' } }));
    const sent = only(
      await send(
        userTopic([
          customer({ attributes: { Tier: 'customer', Account: 'customer' } }),
          agent(JANE, 'alerting', { attributes: { Account: 'agent' } }),
        ]),
      ),
    );
    expect(sent.props).toMatchObject({ Account: 'agent', Tier: 'customer', Kept: 'yes' });
    const clash = only(
      await send(
        userTopic([agent(JANE, 'alerting', { attributes: { interactionId: 'x', participantId: 'y' } })], {
          id: 'c-clash',
        }),
      ),
    );
    expect(clash.props).toMatchObject({
      interactionId: 'c-clash',
      'attributes.interactionId': 'x',
      participantId: 'p-9d8e',
      'attributes.participantId': 'y',
    });
    const bare = only(await send(userTopic([agent(JANE, 'alerting')], { id: 'c-bare' })));
    expect(bare.props).toEqual({
      lifecycle: 'offered',
      nativeEvent: USER_TOPIC(),
      platform: 'Genesys Cloud',
      interactionId: 'c-bare',
      channel: 'voice',
      agentPlatformId: JANE,
      participantId: 'p-9d8e',
      participantState: 'alerting',
      leg: 'primary',
    });
  });
});

describe("the customer's numbers", () => {
  const numbers = async (participants: P[], options: { address?: string } = {}) => {
    const { send } = session();
    const { props } = only(await send(userTopic(participants, options)));
    return { ani: props.ani, dnis: props.dnis, aniRaw: props.aniRaw, dnisRaw: props.dnisRaw };
  };

  it("inbound: the agent participant's ani and dnis first", async () => {
    expect(
      await numbers(
        [
          customer({ ani: 'tel:+10000000001', dnis: 'tel:+10000000002' }),
          agent(JANE, 'alerting', {
            direction: 'inbound',
            ani: 'tel:+13175550142',
            dnis: 'tel:+18005550199',
          }),
        ],
        { address: 'tel:+10000000003' },
      ),
    ).toEqual({
      ani: '+13175550142',
      dnis: '+18005550199',
      aniRaw: 'tel:+13175550142',
      dnisRaw: 'tel:+18005550199',
    });
  });

  it("inbound: then the customer's ani and dnis, then its address and the conversation's", async () => {
    expect(
      await numbers(
        [
          customer({ ani: 'tel:+13175550142', dnis: 'tel:+18005550199' }),
          agent(JANE, 'alerting', { direction: 'inbound' }),
        ],
        { address: 'tel:+10000000003' },
      ),
    ).toMatchObject({ ani: '+13175550142', dnis: '+18005550199' });
    expect(
      await numbers([customer(), agent(JANE, 'alerting', { direction: 'INBOUND' })], {
        address: 'tel:+18005550199',
      }),
    ).toMatchObject({ ani: '+13175550142', dnis: '+18005550199' });
  });

  it("without the inbound direction the conversation's address is not the dnis", async () => {
    expect(await numbers([customer(), agent(JANE, 'alerting')], { address: 'tel:+18005550199' })).toEqual({
      ani: '+13175550142',
      dnis: undefined,
      aniRaw: 'tel:+13175550142',
      dnisRaw: undefined,
    });
  });

  it("the customer's address from its media entry when it has none of its own", async () => {
    const cust = customer({
      address: undefined,
      calls: [
        { self: { addressNormalized: 'tel:+10000000009' } },
        { self: { addressNormalized: 'tel:+10000000008' } },
        { self: { addressNormalized: 'tel:+13175550142' } },
      ],
    });
    expect(await numbers([cust, agent(JANE, 'alerting')])).toMatchObject({ ani: '+13175550142' });
  });

  it("outbound: the customer's dnis (the number dialed) is the ani, its ani the dnis", async () => {
    expect(
      await numbers([
        customer({ ani: 'tel:+18005550199', dnis: 'tel:+13175550142', address: 'tel:+10000000001' }),
        agent(JANE, 'alerting', { direction: 'outbound', dnis: 'tel:+10000000002', ani: 'tel:+10000000003' }),
      ]),
    ).toEqual({
      ani: '+13175550142',
      dnis: '+18005550199',
      aniRaw: 'tel:+13175550142',
      dnisRaw: 'tel:+18005550199',
    });
  });

  it("outbound: the customer's address, then its entry's own and other address", async () => {
    expect(
      await numbers([
        customer(),
        agent(JANE, 'alerting', { direction: 'outbound', dnis: 'tel:+10000000002' }),
      ]),
    ).toEqual({ ani: '+13175550142', dnis: undefined, aniRaw: 'tel:+13175550142', dnisRaw: undefined });
    const cust = customer({
      address: undefined,
      calls: [
        { self: { addressNormalized: 'tel:+13175550142' }, other: { addressNormalized: 'tel:+18005550199' } },
      ],
    });
    expect(await numbers([cust, agent(JANE, 'alerting', { direction: 'outbound' })])).toMatchObject({
      ani: '+13175550142',
      dnis: '+18005550199',
    });
  });

  it('a customer media entry without its own or other address gives no number', async () => {
    const cust = customer({ address: undefined, calls: [{ state: 'connected' }] });
    expect(await numbers([cust, agent(JANE, 'alerting', { direction: 'outbound' })])).toEqual({
      ani: undefined,
      dnis: undefined,
      aniRaw: undefined,
      dnisRaw: undefined,
    });
    expect(await numbers([cust, agent(JANE, 'alerting', { direction: 'inbound' })])).toMatchObject({
      ani: undefined,
    });
  });

  it("outbound with no customer: the agent participant's dnis", async () => {
    expect(
      await numbers([
        agent(JANE, 'alerting', { direction: 'outbound', dnis: 'tel:+13175550142', ani: 'tel:+1000' }),
      ]),
    ).toEqual({ ani: '+13175550142', dnis: undefined, aniRaw: 'tel:+13175550142', dnisRaw: undefined });
  });

  it('an external participant, any case, is the customer too', async () => {
    const { send } = session();
    const { props } = only(
      await send(
        userTopic([
          { id: 'p-x', purpose: 'EXTERNAL', name: 'Partner', address: 'tel:+13175550142' },
          agent(JANE, 'alerting'),
        ]),
      ),
    );
    expect(props).toMatchObject({ customerName: 'Partner', ani: '+13175550142' });
    const other = only(
      await send(
        userTopic(
          [{ id: 'p-x', purpose: 'ivr', name: 'IVR', address: 'tel:+13175550142' }, agent(JANE, 'alerting')],
          {
            id: 'c-ivr',
          },
        ),
      ),
    );
    expect('customerName' in other.props || 'ani' in other.props).toBe(false);
  });
});

describe('the queue topic: numbers from the media entries', () => {
  it("inbound per the agent's entry: the conversation's address is the dnis", async () => {
    const { send } = session();
    const body = (direction: string, id: string) =>
      note(`v2.routing.queues.${QUEUE}.conversations`, {
        id,
        address: 'tel:+18005550199',
        participants: [{ id: 'p-system' }, customer(), queueAgent(JANE, { state: 'alerting', direction })],
      });
    expect(only(await send(body('INBOUND', 'c-in'))).props).toMatchObject({
      direction: 'inbound',
      ani: '+13175550142',
      dnis: '+18005550199',
    });
    const out = only(await send(body('outbound', 'c-out')));
    expect(out.props).toMatchObject({ direction: 'outbound', ani: '+13175550142' });
    expect('dnis' in out.props).toBe(false);
  });

  it('an entry without a state pops nothing; participants without a purpose are neither customer nor agent', async () => {
    const { send } = session();
    expect(
      await send(
        queueTopic([
          { id: 'p-x', name: 'Nobody', address: 'tel:+1' },
          queueAgent(JANE, { direction: 'inbound' }),
        ]),
      ),
    ).toEqual({ ignored: `${QUEUE_TOPIC}: the state "" of user ${JANE} pops nothing` });
    const sent = only(
      await send(
        userTopic(
          [{ id: 'p-x', name: 'Nobody', address: 'tel:+1', state: 'connected' }, agent(JANE, 'alerting')],
          {
            id: 'c-np',
          },
        ),
      ),
    );
    expect('customerName' in sent.props || 'ani' in sent.props).toBe(false);
  });

  it('the agent entry picked for the queue topic: the last live one, else the last of three', async () => {
    const { send } = session();
    const entries = (states: string[]) =>
      states.map((state, i) => ({ state, id: `e${i}`, direction: `d${i}` }));
    const pick = async (states: string[], id: string) => {
      const sent = await send(
        queueTopic([{ id: 'p-j', purpose: 'agent', userId: JANE, calls: entries(states) }], id),
      );
      return Array.isArray(sent) ? sent[0]!.props.participantState : sent;
    };
    expect(await pick(['alerting', 'connected', 'disconnected'], 'q1')).toBe('connected');
    expect(await pick(['connected', 'ALERTING', 'Disconnected', 'terminated'], 'q2')).toBe('ALERTING');
    expect(await pick(['disconnected', 'disconnected', 'terminated'], 'q3')).toEqual({
      ignored: `${QUEUE_TOPIC}: user ${JANE}'s leg was already over when first seen`,
    });
  });
});

describe('queue and channel props', () => {
  it("the queue id: the agent's queue, its flat queueId, then the last acd participant's, then the topic's", async () => {
    const { send } = session();
    const acds = [
      { id: 'a1', purpose: 'acd', name: 'First', queue: { id: 'q-first' } },
      { id: 'a2', purpose: 'ACD', name: 'Second', queue: { id: 'q-acd' }, queueId: 'q-acd-flat' },
    ];
    const pick = async (participant: P, others: P[] = acds, topic = 'user') => {
      const body =
        topic === 'user'
          ? userTopic([...others, participant], { id: `c-${Math.random()}` })
          : queueTopic([...others, participant], `c-${Math.random()}`);
      const { props } = only(await send(body));
      return [props.queueId, props.queue];
    };
    expect(await pick(agent(JANE, 'alerting', { queue: { id: 'q-own' }, queueId: 'q-flat' }))).toEqual([
      'q-own',
      'Second',
    ]);
    expect(await pick(agent(JANE, 'alerting', { queue: { id: null }, queueId: 'q-flat' }))).toEqual([
      'q-flat',
      'Second',
    ]);
    expect(await pick(agent(JANE, 'alerting'))).toEqual(['q-acd', 'Second']);
    expect(
      await pick(agent(JANE, 'alerting'), [
        { id: 'a3', purpose: 'acd', name: 'Flat', queueId: 'q-acd-flat' },
      ]),
    ).toEqual(['q-acd-flat', 'Flat']);
    expect(await pick(agent(JANE, 'alerting'), [])).toEqual([undefined, undefined]);
    expect(await pick(queueAgent(JANE, { state: 'alerting' }), [], 'queue')).toEqual([QUEUE, undefined]);
  });

  it('a chat: channel chat, the customer address as customerAddress, no numbers', async () => {
    const { send } = session({ cloudNotifyMedia: ['chats'] });
    const { props } = only(
      await send(
        userTopic(
          [
            customer({ address: 'Acme Customer', ani: 'tel:+1317' }),
            agent(JANE, 'alerting', { ani: 'tel:+1' }),
          ],
          {
            media: 'chats',
          },
        ),
      ),
    );
    expect(props).toMatchObject({
      channel: 'chat',
      customerAddress: 'Acme Customer',
      nativeEvent: USER_TOPIC('chats'),
    });
    expect('ani' in props || 'dnis' in props || 'aniRaw' in props || 'messageType' in props).toBe(false);
  });

  it('an email: channel email; a callback: channel callback with numbers', async () => {
    const { send } = session({ cloudNotifyMedia: ['emails', 'callbacks'] });
    const email = only(
      await send(
        userTopic([customer({ address: 'a@b.example' }), agent(JANE, 'alerting')], { media: 'emails' }),
      ),
    );
    expect(email.props).toMatchObject({ channel: 'email', customerAddress: 'a@b.example' });
    const callback = only(
      await send(userTopic([customer(), agent(JANE, 'alerting')], { media: 'callbacks', id: 'c-cb' })),
    );
    expect(callback.props).toMatchObject({ channel: 'callback', ani: '+13175550142' });
    expect('customerAddress' in callback.props).toBe(false);
  });

  it("a message: the channel and messageType from the participant's type, else its entry's", async () => {
    const { send } = session({ cloudNotifyMedia: ['messages'] });
    const sms = only(
      await send(userTopic([customer(), agent(JANE, 'alerting', { type: 'sms' })], { media: 'messages' })),
    );
    expect(sms.props).toMatchObject({ channel: 'sms', messageType: 'sms', ani: '+13175550142' });
    const fromEntry = only(
      await send(
        queueTopic(
          [customer(), queueAgent(JANE, { state: 'alerting', type: 'facebook' }, {}, 'messages')],
          'c-fb',
        ),
      ),
    );
    expect(fromEntry.props).toMatchObject({ channel: 'social', messageType: 'facebook' });
    const none = only(await send(userTopic([agent(JANE, 'alerting')], { media: 'messages', id: 'c-none' })));
    expect(none.props.channel).toBe('messaging');
    expect('messageType' in none.props).toBe(false);
  });

  it('a call participant with a type has no messageType', async () => {
    const { send } = session();
    const { props } = only(await send(userTopic([agent(JANE, 'alerting', { type: 'sms' })])));
    expect(props.channel).toBe('voice');
    expect('messageType' in props).toBe(false);
  });
});

describe('v2.routing.queues.{id}.conversations', () => {
  it('the state, held, direction, wrap-up and times on the media entry', async () => {
    const { send } = session();
    const entry = (extra: P) =>
      queueTopic([
        customer({ state: undefined, calls: [{ state: 'connected' }] }),
        queueAgent(
          JANE,
          {
            direction: 'inbound',
            connectedTime: '2026-11-25T10:15:05Z',
            disconnectedTime: '2026-11-25T10:19:00Z',
            ...extra,
          },
          { connectedTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T00:00:00Z' },
        ),
      ]);
    const offered = only(await send(entry({ state: 'alerting' })));
    expect(offered.props).toMatchObject({
      nativeEvent: QUEUE_TOPIC,
      direction: 'inbound',
      participantState: 'alerting',
      queueId: QUEUE,
      leg: 'primary',
    });
    expect('eventTime' in offered.props).toBe(false);
    const answered = only(await send(entry({ state: 'connected' })));
    expect(answered.props.eventTime).toBe('2026-11-25T10:15:05.000Z');
    expect(only(await send(entry({ state: 'connected', held: true }))).lifecycle).toBe('held');
    const ended = only(await send(entry({ state: 'disconnected', disconnectType: 'client' })));
    expect(ended.props).toMatchObject({
      eventTime: '2026-11-25T10:19:00.000Z',
      disconnectType: 'client',
      participantState: 'disconnected',
    });
    const completed = only(await send(entry({ state: 'disconnected', wrapup: { code: 'W1', notes: 'n' } })));
    expect(completed).toMatchObject({
      lifecycle: 'completed',
      props: { disposition: 'W1', wrapupNotes: 'n' },
    });
  });

  it("the participant's own fields win over its entry's", async () => {
    const { send } = session();
    const sent = only(
      await send(
        queueTopic([
          queueAgent(
            JANE,
            { state: 'alerting', direction: 'outbound', disconnectType: 'entry' },
            {
              state: 'connected',
              direction: 'inbound',
              disconnectType: 'own',
              connectedTime: '2026-11-25T10:15:05Z',
            },
          ),
        ]),
      ),
    );
    expect(sent).toMatchObject({
      lifecycle: 'answered',
      props: {
        participantState: 'connected',
        direction: 'inbound',
        disconnectType: 'own',
        eventTime: '2026-11-25T10:15:05.000Z',
      },
    });
  });

  it('no agent in the watched media yet: ignored, naming them all', async () => {
    const { send } = session();
    expect(
      await send(queueTopic([customer(), queueAgent(JANE, { state: 'alerting' }, {}, 'chats')])),
    ).toEqual({
      ignored: `${QUEUE_TOPIC}: conversation ${CONV} has no agent participant in calls yet`,
    });
    const two = session({ cloudNotifyMedia: ['calls', 'emails'] });
    expect(await two.send(note(`v2.routing.queues.${QUEUE}.conversations`, { id: CONV }))).toEqual({
      ignored: `${QUEUE_TOPIC}: conversation ${CONV} has no agent participant in calls/emails yet`,
    });
    const monitor = queueAgent(LI, { state: 'connected' }, { bargedParticipantId: 'p-customer' });
    expect(await send(queueTopic([customer(), monitor]))).toEqual({
      ignored: `${QUEUE_TOPIC}: conversation ${CONV} has no agent participant in calls yet`,
    });
  });

  it('the first watched medium the agent has entries in; its live entry, else the last', async () => {
    const { send } = session({ cloudNotifyMedia: ['calls', 'chats'] });
    const chat = only(
      await send(
        queueTopic([
          {
            id: 'p-j',
            purpose: 'agent',
            userId: JANE,
            calls: [],
            chats: [{ state: 'alerting' }],
            emails: [{ state: 'connected' }],
          },
        ]),
      ),
    );
    expect(chat.props).toMatchObject({ channel: 'chat', participantState: 'alerting' });
    const live = only(
      await send(
        queueTopic(
          [
            {
              id: 'p-j',
              purpose: 'agent',
              userId: JANE,
              calls: [{ state: 'connected' }, { state: 'disconnected' }],
            },
          ],
          'c-live',
        ),
      ),
    );
    expect(live.lifecycle).toBe('answered');
  });

  it('each agent whose state changed pops; the others give their reasons together', async () => {
    const { send } = session();
    const jane = (state: string) => queueAgent(JANE, { state });
    const li = (state: string) => queueAgent(LI, { state });
    expect(
      messages(await send(queueTopic([customer(), jane('connected'), li('alerting')]))).map((m) => [
        m.agentid,
        m.lifecycle,
      ]),
    ).toEqual([
      ['jane.doe@example.com', 'answered'],
      ['li.wei', 'offered'],
    ]);
    expect(
      messages(await send(queueTopic([customer(), jane('connected'), li('connected')]))).map((m) => [
        m.agentid,
        m.lifecycle,
      ]),
    ).toEqual([['li.wei', 'answered']]);
    expect(
      await send(
        queueTopic([
          customer(),
          jane('connected'),
          li('connected'),
          queueAgent(NOBODY, { state: 'dialing' }),
        ]),
      ),
    ).toEqual({
      ignored: `${QUEUE_TOPIC}: no change for user ${JANE} (still answered); no change for user ${LI} (still answered); the state "dialing" of user ${NOBODY} pops nothing`,
    });
  });

  it('a leg first seen already over pops nothing on the queue topic, ended or completed', async () => {
    const { send } = session();
    expect(await send(queueTopic([queueAgent(JANE, { state: 'disconnected' })]))).toEqual({
      ignored: `${QUEUE_TOPIC}: user ${JANE}'s leg was already over when first seen`,
    });
    expect(
      await send(queueTopic([queueAgent(JANE, { state: 'terminated', wrapup: { code: 'X' } })], 'c-2')),
    ).toEqual({
      ignored: `${QUEUE_TOPIC}: user ${JANE}'s leg was already over when first seen`,
    });
  });

  it('an unknown agent gives its reason among the others', async () => {
    const { send } = session();
    expect(await send(queueTopic([queueAgent(NOBODY, { state: 'alerting' })]))).toEqual({
      ignored: `${QUEUE_TOPIC}: userId ${NOBODY} is not in the directory and no Users API client is configured (set cloudClientId and cloudClientSecret, or add the user to the directory)`,
    });
  });
});

describe('state lifetime', () => {
  it('the last state is kept for stateTtlMs: after it, the same snapshot pops again', async () => {
    let now = 1_000_000;
    const { send } = session(
      { stateTtlMs: 10_000 },
      undefined,
      createMemoryStateStore(() => now),
    );
    expect(only(await send(userTopic([agent(JANE, 'alerting')]))).lifecycle).toBe('offered');
    now += 9_000;
    expect(await send(userTopic([agent(JANE, 'alerting')]))).toMatchObject({ ignored: expect.any(String) });
    now += 20_000;
    expect(only(await send(userTopic([agent(JANE, 'alerting')]))).lifecycle).toBe('offered');
  });
});

describe("state written only once the host stored the messages (stateWrites 'after-store')", () => {
  it('a snapshot whose messages were not stored (no commitState) pops again when retried', async () => {
    const { runtime } = session();
    const request = () =>
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': CLOUD_KEY },
        body: userTopic([agent(JANE, 'alerting')]),
      });
    const first = await handleRequest(runtime, request(), 'cloud', { deferState: true });
    expect(first).toMatchObject({ kind: 'accepted', commitState: expect.any(Function) });
    const retried = await handleRequest(runtime, request(), 'cloud', { deferState: true });
    expect(retried.kind).toBe('accepted');
    if (retried.kind === 'accepted') await retried.commitState?.();
    expect(await handleRequest(runtime, request(), 'cloud')).toMatchObject({
      kind: 'ignored',
      reason: `${USER_TOPIC()}: no change for user ${JANE} (still offered)`,
    });
  });
});
