// What a contact event is, at its edges, one behaviour per test: which text contacts are SMS, which fields
// travel as props on which channel, the consulting agent's own leg dialed out, Studio's unfilled variables and
// skills that are ids or names.
import { describe, expect, it } from 'vitest';
import { agentBatch, contactEvent, runtime, studioBody } from './helpers.js';

type Outcome = Awaited<ReturnType<ReturnType<typeof runtime>['post']>>;
const props = (outcome: Outcome) => (outcome.kind === 'accepted' ? outcome.messages[0]!.props : outcome.kind);
const text = (extra: Record<string, string>) =>
  agentBatch({ Type: 'TextContactEvent', ContactID: '389712060001', Status: 'Incoming', ...extra });
const channelFrom = async (FromAddress: string) => {
  const outcome = await runtime().post(text({ FromAddress }));
  return outcome.kind === 'accepted' ? outcome.messages[0]!.props.channel : outcome.kind;
};

describe('incontact contacts: which text contacts are SMS', () => {
  it.each([
    ['16025550143', 'sms'],
    ['6025550', 'sms'],
    ['602555014312345', 'sms'],
    ['602555', 'chat'],
    ['6025550143123456', 'chat'],
    ['tel:+16025550143', 'chat'],
    ['+16025550143;ext=2', 'chat'],
  ])('reads a text contact from %s as %s', async (from, channel) => {
    expect(await channelFrom(from)).toBe(channel);
  });
  it('reads an SMS from the point of contact (the center number) when the event has no FromAddress, without ani', async () => {
    const outcome = await runtime().post(text({ PointOfContactAddress: '+18005550123' }));
    expect([
      (props(outcome) as Record<string, unknown>).channel,
      (props(outcome) as Record<string, unknown>).ani,
    ]).toEqual(['sms', undefined]);
  });
  it('keeps an SMS contact own ANI over its FromAddress', async () => {
    const outcome = await runtime().post(text({ FromAddress: '+16025550143', ANI: '6025550100' }));
    expect(props(outcome)).toMatchObject({ channel: 'sms', ani: '6025550100', fromAddress: '+16025550143' });
  });
  it('takes the media word of the event over its type (MediaType Chat on a call event)', async () => {
    const outcome = await runtime().post(agentBatch(contactEvent('Incoming', { MediaType: 'Chat' })));
    expect(props(outcome)).toMatchObject({ channel: 'chat' });
  });
});

describe('incontact contacts: fields as props', () => {
  it('sends the fields of a work item and a digital contact under their names', async () => {
    const outcome = await runtime().post(
      agentBatch({
        Type: 'WorkItemContactEvent',
        ContactID: '389712060050',
        Status: 'Active',
        FromAddress: 'crm-case-77812',
        WorkItemId: 'WI-10442',
        WorkItemType: 'Callback Request',
        CustomerName: 'Anna Berg',
        DFOContactId: '7f1d2a90',
        RoomId: 'room-55',
        StartTime: '2026-11-25T14:02:11.000Z',
        LastStateChangeTime: '2026-11-25T14:02:40.000Z',
        DisconnectCode: '0',
      }),
    );
    expect(props(outcome)).toEqual({
      lifecycle: 'answered',
      nativeEvent: 'WorkItemContactEvent.Active',
      interactionId: '389712060050',
      channel: 'task',
      leg: 'primary',
      disconnectCode: '0',
      startTimeUtc: '2026-11-25T14:02:11.000Z',
      eventTime: '2026-11-25T14:02:40.000Z',
      fromAddress: 'crm-case-77812',
      roomId: 'room-55',
      workItemId: 'WI-10442',
      workItemType: 'Callback Request',
      customerName: 'Anna Berg',
      digitalCaseId: '7f1d2a90',
      agentPlatformId: '23045871',
    });
  });
  it('sends no fromAddress for a call (its ANI says it)', async () => {
    const outcome = await runtime().post(agentBatch(contactEvent('Active', { FromAddress: '6025550143' })));
    expect(outcome.kind === 'accepted' && 'fromAddress' in outcome.messages[0]!.props).toBe(false);
  });
  it('prefers StartTimeUTC and LastStateChangeTimeUTC over the local-time fields', async () => {
    const outcome = await runtime().post(
      agentBatch(
        contactEvent('Active', {
          StartTimeUTC: '2026-11-25T14:02:11.000Z',
          StartTime: '2026-11-25T07:02:11.000',
          LastStateChangeTimeUTC: '2026-11-25T14:02:40.000Z',
          LastStateChangeTime: '2026-11-25T07:02:40.000',
        }),
      ),
    );
    expect(props(outcome)).toMatchObject({
      startTimeUtc: '2026-11-25T14:02:11.000Z',
      eventTime: '2026-11-25T14:02:40.000Z',
    });
  });
  it('reads ParentContactId as the first leg when there is no MasterID', async () => {
    const outcome = await runtime().post(
      agentBatch(contactEvent('Incoming', { ContactID: '389712045702', ParentContactId: '389712045611' })),
    );
    expect(props(outcome)).toMatchObject({ leg: 'transfer', parentInteractionId: '389712045611' });
  });
});

describe('incontact contacts: the consulting agent own leg', () => {
  it('pops nothing for a Consult contact the agent is dialing, even one marked inbound', async () => {
    const outcome = await runtime().post(
      agentBatch(
        contactEvent('Dialing', { ContactID: '389712045733', MasterID: '389712045611', CallType: 'CONSULT' }),
      ),
    );
    expect(outcome.kind === 'ignored' && outcome.reason).toBe(
      "contact 389712045733: the agent's own consult leg of call 389712045611 (CallType Consult): no second pop",
    );
  });
  it('never pops an AgentLeg contact, whatever its case, naming the call', async () => {
    const outcome = await runtime().post(
      agentBatch(
        contactEvent('Active', { ContactID: '389712045699', MasterID: '389712045611', CallType: 'AGENTLEG' }),
      ),
    );
    expect(outcome.kind === 'ignored' && outcome.reason).toBe(
      "contact 389712045699: CallType AgentLeg is the agent's own phone leg of call 389712045611, not a call",
    );
  });
  it('pops the next moments of a consult offered to the consulted agent', async () => {
    const rt = runtime();
    const leg = (Status: string) =>
      contactEvent(Status, { ContactID: '389712045733', MasterID: '389712045611', CallType: 'Consult' });
    await rt.post(agentBatch(leg('Incoming')));
    const outcome = await rt.post(agentBatch(leg('Active'), leg('Disconnected')));
    expect(
      outcome.kind === 'accepted' && outcome.messages.map((m) => `${m.lifecycle} ${m.props.leg}`),
    ).toEqual(['answered consult', 'ended consult']);
  });
});

describe('incontact contacts: a call with two contacts of one agent', () => {
  it('pops a conference contact that outlives the first one, once the first is over', async () => {
    const rt = runtime();
    const second = (Status: string, FinalState = 'False') =>
      contactEvent(Status, { ContactID: '389712045790', MasterID: '389712045611', FinalState });
    await rt.post(agentBatch(contactEvent('Active', { MasterID: '389712045611' })));
    await rt.post(agentBatch(second('Incoming'), second('Active')));
    await rt.post(agentBatch(contactEvent('Disconnected', { MasterID: '389712045611', FinalState: 'True' })));
    const outcome = await rt.post(agentBatch(second('Holding'), second('Disconnected', 'True')));
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.lifecycle)).toEqual([
      'held',
      'ended',
      'completed',
    ]);
  });
});

describe('incontact studio values', () => {
  const post = (extra: Record<string, unknown>) =>
    runtime().post({ ...studioBody, ...extra }, undefined, 'studio');
  it('drops variables Studio left unfilled ({Name}, {Contact.ANI}) and keeps text that only contains braces', async () => {
    const outcome = await post({
      Note: '{Note}',
      Dialed: '{Contact.DNIS}',
      Ref: 'Order {OrderId}',
      Pending: '{OrderId} pending',
      Code: '{1234}',
    });
    const p = props(outcome) as Record<string, unknown>;
    expect([p.Note, p.Dialed, p.Ref, p.Pending, p.Code]).toEqual([
      undefined,
      undefined,
      'Order {OrderId}',
      '{OrderId} pending',
      '{1234}',
    ]);
  });
  it.each([
    ['4120345', { queueId: '4120345' }],
    ['41a', { queue: '41a' }],
    ['a41', { queue: 'a41' }],
  ])('reads Skill %s as %o', async (Skill, expected) => {
    const p = props(await post({ Skill })) as Record<string, unknown>;
    expect({ queueId: p.queueId, queue: p.queue }).toEqual({
      queueId: undefined,
      queue: undefined,
      ...expected,
    });
  });
});
