// The PureConnect relay source case by case where no fixture plays it: Eic_State letters and numbers, the
// reasons a message pops nothing, user status, the props of one interaction, its owners, recognising an
// ICWS body, full queue snapshots and removals, and the consult and conference legs over several messages.
import { createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { readMessages, stateLetter } from '../src/pureconnect.js';
import { customerCall } from './pureconnect-calls.js';
import { PURECONNECT_TOKEN, settings } from './settings.js';

const QUEUE = 'urn:inin.com:queues:queueContentsMessage';
const STATUS = 'urn:inin.com:status:userStatusMessage';

const post = (body: unknown, headers: Record<string, string> = {}) =>
  toInboundRequest({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${PURECONNECT_TOKEN}`,
      ...headers,
    },
    body,
  });

const changed = (
  interactionId: string,
  attributes: Record<string, string>,
  extra: Record<string, unknown> = {},
) => ({
  __type: QUEUE,
  subscriptionId: 'openconnect-users',
  isDelta: true,
  interactionsChanged: [{ interactionId, attributes }],
  ...extra,
});

/** One runtime's state across requests; relayHeaders go on every request (a relay that names its agent). */
function session(relayHeaders: Record<string, string> = {}) {
  const rt = createRuntime(connector, settings);
  return async (body: unknown, headers: Record<string, string> = {}) => {
    const outcome = await handleRequest(rt, post(body, { ...relayHeaders, ...headers }), 'pureconnect');
    if (outcome.kind === 'accepted')
      return outcome.messages.map((m) => ({ agentid: m.agentid, lifecycle: m.lifecycle, props: m.props }));
    if (outcome.kind === 'ignored') return { ignored: outcome.reason };
    return { status: outcome.answer.status };
  };
}

// The calls below as ICWS queue subscriptions send them (customerCall): whole attributes on interactionsAdded,
// deltas after.
const added = (interactionId: string, attributes: Record<string, string>) => ({
  __type: QUEUE,
  subscriptionId: 'openconnect-users',
  isDelta: true,
  interactionsAdded: [{ interactionId, attributes }],
});

const removedFrom = (subscriptionId: string, ...interactionsRemoved: string[]) => ({
  __type: QUEUE,
  subscriptionId,
  isDelta: true,
  interactionsRemoved,
});

/** A full queue snapshot (isDelta false), as ICWS sends a new subscription. */
const snapshot = (
  subscriptionId: string,
  ...interactionsAdded: { interactionId: string; attributes: Record<string, string> }[]
) => ({
  __type: QUEUE,
  subscriptionId,
  isDelta: false,
  interactionsAdded,
});

/** Who got what: agent, lifecycle, and the leg and parent when the message carries them. */
const popped = (sent: unknown) =>
  Array.isArray(sent)
    ? sent.map((m: { agentid: string; lifecycle: string; props: Record<string, unknown> }) =>
        [m.agentid, m.lifecycle, m.props.leg, m.props.parentInteractionId].filter((v) => v !== undefined),
      )
    : sent;

describe('stateLetter', () => {
  it('trims and upper-cases a letter', () => expect(stateLetter(' c ', {})).toBe('C'));

  it('names a number through pureconnectStateNumbers, leading zeros and all', () => {
    expect([stateLetter('2', { '2': 'c' }), stateLetter('02', { '2': 'c' })]).toEqual(['C', 'C']);
  });

  it('reads another number as a character code from 65 (A) to 90 (Z), and keeps the rest as they are', () => {
    expect(['64', '65', '90', '91'].map((n) => stateLetter(n, {}))).toEqual(['64', 'A', 'Z', '91']);
  });

  it('a value that mixes digits and letters is no number: upper-cased like a letter, the numbers not consulted', () => {
    expect([stateLetter('c2', { '2': 'h' }), stateLetter('2c', { '2': 'h' })]).toEqual(['C2', '2C']);
  });
});

describe('what pops nothing, and why', () => {
  it('an interaction without Eic_State asks for it in attributeNames', async () => {
    const send = session();
    expect(await send(changed('1001234567', { Eic_UserName: 'jdoe' }))).toEqual({
      ignored: "interaction 1001234567: no Eic_State yet (add it to the subscription's attributeNames)",
    });
  });

  it('a number pureconnectStateNumbers does not name says so; a letter that pops nothing says so', async () => {
    const send = session();
    expect(await send(changed('1001234567', { Eic_State: '12', Eic_UserName: 'jdoe' }))).toEqual({
      ignored: 'interaction 1001234567: Eic_State 12 is a number pureconnectStateNumbers does not name',
    });
    expect(await send(changed('1001234568', { Eic_State: 'r', Eic_UserName: 'jdoe' }))).toEqual({
      ignored: 'interaction 1001234568: Eic_State R pops nothing',
    });
  });

  it('an Eic_State of digits and letters is said to pop nothing, not to be an unnamed number', async () => {
    const send = session();
    expect(await send(changed('1001234567', { Eic_State: '2c', Eic_UserName: 'jdoe' }))).toEqual({
      ignored: 'interaction 1001234567: Eic_State 2C pops nothing',
    });
    expect(await send(changed('1001234568', { Eic_State: 'c2', Eic_UserName: 'jdoe' }))).toEqual({
      ignored: 'interaction 1001234568: Eic_State C2 pops nothing',
    });
  });

  it('an offering nobody is named for waits for its agent', async () => {
    const send = session();
    expect(await send(changed('1001234567', { Eic_State: 'O' }))).toEqual({
      ignored: 'interaction 1001234567: no agent yet (no Eic_UserName, no x-genesys-agent header)',
    });
  });

  it('a queue message with no interactions, and several messages, give every reason', async () => {
    const send = session();
    expect(await send({ __type: QUEUE, subscriptionId: 'openconnect-users', isDelta: true })).toEqual({
      ignored: 'the message lists no interactions',
    });
    expect(
      await send([
        { __type: 'urn:inin.com:status:userStatusesMessage' },
        changed('1001234567', { Eic_UserName: 'jdoe' }),
      ]),
    ).toEqual({
      ignored:
        "urn:inin.com:status:userStatusesMessage is not a message this connector maps; interaction 1001234567: no Eic_State yet (add it to the subscription's attributeNames)",
    });
  });

  it('the removal of an interaction never seen, or of one no agent was named for, ends nothing', async () => {
    const send = session();
    const removed = (id: string) => ({ __type: QUEUE, isDelta: true, interactionsRemoved: [id] });
    expect(await send(removed('1001234567'))).toEqual({
      ignored: 'interaction 1001234567 removed; nothing more to send',
    });
    await send(changed('1001234568', { Eic_State: 'O' }, { subscriptionId: undefined }));
    expect(await send(removed('1001234568'))).toEqual({
      ignored: 'interaction 1001234568 removed; no agent known',
    });
  });
});

describe('what is refused (400), and why', () => {
  const refused = async (body: unknown) => {
    const outcome = await handleRequest(createRuntime(connector, settings), post(body), 'pureconnect');
    return { kind: outcome.kind, reason: 'reason' in outcome ? outcome.reason : undefined };
  };

  it('an empty array, as no ICWS message at all', async () => {
    expect(await refused([])).toEqual({
      kind: 'invalid',
      reason: 'the body is an empty array; at least one ICWS message was expected',
    });
  });

  it('a queueContentsMessage not as ICWS sends it names the message type and the field', async () => {
    expect(
      await refused({
        __type: QUEUE,
        subscriptionId: 'openconnect-users',
        isDelta: true,
        interactionsAdded: [{ interactionId: '', attributes: { Eic_State: 'A' } }],
      }),
    ).toEqual({
      kind: 'invalid',
      reason:
        'the ICWS queueContentsMessage is not as expected at interactionsAdded.0.interactionId: Too small: expected string to have >=1 characters',
    });
  });

  it('a userStatusMessage not as ICWS sends it names the message type and the field', async () => {
    expect(
      await refused({ __type: STATUS, isDelta: true, userStatusList: [{ userId: '1001', loggedIn: true }] }),
    ).toEqual({
      kind: 'invalid',
      reason:
        'the ICWS userStatusMessage is not as expected at userStatusList.0.statusId: Invalid input: expected string, received undefined',
    });
  });
});

describe('readMessages', () => {
  it('keeps a message of another type by its __type alone, marked other', () => {
    const message = {
      __type: 'urn:inin.com:connection:connectionStateChangeMessage',
      previousConnectionState: 'up',
      newConnectionState: 'down',
      reason: 'The server is shutting down.',
    };
    expect(readMessages([message], {})).toEqual({
      messages: [{ __type: 'urn:inin.com:connection:connectionStateChangeMessage', other: true }],
      headers: {},
    });
  });
});

describe('userStatusMessage', () => {
  it('one agent_state per user named, the platform id kept when the directory renames it', async () => {
    const send = session();
    const sent = await send({
      __type: STATUS,
      isDelta: true,
      userStatusList: [
        { userId: '1001', statusId: 'Do Not Disturb' },
        { userId: ' ', statusId: 'Available' },
      ],
    });
    expect(sent).toEqual([
      {
        agentid: 'john.smith',
        lifecycle: 'agent_state',
        props: {
          lifecycle: 'agent_state',
          nativeEvent: 'userStatusMessage',
          platform: 'PureConnect',
          agentState: 'Do Not Disturb',
          agentPlatformId: '1001',
        },
      },
    ]);
  });
});

describe('the props of an interaction', () => {
  it('a chat: its remote address is the customerAddress, not a number; no Eic_CallId gives the interaction id', async () => {
    const send = session();
    const sent = await send(
      changed('1001234567', {
        Eic_State: 'A',
        Eic_UserName: '1001',
        Eic_ObjectType: 'Chat',
        Eic_CallDirection: 'i',
        Eic_RemoteAddress: 'visitor@example.com',
        Eic_LocalAddress: 'support',
      }),
    );
    expect(sent).toMatchObject([
      {
        agentid: 'john.smith',
        lifecycle: 'offered',
        props: {
          interactionId: '1001234567',
          customerAddress: 'visitor@example.com',
          direction: 'inbound',
          channel: 'chat',
          agentPlatformId: '1001',
        },
      },
    ]);
    const props = Array.isArray(sent) ? sent[0]!.props : {};
    expect(['ani' in props, 'dnis' in props]).toEqual([false, false]);
  });

  it('a call: the numbers plain, direction o outbound, no direction for another letter', async () => {
    const send = session();
    const call = {
      Eic_State: 'C',
      Eic_UserName: 'jdoe',
      Eic_ObjectType: 'Call',
      Eic_CallId: '3001234567',
      Eic_RemoteAddress: 'tel:+13175550142',
      Eic_LocalAddress: 'sip:5001@10.0.0.5',
    };
    const outbound = await send(changed('1001234567', { ...call, Eic_CallDirection: 'o' }));
    expect(outbound).toMatchObject([
      {
        props: {
          interactionId: '3001234567',
          ani: '+13175550142',
          dnis: '5001',
          direction: 'outbound',
          channel: 'voice',
        },
      },
    ]);
    const props = Array.isArray(outbound) ? outbound[0]!.props : {};
    expect(['agentPlatformId' in props, 'customerAddress' in props]).toEqual([false, false]);
    const other = await send(changed('1001234568', { ...call, Eic_CallDirection: 'N' }));
    expect(Array.isArray(other) && 'direction' in other[0]!.props).toBe(false);
  });

  it('a custom attribute named like an OpenConnect field (crmid) travels as attr.crmid', async () => {
    const send = session();
    const sent = await send(
      added('1001234601', { ...customerCall('1001234601', 'jdoe', 'A'), crmid: '0015g00000XyZ' }),
    );
    const props = Array.isArray(sent) ? sent[0]!.props : {};
    expect([props['attr.crmid'], 'crmid' in props]).toEqual(['0015g00000XyZ', false]);
  });
});

describe('owners of an interaction', () => {
  const call = { Eic_CallId: '1001234601', Eic_ObjectType: 'Call', Eic_RemoteAddress: '+13175550142' };
  const kinds = (sent: unknown) =>
    Array.isArray(sent)
      ? sent.map((m: { agentid: string; lifecycle: string }) => [m.agentid, m.lifecycle])
      : sent;

  it('a delta that repeats the same owner ends nobody', async () => {
    const send = session();
    await send(changed('1001234601', { ...call, Eic_State: 'C', Eic_UserName: 'jdoe' }));
    expect(kinds(await send(changed('1001234601', { Eic_State: 'H', Eic_UserName: 'jdoe' })))).toEqual([
      ['jdoe', 'held'],
    ]);
  });

  it('an owner who was never popped gets no end when the interaction moves on', async () => {
    const send = session();
    await send(changed('1001234601', { ...call, Eic_State: 'R', Eic_UserName: 'jdoe' }));
    expect(kinds(await send(changed('1001234601', { Eic_State: 'A', Eic_UserName: 'asmith' })))).toEqual([
      ['asmith', 'offered'],
    ]);
  });

  it('a full snapshot from a relay that names no subscription and no agent ends nothing', async () => {
    const send = session();
    await send(
      changed('1001234601', { ...call, Eic_State: 'C', Eic_UserName: 'jdoe' }, { subscriptionId: undefined }),
    );
    const snapshot = { __type: QUEUE, isDelta: false, interactionsAdded: [] };
    expect(await send(snapshot)).toEqual({ ignored: 'the message lists no interactions' });
  });

  it('a call hung up while on hold ends; it is not resumed', async () => {
    const send = session();
    await send(added('1001234601', customerCall('1001234601', 'jdoe', 'C')));
    await send(changed('1001234601', { Eic_State: 'H' }));
    expect(popped(await send(changed('1001234601', { Eic_State: 'E' })))).toEqual([['jdoe', 'ended']]);
  });

  it("on the agent's own relay a cleared Eic_UserName ends nothing: the removal from the queue does", async () => {
    const send = session({ 'x-genesys-agent': 'jdoe' });
    await send(added('1001234601', customerCall('1001234601', 'jdoe', 'C')));
    expect(await send(changed('1001234601', { Eic_UserName: '' }))).toEqual({
      ignored: 'interaction 1001234601: still answered',
    });
    expect(popped(await send(removedFrom('openconnect-users', '1001234601')))).toEqual([['jdoe', 'ended']]);
  });
});

describe('an ICWS body recognised without the source in the URL', () => {
  /** The source detect() picked (none: undefined) and the answer. */
  const unnamed = async (body: unknown) => {
    const outcome = await handleRequest(createRuntime(connector, settings), post(body));
    return { source: 'source' in outcome ? outcome.source : undefined, status: outcome.answer.status };
  };

  it('a poll batch is PureConnect by any ICWS message in it: a message without __type beside one is refused as ICWS', async () => {
    const outcome = await handleRequest(
      createRuntime(connector, settings),
      post([{ interactionsAdded: [] }, changed('1001234567', { Eic_State: 'A', Eic_UserName: 'jdoe' })]),
    );
    expect(outcome.kind === 'invalid' && [outcome.source, outcome.answer.status, outcome.reason]).toEqual([
      'pureconnect',
      400,
      'an ICWS message needs a string __type',
    ]);
  });

  it('a __type that is no urn:inin.com: name is not taken for ICWS', async () => {
    expect(await unnamed({ __type: 'CallRecord:#Contoso.Telephony', callId: '1001234567' })).toEqual({
      source: undefined,
      status: 400,
    });
  });

  it('an ICWS queue message is taken for PureConnect', async () => {
    expect(await unnamed(changed('1001234567', { Eic_State: 'A', Eic_UserName: 'jdoe' }))).toEqual({
      source: 'pureconnect',
      status: 200,
    });
  });
});

describe('full queue snapshots (isDelta false) and removals', () => {
  it('a relay naming no agent keeps each subscription apart: a workgroup snapshot ends no call of the user queues', async () => {
    const send = session();
    await send(added('1001234601', customerCall('1001234601', 'jdoe', 'C')));
    expect(await send(snapshot('openconnect-workgroups'))).toEqual({
      ignored: 'the message lists no interactions',
    });
  });

  it('a subscription id alone (no agent header) is enough for a snapshot to end the call that left', async () => {
    const send = session();
    await send(added('1001234601', customerCall('1001234601', 'jdoe', 'C')));
    expect(popped(await send(snapshot('openconnect-users')))).toEqual([['jdoe', 'ended']]);
  });

  it('a snapshot ends every call that left, those listed by earlier deltas included', async () => {
    const send = session();
    await send(added('1001234601', customerCall('1001234601', 'jdoe', 'C')));
    await send(added('1001234602', customerCall('1001234602', 'asmith', 'C')));
    const ended = await send(snapshot('openconnect-users'));
    expect(Array.isArray(ended) && ended.map((m) => [m.agentid, m.lifecycle, m.props.interactionId])).toEqual(
      [
        ['jdoe', 'ended', '1001234601'],
        ['asmith', 'ended', '1001234602'],
      ],
    );
  });

  it('an interaction removed by a delta is not left over for the next snapshot to end again', async () => {
    const send = session();
    await send(added('1001234601', customerCall('1001234601', 'jdoe', 'C')));
    expect(popped(await send(removedFrom('openconnect-users', '1001234601')))).toEqual([['jdoe', 'ended']]);
    expect(await send(snapshot('openconnect-users'))).toEqual({
      ignored: 'the message lists no interactions',
    });
  });

  it('a snapshot that ended a call does not end it again at the next snapshot', async () => {
    const send = session({ 'x-genesys-agent': 'jdoe' });
    await send(added('1001234601', customerCall('1001234601', 'jdoe', 'C')));
    expect(popped(await send(snapshot('openconnect-users')))).toEqual([['jdoe', 'ended']]);
    expect(await send(snapshot('openconnect-users'))).toEqual({
      ignored: 'the message lists no interactions',
    });
  });

  it('an interaction removed from two queues one relay watches (user and workgroup) ends once', async () => {
    const send = session();
    await send(added('1001234601', customerCall('1001234601', 'jdoe', 'C')));
    expect(popped(await send(removedFrom('openconnect-users', '1001234601')))).toEqual([['jdoe', 'ended']]);
    expect(await send(removedFrom('openconnect-workgroups', '1001234601'))).toEqual({
      ignored: 'interaction 1001234601 removed; nothing more to send',
    });
  });
});

describe('consults', () => {
  // jdoe answers the caller (1001234611) and consults asmith: the consult call asmith is offered
  // (1001234613) carries Eic_ConsultingCallId, and ends before the caller is handed over.
  const HELD = '1001234611';
  const consultSide = (extra: Record<string, string> = {}) => ({
    Eic_CallId: '1001234613',
    Eic_ObjectType: 'Call',
    Eic_CallType: 'I',
    Eic_ConsultingCallId: HELD,
    Eic_CallDirection: 'I',
    Eic_RemoteAddress: '7001',
    Eic_RemoteName: 'John Doe',
    Eic_State: 'A',
    ...extra,
  });

  async function consulted(send: ReturnType<typeof session>) {
    await send(added(HELD, customerCall(HELD, 'jdoe', 'A')));
    await send(changed(HELD, { Eic_State: 'C' }));
    expect(popped(await send(added('1001234613', consultSide({ Eic_UserName: 'asmith' }))))).toEqual([
      ['asmith', 'offered', 'consult', HELD],
    ]);
    await send(changed('1001234613', { Eic_State: 'C' }));
    await send({ ...changed('1001234613', { Eic_State: 'E' }), interactionsRemoved: ['1001234613'] });
  }

  it('the consulted agent the caller then rings for (a blind transfer after the consult) is not offered it again', async () => {
    const send = session();
    await consulted(send);
    expect(popped(await send(changed(HELD, { Eic_State: 'A', Eic_UserName: 'asmith' })))).toEqual([
      ['jdoe', 'ended'],
    ]);
  });

  it('the consulted agent handed the caller gets the hold and the resume of that call', async () => {
    const send = session();
    await consulted(send);
    expect(popped(await send(changed(HELD, { Eic_State: 'C', Eic_UserName: 'asmith' })))).toEqual([
      ['jdoe', 'ended'],
    ]);
    expect(popped(await send(changed(HELD, { Eic_State: 'H' })))).toEqual([['asmith', 'held']]);
    expect(popped(await send(changed(HELD, { Eic_State: 'C' })))).toEqual([['asmith', 'resumed']]);
  });

  it("the caller parked on the consulted agent's queue pops held for them", async () => {
    const send = session();
    await consulted(send);
    expect(popped(await send(changed(HELD, { Eic_State: 'P', Eic_UserName: 'asmith' })))).toEqual([
      ['jdoe', 'ended'],
      ['asmith', 'held'],
    ]);
  });

  it('the consulted agent who passed the caller back and gets it again is popped for it, as a transfer', async () => {
    const send = session();
    await consulted(send);
    await send(changed(HELD, { Eic_State: 'C', Eic_UserName: 'asmith' }));
    expect(popped(await send(changed(HELD, { Eic_State: 'A', Eic_UserName: 'jdoe' })))).toEqual([
      ['asmith', 'ended'],
      ['jdoe', 'offered', 'transfer', HELD],
    ]);
    expect(popped(await send(changed(HELD, { Eic_State: 'A', Eic_UserName: 'asmith' })))).toEqual([
      ['jdoe', 'ended'],
      ['asmith', 'offered', 'transfer', HELD],
    ]);
  });

  it('with one relay per agent, the consulted agent who passed the caller on and gets it again is popped for it', async () => {
    // Two relays, one runner (one state store); a relay's header names its agent, so no Eic_UserName.
    const jdoe = session({ 'x-genesys-agent': 'jdoe' });
    const asmith = (body: unknown) => jdoe(body, { 'x-genesys-agent': 'asmith' });
    const { Eic_UserName: _, ...caller } = customerCall(HELD, 'jdoe', 'C');
    await jdoe(added(HELD, caller));
    expect(popped(await asmith(added('1001234613', consultSide())))).toEqual([
      ['asmith', 'offered', 'consult', HELD],
    ]);
    await asmith({ ...changed('1001234613', { Eic_State: 'E' }), interactionsRemoved: ['1001234613'] });
    await jdoe(removedFrom('openconnect-users', HELD));
    expect(await asmith(added(HELD, caller))).toEqual({ ignored: `interaction ${HELD}: still answered` });
    expect(popped(await asmith(removedFrom('openconnect-users', HELD)))).toEqual([['asmith', 'ended']]);
    await jdoe(added(HELD, { ...caller, Eic_State: 'A' }));
    await jdoe(removedFrom('openconnect-users', HELD));
    expect(popped(await asmith(added(HELD, { ...caller, Eic_State: 'A' })))).toEqual([
      ['asmith', 'offered', 'transfer', HELD],
    ]);
  });

  it("a consult call whose held call this relay never saw pops with the consult call's own caller", async () => {
    const send = session({ 'x-genesys-agent': 'asmith' });
    const sent = await send(added('1001234613', consultSide()));
    expect(popped(sent)).toEqual([['asmith', 'offered', 'consult', HELD]]);
    const props = Array.isArray(sent) ? sent[0]!.props : {};
    expect([props.ani, props.customerName, 'remoteAddress' in props]).toEqual(['7001', 'John Doe', false]);
  });

  it("the previous owner still gets the end when the call becomes the new owner's own consult call", async () => {
    const send = session();
    await send(added('1001234631', { ...customerCall('1001234631', 'asmith', 'C'), Eic_CallDirection: 'O' }));
    expect(
      popped(await send(changed('1001234631', { Eic_UserName: 'jdoe', Eic_ConsultingCallId: HELD }))),
    ).toEqual([['asmith', 'ended']]);
  });
});

describe('conferences', () => {
  // jdoe's call with the caller (1001234621) joins conference 1001234629; asmith's member call is 1001234622.
  const CALL = '1001234621';
  const CONFERENCE = '1001234629';
  const member = (id: string, agent: string, extra: Record<string, string> = {}) => ({
    Eic_CallId: id,
    Eic_ObjectType: 'Call',
    Eic_CallType: 'I',
    Eic_CallDirection: 'I',
    Eic_ConferenceId: CONFERENCE,
    Eic_RemoteAddress: '7001',
    Eic_RemoteName: 'John Doe',
    Eic_State: 'A',
    Eic_UserName: agent,
    ...extra,
  });

  async function answered(send: ReturnType<typeof session>) {
    await send(added(CALL, customerCall(CALL, 'jdoe', 'A')));
    await send(changed(CALL, { Eic_State: 'C' }));
  }

  it('a member call seen before any popped call joins has the conference as parent, and the later ones that call', async () => {
    const send = session();
    await answered(send);
    expect(popped(await send(added('1001234622', member('1001234622', 'asmith'))))).toEqual([
      ['asmith', 'offered', 'conference', CONFERENCE],
    ]);
    await send(changed(CALL, { Eic_ConferenceId: CONFERENCE }));
    expect(popped(await send(added('1001234623', member('1001234623', 'mjones'))))).toEqual([
      ['mjones', 'offered', 'conference', CALL],
    ]);
  });

  it('a conference id with spaces around it is the same conference', async () => {
    const send = session();
    await answered(send);
    await send(changed(CALL, { Eic_ConferenceId: ` ${CONFERENCE} ` }));
    expect(popped(await send(added('1001234622', member('1001234622', 'asmith'))))).toEqual([
      ['asmith', 'offered', 'conference', CALL],
    ]);
  });

  it('a member who left the conference and is then transferred the call is popped for it', async () => {
    const send = session();
    await answered(send);
    await send(changed(CALL, { Eic_ConferenceId: CONFERENCE }));
    await send(added('1001234622', member('1001234622', 'asmith')));
    await send(changed('1001234622', { Eic_State: 'C' }));
    await send({ ...changed('1001234622', { Eic_State: 'E' }), interactionsRemoved: ['1001234622'] });
    await send(changed(CALL, { Eic_ConferenceId: '' }));
    expect(popped(await send(changed(CALL, { Eic_State: 'A', Eic_UserName: 'asmith' })))).toEqual([
      ['jdoe', 'ended'],
      ['asmith', 'offered', 'transfer', CALL],
    ]);
  });
});
