// The connector's options. Credentials for the Connect API never appear here: the SDK takes them from
// the default AWS chain (Lambda role, instance profile, environment), as AWS recommends.
import { z } from 'zod';

export const DEFAULT_API_KEY_HEADER = 'x-api-key';
export const DEFAULT_AGENT_PARAMETER = 'agentLogin';
export const DEFAULT_LIFECYCLE_PARAMETER = 'lifecycle';
/** The look-ups' defaults, here and for createConnectLookups called without a config (tests, the CLI). */
export const LOOKUP_DEFAULTS = {
  userCacheTtlMs: 60 * 60 * 1000,
  notFoundTtlMs: 60 * 1000,
  lookupTimeoutMs: 2000,
  lookupMaxAttempts: 2,
} as const;

export const config = z.object({
  /**
   * The API key configured on the EventBridge connection (and sent by the forwarders of the other
   * sources). Optional so `openconnect map` dry runs need no secret; without it every request is refused.
   */
  apiKey: z.string().min(16, 'apiKey must be at least 16 characters').optional(),
  /** The header the EventBridge connection puts the API key in. */
  apiKeyHeader: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'apiKeyHeader must be an HTTP header name')
    .default(DEFAULT_API_KEY_HEADER),
  /** The contact-flow block parameter that carries the agent login (the flow passes $.Agent.UserName). */
  agentParameter: z.string().min(1).default(DEFAULT_AGENT_PARAMETER),
  /** The contact-flow block parameter that may name the lifecycle (or a PopFlow event); absent = answered. */
  lifecycleParameter: z.string().min(1).default(DEFAULT_LIFECYCLE_PARAMETER),
  /**
   * A TRANSFER contact reaching an agent while the agent who dialled out is still on the call is a
   * `consult` leg (two or more agents still on it: `conference`); off: every such contact is a `transfer`.
   */
  consultLegs: z.boolean().default(true),
  /**
   * Also read the contact-flow parameters OpenConnect itself names, `agentid` (the login) and `event` (a
   * lifecycle or PopFlow event), when the block does not set agentParameter / lifecycleParameter.
   */
  openConnectParameters: z.boolean().default(true),
  /**
   * Adds the customer's number (ani) to EventBridge messages, which carry none: DescribeContact's
   * Contact.CustomerEndpoint (connect:DescribeContact). Off by default: one API call per new contact.
   */
  customerEndpoint: z.boolean().default(false),
  /** AWS region of the Connect instance; defaults to the SDK's (AWS_REGION). */
  region: z.string().min(1).optional(),
  /** Connect API endpoint override (VPC endpoint, or a local test server). */
  endpoint: z.url().optional(),
  /** Adds the contact's attributes (GetContactAttributes) to EventBridge messages. Off by default. */
  contactAttributes: z.boolean().default(false),
  /** How long a resolved agent login is remembered. */
  userCacheTtlMs: z.number().int().positive().default(LOOKUP_DEFAULTS.userCacheTtlMs),
  /** How long "no such user" is remembered, so an unknown ARN does not hit the API on every event. */
  notFoundTtlMs: z.number().int().nonnegative().default(LOOKUP_DEFAULTS.notFoundTtlMs),
  /** Per-request timeout of Connect API calls; the vendor retries when a look-up fails. */
  lookupTimeoutMs: z.number().int().positive().default(LOOKUP_DEFAULTS.lookupTimeoutMs),
  /** SDK attempts per Connect API call (1 = no SDK retries). */
  lookupMaxAttempts: z.number().int().min(1).max(5).default(LOOKUP_DEFAULTS.lookupMaxAttempts),
});

export type AmazonConnectConfig = z.output<typeof config>;
