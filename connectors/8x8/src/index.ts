// 8x8 Contact Center: Event Streaming (a Pulsar WebSocket) read by the runner's own consumer, or frames
// forwarded by a relay; and the Chat Gateway webhook, signed with a detached JWS.
import { defineConnector } from '@openconnect/core';
import { createAgentLookup } from './agents.js';
import { type C8x8Config, type C8x8Services, config, SECRET_KEYS } from './config.js';
import { chatGateway } from './chat.js';
import { eventStream } from './event-stream.js';
import { loadVerificationKey } from './jws.js';
import { eventStreaming } from './stream.js';

export { type C8x8Config, type C8x8Services, config } from './config.js';

function setup(options: C8x8Config): C8x8Services {
  const services: C8x8Services = {};
  if (options.publicKey !== undefined) services.verificationKey = loadVerificationKey(options.publicKey);
  if (options.agentApiUrl && options.agentApiToken) {
    const tenant = options.streamTenant ?? options.agentApiUser!;
    services.agents = createAgentLookup({
      url: options.agentApiUrl,
      tenant,
      user: options.agentApiUser ?? tenant,
      token: options.agentApiToken,
      loginField: options.agentApiLoginField,
      cacheTtlMs: options.agentCacheTtlMs,
      timeoutMs: options.agentApiTimeoutMs,
    });
  }
  return services;
}

export default defineConnector<C8x8Config, C8x8Services>({
  id: '8x8',
  displayName: '8x8 Contact Center',
  platforms: ['8x8 Contact Center'],
  config,
  // The public key is not a secret; the relay secret and the API keys are.
  secrets: SECRET_KEYS,
  setup,
  sources: [eventStreaming, chatGateway],
  subscriptions: [eventStream],
});
