// What the webhook tests share: the test secrets, a key pair that signs Chat Gateway requests as 8x8 does
// (only 8x8 holds its private key, so the connector has no signer of its own), and a runner of requests.
import { createRuntime, handleRequest, type InboundRequest, toInboundRequest } from '@openconnect/core';
import { exportJWK, FlattenedSign, type GenerateKeyPairResult, generateKeyPair } from 'jose';
import connector from '../src/index.js';

export const RELAY_SECRET = 'relay-test-secret-0123456789';
export const AGENT = 'agb7CaTIXvQPWmPKmTu1rJjw';
export const es256 = await generateKeyPair('ES256', { extractable: true });
export const es256Jwk = { ...(await exportJWK(es256.publicKey)), kid: 'test-key-1' };
/** Two more agents, for the call shapes (transfer, consult, conference) and chat transfers. */
export const AGENT_B = 'agQ3mZt8LkV0cR1nH5wX2yPa';
export const AGENT_C = 'agN7pK2sW9dF4hJ6bL1xC8vM';
export const settings = {
  options: { relaySecret: RELAY_SECRET, publicKey: es256Jwk },
  directory: { [AGENT]: 'jdoe', [AGENT_B]: 'asmith', [AGENT_C]: 'mlee' },
};

/** Signs like 8x8: detached, unencoded payload (RFC 7797), the header in x-8x8-signature as `header..signature`. */
export async function sign(
  request: InboundRequest,
  keys: GenerateKeyPairResult = es256,
  header: Record<string, unknown> = { alg: 'ES256', kid: 'test-key-1', b64: false, crit: ['b64'] },
): Promise<InboundRequest> {
  const jws = await new FlattenedSign(new Uint8Array(request.rawBody))
    .setProtectedHeader(header as { alg: string })
    .sign(keys.privateKey);
  return {
    ...request,
    headers: { ...request.headers, 'x-8x8-signature': `${jws.protected}..${jws.signature}` },
  };
}

const assigned = {
  eventType: 'CONVERSATION_UPDATE',
  conversationId: 'CONV-1',
  timestamp: 1764065702412,
  data: { state: 'active', assignment: { type: 'agent', id: AGENT } },
};
export const chatRequest = (body: unknown = assigned, headers: Record<string, string> = {}): InboundRequest =>
  toInboundRequest({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-8x8-event-id': 'evt-1', ...headers },
    body,
  });

export async function run(
  request: InboundRequest,
  options: Record<string, unknown> = settings.options,
  source?: string,
) {
  return handleRequest(createRuntime(connector, { ...settings, options }), request, source);
}
export const reason = (outcome: Awaited<ReturnType<typeof run>>) =>
  'reason' in outcome ? outcome.reason : undefined;
