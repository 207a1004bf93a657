// The PureConnect relay source case by case where no fixture plays it: Eic_State letters and numbers, the
// reasons a message pops nothing, user status, and the props of one interaction.
import { createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { readMessages, stateLetter } from '../src/pureconnect.js';
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

function session() {
  const rt = createRuntime(connector, settings);
  return async (body: unknown, headers: Record<string, string> = {}) => {
    const outcome = await handleRequest(rt, post(body, headers), 'pureconnect');
    if (outcome.kind === 'accepted')
      return outcome.messages.map((m) => ({ agentid: m.agentid, lifecycle: m.lifecycle, props: m.props }));
    if (outcome.kind === 'ignored') return { ignored: outcome.reason };
    return { status: outcome.answer.status };
  };
}

describe('stateLetter', () => {
  it('trims and upper-cases a letter', () => expect(stateLetter(' c ', {})).toBe('C'));

  it('names a number through pureconnectStateNumbers, leading zeros and all', () => {
    expect([stateLetter('2', { '2': 'c' }), stateLetter('02', { '2': 'c' })]).toEqual(['C', 'C']);
  });

  it('reads another number as a character code from 65 (A) to 90 (Z), and keeps the rest as they are', () => {
    expect(['64', '65', '90', '91'].map((n) => stateLetter(n, {}))).toEqual(['64', 'A', 'Z', '91']);
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
});
