// One credential for every source: the API key EventBridge's connection sends (and that the forwarders
// of the contact-flow and agent-stream events send the same way), declared once with core's tokenAuth.
import { type SourceAuth, tokenAuth } from '@openconnect/core';
import { type AmazonConnectConfig, DEFAULT_API_KEY_HEADER } from './config.js';

/** What each source spreads in: the description, the verifier and the signer (the Lambda host signs its own requests with it). */
export const apiKeyAuth: SourceAuth<AmazonConnectConfig> = tokenAuth<AmazonConnectConfig>({
  scheme: 'api-key',
  secret: 'apiKey',
  // A deployment may name another header (the API key name on its EventBridge connection).
  in: [{ header: { option: 'apiKeyHeader', default: DEFAULT_API_KEY_HEADER } }],
  setBy: 'set on the EventBridge connection (the forwarders of the other sources send it too)',
  refusals: { missing: (config) => `the credential (header ${config.apiKeyHeader}) is missing` },
});
