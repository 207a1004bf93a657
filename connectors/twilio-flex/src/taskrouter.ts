// TaskRouter's Workspace EventCallbackUrl: one form-encoded POST per event. TaskRouter wants a 204 with
// a JSON content type within 15 s, so the answer is the same whether the event was delivered or ignored.
import { defineSource, parseForm, parseWith } from '@openconnect/core';
import { z } from 'zod';
import type { TwilioFlexConfig } from './config.js';
import { isoTime, parseAttributes, present, type TaskRouterEvent, withResourceSid } from './event.js';
import { mapEvent } from './mapping.js';
import { SIGNATURE_HEADER, signForm, verifyFormSignature } from './signature.js';

const optional = z.string().optional();

/** The callback parameters this connector reads (TaskRouter sends more; they are left alone). */
const callback = z.object({
  EventType: z.string({ error: 'EventType is required' }).trim().min(1, 'EventType must not be empty'),
  Sid: optional,
  Timestamp: optional,
  TimestampMs: optional,
  ResourceType: optional,
  ResourceSid: optional,
  TaskSid: optional,
  TaskAttributes: optional,
  TaskQueueName: optional,
  TaskQueueSid: optional,
  TaskChannelUniqueName: optional,
  TaskCanceledReason: optional,
  ReservationSid: optional,
  WorkerSid: optional,
  WorkerName: optional,
  WorkerAttributes: optional,
  WorkerActivityName: optional,
  WorkerPreviousActivityName: optional,
  WorkerPreviousActivitySid: optional,
  // The callback names of Event Streams' transfer_mode and transfer_initiating_worker_sid (a belief: the
  // callback reference lists no transfer fields; the snake_case ones are in the Event Streams schema).
  TransferMode: optional,
  TransferInitiatingWorkerSid: optional,
});

export function parseCallback(form: Record<string, string>): TaskRouterEvent {
  const f = parseWith(callback, form, 'TaskRouter event callback');
  return withResourceSid({
    eventType: f.EventType,
    sid: present(f.Sid),
    timestamp: present(f.TimestampMs) ?? present(f.Timestamp),
    // Stryker disable next-line StringLiteral: isoTime reads milliseconds for any unit but 's' and 'iso'
    eventTime: isoTime(f.TimestampMs, 'ms') ?? isoTime(f.Timestamp, 's'),
    resourceType: present(f.ResourceType)?.toLowerCase(),
    resourceSid: present(f.ResourceSid),
    taskSid: present(f.TaskSid),
    reservationSid: present(f.ReservationSid),
    workerSid: present(f.WorkerSid),
    workerName: present(f.WorkerName),
    workerActivityName: present(f.WorkerActivityName),
    workerPreviousActivityName: present(f.WorkerPreviousActivityName),
    workerPreviousActivitySid: present(f.WorkerPreviousActivitySid),
    transferMode: present(f.TransferMode),
    transferInitiatingWorkerSid: present(f.TransferInitiatingWorkerSid),
    taskQueueName: present(f.TaskQueueName),
    taskQueueSid: present(f.TaskQueueSid),
    taskChannelUniqueName: present(f.TaskChannelUniqueName),
    taskCanceledReason: present(f.TaskCanceledReason),
    taskAttributes: parseAttributes('TaskAttributes', f.TaskAttributes),
    workerAttributes: parseAttributes('WorkerAttributes', f.WorkerAttributes),
  });
}

/**
 * The event's Sid. TaskRouter's callback reference lists no Sid (real callbacks carry one), so without it
 * the documented EventType + ResourceSid + Timestamp name the event: a retried callback repeats all three.
 */
export function callbackId(event: TaskRouterEvent): string | undefined {
  if (event.sid) return event.sid;
  if (!event.resourceSid || !event.timestamp) return undefined;
  return `${event.eventType}/${event.resourceSid}/${event.timestamp}`;
}

export const taskrouter = defineSource<TaskRouterEvent, TwilioFlexConfig>({
  id: 'taskrouter',
  description: 'TaskRouter Workspace event callbacks (EventCallbackUrl), form-encoded',
  auth: {
    scheme: 'twilio-signature',
    summary:
      "header X-Twilio-Signature: HMAC-SHA1 of the public URL and the form parameters, keyed by the Auth Token (or by a Webhooks Rule's SharedKey, HMAC-SHA1 or -SHA256, as X-Twilio-Webhooks-Signature-Settings says)",
    credentials: [{ in: 'header', name: SIGNATURE_HEADER }],
    signsBody: true,
  },
  // A form body with an EventType parameter; Event Streams sends JSON, which never parses to one.
  detect: (req) => {
    const text = req.rawBody.toString('utf8').trimStart();
    return !text.startsWith('{') && !text.startsWith('[') && 'EventType' in parseForm(req);
  },
  verify: (req, { config }) => verifyFormSignature(req, config),
  sign: (req, config) => signForm(req, config),
  parse: (req) => parseCallback(parseForm(req)),
  eventId: callbackId,
  map: (event, ctx) => mapEvent(event, ctx),
  respond: () => ({ status: 204, headers: { 'content-type': 'application/json' } }),
});
