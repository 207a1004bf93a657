// The Webex Contact Center webhook as we read it: a CloudEvents-style envelope (id, type, data...).
// Field names from Cisco's webhooks guide and event references; which data fields each type carries is
// partly belief, so every data field is optional and a mistyped one counts as absent.
import { InputError, parseJson, parseWith } from '@openconnect/core';
import { z } from 'zod';

const field = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .optional()
  .catch(undefined);

const data = z
  .object({
    taskId: field,
    agentId: field,
    origin: field,
    destination: field,
    queueId: field,
    direction: field,
    channelType: field,
    currentState: field,
    /** agent:state_change (v1) may name the state `state`. */
    state: field,
    outboundType: field,
    reason: field,
    terminatingParty: field,
    teamId: field,
    idleCodeId: field,
    idleCodeName: field,
    wrapUpAuxCodeId: field,
  })
  .catch({});

const envelope = z.object({
  id: z.string().trim().min(1),
  type: z.string().trim().min(1),
  source: field,
  comciscoorgid: field,
  comciscotimestamp: field,
  data: data.default({}),
});

export type WebexEvent = z.output<typeof envelope>;
export type WebexData = WebexEvent['data'];

export function parseWebexEvent(body: unknown): WebexEvent {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('a Webex Contact Center webhook is a JSON object with id, type and data');
  }
  return parseWith(envelope, body, 'Webex Contact Center event');
}

export const parseWebexRequest = (req: Parameters<typeof parseJson>[0]) => parseWebexEvent(parseJson(req));
