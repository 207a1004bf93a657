// NICE inContact (CXone), sold and deployed as "inContact Central" and "inContact Hub": the event
// contract is the same under both names. Two sources: a Studio script push and relayed Agent API events.
import { defineConnector } from '@openconnect/core';
import { z } from 'zod';
import { agentEvents } from './agent-events.js';
import { studio } from './studio.js';

export const PLATFORMS = ['inContact Central', 'inContact Hub'] as const;

export const config = z.object({
  /** The secret the Studio SNIPPET and the relay send as a bearer token. */
  token: z.string().min(16, 'token must be at least 16 characters'),
  /** Adds `platform` to every message, for deployments that run both names. */
  platform: z.enum(PLATFORMS).optional(),
});
export type InContactConfig = z.output<typeof config>;

export { AGENT_ID_HEADER, AGENT_USERNAME_HEADER } from './agent-events.js';

export default defineConnector({
  id: 'incontact',
  displayName: 'NICE inContact (CXone)',
  platforms: [...PLATFORMS],
  config,
  secrets: ['token'],
  sources: [studio, agentEvents],
});
