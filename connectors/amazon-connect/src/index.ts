// Amazon Connect: contact events from EventBridge, the contact-flow Lambda block, and the agent event
// stream. Each source is detected from the request when the webhook URL names none.
import { defineConnector } from '@openconnect/core';
import { agentStream } from './agent-stream.js';
import { type AmazonConnectConfig, config } from './config.js';
import { contactFlow } from './contact-flow.js';
import { eventbridge } from './eventbridge.js';
import { type ConnectLookups, createConnectLookups } from './lookups.js';

export { type AmazonConnectConfig, config } from './config.js';
export {
  ConnectLookupError,
  type ConnectLookups,
  createConnectLookups,
  type LookupOptions,
} from './lookups.js';
export { parseAgentArn } from './arns.js';

export default defineConnector<AmazonConnectConfig, ConnectLookups>({
  id: 'amazon-connect',
  displayName: 'Amazon Connect',
  platforms: ['Amazon Connect'],
  config,
  secrets: ['apiKey'],
  setup: (options) => createConnectLookups(options),
  sources: [eventbridge, contactFlow, agentStream],
});
