// NICE inContact (CXone), sold and deployed as "inContact Central" and "inContact Hub": the event
// contract is the same under both names. Two webhook sources: a Studio script push and relayed Agent API events.
import { defineConnector } from '@openconnect/core';
import { agentEvents } from './agent-events.js';
import { config, type InContactConfig, PLATFORMS, SECRET_KEYS } from './config.js';
import { studio } from './studio.js';

export { AGENT_ID_HEADER, AGENT_USERNAME_HEADER } from './agent-events.js';
export { config, type InContactConfig, PLATFORMS } from './config.js';

export default defineConnector<InContactConfig>({
  id: 'incontact',
  displayName: 'NICE inContact (CXone)',
  platforms: [...PLATFORMS],
  config,
  secrets: [...SECRET_KEYS],
  sources: [studio, agentEvents],
});
