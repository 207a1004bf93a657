// Twilio Event Streams, webhook sink: a JSON array of CloudEvents (or one), `type`
// com.twilio.taskrouter.<event>, the TaskRouter fields in snake_case under data.payload. Same mapping.
import { createHash } from 'node:crypto';
import {
  type Draft,
  defineSource,
  detectJson,
  ignore,
  InputError,
  parseJson,
  parseWith,
} from '@openconnect/core';
import { z } from 'zod';
import type { TwilioFlexConfig } from './config.js';
import { isoTime, parseAttributes, present, type TaskRouterEvent, withResourceSid } from './event.js';
import { mapEvent } from './mapping.js';
import { SIGNATURE_HEADER, signBody, verifyBodySignature } from './signature.js';

const TASKROUTER = 'com.twilio.taskrouter.';
// Twilio sends null for fields that do not apply (no reservation on a task event, and so on).
const text = z.string().nullish();
const attributes = z.union([z.string(), z.record(z.string(), z.unknown())]).nullish();

const payload = z.object({
  sid: text,
  eventtype: text,
  resource_type: text,
  resource_sid: text,
  task_sid: text,
  task_attributes: attributes,
  task_queue_name: text,
  task_queue_sid: text,
  task_channel_unique_name: text,
  task_canceled_reason: text,
  reservation_sid: text,
  worker_sid: text,
  worker_name: text,
  worker_attributes: attributes,
  worker_activity_name: text,
  worker_previous_activity_name: text,
  worker_previous_activity_sid: text,
  timestamp: text,
  transfer_mode: text,
  transfer_initiating_worker_sid: text,
});

const cloudEvent = z.object({
  type: z.string({ error: 'type is required' }).min(1, 'type must not be empty'),
  id: text,
  data: z.object({ sid: text, timestamp: text, payload: payload.nullish() }).nullish(),
});

/** One CloudEvent of the batch: its id, its type, and the TaskRouter event when it is one. */
export interface StreamEvent {
  id?: string;
  type: string;
  event?: TaskRouterEvent;
}

function toTaskRouterEvent(ce: z.output<typeof cloudEvent>, at: number): TaskRouterEvent {
  const p = ce.data?.payload;
  if (!p) throw new InputError(`event ${at} (${ce.type}) has no data.payload`, `${at}.data.payload`);
  return withResourceSid({
    // The CloudEvent type is what the subscription selected; Twilio's own samples disagree with eventtype.
    eventType: ce.type.slice(TASKROUTER.length),
    // Stryker disable next-line OptionalChaining: p is ce.data.payload, so ce.data is there
    sid: present(p.sid) ?? present(ce.data?.sid),
    // Stryker disable next-line OptionalChaining: p is ce.data.payload, so ce.data is there
    eventTime: isoTime(p.timestamp, 'iso') ?? isoTime(ce.data?.timestamp, 'iso'),
    resourceType: present(p.resource_type)?.toLowerCase(),
    resourceSid: present(p.resource_sid),
    taskSid: present(p.task_sid),
    reservationSid: present(p.reservation_sid),
    workerSid: present(p.worker_sid),
    workerName: present(p.worker_name),
    workerActivityName: present(p.worker_activity_name),
    workerPreviousActivityName: present(p.worker_previous_activity_name),
    workerPreviousActivitySid: present(p.worker_previous_activity_sid),
    transferMode: present(p.transfer_mode),
    transferInitiatingWorkerSid: present(p.transfer_initiating_worker_sid),
    taskQueueName: present(p.task_queue_name),
    taskQueueSid: present(p.task_queue_sid),
    taskChannelUniqueName: present(p.task_channel_unique_name),
    taskCanceledReason: present(p.task_canceled_reason),
    taskAttributes: parseAttributes(`event ${at} data.payload.task_attributes`, p.task_attributes),
    workerAttributes: parseAttributes(`event ${at} data.payload.worker_attributes`, p.worker_attributes),
  });
}

export function parseBatch(body: unknown): StreamEvent[] {
  const list = parseWith(z.array(cloudEvent), Array.isArray(body) ? body : [body], 'Event Streams batch');
  return list.map((ce, at) => {
    const id = present(ce.data?.payload?.sid) ?? present(ce.data?.sid) ?? present(ce.id);
    const base: StreamEvent = { type: ce.type, ...(id ? { id } : {}) };
    return ce.type.startsWith(TASKROUTER) ? { ...base, event: toTaskRouterEvent(ce, at) } : base;
  });
}

/** One event: its own SID. A batch: a digest of its SIDs, so a re-sent batch is still delivered once. */
export function batchId(events: StreamEvent[]): string | undefined {
  if (events.length === 1) return events[0]!.id;
  if (!events.length || events.some((e) => !e.id)) return undefined;
  return `batch-${createHash('sha256')
    .update(events.map((e) => e.id).join(','))
    .digest('hex')
    .slice(0, 32)}`;
}

export const eventStreams = defineSource<StreamEvent[], TwilioFlexConfig>({
  id: 'event-streams',
  description: 'Twilio Event Streams webhook sink: CloudEvents com.twilio.taskrouter.* as JSON',
  auth: {
    scheme: 'twilio-signature',
    summary:
      "header X-Twilio-Signature over the public URL, whose bodySHA256 parameter covers the JSON body; keyed by the Auth Token, or by a Webhooks Rule's SharedKey as X-Twilio-Webhooks-Signature-Settings says",
    credentials: [{ in: 'header', name: SIGNATURE_HEADER }],
    signsBody: true,
  },
  detect: detectJson((body) => {
    const first: unknown = Array.isArray(body) ? body[0] : body;
    // Stryker disable next-line OptionalChaining: detectJson answers false when this throws, as for no type
    const type = (first as { type?: unknown } | null)?.type;
    // Stryker disable next-line ConditionalExpression: detectJson answers false when startsWith throws on a non-string
    return typeof type === 'string' && type.startsWith('com.twilio.');
  }),
  verify: (req, { config }) => verifyBodySignature(req, config),
  sign: (req, config) => signBody(req, config),
  parse: (req) => parseBatch(parseJson(req)),
  eventId: batchId,
  async map(events, ctx) {
    const drafts: Draft[] = [];
    const reasons = new Set<string>();
    for (const item of events) {
      if (!item.event) {
        reasons.add(`${item.type} is not a TaskRouter event`);
        continue;
      }
      // In order: a batch may hold a reservation and the cancellation of its task.
      const result = await mapEvent(item.event, ctx);
      if ('ignored' in result) reasons.add(result.ignored);
      // Keyed by the event's own SID, so an event re-sent in another batch is delivered once.
      else drafts.push(item.id ? { ...result, dedupeId: item.id } : result);
    }
    if (drafts.length) return drafts;
    return ignore(events.length ? [...reasons].join('; ') : 'the batch holds no events');
  },
});
