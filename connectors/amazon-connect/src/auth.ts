// One credential for every source: the API key EventBridge's connection sends (and that the forwarders
// of the contact-flow and agent-stream events send the same way), declared once with core's tokenAuth.
import { refused, type SourceAuth, tokenAuth } from '@openconnect/core';
import { type AmazonConnectConfig, DEFAULT_API_KEY_HEADER } from './config.js';

const apiKey = tokenAuth<AmazonConnectConfig>({
  scheme: 'api-key',
  secret: 'apiKey',
  // A deployment may name another header (the API key name on its EventBridge connection).
  in: [{ header: { option: 'apiKeyHeader', default: DEFAULT_API_KEY_HEADER } }],
  setBy: 'set on the EventBridge connection (the forwarders of the other sources send it too)',
});

/**
 * What each source spreads in: tokenAuth's description, verifier and signer (the Lambda host signs its
 * own requests with it). Two details stay as they were where tokenAuth words them otherwise: the header
 * is named as configured (tokenAuth lower-cases it), and a missing key is refused naming that header.
 */
export const apiKeyAuth: SourceAuth<AmazonConnectConfig> = {
  ...apiKey,
  auth: { ...apiKey.auth, credentialsFor: (config) => [{ in: 'header', name: config.apiKeyHeader }] },
  async verify(req, ctx) {
    const result = await apiKey.verify(req, ctx);
    return !result.ok && result.reason.startsWith('the credential is missing')
      ? refused(`the credential (header ${ctx.config.apiKeyHeader}) is missing`)
      : result;
  },
};
