import { describe, expect, it } from 'vitest';
import { accepted, run, TOKEN } from './helpers.js';

const get = (query: Record<string, string>) => ({ method: 'GET', query: { ...query, token: TOKEN } });
const propsOf = (outcome: Awaited<ReturnType<typeof run>>) =>
  outcome.kind === 'accepted' ? outcome.messages.map((m) => m.props) : outcome;

describe('five9 answer to the agent browser', () => {
  it('answers a delivered pop with a tiny HTML page', async () => {
    const outcome = await run(get(accepted));
    expect(outcome.answer).toEqual({
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      body: '<!doctype html><meta charset="utf-8"><title>OpenConnect</title><p>Screen pop sent.</p>',
    });
  });
  it('answers an ignored request with HTML naming the reason, escaped', async () => {
    const outcome = await run(get({ ...accepted, trigger: '<b>x</b>' }));
    expect(outcome.answer.status).toBe(200);
    expect(outcome.answer.body).toContain(
      '<p>Nothing to pop: trigger &#34;&#60;b&#62;x&#60;/b&#62;&#34; is not',
    );
  });
  it('names every Five9 trigger in the reason an unknown one is ignored', async () => {
    const outcome = await run(get({ ...accepted, trigger: 'OnCallAcepted' }));
    expect('reason' in outcome && outcome.reason).toBe(
      'trigger "OnCallAcepted" is not a Five9 Web Connector trigger (OnCallAccepted, OnCallDisconnected, OnCallDispositioned, OnPreview, OnContactSelection, OnWarmTransferInitiation, ManuallyStarted, ManuallyStartedAllowDuringPreviews, OnChatArrival, OnChatTransfer, OnChatTermination, OnChatClose, OnEmailArrival, OnEmailTransfer, OnEmailClose); set unknownTriggers: custom to send it as its own event',
    );
  });
  it('answers an event switched off in the event map with HTML saying so', async () => {
    const outcome = await run(get(accepted), {}, { events: { OnCallAccepted: null } });
    expect(outcome.answer.body).toContain('<p>Nothing to pop: this event is switched off.</p>');
  });
});

describe('five9 parameter map', () => {
  it('maps the admin own parameter names when a map is configured', async () => {
    const params = { evt: 'trigger', user: 'agent', CallID: 'interactionId', Caller: 'ani' };
    const outcome = await run(
      get({
        evt: 'OnCallAccepted',
        user: 'mlopez',
        CallID: '300000000099',
        Caller: '4155550111',
        Notes: 'vip',
      }),
      { params },
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.agentid).toBe('mlopez');
    expect(propsOf(outcome)).toEqual([
      {
        lifecycle: 'answered',
        nativeEvent: 'OnCallAccepted',
        channel: 'voice',
        leg: 'primary',
        interactionId: '300000000099',
        ani: '4155550111',
        Notes: 'vip',
      },
    ]);
  });
  it('sends a parameter the map names campaign as the campaign prop', async () => {
    const params = { evt: 'trigger', user: 'agent', CampaignName: 'campaign' };
    const outcome = await run(
      get({ evt: 'OnCallAccepted', user: 'mlopez', CampaignName: 'Outbound_Renewals' }),
      {
        params,
      },
    );
    expect(propsOf(outcome)).toEqual([
      {
        lifecycle: 'answered',
        nativeEvent: 'OnCallAccepted',
        channel: 'voice',
        leg: 'primary',
        campaign: 'Outbound_Renewals',
      },
    ]);
  });
  it('refuses a map with no agent parameter at configuration time', () => {
    expect(() => run(get(accepted), { params: { trigger: 'trigger' } })).toThrow(
      'exactly one parameter must map to "agent" (found none)',
    );
  });
  it('keeps a parameter named like a reserved OpenConnect field as five9.<name>', async () => {
    const outcome = await run(get({ ...accepted, event: 'sale', CRMID: 'x1' }));
    expect(propsOf(outcome)).toEqual([
      {
        lifecycle: 'answered',
        nativeEvent: 'OnCallAccepted',
        channel: 'voice',
        leg: 'primary',
        interactionId: '300000000012345',
        ani: '9255550143',
        'five9.event': 'sale',
        'five9.CRMID': 'x1',
      },
    ]);
  });
  it('prefers the map agent and trigger over agentid and event, keeping those (any case), jwt and crmid as five9.<name>', async () => {
    // An admin who named the Web Connector parameters after the OpenConnect fields: agentid=@Agent.user_name@
    // beside the mapped agent, jwt and crmid as constants copied from an OpenConnect example.
    const outcome = await run(
      get({
        ...accepted,
        agentid: 'mlopez@acme.example',
        JWT: 'eyJhbGciOiJIUzI1NiJ9.e30.x',
        crmid: 'SFDC-1',
        Event: 'sale',
      }),
    );
    expect(outcome.kind).toBe('accepted');
    const message = outcome.kind === 'accepted' ? outcome.messages[0]! : undefined;
    expect(message?.agentid).toBe('jdoe@acme.example');
    expect(message?.event).toBe('answered');
    expect(message?.props).toEqual({
      lifecycle: 'answered',
      nativeEvent: 'OnCallAccepted',
      channel: 'voice',
      leg: 'primary',
      interactionId: '300000000012345',
      ani: '9255550143',
      'five9.agentid': 'mlopez@acme.example',
      'five9.JWT': 'eyJhbGciOiJIUzI1NiJ9.e30.x',
      'five9.crmid': 'SFDC-1',
      'five9.Event': 'sale',
    });
  });
  it('takes the agent from a parameter the map names agentid, and sends no agentid prop', async () => {
    const params = { trigger: 'trigger', agentid: 'agent', call_id: 'interactionId' };
    const outcome = await run(
      get({ trigger: 'OnCallAccepted', agentid: 'mlopez@acme.example', call_id: '300000000099' }),
      { params },
    );
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.props])).toEqual([
      [
        'mlopez@acme.example',
        {
          lifecycle: 'answered',
          nativeEvent: 'OnCallAccepted',
          channel: 'voice',
          leg: 'primary',
          interactionId: '300000000099',
        },
      ],
    ]);
  });
  it('keeps a parameter named like a prop the connector computes as five9.<name>, so it cannot pick the event', async () => {
    const outcome = await run(
      get({ ...accepted, nativeEvent: 'OnCallDisconnected', lifecycle: 'ended', direction: 'out' }),
      {},
      { events: { OnCallDisconnected: 'hangup' } },
    );
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.event, m.props])).toEqual([
      [
        'answered',
        {
          lifecycle: 'answered',
          nativeEvent: 'OnCallAccepted',
          channel: 'voice',
          leg: 'primary',
          interactionId: '300000000012345',
          ani: '9255550143',
          'five9.nativeEvent': 'OnCallDisconnected',
          'five9.lifecycle': 'ended',
          'five9.direction': 'out',
        },
      ],
    ]);
  });
  it('keeps an unmapped parameter that shares a mapped field name as five9.<name>', async () => {
    const params = { trigger: 'trigger', agent: 'agent', Caller: 'ani' };
    const outcome = await run(get({ ...accepted, Caller: '4155550111', ani: 'unknown' }), { params });
    expect(propsOf(outcome)).toEqual([
      {
        lifecycle: 'answered',
        nativeEvent: 'OnCallAccepted',
        channel: 'voice',
        leg: 'primary',
        call_id: '300000000012345',
        ani: '4155550111',
        'five9.ani': 'unknown',
      },
    ]);
  });
  it('drops empty values and unresolved @Group.name@ placeholders', async () => {
    const outcome = await run(get({ ...accepted, dnis: '', skill: '@Call.skill_name@', plan: 'gold' }));
    expect(propsOf(outcome)).toEqual([
      {
        lifecycle: 'answered',
        nativeEvent: 'OnCallAccepted',
        channel: 'voice',
        leg: 'primary',
        interactionId: '300000000012345',
        ani: '9255550143',
        plan: 'gold',
      },
    ]);
  });
});

describe('five9 call type → direction', () => {
  // @Call.type@ as the agent desktop substitutes it; the values are the connector's list (README: unconfirmed).
  const directionFor = async (callType: string) => {
    const outcome = await run(get({ ...accepted, call_type: callType }));
    if (outcome.kind !== 'accepted') throw new Error(`expected accepted, got ${outcome.kind}`);
    return [outcome.messages[0]!.props.direction, outcome.messages[0]!.props.callType];
  };
  it.each([
    ['INBOUND', 'inbound'],
    ['INBOUND_VOICEMAIL', 'inbound'],
    ['OUTBOUND', 'outbound'],
    ['OUTBOUND_PREVIEW', 'outbound'],
    ['OUTBOUND_VOICEMAIL', 'outbound'],
    ['AUTODIAL', 'outbound'],
    ['PREVIEW', 'outbound'],
    ['MANUAL', 'outbound'],
  ])('sends call type %s as direction %s, with callType as received', async (callType, direction) => {
    expect(await directionFor(callType)).toEqual([direction, callType]);
  });
  it('reads the call type in any case and with padding', async () => {
    expect(await directionFor('Autodial')).toEqual(['outbound', 'Autodial']);
    expect(await directionFor(' inbound ')).toEqual(['inbound', ' inbound ']);
  });
  // AGENT is an agent-to-agent call (a consult): outbound would make the colleague's number the customer's.
  it.each(['AGENT', 'INTERNAL', 'TEST', 'QUEUE_CALLBACK'])(
    'sends no direction for call type %s',
    async (callType) => {
      expect(await directionFor(callType)).toEqual([undefined, callType]);
    },
  );
  it('sends no direction when the call type is missing or unresolved', async () => {
    expect(await directionFor('@Call.type@')).toEqual([undefined, undefined]);
    const outcome = await run(get(accepted));
    expect(outcome.kind === 'accepted' && Object.hasOwn(outcome.messages[0]!.props, 'direction')).toBe(false);
  });
});

describe('five9 padded and blank values', () => {
  it('drops whitespace-only values and placeholders with padding around them', async () => {
    const outcome = await run(
      get({ ...accepted, dnis: '   ', campaign: '\t', skill: ' @Call.skill_name@ ', account_number: ' ' }),
    );
    expect(propsOf(outcome)).toEqual([
      {
        lifecycle: 'answered',
        nativeEvent: 'OnCallAccepted',
        channel: 'voice',
        leg: 'primary',
        interactionId: '300000000012345',
        ani: '9255550143',
      },
    ]);
  });
  it('keeps a value with @ signs that is more than a placeholder (an e-mail address, free text)', async () => {
    const outcome = await run(
      get({ ...accepted, email: 'mary@example.com', note: 'x @Call.ANI@', memo: '@Call.ANI@ was blank' }),
    );
    const props = outcome.kind === 'accepted' ? outcome.messages[0]!.props : {};
    expect([props.email, props.note, props.memo]).toEqual([
      'mary@example.com',
      'x @Call.ANI@',
      '@Call.ANI@ was blank',
    ]);
  });
  it('ignores a request whose agent is whitespace only, naming the parameter', async () => {
    const outcome = await run(get({ ...accepted, agent: '  ' }));
    expect(outcome.kind).toBe('ignored');
    expect('reason' in outcome && outcome.reason).toBe(
      'OnCallAccepted names no agent: the parameter "agent" (@Agent.user_name@) is empty or missing',
    );
  });
  it('sends a padded agent without the padding (OpenConnect matches the agent id exactly)', async () => {
    const outcome = await run(get({ ...accepted, agent: ' jdoe@acme.example\t' }));
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.agentid)).toEqual([
      'jdoe@acme.example',
    ]);
    expect(outcome.kind === 'accepted' && outcome.warnings).toEqual([]);
  });
  it('refuses a whitespace-only trigger with 400 naming the parameter', async () => {
    const outcome = await run(get({ ...accepted, trigger: ' ' }));
    expect(outcome.answer.status).toBe(400);
    expect('reason' in outcome && outcome.reason).toContain(
      'the trigger parameter "trigger" or "event" is missing',
    );
  });
  it('reads a padded trigger constant as the trigger, also an unknown one sent as its own event', async () => {
    const known = await run(get({ ...accepted, trigger: ' OnCallDisconnected ' }));
    expect(known.kind === 'accepted' && known.messages.map((m) => [m.event, m.props.nativeEvent])).toEqual([
      ['ended', 'OnCallDisconnected'],
    ]);
    const custom = await run(get({ ...accepted, trigger: ' OpenBilling ' }), { unknownTriggers: 'custom' });
    expect(custom.kind === 'accepted' && custom.messages.map((m) => [m.event, m.props.nativeEvent])).toEqual([
      ['OpenBilling', 'OpenBilling'],
    ]);
  });
});

describe('five9 triggers', () => {
  it('recognises a trigger constant typed in another case and reports Five9 spelling', async () => {
    const outcome = await run(get({ ...accepted, trigger: 'oncallaccepted' }));
    expect(
      outcome.kind === 'accepted' && [outcome.messages[0]!.event, outcome.messages[0]!.props.nativeEvent],
    ).toEqual(['answered', 'OnCallAccepted']);
  });
  it('sends an unknown trigger as its own event when unknownTriggers is custom', async () => {
    const outcome = await run(get({ ...accepted, trigger: 'OpenBilling' }), { unknownTriggers: 'custom' });
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.event, m.lifecycle])).toEqual([
      ['OpenBilling', 'custom'],
    ]);
  });
  it('lets the event map name the PopFlow event per trigger', async () => {
    const outcome = await run(
      get({ ...accepted, trigger: 'OnPreview' }),
      {},
      { events: { OnPreview: 'preview_pop' } },
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.event).toBe('preview_pop');
  });
});
