// Issue 12 for inContact, one behaviour per test: which leg each Agent API contact is, who is popped for it
// (core's rules in legs.ts), outbound numbers, channels of the digital contact types, the AgentState name and
// the Studio body's OpenConnect field names.
import { describe, expect, it } from 'vitest';
import { agentBatch, contactEvent, runtime, studioBody } from './helpers.js';

type Outcome = Awaited<ReturnType<ReturnType<typeof runtime>['post']>>;
const shown = (outcome: Outcome) =>
  outcome.kind === 'accepted'
    ? outcome.messages.map(
        (m) => `${m.agentid} ${m.lifecycle} ${m.props.leg} ${m.props.parentInteractionId ?? '-'}`,
      )
    : `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
const prop = (outcome: Outcome, name: string) =>
  outcome.kind === 'accepted' ? outcome.messages.map((m) => m.props[name]) : outcome.kind;

const MASTER = '389712045611';
const consultLeg = (Status: string, IsInbound: string) =>
  contactEvent(Status, { ContactID: '389712045733', MasterID: MASTER, CallType: 'Consult', IsInbound });
const tom = (...events: unknown[]) => ({ agentUserName: 'tkim@acme.example', agentId: '23045872', events });

describe('incontact legs: who is popped for which leg', () => {
  it('offers the consulted agent the Consult contact as leg consult, parentInteractionId its MasterID', async () => {
    const outcome = await runtime().post(tom(consultLeg('Incoming', 'True')));
    expect(shown(outcome)).toEqual([`tkim@acme.example offered consult ${MASTER}`]);
  });
  it('pops nothing for the consulting agent dialing the Consult contact out (IsInbound False)', async () => {
    const outcome = await runtime().post(agentBatch(consultLeg('Active', 'False')));
    expect(shown(outcome)).toBe(
      `ignored: contact 389712045733: the agent's own consult leg of call ${MASTER} (CallType Consult): no second pop`,
    );
  });
  it('pops nothing for a Consult contact of a call the agent is already on, whatever its direction', async () => {
    const rt = runtime();
    await rt.post(agentBatch(contactEvent('Active', { MasterID: MASTER })));
    expect(shown(await rt.post(agentBatch(consultLeg('Incoming', 'True'))))).toMatch(
      /^ignored: .*the agent's own consult leg/,
    );
  });
  it('keeps ignoring the consulting agent own leg to its end, even once the call it belongs to is over', async () => {
    const rt = runtime();
    await rt.post(agentBatch(contactEvent('Active', { MasterID: MASTER })));
    await rt.post(agentBatch(consultLeg('Incoming', 'True')));
    await rt.post(agentBatch(contactEvent('Disconnected', { MasterID: MASTER, FinalState: 'True' })));
    const end = await rt.post(agentBatch(consultLeg('Disconnected', 'True')));
    expect(shown(end)).toBe(`ignored: contact 389712045733: the agent's own consult leg of call ${MASTER}`);
  });
  it('pops a new ContactID under another MasterID as leg transfer', async () => {
    const outcome = await runtime().post(
      tom(contactEvent('Incoming', { ContactID: '389712045702', MasterID: MASTER })),
    );
    expect(shown(outcome)).toEqual([`tkim@acme.example offered transfer ${MASTER}`]);
  });
  it('pops no second offered or answered for another contact of a call the agent was popped for (a conference)', async () => {
    const rt = runtime();
    await rt.post(tom(consultLeg('Incoming', 'True'), consultLeg('Active', 'True')));
    const joined = await rt.post(
      tom(
        contactEvent('Incoming', { ContactID: '389712045790', MasterID: MASTER }),
        contactEvent('Active', { ContactID: '389712045790', MasterID: MASTER }),
      ),
    );
    expect(shown(joined)).toBe(
      `ignored: contact 389712045790: the agent was already popped for call ${MASTER} (a conference or another leg)`,
    );
  });
  it('pops a call transferred back to an agent whose own contact on it is over', async () => {
    const rt = runtime();
    await rt.post(
      agentBatch(
        contactEvent('Active', { MasterID: MASTER }),
        contactEvent('Disconnected', { MasterID: MASTER, FinalState: 'True' }),
      ),
    );
    const back = await rt.post(
      agentBatch(contactEvent('Incoming', { ContactID: '389712045799', MasterID: MASTER })),
    );
    expect(shown(back)).toEqual([`mreyes@acme.example offered transfer ${MASTER}`]);
  });
  it('never pops a CallType AgentLeg contact (the agent phone leg)', async () => {
    const outcome = await runtime().post(
      agentBatch(contactEvent('Active', { ContactID: '389712045699', CallType: 'AgentLeg' })),
    );
    expect(outcome.kind).toBe('ignored');
  });
  it('ignores a Conference event with its reason', async () => {
    const outcome = await runtime().post(agentBatch({ Type: 'Conference', ConferenceNo: '7701245' }));
    expect(shown(outcome)).toBe(
      'ignored: Conference 7701245: a conference adds no pop for the agents on the call',
    );
  });
});

describe('incontact numbers and channels', () => {
  it('gives an outbound call the number dialed (DNIS) as ani and the caller id (ANI) as dnis', async () => {
    const outcome = await runtime().post(
      agentBatch(contactEvent('Active', { IsInbound: 'False', ANI: '8005550123', DNIS: '6025550188' })),
    );
    expect([prop(outcome, 'ani'), prop(outcome, 'dnis'), prop(outcome, 'direction')]).toEqual([
      ['6025550188'],
      ['8005550123'],
      ['outbound'],
    ]);
  });
  const text = (FromAddress: string) => ({
    Type: 'TextContactEvent',
    ContactID: '389712060001',
    Status: 'Incoming',
    FromAddress,
  });
  it('reads a TextContactEvent from a phone number as sms, its number as ani', async () => {
    const outcome = await runtime().post(agentBatch(text('+16025550143')));
    expect([prop(outcome, 'channel'), prop(outcome, 'ani')]).toEqual([['sms'], ['+16025550143']]);
  });
  it('reads a TextContactEvent from any other address as chat, without ani', async () => {
    const outcome = await runtime().post(agentBatch(text('anna.berg@example.org')));
    expect([prop(outcome, 'channel'), prop(outcome, 'ani')]).toEqual([['chat'], [undefined]]);
  });
  it.each([
    ['ChatContactEvent', 'chat'],
    ['EmailContactEvent', 'email'],
    ['WorkItemContactEvent', 'task'],
    ['VoiceMailContactEvent', 'voicemail'],
  ])('reads %s with channel %s', async (Type, channel) => {
    const outcome = await runtime().post(agentBatch({ Type, ContactID: '389712060009', Status: 'Active' }));
    expect(prop(outcome, 'channel')).toEqual([channel]);
  });
  it('reads a DigitalContactEvent channel from its ChannelType', async () => {
    const digital = (ChannelType: string) =>
      agentBatch({ Type: 'DigitalContactEvent', ContactID: '389712060030', Status: 'Active', ChannelType });
    const outcomes = [await runtime().post(digital('WhatsApp')), await runtime().post(digital('Facebook'))];
    expect(outcomes.map((o) => prop(o, 'channel'))).toEqual([['messaging'], ['social']]);
  });
  it('refuses a digital contact event without Status as a 400', async () => {
    const outcome = await runtime().post(
      agentBatch({ Type: 'EmailContactEvent', ContactID: '389712060009' }),
    );
    expect(outcome.kind === 'invalid' && outcome.answer.status).toBe(400);
  });
});

describe('incontact agent state: the name the platform sends', () => {
  it('reads AgentState, with StartTimeUTC as eventTime', async () => {
    const outcome = await runtime().post(
      agentBatch({ Type: 'AgentState', CurrentState: 'Available', StartTimeUTC: '2026-11-26T08:00:01.000Z' }),
    );
    expect([prop(outcome, 'agentState'), prop(outcome, 'eventTime')]).toEqual([
      ['Available'],
      ['2026-11-26T08:00:01.000Z'],
    ]);
  });
  it('does not read AgentStateChange, a name the platform does not send', async () => {
    const outcome = await runtime().post(agentBatch({ Type: 'AgentStateChange', CurrentState: 'Available' }));
    expect(shown(outcome)).toBe('ignored: AgentStateChange is not an event this connector maps');
  });
});

describe('incontact studio: OpenConnect field names beside ours', () => {
  const post = (body: Record<string, string>) => runtime().post(body, undefined, 'studio');
  it('takes the agent from agentid when the body has no AgentUserName', async () => {
    const { AgentUserName: _, ...rest } = studioBody;
    const outcome = await post({ ...rest, agentid: 'tkim@acme.example' });
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.agentid)).toEqual([
      'tkim@acme.example',
    ]);
  });
  it('takes the agent from AgentUserName (ours) too', async () => {
    const outcome = await post(studioBody);
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.agentid)).toEqual([
      'mreyes@acme.example',
    ]);
  });
  it('takes the lifecycle from event', async () => {
    expect(prop(await post({ ...studioBody, event: 'ended' }), 'lifecycle')).toEqual(['ended']);
  });
  it('keeps a leg the script names (body.leg), and derives transfer from another MasterID', async () => {
    const named = await post({ ...studioBody, leg: 'consult', MasterID: MASTER, ContactID: '389712045733' });
    const derived = await post({ ...studioBody, MasterID: MASTER, ContactID: '389712045702' });
    expect([prop(named, 'leg'), prop(derived, 'leg')]).toEqual([['consult'], ['transfer']]);
  });
});
