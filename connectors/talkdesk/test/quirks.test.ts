// Talkdesk's template fields read the way the README promises.
import { describe, expect, it } from 'vitest';
import { eventTime } from '../src/connections.js';
import { post, starts } from './helpers.js';

const one = async (body: unknown, options: Record<string, unknown> = {}) => {
  const outcome = await post(body, undefined, options);
  if (outcome.kind !== 'accepted')
    throw new Error(`${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome.messages[0]!;
};

describe('talkdesk outbound numbers', () => {
  it('sends the contact (the number dialed) as ani and our number as dnis', async () => {
    const message = await one({
      ...starts,
      event: 'outbound_call_ends',
      contact_phone_number: '+12125550177',
      talkdesk_phone_number: '+18005550199',
    });
    expect([message.props.direction, message.props.ani, message.props.dnis]).toEqual([
      'outbound',
      '+12125550177',
      '+18005550199',
    ]);
  });
});

describe('talkdesk eventTime', () => {
  it.each([
    ['2026-11-25T14:01:18Z', '2026-11-25T14:01:18.000Z'],
    ['2026-11-25 14:01:18 UTC', '2026-11-25T14:01:18.000Z'],
    ['1764079379', '2025-11-25T14:02:59.000Z'],
    ['1764079379123', '2025-11-25T14:02:59.123Z'],
    [' 1764079379 ', '2025-11-25T14:02:59.000Z'],
  ])('reads {{timestamp}} %s as %s', (value, iso) => {
    expect(eventTime(value)).toBe(iso);
  });
  it.each([
    '',
    'yesterday',
    '12345',
    '2026-13-45T99:00:00Z',
    '17640793791',
    '+1764079379',
    '2026-11-5 14:01:18',
    'Wed 2026-11-25 14:01:18',
  ])('reads %j as no time', (value) => {
    expect(eventTime(value)).toBeUndefined();
  });
  it('sets eventTime on ended, keeping timestamp as sent', async () => {
    const message = await one({ ...starts, event: 'inbound_call_ends', timestamp: '1764079379' });
    expect([message.props.eventTime, message.props.timestamp]).toEqual([
      '2025-11-25T14:02:59.000Z',
      '1764079379',
    ]);
  });
  it('sets no eventTime on answered (the start trigger has no end time)', async () => {
    const message = await one({ ...starts, timestamp: '1764079379' });
    expect(Object.hasOwn(message.props, 'eventTime')).toBe(false);
  });
});

describe('talkdesk channel', () => {
  it('is voice on call triggers by default', async () => {
    expect((await one(starts)).props.channel).toBe('voice');
  });
  it('is the normalised interaction_type when the template sends {{interaction.type}}', async () => {
    expect((await one({ ...starts, interaction_type: 'WhatsApp' })).props.channel).toBe('messaging');
  });
  it('is absent on agent triggers', async () => {
    const message = await one({
      event: 'agent_logs_in',
      agent_email: 'dana.whitfield@acme.example',
      interaction_type: 'chat',
    });
    expect(Object.hasOwn(message.props, 'channel')).toBe(false);
  });
});

describe('talkdesk OpenConnect field names', () => {
  const { agent_email, agent_id: _, ...noAgent } = starts;
  it('reads a template field agentid as the agent when agent_email is empty, keeping the other fields', async () => {
    const message = await one({ ...noAgent, agentid: 'dwhitfield', agent_name: 'Dana Whitfield' });
    expect([message.agentid, message.props]).toEqual([
      'dwhitfield',
      {
        lifecycle: 'answered',
        nativeEvent: 'inbound_call_starts',
        direction: 'inbound',
        channel: 'voice',
        interactionId: 'c8e4f2a19b7d4e0f8a6b5c4d3e2f1a09',
        ani: '+14155550143',
        agent_name: 'Dana Whitfield',
        leg: 'primary',
      },
    ]);
  });
  it('prefers agent_email, keeping agentid as talkdesk.agentid', async () => {
    const message = await one({ ...starts, agentid: 'someone.else' });
    expect([message.agentid, message.props['talkdesk.agentid']]).toEqual([agent_email, 'someone.else']);
  });
  it('reads event as the trigger (the templates name it so)', async () => {
    expect((await one(starts)).props.nativeEvent).toBe('inbound_call_starts');
  });
  it('ignores agentid with openConnectNames: false', async () => {
    const outcome = await post({ ...noAgent, agentid: 'dwhitfield' }, undefined, { openConnectNames: false });
    expect(outcome.kind === 'ignored' && outcome.reason).toBe(
      'inbound_call_starts names no agent: agent_email is empty',
    );
  });
});
