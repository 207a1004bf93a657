// Talkdesk: Connections custom-integration triggers, verified by a token header and mapped to drafts.
import { defineConnector } from '@openconnect/core';
import { z } from 'zod';
import { connections } from './connections.js';

export const config = z.object({
  /** The secret the custom integration sends in the token header. */
  token: z.string().min(16, 'token must be at least 16 characters'),
  /** The header carrying it. `authorization` expects "Bearer <token>". */
  tokenHeader: z.string().min(1).default('x-openconnect-token'),
});
export type TalkdeskConfig = z.output<typeof config>;

export { TRIGGERS } from './triggers.js';

export default defineConnector({
  id: 'talkdesk',
  displayName: 'Talkdesk',
  platforms: ['Talkdesk'],
  config,
  secrets: ['token'],
  sources: [connections],
});
