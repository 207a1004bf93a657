// Builders for the Genesys requests the specific tests send (fixtures cover the full shapes).
import { type InboundRequest, toInboundRequest } from '@openconnect/core';
import { CLOUD_KEY } from './settings.js';

export const CONVERSATION = '3f5b9c1e-7a2d-4e8f-9b6a-0c1d2e3f4a5b';

export function userStart(
  userId: string,
  id = `evt-${userId}`,
  headers: Record<string, string> = { 'x-api-key': CLOUD_KEY },
): InboundRequest {
  return toInboundRequest({
    method: 'POST',
    url: 'https://runner.example.com/webhooks/genesys',
    headers: { 'content-type': 'application/json', ...headers },
    body: {
      version: '0',
      id,
      'detail-type': 'v2.detail.events.conversation.{id}.user.start',
      source: 'aws.partner/genesys.com/cloud/5c0f3b1e-2d4a-4f6b-8c9d-0e1f2a3b4c5d/openconnect',
      detail: {
        topicName: `v2.detail.events.conversation.${CONVERSATION}.user.start`,
        version: '2',
        eventBody: {
          conversationId: CONVERSATION,
          userId,
          mediaType: 'VOICE',
          direction: 'INBOUND',
          ani: 'tel:+13175550142',
        },
      },
    },
  });
}

export function withUrl(request: InboundRequest, url: string): InboundRequest {
  return { ...request, url };
}
