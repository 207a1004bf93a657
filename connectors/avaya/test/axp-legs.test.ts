// AXP legs, channels and agent state, one behaviour per test (the call-shape and channel fixtures play whole
// engagements; these pin the single rules they rely on).
import { describe, expect, it } from 'vitest';
import { axp, props, runtime } from './leg-helpers.js';

describe('axp legs, channels and agent state', () => {
  const engagement = {
    engagementId: 'e-legs-1',
    channel: 'VOICE',
    direction: 'INBOUND',
    customer: { address: '+15551230001' },
  };

  it('puts a second agent invited to an engagement without a reason on leg transfer, the engagement as parent', async () => {
    const rt = runtime();
    await axp(rt, {
      eventType: 'AgentParticipantInvited',
      eventId: 'x-1',
      engagement,
      participant: { agentId: 'ag-7f3a91' },
    });
    const second = await axp(rt, {
      eventType: 'AgentParticipantInvited',
      eventId: 'x-2',
      engagement,
      participant: { agentId: 'ag-2c44d0' },
    });
    expect(props(second)).toEqual([
      expect.objectContaining({ leg: 'transfer', parentInteractionId: 'e-legs-1' }),
    ]);
  });

  it('puts that second agent on the leg axpUnmarkedLeg names instead, when set', async () => {
    const rt = runtime({ axpUnmarkedLeg: 'conference' });
    await axp(rt, {
      eventType: 'AgentParticipantInvited',
      eventId: 'u-1',
      engagement,
      participant: { agentId: 'ag-7f3a91' },
    });
    const second = await axp(rt, {
      eventType: 'AgentParticipantInvited',
      eventId: 'u-2',
      engagement,
      participant: { agentId: 'ag-2c44d0' },
    });
    expect(props(second)).toEqual([
      expect.objectContaining({ leg: 'conference', parentInteractionId: 'e-legs-1' }),
    ]);
  });

  it('lets the reason an event gives win over axpUnmarkedLeg', async () => {
    const rt = runtime({ axpUnmarkedLeg: 'conference' });
    await axp(rt, {
      eventType: 'AgentParticipantInvited',
      eventId: 'r-1',
      engagement,
      participant: { agentId: 'ag-7f3a91' },
    });
    const second = await axp(rt, {
      eventType: 'AgentParticipantInvited',
      eventId: 'r-2',
      engagement,
      participant: { agentId: 'ag-2c44d0', reason: 'CONSULT' },
    });
    expect(props(second)).toEqual([expect.objectContaining({ leg: 'consult' })]);
  });

  it('reads previousState into previousAgentState', async () => {
    const outcome = await axp(runtime(), {
      eventType: 'AgentReady',
      eventId: 's-1',
      agentId: 'ag-7f3a91',
      previousState: 'NOT_READY',
    });
    expect(props(outcome)).toEqual([
      expect.objectContaining({ agentState: 'Ready', previousAgentState: 'NOT_READY' }),
    ]);
  });

  it.each([
    ['WebChat', 'chat'],
    ['E-Mail', 'email'],
    ['WHATSAPP', 'messaging'],
    ['SMS', 'sms'],
  ])('normalises the channel %s to %s', async (word, channel) => {
    const outcome = await axp(runtime(), {
      eventType: 'AgentParticipantAdded',
      eventId: `c-${word}`,
      agentId: 'ag-7f3a91',
      engagementId: 'e-ch',
      channel: word,
    });
    expect(props(outcome)).toEqual([expect.objectContaining({ channel })]);
  });

  it('takes ani from the number dialed and dnis from the caller id on an outbound engagement', async () => {
    const outbound = {
      engagementId: 'e-out',
      direction: 'OUTBOUND',
      callingNumber: '+18005550100',
      dialedNumber: '+15551239999',
    };
    const outcome = await axp(runtime(), {
      eventType: 'AgentParticipantAdded',
      eventId: 'o-1',
      agentId: 'ag-7f3a91',
      engagement: outbound,
    });
    expect(props(outcome)).toEqual([
      expect.objectContaining({ direction: 'outbound', ani: '+15551239999', dnis: '+18005550100' }),
    ]);
  });
});

describe('axp field names', () => {
  it("accepts OpenConnect's own names agentid and event for the agent and the event name", async () => {
    const outcome = await axp(runtime(), { event: 'AgentReady', eventId: 'n-1', agentid: 'ag-7f3a91' });
    expect(
      outcome.kind === 'accepted' &&
        outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.agentState]),
    ).toEqual([['jdoe', 'agent_state', 'Ready']]);
  });
});
