// One TaskRouter event, whichever way it arrived (Workspace callback or Event Streams), in one shape,
// so both sources share one mapping. Field names follow TaskRouter's callback parameters.
import { InputError } from '@openconnect/core';

export type Attributes = Record<string, unknown>;

export interface TaskRouterEvent {
  /** e.g. `reservation.accepted`, exactly as Twilio names it. */
  eventType: string;
  /** The event's own SID (EV…), for de-duplication. */
  sid?: string;
  /** When the event happened (TimestampMs, else Timestamp): with the resource, a key when Sid is absent. */
  timestamp?: string;
  /** The same moment as an ISO 8601 string, for the eventTime prop; undefined when unreadable. */
  eventTime?: string;
  /** Lower-cased: TaskRouter's docs say `Reservation`, code in the wild sees `reservation`. */
  resourceType?: string;
  resourceSid?: string;
  taskSid?: string;
  reservationSid?: string;
  workerSid?: string;
  workerName?: string;
  workerActivityName?: string;
  workerPreviousActivityName?: string;
  workerPreviousActivitySid?: string;
  taskQueueName?: string;
  taskQueueSid?: string;
  taskChannelUniqueName?: string;
  taskCanceledReason?: string;
  /** Set on the reservations of a TaskRouter transfer (Flex's native voice transfer): WARM or COLD. */
  transferMode?: string;
  /** The worker who started that transfer. */
  transferInitiatingWorkerSid?: string;
  /** The task's attributes, decoded from their JSON string; undefined when the event carries none. */
  taskAttributes?: Attributes;
  workerAttributes?: Attributes;
}

/**
 * Decodes an attributes field (a JSON object in a string). Empty or absent → undefined; anything else
 * that is not a JSON object is an InputError naming the field, so a bad callback is a 400, not a crash.
 */
export function parseAttributes(field: string, value: unknown): Attributes | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let decoded: unknown = value;
  if (typeof value === 'string') {
    try {
      decoded = JSON.parse(value);
    } catch (error) {
      throw new InputError(`${field} is not valid JSON (${(error as Error).message})`, field);
    }
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new InputError(
      `${field} must be a JSON object, got ${Array.isArray(decoded) ? 'an array' : decoded === null ? 'null' : typeof decoded}`,
      field,
    );
  }
  if (tooDeep(decoded)) {
    throw new InputError(`${field} is nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`, field);
  }
  return decoded as Attributes;
}

/** Far deeper than any real task; flattening deeper attributes into props would exhaust the stack. */
export const MAX_ATTRIBUTE_DEPTH = 32;

/** Walks without recursion, so the check itself cannot overflow. */
function tooDeep(root: object): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (depth > MAX_ATTRIBUTE_DEPTH) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Empty strings and nulls count as absent (form callbacks send empty values, Event Streams nulls). */
export const present = (value: string | null | undefined): string | undefined => (value ? value : undefined);

/**
 * TaskRouter always names the event's resource (`ResourceType` + `ResourceSid`); it stands in for the
 * specific SID when that one is absent. The type is compared in lower case: docs and payloads differ.
 */
export function withResourceSid(event: TaskRouterEvent): TaskRouterEvent {
  const { resourceType, resourceSid } = event;
  // Stryker disable next-line ConditionalExpression: without a resource SID each branch below keeps the event's own SIDs
  if (!resourceSid) return event;
  if (resourceType === 'reservation')
    return { ...event, reservationSid: event.reservationSid ?? resourceSid };
  if (resourceType === 'task') return { ...event, taskSid: event.taskSid ?? resourceSid };
  if (resourceType === 'worker') return { ...event, workerSid: event.workerSid ?? resourceSid };
  return event;
}

/**
 * A TaskRouter time as ISO 8601: epoch milliseconds (TimestampMs), epoch seconds (Timestamp) or an ISO
 * string (Event Streams). Anything unreadable is left out rather than refused: the time is a courtesy.
 */
export function isoTime(value: string | null | undefined, unit: 'ms' | 's' | 'iso'): string | undefined {
  if (!value) return undefined;
  if (unit !== 'iso' && !/^\d{1,16}$/.test(value)) return undefined;
  const date = unit === 'iso' ? new Date(value) : new Date(Number(value) * (unit === 's' ? 1000 : 1));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
