// The leg and channel rules of the three platforms, case by case where no fixture plays them.
import { createMemoryStateStore } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import type { CallParticipant } from '../src/cloud-events.js';
import { detailLeg, isoTime, messageChannel, snapshotLeg } from '../src/cloud-legs.js';
import {
  channelOf,
  conferenceCall,
  consultedOn,
  interactionLeg,
  rememberConferenceCall,
  rememberConsulted,
} from '../src/pureconnect-legs.js';
import {
  agentCallKey,
  customerOf,
  engageLeg,
  keepCustomer,
  noteDialing,
  noteSent,
} from '../src/pureengage-legs.js';

const TTL = 60_000;

describe('Genesys Cloud legs', () => {
  const customer: CallParticipant = { id: 'c1', purpose: 'customer', state: 'connected' };
  const jane: CallParticipant = { id: 'a1', purpose: 'agent', userId: 'u-jane', state: 'connected' };

  it('an agent reached through a consult to a queue (the acd participant carries consultParticipantId) is a consult', () => {
    const acd: CallParticipant = { id: 'q2', purpose: 'acd', state: 'connected', consultParticipantId: 'c1' };
    const li: CallParticipant = { id: 'a2', purpose: 'agent', userId: 'u-li', state: 'alerting' };
    expect(snapshotLeg([customer, jane, acd, li], li, 'calls')).toBe('consult');
  });

  it('a supervisor monitoring the first agent does not make the next agent a conference', () => {
    const supervisor: CallParticipant = {
      id: 's1',
      purpose: 'user',
      userId: 'u-sup',
      state: 'connected',
      monitoredParticipantId: 'a1',
    };
    const janeGone: CallParticipant = { ...jane, state: 'disconnected' };
    const li: CallParticipant = { id: 'a2', purpose: 'agent', userId: 'u-li', state: 'alerting' };
    expect(snapshotLeg([customer, janeGone, supervisor, li], li, 'calls')).toBe('transfer');
  });

  it('a retried user.start of the same agent keeps the primary leg', async () => {
    const state = createMemoryStateStore();
    expect(await detailLeg(state, TTL, 'conv-1', 'u-jane', true, null)).toBe('primary');
    expect(await detailLeg(state, TTL, 'conv-1', 'u-jane', true, null)).toBe('primary');
  });

  it('messaging types: sms and the social networks keep their word, other apps are messaging', () => {
    expect([
      messageChannel('sms'),
      messageChannel('facebook'),
      messageChannel('whatsapp'),
      messageChannel('webmessaging'),
      messageChannel(null),
    ]).toEqual(['sms', 'social', 'messaging', 'messaging', 'messaging']);
  });

  it('eventTime: epoch milliseconds (number or digits) become ISO 8601; an impossible time is left out, never thrown', () => {
    expect(isoTime(1795601702123)).toBe('2026-11-25T10:15:02.123Z');
    expect(isoTime('1795601702123')).toBe('2026-11-25T10:15:02.123Z');
    expect(isoTime('2026-11-25T10:21:40.520Z')).toBe('2026-11-25T10:21:40.520Z');
    expect(isoTime(1e20)).toBeUndefined();
    expect(isoTime('not a time')).toBeUndefined();
  });
});

describe('PureConnect legs', () => {
  it('the consult call the agent dialed (Eic_CallDirection O) is their own, parent the held call', () => {
    expect(
      interactionLeg('2002', { Eic_ConsultingCallId: '2001', Eic_CallDirection: 'O' }, {}, 'jdoe'),
    ).toEqual({
      leg: 'consult',
      parent: '2001',
      ownConsult: true,
    });
  });

  it("a consult call without Eic_CallDirection is the consulted side; a padded direction o is the dialer's own", () => {
    expect([
      interactionLeg('1001234613', { Eic_ConsultingCallId: '1001234611' }, {}, 'asmith'),
      interactionLeg(
        '1001234612',
        { Eic_ConsultingCallId: '1001234611', Eic_CallDirection: ' o ' },
        {},
        'jdoe',
      ),
    ]).toEqual([
      { leg: 'consult', parent: '1001234611' },
      { leg: 'consult', parent: '1001234611', ownConsult: true },
    ]);
  });

  it('the consulting and conference ids are read without the spaces around them', () => {
    expect([
      interactionLeg('1001234613', { Eic_ConsultingCallId: ' 1001234611 ' }, {}, 'asmith'),
      interactionLeg('1001234622', { Eic_ConferenceId: ' 1001234629 ' }, {}, 'asmith'),
    ]).toEqual([
      { leg: 'consult', parent: '1001234611' },
      { leg: 'conference', parent: '1001234629' },
    ]);
  });

  it('an interaction that names itself as its consulting call or its conference is a first leg', () => {
    expect([
      interactionLeg('1001234611', { Eic_ConsultingCallId: '1001234611' }, {}, 'jdoe'),
      interactionLeg('1001234629', { Eic_ConferenceId: '1001234629' }, {}, 'jdoe'),
    ]).toEqual([{ leg: 'primary' }, { leg: 'primary' }]);
  });

  it('each conference keeps the call it grew from, the first one remembered', async () => {
    const state = createMemoryStateStore();
    await rememberConferenceCall(state, TTL, '1001234629', '1001234621');
    await rememberConferenceCall(state, TTL, '1001234639', '1001234631');
    await rememberConferenceCall(state, TTL, '1001234629', '1001234622');
    expect([await conferenceCall(state, '1001234629'), await conferenceCall(state, '1001234639')]).toEqual([
      '1001234621',
      '1001234631',
    ]);
  });

  it('the agents consulted on a call: each once, none on another call or a call never consulted', async () => {
    const state = createMemoryStateStore();
    await rememberConsulted(state, TTL, '1001234611', 'asmith');
    await rememberConsulted(state, TTL, '1001234611', 'asmith');
    await rememberConsulted(state, TTL, '1001234611', 'mjones');
    expect([await consultedOn(state, '1001234611'), await consultedOn(state, '1001234641')]).toEqual([
      ['asmith', 'mjones'],
      [],
    ]);
  });

  it('an interaction popped before to another agent only is a transfer for this one', () => {
    expect(interactionLeg('2001', {}, { jdoe: 'ended' }, 'asmith')).toEqual({
      leg: 'transfer',
      parent: '2001',
    });
    expect(interactionLeg('2001', {}, { asmith: 'offered' }, 'asmith')).toEqual({ leg: 'primary' });
  });

  it('Eic_ObjectType: Callback is a callback although it holds "call"; unknown words are kept lower-cased', () => {
    expect([channelOf('Callback'), channelOf('Call'), channelOf('Email Object'), channelOf('Fax')]).toEqual([
      'callback',
      'voice',
      'email',
      'fax',
    ]);
  });

  it('Eic_ObjectType is read by the media word it holds, whatever stands around it', () => {
    expect([channelOf('Call Object'), channelOf('Chat Object'), channelOf('SMS Object')]).toEqual([
      'voice',
      'chat',
      'sms',
    ]);
  });
});

describe('PureEngage legs', () => {
  it('a consult call the agent did not dial is a consult leg for them, one they dialed is their own', async () => {
    const state = createMemoryStateStore();
    const consult = { id: 'K1', state: 'Ringing', callType: 'Consult', parentConnId: 'C1' };
    await noteDialing(state, TTL, 'john.smith', consult);
    expect(await engageLeg(state, 'mary.jones', consult)).toEqual({
      kind: 'leg',
      leg: 'consult',
      parent: 'C1',
    });
    expect(await engageLeg(state, 'john.smith', { ...consult, state: 'Established' })).toEqual({
      kind: 'own-consult',
      parent: 'C1',
    });
  });

  it('a connId another agent still holds rings as a conference, one they left as a transfer', async () => {
    const state = createMemoryStateStore();
    await noteSent(state, TTL, 'john.smith', 'C1', 'answered');
    expect(await engageLeg(state, 'mary.jones', { id: 'C1', state: 'Ringing' })).toEqual({
      kind: 'leg',
      leg: 'conference',
      parent: 'C1',
    });
    await noteSent(state, TTL, 'john.smith', 'C1', 'ended');
    expect(await engageLeg(state, 'mary.jones', { id: 'C1', state: 'Ringing' })).toEqual({
      kind: 'leg',
      leg: 'transfer',
      parent: 'C1',
    });
  });
  it('a call no other agent was popped for is a primary leg, even when another connId was', async () => {
    const state = createMemoryStateStore();
    await noteSent(state, TTL, 'john.smith', 'C1', 'answered');
    expect(await engageLeg(state, 'mary.jones', { id: 'C2', state: 'Ringing' })).toEqual({
      kind: 'leg',
      leg: 'primary',
    });
  });

  it("the agent's own earlier pop for the connId does not make it a transfer or conference", async () => {
    const state = createMemoryStateStore();
    await noteSent(state, TTL, 'john.smith', 'C1', 'answered');
    expect(await engageLeg(state, 'john.smith', { id: 'C1', state: 'Established' })).toEqual({
      kind: 'leg',
      leg: 'primary',
    });
  });

  it('a conference when any other agent is still on the call, though another left it', async () => {
    const state = createMemoryStateStore();
    await noteSent(state, TTL, 'john.smith', 'C1', 'answered');
    await noteSent(state, TTL, 'mary.jones', 'C1', 'ended');
    expect(await engageLeg(state, 'ann.lee', { id: 'C1', state: 'Ringing' })).toEqual({
      kind: 'leg',
      leg: 'conference',
      parent: 'C1',
    });
  });

  it('a connId whose other agent completed it rings as a transfer', async () => {
    const state = createMemoryStateStore();
    await noteSent(state, TTL, 'john.smith', 'C1', 'completed');
    expect(await engageLeg(state, 'mary.jones', { id: 'C1', state: 'Ringing' })).toEqual({
      kind: 'leg',
      leg: 'transfer',
      parent: 'C1',
    });
  });

  it('a call whose previousConnId the agent was popped for continues it', async () => {
    const state = createMemoryStateStore();
    await state.set(agentCallKey('john.smith', 'C1'), 'answered', TTL);
    expect(
      await engageLeg(state, 'john.smith', { id: 'C2', state: 'Established', previousConnId: 'C1' }),
    ).toEqual({ kind: 'continues', previous: 'C1', last: 'answered' });
  });

  it('a previousConnId the agent was never popped for is a primary leg', async () => {
    const state = createMemoryStateStore();
    await state.set(agentCallKey('mary.jones', 'C1'), 'answered', TTL);
    expect(
      await engageLeg(state, 'john.smith', { id: 'C2', state: 'Ringing', previousConnId: 'C1' }),
    ).toEqual({ kind: 'leg', leg: 'primary' });
  });

  it('a previousConnId equal to the call itself does not continue it', async () => {
    const state = createMemoryStateStore();
    await state.set(agentCallKey('john.smith', 'C1'), 'answered', TTL);
    expect(
      await engageLeg(state, 'john.smith', { id: 'C1', state: 'Established', previousConnId: 'C1' }),
    ).toEqual({ kind: 'leg', leg: 'primary' });
  });

  it('keeps the first customer number of each connId apart', async () => {
    const state = createMemoryStateStore();
    await keepCustomer(state, TTL, 'C1', '3175550142');
    await keepCustomer(state, TTL, 'C1', '3175550199');
    await keepCustomer(state, TTL, 'C2', '3175550111');
    expect(await customerOf(state, 'C1')).toBe('3175550142');
    expect(await customerOf(state, 'C2')).toBe('3175550111');
  });
});
