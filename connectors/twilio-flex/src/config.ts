// The connector's own options (runner config: connectors.twilio-flex.options).
import { z } from 'zod';

/** Where the agent login comes from: the Worker's friendly name, or one of Flex's worker attributes. */
export const AGENT_SOURCES = ['WorkerName', 'email', 'contact_uri'] as const;
export type AgentSource = (typeof AGENT_SOURCES)[number];

/** A path into the task attributes, dots between keys (`conversations.conversation_id`). */
const attributePath = z.string().trim().min(1, 'an attribute path must not be empty');

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
  /**
   * The secrets of the SharedKeys that sign requests matched by a Twilio Webhooks Rule (announced by the
   * X-Twilio-Webhooks-Signature-Settings header) instead of the Auth Token. Two during a key rotation.
   */
  sharedKeySecrets: z
    .array(z.string().min(16, 'a sharedKeySecrets entry looks too short for a Twilio SharedKey secret'))
    .default([]),
  /** WorkerName (default), WorkerAttributes.email, or WorkerAttributes.contact_uri decoded. */
  agentFrom: z.enum(AGENT_SOURCES).default('WorkerName'),
  /**
   * Worker attributes that, when a worker has one, hold its OpenConnect login and win over agentFrom:
   * OpenConnect's own field name `agentid` by default, beside any the deployment names.
   */
  agentAttributes: z.array(attributePath).default(['agentid']),
  /**
   * Task attributes (set in Studio's Send to Flex, for instance) that name the PopFlow event of the task's
   * screen pop (`answered`): ours, `popEvent`, and OpenConnect's own field name `event`, by default.
   */
  eventAttributes: z.array(attributePath).default(['popEvent', 'event']),
  /** Prefix of the flattened task attributes in the props, e.g. `task.from`, `task.customer.id`. */
  attributePrefix: z
    .string()
    .min(1, 'attributePrefix must not be empty: bare keys could shadow agentid, jwt, crmid or event')
    .default('task.'),
  /** The task attribute that marks a task made by a transfer (Flex's conversation transfers set it). */
  transferAttribute: attributePath.default('transferTargetType'),
  /** The task attribute naming the call's first task (Flex Insights' conversation id). */
  parentAttribute: attributePath.default('conversations.conversation_id'),
  /** The leg of a reservation made by a WARM TaskRouter transfer: the receiver is consulted first. */
  warmTransferLeg: z.enum(['consult', 'transfer', 'conference']).default('consult'),
});

export type TwilioFlexConfig = z.output<typeof config>;
