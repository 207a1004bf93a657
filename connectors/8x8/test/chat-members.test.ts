// Chat Gateway membership and channels, one behaviour each: the current webhook version reports an agent
// joining or leaving only as MEMBERS_CHANGED {memberType, change, id}, and names the channel in data.channel.
import { createMemoryStateStore, createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { normaliseChatChannel } from '../src/chat.js';
import { AGENT, AGENT_B, chatRequest, settings, sign } from './webhook-helpers.js';

const CONV = 'CONV-members-1';

function conversation() {
  const runtime = createRuntime(connector, settings, { state: createMemoryStateStore() });
  let n = 0;
  return async (eventType: string, data?: Record<string, unknown>) => {
    n += 1;
    const body = {
      eventType,
      conversationId: CONV,
      timestamp: 1764497400000 + n * 1000,
      ...(data ? { data } : {}),
    };
    const outcome = await handleRequest(
      runtime,
      await sign(chatRequest(body, { 'x-8x8-event-id': `evt-m-${n}` })),
      'chat-gateway',
    );
    if (outcome.kind === 'ignored') return `ignored: ${outcome.reason}`;
    if (outcome.kind !== 'accepted') return outcome.kind;
    const [m] = outcome.messages;
    return [m!.agentid, m!.lifecycle, m!.props.leg ?? null, m!.props.channel];
  };
}
const member = (id: string, change: string, memberType = 'agent') => ({ memberType, change, id });

describe('Chat Gateway MEMBERS_CHANGED', () => {
  it('an agent who left: ended for that agent', async () => {
    const send = conversation();
    await send('CONVERSATION_UPDATE', { state: 'active', assignment: { type: 'agent', id: AGENT } });
    expect(await send('MEMBERS_CHANGED', member(AGENT, 'left'))).toEqual(['jdoe', 'ended', null, 'chat']);
  });

  it('an agent who joined, with no assignment update before: answered, primary leg', async () => {
    const send = conversation();
    expect(await send('MEMBERS_CHANGED', member(AGENT, 'joined'))).toEqual([
      'jdoe',
      'answered',
      'primary',
      'chat',
    ]);
  });

  it('an agent who left and joins again is answered again', async () => {
    const send = conversation();
    await send('MEMBERS_CHANGED', member(AGENT, 'joined'));
    await send('MEMBERS_CHANGED', member(AGENT, 'left'));
    expect(await send('MEMBERS_CHANGED', member(AGENT, 'joined'))).toEqual([
      'jdoe',
      'answered',
      'primary',
      'chat',
    ]);
  });

  it('the customer joining or leaving pops nobody', async () => {
    const send = conversation();
    expect(await send('MEMBERS_CHANGED', member('u-1', 'left', 'user'))).toBe(
      'ignored: MEMBERS_CHANGED: a user left; only agents pop',
    );
  });

  it('a change that is neither joined nor left is ignored with the word 8x8 sent', async () => {
    const send = conversation();
    expect(await send('MEMBERS_CHANGED', member(AGENT, 'muted'))).toMatch(/muted, neither joined nor left/);
  });

  it('after TRANSFER the agent who joins next is the transfer leg and the first agent is transferred', async () => {
    const send = conversation();
    await send('MEMBERS_CHANGED', member(AGENT, 'joined'));
    expect(await send('TRANSFER')).toEqual(['jdoe', 'transferred', null, 'chat']);
    expect(await send('MEMBERS_CHANGED', member(AGENT_B, 'joined'))).toEqual([
      'asmith',
      'answered',
      'transfer',
      'chat',
    ]);
  });

  it('the channel named in a CONVERSATION_UPDATE stays with the conversation', async () => {
    const send = conversation();
    await send('CONVERSATION_UPDATE', {
      state: 'created',
      assignment: { type: 'queue', id: 'q-1' },
      channel: 'Facebook',
    });
    expect(await send('MEMBERS_CHANGED', member(AGENT, 'joined'))).toEqual([
      'jdoe',
      'answered',
      'primary',
      'social',
    ]);
  });
});

describe('Chat Gateway data.channel', () => {
  it.each([
    ['WhatsApp', 'messaging'],
    ['SMS', 'sms'],
    ['WebChat', 'chat'],
    ['Facebook', 'social'],
    ['Viber', 'messaging'],
    ['RCS', 'messaging'],
    ['Email', 'email'],
    ['ChatAPI', 'chat'],
    ['Line', 'line'],
  ])('%s is %s', (word, channel) => {
    expect(normaliseChatChannel(word)).toBe(channel);
  });
});
