import { describe, expect, it } from 'vitest';
import { post, starts } from './helpers.js';

const first = async (outcome: ReturnType<typeof post>) => {
  const result = await outcome;
  if (result.kind !== 'accepted')
    throw new Error(`${result.kind}: ${'reason' in result ? result.reason : ''}`);
  return result.messages[0]!;
};

describe('talkdesk trigger names', () => {
  it('recognises a trigger spelled as Talkdesk UI names it', async () => {
    const message = await first(post({ ...starts, event: 'Inbound call starts' }));
    expect([message.lifecycle, message.props.nativeEvent]).toEqual(['answered', 'inbound_call_starts']);
  });
  it('recognises a trigger spelled as the Power Automate operation', async () => {
    expect((await first(post({ ...starts, event: 'OutboundCallEnds' }))).lifecycle).toBe('ended');
  });
  it('ignores an unknown event value, naming it and every trigger the connector knows', async () => {
    const outcome = await post({ ...starts, event: 'call_missed' });
    expect(outcome.kind === 'ignored' && outcome.reason).toBe(
      'event "call_missed" is not a Talkdesk trigger this connector knows (inbound_call_reaches_contact_center, inbound_call_starts, inbound_call_ends, outbound_call_ends, agent_logs_in, agent_logs_out, contact_created, contact_updated, note_created); use the README templates',
    );
  });
  it.each([
    ['Agent login', 'agent_logs_in', 'LoggedIn'],
    ['AgentLogout', 'agent_logs_out', 'LoggedOut'],
  ])('recognises %s (the UI name of the agent triggers) as %s', async (event, trigger, agentState) => {
    const message = await first(post({ event, agent_email: 'dana.whitfield@acme.example' }));
    expect(message.props).toEqual({ lifecycle: 'agent_state', nativeEvent: trigger, agentState });
  });
  it.each(['contact_created', 'contact_updated', 'note_created'])(
    'ignores the CRM-record trigger %s, which has no agent or call to pop',
    async (event) => {
      const outcome = await post({ ...starts, event });
      expect(outcome.kind === 'ignored' && outcome.reason).toBe(
        `${event} is a CRM-record trigger with no agent or call to pop`,
      );
    },
  );
  it('ignores a body without an event field, pointing at the templates', async () => {
    const { event: _, ...rest } = starts;
    const outcome = await post(rest);
    expect(outcome.kind === 'ignored' && outcome.reason).toContain('the body has no "event" field');
  });
  it('lets the event map rename a trigger for the PopFlow', async () => {
    const message = await first(
      post(starts, undefined, {}, { events: { inbound_call_starts: 'talkdesk_pop' } }),
    );
    expect(message.event).toBe('talkdesk_pop');
  });
});

describe('talkdesk event id', () => {
  const idOf = async (body: unknown, directory: Record<string, string> = {}) => {
    const outcome = await post(body, undefined, {}, { directory });
    return 'eventId' in outcome ? outcome.eventId : undefined;
  };
  it('keys a call trigger on the trigger, the call and the agent', async () => {
    expect(await idOf(starts)).toBe(
      'inbound_call_starts/c8e4f2a19b7d4e0f8a6b5c4d3e2f1a09/dana.whitfield@acme.example',
    );
  });
  it('keys a call trigger without agent_email on the trigger and the call', async () => {
    expect(await idOf({ ...starts, agent_email: '' }, { '6021a7c4e9b8d7f6a5b4c3d2': 'dwhitfield' })).toBe(
      'inbound_call_starts/c8e4f2a19b7d4e0f8a6b5c4d3e2f1a09',
    );
  });
  it('has none for a trigger without call_id (agent log-ins carry no id or time)', async () => {
    expect(
      await idOf({ event: 'agent_logs_in', agent_email: 'dana.whitfield@acme.example' }),
    ).toBeUndefined();
  });
  it('has none for an event that is no known trigger, even with a call_id', async () => {
    expect(await idOf({ ...starts, event: 'call_missed' })).toBeUndefined();
  });
});

describe('talkdesk agent', () => {
  it('maps agent_email through the directory when it has an entry', async () => {
    const message = await first(
      post(starts, undefined, {}, { directory: { 'dana.whitfield@acme.example': 'dwhitfield' } }),
    );
    expect(message.agentid).toBe('dwhitfield');
  });
  it('falls back to the directory entry for agent_id when agent_email is empty', async () => {
    const message = await first(
      post(
        { ...starts, agent_email: '' },
        undefined,
        {},
        { directory: { '6021a7c4e9b8d7f6a5b4c3d2': 'dwhitfield' } },
      ),
    );
    expect(message.agentid).toBe('dwhitfield');
  });
  it('ignores a call whose agent_email is empty and whose agent_id is unknown, naming both', async () => {
    const outcome = await post({ ...starts, agent_email: '' });
    expect(outcome.kind === 'ignored' && outcome.reason).toBe(
      'inbound_call_starts names no agent: agent_email is empty and agent_id 6021a7c4e9b8d7f6a5b4c3d2 is not in the directory',
    );
  });
  it('pops a reaches-contact-center call when a customised template does name an agent: offered, inbound, primary', async () => {
    const message = await first(post({ ...starts, event: 'inbound_call_reaches_contact_center' }));
    expect([message.lifecycle, message.props]).toEqual([
      'offered',
      {
        lifecycle: 'offered',
        nativeEvent: 'inbound_call_reaches_contact_center',
        direction: 'inbound',
        channel: 'voice',
        interactionId: 'c8e4f2a19b7d4e0f8a6b5c4d3e2f1a09',
        ani: '+14155550143',
        agentPlatformId: '6021a7c4e9b8d7f6a5b4c3d2',
        leg: 'primary',
      },
    ]);
  });
});

describe('talkdesk body shapes', () => {
  it('flattens nested objects and lists, and stringifies numbers and booleans', async () => {
    const message = await first(
      post({
        ...starts,
        contact: { company: 'Ellis & Co', vip: true },
        waiting_time: 14,
        tags: ['support', 'billing'],
      }),
    );
    expect(message.props).toMatchObject({
      'contact.company': 'Ellis & Co',
      'contact.vip': 'true',
      waiting_time: '14',
      queue: 'support, billing',
    });
  });
  it('keeps a field named like a reserved OpenConnect field as talkdesk.<name>', async () => {
    const message = await first(post({ ...starts, crmid: 'acme' }));
    expect([message.props['talkdesk.crmid'], 'crmid' in message.props]).toEqual(['acme', false]);
  });
  it('keeps a field named like a prop the connector sets as talkdesk.<name>, so it cannot pick the event', async () => {
    const message = await first(
      post(
        { ...starts, nativeEvent: 'inbound_call_ends', lifecycle: 'ended', ani: 'x' },
        undefined,
        {},
        {
          events: { inbound_call_ends: 'hangup' },
        },
      ),
    );
    expect([message.event, message.props]).toMatchObject([
      'answered',
      {
        lifecycle: 'answered',
        nativeEvent: 'inbound_call_starts',
        ani: '+14155550143',
        'talkdesk.nativeEvent': 'inbound_call_ends',
        'talkdesk.lifecycle': 'ended',
        'talkdesk.ani': 'x',
      },
    ]);
  });
  it('reads interaction_type as the channel only, not also as a field of its own', async () => {
    const message = await first(post({ ...starts, interaction_type: 'chat' }));
    expect(message.props).toEqual({
      lifecycle: 'answered',
      nativeEvent: 'inbound_call_starts',
      direction: 'inbound',
      channel: 'chat',
      interactionId: 'c8e4f2a19b7d4e0f8a6b5c4d3e2f1a09',
      ani: '+14155550143',
      agentPlatformId: '6021a7c4e9b8d7f6a5b4c3d2',
      leg: 'primary',
    });
  });
  it('drops only values that are a placeholder as a whole, keeping text around one', async () => {
    const message = await first(
      post({ ...starts, queue_name: '{{queue.name}}', note: 'VIP {{contact.tier}}', memo: '{{x}} later' }),
    );
    expect([message.props.queue_name, message.props.note, message.props.memo]).toEqual([
      undefined,
      'VIP {{contact.tier}}',
      '{{x}} later',
    ]);
  });
  it('refuses a JSON body that is not an object with 400, naming the Talkdesk trigger body', async () => {
    const outcome = await post(['inbound_call_starts']);
    expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
      400,
      'the Talkdesk trigger body is not as expected: Invalid input: expected record, received array',
    ]);
  });
  it('refuses a body that is not JSON with 400', async () => {
    const outcome = await post('event=inbound_call_starts');
    expect(outcome.answer.status).toBe(400);
  });
});
