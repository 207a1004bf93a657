// Genesys Cloud Process Automation: a trigger starts an Architect workflow whose Web Services Data
// Action POSTs our own JSON (documented in the README). The body reuses the event's own field names,
// so the data action template only copies the workflow's input variables.
import {
  addVendorProps,
  defineSource,
  detectJson,
  ignore,
  isLifecycle,
  LEGS,
  type Lifecycle,
  parseJson,
  parseWith,
  PROP,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';
import { attributesKey, cloudAgent } from './cloud-agent.js';
import { detailLifecycle, detailProps } from './cloud.js';
import { cloudLegProps, detailLeg } from './cloud-legs.js';
import { CLOUD_API_KEY_HEADER, type GenesysConfig } from './config.js';
import { isObject } from './vendor-values.js';
import type { Services } from './users-api.js';

const optionalText = z.string().nullish();

export const workflowBody = z.object({
  /** A lifecycle word (answered...), a topic suffix (user.start, user.end, acw...) or a custom event name. */
  event: z.string().trim().min(1, 'event is required'),
  conversationId: z.string().min(1, 'conversationId is required'),
  /** The agent's userId GUID (the trigger's eventBody.userId)... */
  userId: optionalText,
  /** ...or the agent's login itself, when the workflow already knows it (`agentid`, OpenConnect's name, too). */
  agent: optionalText,
  agentid: optionalText,
  /** The leg, when the workflow knows it (primary, transfer, consult, conference); else read from the agents seen. */
  leg: z.enum(LEGS).nullish(),
  /** The trigger's eventBody.eventTime (epoch ms) or an ISO time. */
  eventTime: z.union([z.number().finite(), z.string()]).nullish(),
  messageType: optionalText,
  disconnectType: optionalText,
  /** Optional: makes a retried data action deliver once. */
  eventId: optionalText,
  ani: optionalText,
  dnis: optionalText,
  mediaType: optionalText,
  direction: optionalText,
  queueId: optionalText,
  queueName: optionalText,
  participantId: optionalText,
  wrapupCode: optionalText,
  wrapupNotes: optionalText,
  /** Participant data or any flat values the workflow adds. */
  attributes: z.record(z.string(), z.union([z.string(), z.number().finite(), z.boolean()])).nullish(),
});
type WorkflowBody = z.output<typeof workflowBody>;

const CUSTOMER_TOPICS = new Set(['customer.start', 'customer.end', 'acd.start', 'acd.end']);

export const cloudWorkflow = defineSource<WorkflowBody, GenesysConfig, Services>({
  id: 'cloud-workflow',
  description: 'Genesys Cloud Process Automation workflows posting our JSON from a Web Services Data Action',
  platforms: ['Genesys Cloud'],
  // The same header as the cloud source; its own key, else the cloud one.
  ...tokenAuth<GenesysConfig>({
    scheme: 'api-key',
    secret: ['workflowApiKey', 'cloudApiKey'],
    in: [{ header: { option: 'cloudApiKeyHeader', default: CLOUD_API_KEY_HEADER } }],
    setBy: 'set in the data action',
  }),
  detect: detectJson(
    (body) =>
      isObject(body) &&
      typeof body.event === 'string' &&
      typeof body.conversationId === 'string' &&
      !('detail-type' in body) &&
      !('topicName' in body),
  ),
  parse: (req) => parseWith(workflowBody, parseJson(req), 'Process Automation data action body'),
  eventId: (body) => body.eventId ?? undefined,
  async map(body, ctx) {
    const word = body.event;
    if (CUSTOMER_TOPICS.has(word))
      return ignore(`${word} names no agent; trigger the workflow on user.start, user.end or acw`);
    const lifecycle: Lifecycle = detailLifecycle(word) ?? (isLifecycle(word) ? word : 'custom');
    let agentid = body.agent?.trim() || body.agentid?.trim();
    if (!agentid) {
      const agent = await cloudAgent(body.userId, ctx);
      if ('ignored' in agent) return ignore(`workflow event ${word}: ${agent.ignored}`);
      agentid = agent.login;
    }
    const kept = (await ctx.state.get<Record<string, string>>(attributesKey(body.conversationId))) ?? {};
    const props = detailProps(word, { ...body, attributes: null }, {});
    if (body.queueName) props[PROP.queue] = body.queueName;
    const pop = lifecycle === 'offered' || lifecycle === 'answered';
    const over = lifecycle === 'ended' || lifecycle === 'wrapup' || lifecycle === 'completed';
    if (pop || over) {
      // The agents seen per conversation give the leg, as on the EventBridge path.
      const seen = await detailLeg(
        ctx.state,
        ctx.config.stateTtlMs,
        body.conversationId,
        body.userId?.trim() || agentid,
        pop,
        body.disconnectType,
      );
      if (pop) Object.assign(props, cloudLegProps(body.leg ?? seen, body.conversationId));
    }
    // Kept participant data first, the body's own values over it (as on the EventBridge path).
    addVendorProps(props, Object.entries({ ...kept, ...(body.attributes ?? {}) }), 'attributes');
    return { agentid, lifecycle, props, ...(lifecycle === 'custom' ? { event: word } : {}) };
  },
});
