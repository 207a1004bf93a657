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
  it('ignores an unknown event value, naming it', async () => {
    const outcome = await post({ ...starts, event: 'call_missed' });
    expect(outcome.kind === 'ignored' && outcome.reason).toContain(
      'event "call_missed" is not a Talkdesk trigger',
    );
  });
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
  it('pops a reaches-contact-center call when a customised template does name an agent', async () => {
    const message = await first(post({ ...starts, event: 'inbound_call_reaches_contact_center' }));
    expect(message.lifecycle).toBe('offered');
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
  it('refuses a body that is not JSON with 400', async () => {
    const outcome = await post('event=inbound_call_starts');
    expect(outcome.answer.status).toBe(400);
  });
});
