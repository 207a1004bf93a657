// A test-only connector ("acme"): an HMAC-signed JSON source with event ids and a ping handshake, and a
// GET source with a query-string key. Real connectors are being rewritten; this one pins the runner's side.
import {
  defineConnector,
  defineSource,
  hmacAuth,
  ignore,
  InputError,
  parseJson,
  parseWith,
  PROP,
  queryValues,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';

export const ACME_SECRET = 'acme-test-secret-0123456789';

const config = z.object({ secret: z.string().min(16, 'secret must be at least 16 characters') });
type Config = z.output<typeof config>;

const callEvent = z.object({
  id: z.string().min(1),
  type: z.enum(['ping', 'call.answered', 'call.ended', 'heartbeat']),
  agent: z.string().min(1).optional(),
  call: z.object({ id: z.string(), from: z.string().optional(), queue: z.string().optional() }).optional(),
});

const events = defineSource<z.output<typeof callEvent>, Config>({
  id: 'events',
  description: 'Call events, JSON, signed with HMAC-SHA256 over the body',
  ...hmacAuth<Config>({ secret: 'secret', header: 'x-acme-signature' }),
  detect: (req) => req.method === 'POST',
  handshake: (req) => {
    const body = (() => {
      try {
        return parseJson(req) as { type?: string };
      } catch {
        return undefined;
      }
    })();
    return body?.type === 'ping'
      ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'pong' }
      : undefined;
  },
  parse: (req) => parseWith(callEvent, parseJson(req), 'acme event'),
  eventId: (event) => event.id,
  map: (event, ctx) => {
    if (event.type === 'heartbeat') return ignore('heartbeat carries no call');
    if (!event.agent || !event.call) throw new InputError('a call event needs agent and call');
    const agentid = ctx.directory.get(event.agent) ?? event.agent;
    return {
      agentid,
      lifecycle: event.type === 'call.answered' ? 'answered' : 'ended',
      props: {
        [PROP.interactionId]: event.call.id,
        ...(event.call.from ? { [PROP.ani]: event.call.from } : {}),
        ...(event.call.queue ? { [PROP.queue]: event.call.queue } : {}),
        [PROP.nativeEvent]: event.type,
      },
    };
  },
});

const status = defineSource<{ agent: string; state: string }, Config>({
  id: 'status',
  description: 'Agent state web callback (GET with query string)',
  methods: ['GET'],
  ...tokenAuth<Config>({ scheme: 'api-key', secret: 'secret', in: [{ query: 'key' }] }),
  detect: (req) => req.method === 'GET',
  parse: (req) =>
    parseWith(z.object({ agent: z.string().min(1), state: z.string().min(1) }), queryValues(req), 'query'),
  map: (event) => ({
    agentid: event.agent,
    lifecycle: 'agent_state',
    props: { [PROP.agentState]: event.state },
  }),
});

export const acme = defineConnector<Config>({
  id: 'acme',
  displayName: 'Acme Telephony (test)',
  platforms: ['Acme'],
  config,
  secrets: ['secret'],
  sources: [events, status],
});
