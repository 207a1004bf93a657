// One credential for every source: the API key EventBridge's connection sends (and that the forwarders
// of the contact-flow and agent-stream events send the same way). Compared in constant time.
import {
  type AuthDescription,
  type InboundRequest,
  type VerifyContext,
  verifyToken,
} from '@openconnect/core';
import { type AmazonConnectConfig, DEFAULT_API_KEY_HEADER } from './config.js';

export const apiKeyAuth: AuthDescription<AmazonConnectConfig> = {
  scheme: 'api-key',
  summary: `header ${DEFAULT_API_KEY_HEADER} (option apiKeyHeader), the API key set on the EventBridge connection`,
  credentials: [{ in: 'header', name: DEFAULT_API_KEY_HEADER }],
  // A deployment may name another header (the API key name on its EventBridge connection).
  credentialsFor: (config) => [{ in: 'header', name: config.apiKeyHeader }],
};

export const verifyApiKey = (req: InboundRequest, { config }: VerifyContext<AmazonConnectConfig>) =>
  verifyToken(req, { expected: config.apiKey, header: config.apiKeyHeader });
