// The Cisco webhook: JSON call events. Replace the schema and the switch with the vendor's own
// field names and event types, and keep one behaviour per case.
import { defineSource, ignore, InputError, parseJson, parseWith, PROP, verifyToken } from '@openconnect/core';
import { z } from 'zod';
import type { CiscoConfig } from './index.js';

const event = z.object({
  type: z.string().min(1),
  id: z.string().min(1),
  agent: z.string().optional(),
  callId: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  queue: z.string().optional(),
});
type Event = z.output<typeof event>;

export const webhook = defineSource<Event, CiscoConfig>({
  id: 'webhook',
  description: 'Cisco call events posted as JSON',
  auth: {
    scheme: 'shared-secret',
    summary: 'header x-openconnect-token, the secret configured on both sides',
    credentials: [{ in: 'header', name: 'x-openconnect-token' }],
  },
  verify: (req, { config }) => verifyToken(req, { expected: config.token, header: 'x-openconnect-token' }),
  parse: (req) => parseWith(event, parseJson(req), 'Cisco event'),
  eventId: (e) => e.id,
  map(e) {
    const lifecycle = lifecycleOf(e.type);
    if (!lifecycle) return ignore(`event type ${e.type} is not a call event this connector maps`);
    if (!e.agent) return ignore(`${e.type} carries no agent yet`);
    if (!e.callId) throw new InputError(`${e.type} has no callId`, 'callId');
    return {
      agentid: e.agent,
      lifecycle,
      props: {
        [PROP.nativeEvent]: e.type,
        [PROP.interactionId]: e.callId,
        ...(e.from ? { [PROP.ani]: e.from } : {}),
        ...(e.to ? { [PROP.dnis]: e.to } : {}),
        ...(e.queue ? { [PROP.queue]: e.queue } : {}),
      },
    };
  },
});

function lifecycleOf(type: string) {
  switch (type) {
    case 'call.ringing':
      return 'offered' as const;
    case 'call.answered':
      return 'answered' as const;
    case 'call.ended':
      return 'ended' as const;
    default:
      return undefined;
  }
}
