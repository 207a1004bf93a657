// The connector's options (runner config: connectors.talkdesk.options), in their own module: the source
// imports them and index.ts only assembles, so no module imports index.ts back.
import { z } from 'zod';

export const DEFAULT_TOKEN_HEADER = 'x-openconnect-token';

export const config = z.object({
  /** The secret the custom integration sends in the token header. */
  token: z.string().min(16, 'token must be at least 16 characters'),
  /** The header carrying it. `authorization` expects "Bearer <token>". */
  tokenHeader: z.string().min(1).default(DEFAULT_TOKEN_HEADER),
  /** Read a template field `agentid` (OpenConnect's name) as the agent when agent_email is empty. */
  openConnectNames: z.boolean().default(true),
});
export type TalkdeskConfig = z.output<typeof config>;
