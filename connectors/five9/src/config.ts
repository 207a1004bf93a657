// The connector's options (runner config: connectors.five9.options), in their own module: the source
// imports them and index.ts only assembles, so no module imports index.ts back.
import { LEGS } from '@openconnect/core';
import { z } from 'zod';
import { paramMapSchema, RECOMMENDED_PARAMS } from './params.js';

export const DEFAULT_TOKEN_PARAM = 'token';
export const DEFAULT_TOKEN_HEADER = 'x-openconnect-token';

export const config = z.object({
  /** The secret the Web Connector sends as a constant parameter (or header). */
  token: z.string().min(16, 'token must be at least 16 characters'),
  /** Name of the parameter carrying the token. */
  tokenParam: z.string().min(1).default(DEFAULT_TOKEN_PARAM),
  /** Name of a header carrying the token, for proxies that can add one (Five9 itself cannot). */
  tokenHeader: z.string().min(1).default(DEFAULT_TOKEN_HEADER),
  /** Parameter name → field. Replaces the recommended set as a whole when given. */
  params: paramMapSchema.default({ ...RECOMMENDED_PARAMS }),
  /** A trigger constant that is not a Five9 trigger: ignored (default), or sent as its own event. */
  unknownTriggers: z.enum(['ignore', 'custom']).default('ignore'),
  /** Read the parameters `agentid` and `event` (OpenConnect's names) as the agent and the trigger too. */
  openConnectNames: z.boolean().default(true),
  /**
   * On an outbound call Five9's Call.ANI is the caller id presented and Call.DNIS the number dialed (a
   * belief, README): `swap` (default) sends the number dialed as ani, `as-sent` keeps them as received.
   */
  outboundNumbers: z.enum(['swap', 'as-sent']).default('swap'),
  /** Call.type value (any case) → leg, for a domain whose call types name the leg; overrides the inference. */
  callTypeLegs: z.record(z.string().min(1), z.enum(LEGS)).default({}),
});
export type Five9Config = z.output<typeof config>;
