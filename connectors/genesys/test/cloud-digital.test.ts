// Digital conversations in the notification topics (relayed on the `cloud` source), with every medium
// watched (cloudNotifyMedia): the same lifecycle as a call, channel from the topic's medium and, for
// messages, from the participant's type.
import { createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { CLOUD_KEY, settings } from './settings.js';

const JANE = '9d8e7f6a-1111-4222-8333-444455556666';
const runtime = () =>
  createRuntime(connector, {
    ...settings,
    options: { ...settings.options, cloudNotifyMedia: ['calls', 'chats', 'messages', 'callbacks', 'emails'] },
  });

function notification(
  media: string,
  conversationId: string,
  customer: Record<string, unknown>,
  agent: Record<string, unknown>,
) {
  return toInboundRequest({
    method: 'POST',
    url: 'https://runner.example.com/webhooks/genesys/cloud',
    headers: { 'content-type': 'application/json', 'x-api-key': CLOUD_KEY },
    body: {
      topicName: `v2.users.${JANE}.conversations.${media}`,
      version: '2',
      eventBody: {
        id: conversationId,
        participants: [
          { id: 'p-customer', purpose: 'customer', state: 'connected', ...customer },
          { id: 'p-jane', purpose: 'agent', state: 'alerting', user: { id: JANE }, ...agent },
        ],
      },
    },
  });
}

async function popped(media: string, customer: Record<string, unknown>, agent: Record<string, unknown> = {}) {
  const outcome = await handleRequest(
    runtime(),
    notification(media, `conv-${media}`, customer, agent),
    'cloud',
  );
  if (outcome.kind !== 'accepted')
    throw new Error(`${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  const [message] = outcome.messages;
  const { lifecycle, props } = message!;
  return {
    lifecycle,
    leg: props.leg,
    channel: props.channel,
    ani: props.ani,
    customerAddress: props.customerAddress,
  };
}

describe('Genesys Cloud digital conversations', () => {
  it('a chat is offered as channel chat, its customer address no ani', async () => {
    expect(await popped('chats', { name: 'Acme Customer', address: 'Acme Customer' })).toEqual({
      lifecycle: 'offered',
      leg: 'primary',
      channel: 'chat',
      ani: undefined,
      customerAddress: 'Acme Customer',
    });
  });

  it('an email is offered as channel email, the sender as customerAddress', async () => {
    expect(await popped('emails', { address: 'customer@acme.example' })).toEqual({
      lifecycle: 'offered',
      leg: 'primary',
      channel: 'email',
      ani: undefined,
      customerAddress: 'customer@acme.example',
    });
  });

  it('an SMS message is channel sms with the sender number as ani', async () => {
    expect(await popped('messages', { address: 'tel:+13175550142' }, { type: 'sms' })).toEqual({
      lifecycle: 'offered',
      leg: 'primary',
      channel: 'sms',
      ani: '+13175550142',
      customerAddress: undefined,
    });
  });

  it('a WhatsApp or web messaging conversation is channel messaging', async () => {
    expect((await popped('messages', { address: '+13175550142' }, { type: 'whatsapp' })).channel).toBe(
      'messaging',
    );
    expect((await popped('messages', { address: 'Acme Customer' }, { type: 'webmessaging' })).channel).toBe(
      'messaging',
    );
  });

  it('a callback is channel callback with the number to call back as ani', async () => {
    expect(await popped('callbacks', { address: 'tel:+13175550142' })).toEqual({
      lifecycle: 'offered',
      leg: 'primary',
      channel: 'callback',
      ani: '+13175550142',
      customerAddress: undefined,
    });
  });
});
