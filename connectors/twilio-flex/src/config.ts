// The connector's own options (runner config: connectors.twilio-flex.options).
import { z } from 'zod';

/** Where the agent login comes from: the Worker's friendly name, or one of Flex's worker attributes. */
export const AGENT_SOURCES = ['WorkerName', 'email', 'contact_uri'] as const;
export type AgentSource = (typeof AGENT_SOURCES)[number];

export const config = z.object({
  /**
   * The Twilio account's Auth Token: the key of every X-Twilio-Signature. A secret; put it in the
   * environment (`authToken: ${TWILIO_AUTH_TOKEN}`), never in the file.
   */
  authToken: z
    .string({
      error: 'authToken is required: the Twilio Auth Token that signs TaskRouter and Event Streams requests',
    })
    .min(16, 'authToken looks too short for a Twilio Auth Token (32 characters)'),
  /** WorkerName (default), WorkerAttributes.email, or WorkerAttributes.contact_uri decoded. */
  agentFrom: z.enum(AGENT_SOURCES).default('WorkerName'),
  /** Prefix of the flattened task attributes in the props, e.g. `task.from`, `task.customer.id`. */
  attributePrefix: z
    .string()
    .min(1, 'attributePrefix must not be empty: bare keys could shadow agentid, jwt, crmid or event')
    .default('task.'),
});

export type TwilioFlexConfig = z.output<typeof config>;
