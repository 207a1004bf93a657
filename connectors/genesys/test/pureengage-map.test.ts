// The PureEngage relay source case by case where no fixture plays it: the relay's wrapper, Workspace
// messages with fields left out, DN states, outbound numbers, continued and consult calls, attached data.
import { createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { flattenUserData } from '../src/pureengage.js';
import { PUREENGAGE_TOKEN, settings } from './settings.js';

const post = (body: unknown, headers: Record<string, string> = {}) =>
  toInboundRequest({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${PUREENGAGE_TOKEN}`,
      ...headers,
    },
    body,
  });

const voice = (data: Record<string, unknown>) => ({ channel: '/workspace/v3/voice', data });
const callState = (call: Record<string, unknown>, notificationType: string | null = 'StateChange') =>
  voice({ messageType: 'CallStateChanged', ...(notificationType ? { notificationType } : {}), call });
const dnState = (dn: Record<string, unknown>) => voice({ messageType: 'DnStateChanged', dn });

const inbound = (id: string, state: string, extra: Record<string, unknown> = {}) => ({
  id,
  connId: id,
  callType: 'Inbound',
  state,
  ani: '+13175550142',
  dnis: '8005550199',
  ...extra,
});

function session() {
  const rt = createRuntime(connector, settings);
  return async (body: unknown, headers: Record<string, string> = {}) => {
    const outcome = await handleRequest(rt, post(body, headers), 'pureengage');
    if (outcome.kind === 'accepted')
      return outcome.messages.map((m) => ({ agentid: m.agentid, lifecycle: m.lifecycle, props: m.props }));
    if (outcome.kind === 'ignored') return { ignored: outcome.reason };
    return { status: outcome.answer.status, reason: 'reason' in outcome ? outcome.reason : undefined };
  };
}

describe("the relay's wrapper", () => {
  it('refuses an agent that is not a string with 400, naming the field', async () => {
    const send = session();
    expect(await send({ agent: 1001, message: callState(inbound('c1', 'Ringing')) })).toEqual({
      status: 400,
      reason: expect.stringContaining('the wrapper field "agent" must be a string'),
    });
  });

  it('takes agentid when agent is null or blank', async () => {
    const send = session();
    const nulled = await send({ agent: null, agentid: '1001', message: callState(inbound('c1', 'Ringing')) });
    expect(nulled).toMatchObject([{ agentid: 'john.smith', lifecycle: 'offered' }]);
    const blank = await send({ agent: '  ', agentid: '1001', message: callState(inbound('c2', 'Ringing')) });
    expect(blank).toMatchObject([{ agentid: 'john.smith', lifecycle: 'offered' }]);
  });

  it('reads a message posted without the CometD envelope as it is, even with fields named message or data', async () => {
    const send = session();
    const bare = {
      messageType: 'CallStateChanged',
      notificationType: 'StateChange',
      message: 'Call state changed',
      data: { source: 'relay' },
      call: inbound('c1', 'Ringing'),
    };
    expect(await send(bare, { 'x-genesys-agent': '1001' })).toMatchObject([
      { agentid: 'john.smith', lifecycle: 'offered', props: { interactionId: 'c1' } },
    ]);
  });
});

describe('Workspace messages refused', () => {
  it('a CallStateChanged without call.id is a 400 that names the message and the field', async () => {
    const send = session();
    const answer = await send(callState({ state: 'Ringing' }), { 'x-genesys-agent': '1001' });
    expect(answer).toEqual({ status: 400, reason: expect.stringContaining('CallStateChanged message') });
  });

  it('a DnStateChanged without dn is a 400 that names the message', async () => {
    const send = session();
    const answer = await send(voice({ messageType: 'DnStateChanged' }), { 'x-genesys-agent': '1001' });
    expect(answer).toEqual({ status: 400, reason: expect.stringContaining('DnStateChanged message') });
  });
});

describe('DnStateChanged', () => {
  it('naming no agent is ignored with that reason', async () => {
    const send = session();
    expect(await send(dnState({ number: '5001', agentState: 'Ready' }))).toEqual({
      ignored: 'DnStateChanged names no agent (no dn.agentId and the relay named none)',
    });
  });

  it('a change of the state alone, or of the work mode alone, pops agent_state each time', async () => {
    const send = session();
    const states = [
      { agentState: 'Ready', agentWorkMode: 'ManualIn' },
      { agentState: 'NotReady', agentWorkMode: 'ManualIn' },
      { agentState: 'NotReady', agentWorkMode: 'AfterCallWork' },
    ];
    const sent = [];
    for (const s of states) sent.push(await send(dnState({ number: '5001', agentId: '1001', ...s })));
    expect(sent.map((m) => Array.isArray(m) && m.map((d) => [d.lifecycle, d.props.agentState]))).toEqual([
      [['agent_state', 'Ready']],
      [['agent_state', 'NotReady']],
      [['agent_state', 'NotReady']],
    ]);
  });

  it('a state left out and an empty one are the same state: the repeat pops nothing', async () => {
    const send = session();
    const first = await send(dnState({ number: '5001', agentWorkMode: 'ManualIn' }), {
      'x-genesys-agent': '1001',
    });
    expect(first).toEqual([
      {
        agentid: 'john.smith',
        lifecycle: 'agent_state',
        props: expect.objectContaining({
          nativeEvent: 'DnStateChanged:',
          agentWorkMode: 'ManualIn',
          dn: '5001',
        }),
      },
    ]);
    const again = await send(dnState({ number: '5001', agentState: '', agentWorkMode: 'ManualIn' }), {
      'x-genesys-agent': '1001',
    });
    expect(again).toEqual({ ignored: 'agent john.smith is still in the same state' });
    const modeLeftOut = await send(dnState({ number: '5002', agentState: 'Ready' }), {
      'x-genesys-agent': '1002',
    });
    const modeEmpty = await send(dnState({ number: '5002', agentState: 'Ready', agentWorkMode: '' }), {
      'x-genesys-agent': '1002',
    });
    expect([Array.isArray(modeLeftOut), modeEmpty]).toEqual([true, { ignored: 'agent 1002 is still Ready' }]);
  });

  it('an agentId that is the login itself is not repeated as agentPlatformId', async () => {
    const send = session();
    const sent = await send(dnState({ number: '5003', agentId: 'jdoe', agentState: 'Ready' }));
    expect(sent).toEqual([
      {
        agentid: 'jdoe',
        lifecycle: 'agent_state',
        props: {
          lifecycle: 'agent_state',
          nativeEvent: 'DnStateChanged:Ready',
          platform: 'PureEngage',
          agentState: 'Ready',
          dn: '5003',
        },
      },
    ]);
  });
});

describe('CallStateChanged', () => {
  const agent = { 'x-genesys-agent': '1001' };

  it('without notificationType is a state change', async () => {
    const send = session();
    const sent = await send(callState(inbound('c1', 'Ringing'), null), agent);
    expect(sent).toMatchObject([
      { lifecycle: 'offered', props: { nativeEvent: 'CallStateChanged:Ringing' } },
    ]);
    expect(Array.isArray(sent) && 'notificationType' in sent[0]!.props).toBe(false);
  });

  it('CallRecovered (a call found again after a reconnect) pops like a state change', async () => {
    const send = session();
    expect(await send(callState(inbound('c1', 'Established'), 'CallRecovered'), agent)).toMatchObject([
      { lifecycle: 'answered', props: { notificationType: 'CallRecovered', leg: 'primary' } },
    ]);
  });

  it('a consult the agent dialed (callType Consult, no parentConnId) pops nothing when it connects', async () => {
    const send = session();
    const consult = { id: 'k1', connId: 'k1', callType: 'Consult', phoneNumber: '5002', dnis: '5002' };
    expect(await send(callState({ ...consult, state: 'Dialing' }), agent)).toEqual({
      ignored: 'call state Dialing pops nothing',
    });
    expect(await send(callState({ ...consult, state: 'Established' }), agent)).toEqual({
      ignored: 'call k1 is the consult call john.smith dialed: their own call pops nothing again',
    });
  });

  it('a consult the agent dialed from a call names that call when it connects', async () => {
    const send = session();
    const consult = { id: 'k2', connId: 'k2', callType: 'Consult', parentConnId: 'a1', phoneNumber: '5002' };
    await send(callState({ ...consult, state: 'Dialing' }), agent);
    expect(await send(callState({ ...consult, state: 'Established' }), agent)).toEqual({
      ignored:
        'call k2 is the consult call john.smith dialed from call a1: their own call pops nothing again',
    });
  });

  it('outbound with participants but no destination among them: no customer number', async () => {
    const send = session();
    const sent = await send(
      callState({
        id: 'o3',
        connId: 'o3',
        callType: 'Outbound',
        state: 'Established',
        ani: '5001',
        participants: [{ number: '5001', role: 'RoleOrigination' }],
      }),
      agent,
    );
    expect(sent).toMatchObject([{ lifecycle: 'answered', props: { dnis: '5001', direction: 'outbound' } }]);
    expect(Array.isArray(sent) && 'ani' in sent[0]!.props).toBe(false);
  });

  it('two calls at once keep their own legs', async () => {
    const send = session();
    await send(callState(inbound('a1', 'Ringing')), agent);
    const consult = {
      id: 'b2',
      connId: 'b2',
      callType: 'Consult',
      state: 'Ringing',
      parentConnId: 'x9',
      ani: '5003',
    };
    expect(await send(callState(consult), { 'x-genesys-agent': '1002' })).toMatchObject([
      { lifecycle: 'offered', props: { leg: 'consult', parentInteractionId: 'x9' } },
    ]);
    const answered = await send(callState(inbound('a1', 'Established')), agent);
    expect(answered).toMatchObject([{ lifecycle: 'answered', props: { leg: 'primary' } }]);
    expect(Array.isArray(answered) && 'parentInteractionId' in answered[0]!.props).toBe(false);
  });

  it("a consult's number is never taken for a customer: a consult made from it shows its own caller", async () => {
    const send = session();
    // 1002 is consulted from a call this runner never saw (its customer unknown): the consulting DN shows.
    const first = {
      id: 'b1',
      connId: 'b1',
      callType: 'Consult',
      state: 'Ringing',
      parentConnId: 'x9',
      ani: '5001',
    };
    expect(await send(callState(first), { 'x-genesys-agent': '1002' })).toMatchObject([
      { agentid: '1002', props: { ani: '5001', leg: 'consult', parentInteractionId: 'x9' } },
    ]);
    // 1002 then consults 1003 from that consult: 5001 is an agent's DN, not the customer of b1.
    const second = {
      id: 'c1',
      connId: 'c1',
      callType: 'Consult',
      state: 'Ringing',
      parentConnId: 'b1',
      ani: '5002',
    };
    const sent = await send(callState(second), { 'x-genesys-agent': '1003' });
    expect(sent).toMatchObject([
      { agentid: '1003', props: { ani: '5002', leg: 'consult', parentInteractionId: 'b1' } },
    ]);
    expect(Array.isArray(sent) && 'remoteAddress' in sent[0]!.props).toBe(false);
  });

  it('a call that continues one already popped (previousConnId) pops nothing while it rings, and answers as primary', async () => {
    const send = session();
    await send(callState(inbound('a1', 'Ringing')), agent);
    expect(await send(callState(inbound('a2', 'Ringing', { previousConnId: 'a1' })), agent)).toEqual({
      ignored: 'call a2 continues call a1 (previousConnId), already popped to john.smith',
    });
    expect(
      await send(callState(inbound('a2', 'Established', { previousConnId: 'a1' })), agent),
    ).toMatchObject([{ lifecycle: 'answered', props: { interactionId: 'a2', leg: 'primary' } }]);
  });

  it('a continued call first seen released ends it', async () => {
    const send = session();
    await send(callState(inbound('a1', 'Established')), agent);
    expect(await send(callState(inbound('a2', 'Released', { previousConnId: 'a1' })), agent)).toMatchObject([
      { lifecycle: 'ended', props: { interactionId: 'a2' } },
    ]);
  });

  it('outbound, the customer is the number dialed: phoneNumber alone, or the destination participant', async () => {
    const send = session();
    const dialed = await send(
      callState({
        id: 'o1',
        connId: 'o1',
        callType: 'Outbound',
        state: 'Established',
        ani: '5001',
        phoneNumber: '+13175550142',
      }),
      agent,
    );
    expect(dialed).toMatchObject([{ props: { ani: '+13175550142', dnis: '5001', direction: 'outbound' } }]);
    const byParty = await send(
      callState({
        id: 'o2',
        connId: 'o2',
        callType: 'Outbound',
        state: 'Established',
        ani: '5001',
        participants: [
          { number: '5001', role: 'RoleOrigination' },
          { number: '+13175550177', role: 'RoleDestination' },
        ],
      }),
      agent,
    );
    expect(byParty).toMatchObject([{ props: { ani: '+13175550177', dnis: '5001' } }]);
  });

  it("attached data named like a prop already set is kept under userData's prefix", async () => {
    const send = session();
    const sent = await send(
      callState(inbound('c1', 'Ringing', { userData: [{ key: 'ani', type: 'str', value: '+13175550000' }] })),
      agent,
    );
    expect(sent).toMatchObject([{ props: { ani: '+13175550142', 'userData.ani': '+13175550000' } }]);
  });
});

describe('flattenUserData, the edges', () => {
  const kv = (key: string, value: unknown) => ({ key, type: Array.isArray(value) ? 'kvlist' : 'str', value });

  it('keeps booleans, and skips list entries that are no key/value pair', () => {
    expect(
      flattenUserData([
        kv('Vip', true),
        kv('Order', [null, 'junk', { type: 'str', value: 'no key' }, kv('Id', 'O-9')]),
      ]),
    ).toEqual([
      ['Vip', true],
      ['Order.Id', 'O-9'],
    ]);
  });

  it('reads nested lists four levels deep, no deeper', () => {
    const deep = kv('A', [kv('B', [kv('C', [kv('D', [kv('E', 'five'), kv('F', [kv('G', 'six')])])])])]);
    expect(flattenUserData([deep])).toEqual([['A.B.C.D.E', 'five']]);
  });
});
