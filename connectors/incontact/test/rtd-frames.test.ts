// rtd-poll's frames without a session: one contacts/active record (with its agent's agents/states record) or
// one agents/states record alone, read and mapped as the runner does for each polled change. The records are
// shaped like CXone's Real-Time Data answers (the emulator's rows, trimmed to what matters per test).
import { createRuntime, handleFrame } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';

const rtdPoll = connector.subscriptions!.find((s) => s.id === 'rtd-poll')!;
const CREDENTIALS = {
  cxoneApiUrl: 'https://api-na1.niceincontact.com/inContactAPI',
  cxoneClientId: 'openconnect@acme',
  cxoneClientSecret: 'client-secret-0123456789',
  cxoneAccessKeyId: 'AK0123456789',
  cxoneAccessKeySecret: 'access-key-secret-0123456789',
};
const DIRECTORY = { '23045871': 'mreyes@acme.example' };
const runtimeWith = (options: Record<string, unknown> = {}, directory: Record<string, string> = DIRECTORY) =>
  createRuntime(connector, { directory, options: { ...CREDENTIALS, ...options } });
const frame = (value: unknown, options: Record<string, unknown> = {}) =>
  handleFrame(runtimeWith(options), rtdPoll, value);

const CONTACT = {
  agentId: 23045871,
  contactId: 389712045611,
  masterContactId: 389712045611,
  contactStartDate: '2026-11-25T14:02:11.000Z',
  fromAddress: '6025550143',
  toAddress: '8005550123',
  isOutbound: false,
  lastUpdateTime: '2026-11-25T14:02:13.000Z',
  mediaTypeName: 'Call',
  skillId: 4120345,
  skillName: 'Billing_Inbound',
  stateName: 'Ringing',
};
const AGENT = {
  agentId: 23045871,
  agentStateName: 'InboundContact',
  contactId: 389712045611,
  isACW: false,
  lastUpdateTime: '2026-11-25T14:02:12.500Z',
  outStateDescription: '',
  userName: 'mreyes@acme.example',
};

type Outcome = Awaited<ReturnType<typeof frame>>;
const only = (outcome: Outcome) => (outcome.kind === 'accepted' ? outcome.messages[0] : undefined);
const said = (outcome: Outcome) =>
  outcome.kind === 'accepted'
    ? outcome.messages.map((m) => m.lifecycle)
    : 'reason' in outcome && outcome.reason;

describe('rtd-poll frames: a contacts/active record', () => {
  it('maps a ringing inbound call to offered, with the numbers, skill, direction, channel and start', async () => {
    expect(only(await frame({ contact: CONTACT, agent: AGENT }))?.props).toEqual({
      lifecycle: 'offered',
      nativeEvent: 'CallContactEvent.Ringing',
      interactionId: '389712045611',
      masterContactId: '389712045611',
      ani: '6025550143',
      dnis: '8005550123',
      queueId: '4120345',
      queue: 'Billing_Inbound',
      direction: 'inbound',
      channel: 'voice',
      leg: 'primary',
      startTimeUtc: '2026-11-25T14:02:11.000Z',
      agentPlatformId: '23045871',
    });
  });
  it('gives an outbound call the number dialed (toAddress) as ani', async () => {
    const props = only(
      await frame({ contact: { ...CONTACT, isOutbound: true, stateName: 'Active' } }),
    )?.props;
    expect([props?.direction, props?.ani, props?.dnis]).toEqual(['outbound', '8005550123', '6025550143']);
  });
  it('sends no direction for a record without isOutbound', async () => {
    const { isOutbound: _, ...contact } = CONTACT;
    expect(only(await frame({ contact }))?.props.direction).toBeUndefined();
  });
  it('reads startDate when the record has neither contactStartDate nor contactStart', async () => {
    const { contactStartDate: _, ...contact } = CONTACT;
    const props = only(
      await frame({ contact: { ...contact, startDate: '2026-11-25T14:02:10.000Z' } }),
    )?.props;
    expect(props?.startTimeUtc).toBe('2026-11-25T14:02:10.000Z');
  });
  it('reads contactStateName, an older name of stateName', async () => {
    const { stateName: _, ...contact } = CONTACT;
    expect(said(await frame({ contact: { ...contact, contactStateName: 'Active' } }))).toEqual(['answered']);
  });
  it('ties a contact to itself when the record has no masterContactId', async () => {
    const { masterContactId: _, ...contact } = CONTACT;
    const props = only(await frame({ contact }))?.props;
    expect([props?.masterContactId, props?.leg]).toEqual(['389712045611', 'primary']);
  });
  it('takes the agent user name from the agent record of the same agent', async () => {
    const outcome = await handleFrame(runtimeWith({}, {}), rtdPoll, { contact: CONTACT, agent: AGENT });
    expect(only(outcome)?.agentid).toBe('mreyes@acme.example');
  });
  it('does not take the user name of another agent record', async () => {
    const outcome = await handleFrame(runtimeWith({}, {}), rtdPoll, {
      contact: CONTACT,
      agent: { ...AGENT, agentId: 23045872, userName: 'tkim@acme.example' },
    });
    expect(said(outcome)).toBe(
      'contact 389712045611: AgentID 23045871 is not in the directory: add it (AgentID → user name) or send the agent user name',
    );
  });
  it.each([
    ['Chat', 'anna.berg@example.org', 'chat', 'TextContactEvent', undefined],
    ['SMS', '+16025550143', 'sms', 'TextContactEvent', '+16025550143'],
    ['Email', 'anna.berg@example.org', 'email', 'EmailContactEvent', undefined],
    ['Voicemail', '6025550143', 'voicemail', 'VoiceMailContactEvent', undefined],
    ['Work Item', 'crm-case-77812', 'task', 'WorkItemContactEvent', undefined],
  ])(
    'reads mediaTypeName %s (from %s) as channel %s, named %s, its address as fromAddress',
    async (mediaTypeName, fromAddress, channel, type, ani) => {
      const props = only(await frame({ contact: { ...CONTACT, mediaTypeName, fromAddress } }))?.props;
      expect([props?.channel, props?.nativeEvent, props?.fromAddress, props?.ani, props?.dnis]).toEqual([
        channel,
        `${type}.Ringing`,
        fromAddress,
        ani,
        undefined,
      ]);
    },
  );
  it('reads a record that carries a CallType (Consult) as the consult leg', async () => {
    const contact = { ...CONTACT, contactId: 389712045733, callType: 'Consult' };
    expect(only(await frame({ contact }))?.props.leg).toBe('consult');
  });
  it('reads a contact of a consult skill named by id as the consult leg', async () => {
    const contact = { ...CONTACT, contactId: 389712045733, skillId: 4999001, skillName: 'Internal' };
    const props = only(await frame({ contact }, { cxoneRealtimeConsultSkills: ['4999001'] }))?.props;
    expect([props?.leg, props?.callType]).toEqual(['consult', 'Consult']);
  });
  it('reads a contact of a skill not named as consult as a call', async () => {
    const contact = { ...CONTACT, skillName: 'Internal' };
    const props = only(await frame({ contact }, { cxoneRealtimeConsultSkills: ['Agent Consult'] }))?.props;
    expect([props?.leg, props?.callType]).toEqual(['primary', undefined]);
  });
  it('reads a state the deployment maps (cxoneRealtimeStates) and ignores one the table lacks', async () => {
    const queued = { contact: { ...CONTACT, stateName: 'InQueue' } };
    expect(said(await frame(queued, { cxoneRealtimeStates: { InQueue: 'Incoming' } }))).toEqual(['offered']);
    expect(said(await frame(queued))).toBe('contact 389712045611: status InQueue is not a lifecycle change');
  });
});

describe('rtd-poll frames: the wrap-up', () => {
  const ended = { ...CONTACT, stateName: 'Disconnected' };
  it('ends a call whose agent is still on it (after-call work), completed yet to come', async () => {
    const acw = {
      ...AGENT,
      agentStateName: 'Unavailable',
      isACW: true,
      outStateDescription: 'After Call Work',
    };
    expect(said(await frame({ contact: ended, agent: acw }))).toEqual(['ended']);
  });
  it('counts an ACW record that names no contact as still on the contact', async () => {
    const acw = { ...AGENT, agentStateName: 'Unavailable', isACW: 'True', contactId: 0 };
    expect(said(await frame({ contact: ended, agent: acw }))).toEqual(['ended']);
  });
  it('ends and completes a call whose agent has moved off it', async () => {
    const free = { ...AGENT, agentStateName: 'Available', contactId: 0 };
    expect(said(await frame({ contact: ended, agent: free }))).toEqual(['ended', 'completed']);
  });
  it('gives the same record a new event id once the agent moves off it', async () => {
    const on = await frame({ contact: ended, agent: AGENT });
    const off = await frame({ contact: ended, agent: { ...AGENT, contactId: 0 } });
    expect(['eventId' in on && on.eventId, 'eventId' in off && off.eventId]).toEqual([
      'contact/23045871/389712045611/Disconnected/2026-11-25T14:02:13.000Z/on',
      'contact/23045871/389712045611/Disconnected/2026-11-25T14:02:13.000Z/off',
    ]);
  });
  it('gives a record without lastUpdateTime no event id', async () => {
    const { lastUpdateTime: _, ...contact } = CONTACT;
    const { lastUpdateTime: _a, ...agent } = AGENT;
    const outcomes = [await frame({ contact }), await frame({ agent })];
    expect(outcomes.map((o) => [o.kind, 'eventId' in o])).toEqual([
      ['accepted', false],
      ['ignored', false],
    ]);
  });
});

describe('rtd-poll frames: an agents/states record', () => {
  it('pops nothing for an agent state unless cxoneRealtimeAgentStates is set, saying so', async () => {
    expect(said(await frame({ agent: AGENT }))).toBe(
      'agent states from the Real-Time Data API are not popped (set cxoneRealtimeAgentStates to pop them)',
    );
  });
  it('pops the agent state with its reason and ACW, keyed by agent and update time', async () => {
    const lunch = {
      ...AGENT,
      agentStateName: 'Unavailable',
      outStateDescription: 'Lunch',
      isACW: false,
      contactId: 0,
    };
    const outcome = await frame({ agent: lunch }, { cxoneRealtimeAgentStates: true });
    expect([only(outcome)?.props, 'eventId' in outcome && outcome.eventId]).toEqual([
      {
        lifecycle: 'agent_state',
        nativeEvent: 'AgentState',
        agentState: 'Unavailable',
        outReason: 'Lunch',
        isAcw: false,
        agentPlatformId: '23045871',
      },
      'agent/23045871/2026-11-25T14:02:12.500Z',
    ]);
  });
  it('reads agentState, an older name of agentStateName, and Unknown when neither is there', async () => {
    const { agentStateName: _, ...agent } = AGENT;
    const older = await frame(
      { agent: { ...agent, agentState: 'Available' } },
      { cxoneRealtimeAgentStates: true },
    );
    const none = await frame({ agent }, { cxoneRealtimeAgentStates: true });
    expect([only(older)?.props.agentState, only(none)?.props.agentState]).toEqual(['Available', 'Unknown']);
  });
});

describe('rtd-poll frames: refused', () => {
  it.each([
    ['not a record', 'a contacts/active row'],
    ['no record', {}],
    ['records that are lists', { contact: [CONTACT] }],
  ])('refuses a frame with %s', async (_what, value) => {
    expect(said(await frame(value))).toBe('an rtd-poll frame is {contact?, agent?} with at least one record');
  });
  it.each([
    ['no contactId', { ...CONTACT, contactId: '' }],
    ['agent 0 (not routed yet)', { ...CONTACT, agentId: 0 }],
  ])('refuses a contacts/active record with %s', async (_what, contact) => {
    expect(said(await frame({ contact }))).toBe(
      'a contacts/active record needs contactId and the agentId it is assigned to',
    );
  });
  it('refuses a contacts/active record without a state (nothing says where the call is)', async () => {
    const { stateName: _, ...contact } = CONTACT;
    expect(said(await frame({ contact }))).toBe('a contacts/active record needs its stateName (or state)');
  });
  it('refuses an agents/states record without agentId', async () => {
    expect(said(await frame({ agent: { ...AGENT, agentId: 0 } }))).toBe(
      'an agents/states record needs agentId',
    );
  });
});
