// Twilio Flex: TaskRouter events, from the Workspace callback or from Event Streams, verified with the
// X-Twilio-Signature and mapped onto OpenConnect drafts (reservation.accepted is the screen-pop moment).
import { defineConnector } from '@openconnect/core';
import { config } from './config.js';
import { eventStreams } from './event-streams.js';
import { taskrouter } from './taskrouter.js';

export { AGENT_SOURCES, type AgentSource, config, type TwilioFlexConfig } from './config.js';
export { decodeContactUri } from './agent.js';

export default defineConnector({
  id: 'twilio-flex',
  displayName: 'Twilio Flex',
  platforms: ['Twilio Flex', 'Twilio TaskRouter'],
  config,
  secrets: ['authToken', 'sharedKeySecrets.*'],
  sources: [taskrouter, eventStreams],
});
