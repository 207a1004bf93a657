// Five9: Web Connectors fired from the agent desktop, verified by a shared token and mapped to drafts.
import { defineConnector } from '@openconnect/core';
import { z } from 'zod';
import { paramMapSchema, RECOMMENDED_PARAMS } from './params.js';
import { webConnector } from './web-connector.js';

export const config = z.object({
  /** The secret the Web Connector sends as a constant parameter (or header). */
  token: z.string().min(16, 'token must be at least 16 characters'),
  /** Name of the parameter carrying the token. */
  tokenParam: z.string().min(1).default('token'),
  /** Name of a header carrying the token, for proxies that can add one (Five9 itself cannot). */
  tokenHeader: z.string().min(1).default('x-openconnect-token'),
  /** Parameter name → field. Replaces the recommended set as a whole when given. */
  params: paramMapSchema.default({ ...RECOMMENDED_PARAMS }),
  /** A trigger constant that is not a Five9 trigger: ignored (default), or sent as its own event. */
  unknownTriggers: z.enum(['ignore', 'custom']).default('ignore'),
});
export type Five9Config = z.output<typeof config>;

export { FIELDS, RECOMMENDED_PARAMS, RECOMMENDED_VARIABLES } from './params.js';
export { TRIGGERS } from './triggers.js';

export default defineConnector({
  id: 'five9',
  displayName: 'Five9',
  platforms: ['Five9'],
  config,
  secrets: ['token'],
  sources: [webConnector],
});
