// NICE inContact (CXone), sold and deployed as "inContact Central" and "inContact Hub": the event
// contract is the same under both names. Two webhook sources (a Studio script push, relayed Agent API
// events) and two sessions the runner holds itself (Real-Time Data polling, per-agent Agent API sessions).
import { defineConnector } from '@openconnect/core';
import { agentEvents } from './agent-events.js';
import { agentSessions } from './agent-sessions.js';
import { config, type InContactConfig, PLATFORMS, SECRET_KEYS } from './config.js';
import { rtdPoll } from './rtd-poll.js';
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
  // Sessions the runner holds itself: no relay and no Studio change needed.
  subscriptions: [rtdPoll, agentSessions],
});
