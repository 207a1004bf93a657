// 8x8 retries an event until it gets a 2xx. When the runner answered 503 or 429 after mapping (store down,
// rate limit), the "pop once" memory already holds the event: its redelivery must still pop, with the same
// dedupe key, while a different event for the same interaction stays quiet.
import { createRuntime, handleRequest, type InboundRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { AGENT, chatRequest, RELAY_SECRET, settings, sign } from './webhook-helpers.js';

const signed = (eventId: string): Promise<InboundRequest> =>
  sign(chatRequest(undefined, { 'x-8x8-event-id': eventId }));

const summary = (outcome: Awaited<ReturnType<typeof handleRequest>>) =>
  outcome.kind === 'accepted' ? outcome.messages.map((m) => [m.lifecycle, m.dedupeKey]) : outcome.kind;

describe('chat-gateway redelivery', () => {
  it('pops again, with the same dedupe key, when 8x8 redelivers the event that claimed the assignment', async () => {
    const runtime = createRuntime(connector, settings);
    await handleRequest(runtime, await signed('evt-1'), 'chat-gateway');
    const retry = await handleRequest(runtime, await signed('evt-1'), 'chat-gateway');
    expect(summary(retry)).toEqual([['answered', '8x8/chat-gateway/evt-1']]);
  });

  it('still ignores a later update of the same conversation that carries another event id', async () => {
    const runtime = createRuntime(connector, settings);
    await handleRequest(runtime, await signed('evt-1'), 'chat-gateway');
    const later = await handleRequest(runtime, await signed('evt-2'), 'chat-gateway');
    expect(later.kind === 'ignored' && later.reason).toBe(
      `CONVERSATION_UPDATE: conversation CONV-1 was already answered by agent ${AGENT}`,
    );
  });
});

describe('event-streaming redelivery', () => {
  const frame = (messageId: string, type: string) =>
    toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-relay-token': RELAY_SECRET },
      body: {
        messageId,
        payload: Buffer.from(
          JSON.stringify({ [type]: { interactionGUID: 'int-1', agentId: AGENT } }),
        ).toString('base64'),
      },
    });

  it('offers again, with the same dedupe key, when the relay redelivers the frame that made the offer', async () => {
    const runtime = createRuntime(connector, settings);
    await handleRequest(runtime, frame('CAEQAQ==', 'InteractionAssigned'), 'event-streaming');
    const retry = await handleRequest(runtime, frame('CAEQAQ==', 'InteractionAssigned'), 'event-streaming');
    expect(summary(retry)).toEqual([['offered', '8x8/event-streaming/CAEQAQ==']]);
  });

  it('does not offer again for another frame of the same interaction and agent', async () => {
    const runtime = createRuntime(connector, settings);
    await handleRequest(runtime, frame('CAEQAQ==', 'InteractionCreated'), 'event-streaming');
    const next = await handleRequest(runtime, frame('CAEQAg==', 'InteractionAssigned'), 'event-streaming');
    expect(next.kind === 'ignored' && next.reason).toBe(
      `8x8 InteractionAssigned: interaction int-1 was already offered to agent ${AGENT}`,
    );
  });
});
