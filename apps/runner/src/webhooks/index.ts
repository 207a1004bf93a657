// The webhook surface, every route under /webhooks: a vendor request is verified by its connector before
// it is parsed (core handleRequest), and a 2xx goes back only once its messages are in the outbox.
// This scope keeps every body raw, whatever its type: signatures are computed over the bytes the vendor
// sent. CORS, when configured, is opened here and nowhere else.
import cors from '@fastify/cors';
import { handleRequest, type InboundRequest } from '@openconnect/core';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { declareReads, errorStatus, sendError } from '../reply.js';
import { CorsRefused, webhookCors } from './cors.js';
import { accepted, countRefusal, handshake, ignored, type Judged, refused } from './outcomes.js';

type WebhookRequest = FastifyRequest<{ Params: { vendor: string; source?: string } }>;

/** Node gives repeated headers as arrays (set-cookie); the connector contract wants one string each. */
function flatHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Registered with the prefix /webhooks. */
export function webhooks(ctx: ServerContext): FastifyPluginAsync {
  return async (scope) => {
    // Signatures cover the bytes the vendor sent: in this scope every body stays a Buffer, whatever its type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    declareReads(
      scope,
      'webhooks take any media type, e.g. application/json, and the connector reads the body',
    );
    if (ctx.config.cors) await scope.register(cors, webhookCors(ctx.config.cors));

    // A body too large or cut off is refused before any connector sees it: counted here, answered by the
    // server's error handler.
    scope.setErrorHandler(async (error: Error & { statusCode?: number }, request) => {
      if (!(error instanceof CorsRefused)) {
        const vendor = (request.params as { vendor?: string } | undefined)?.vendor;
        const connector = vendor && ctx.runtimes.has(vendor) ? vendor : 'unknown';
        countRefusal(ctx, connector, errorStatus(error) === 413 ? 'too_large' : 'invalid', error.message);
      }
      throw error;
    });

    const unknownConnector = (vendor: string, reply: FastifyReply) => {
      countRefusal(ctx, 'unknown', 'unknown_connector');
      const enabled = [...ctx.runtimes.keys()];
      return sendError(
        reply,
        404,
        `no connector "${vendor}" is enabled on this runner; enabled: ${enabled.join(', ') || 'none'}`,
        { enabled },
      );
    };

    const receive = async (request: WebhookRequest, reply: FastifyReply) => {
      const { vendor, source } = request.params;
      const runtime = ctx.runtimes.get(vendor);
      if (!runtime) return unknownConnector(vendor, reply);
      ctx.metrics.received.inc({ connector: vendor });
      ctx.activity.count(vendor, 'received');
      const inbound: InboundRequest = {
        method: request.method,
        // The URL the vendor signed is the public one (Twilio signs it), not the one behind the proxy.
        url: ctx.publicUrl() + request.url,
        headers: flatHeaders(request.headers),
        query: { ...(request.query as Record<string, string | string[]>) },
        rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      };
      // deferState: a source whose state must follow the store gets it committed once stored (outcomes.ts).
      // A request without an event id is keyed by its bytes: a proxy's retry of it is stored once.
      const outcome = await handleRequest(runtime, inbound, source, {
        deferState: true,
        identicalRequestWindowMs: ctx.config.delivery.identicalRequestWindowMs,
        // XML past these is refused as soon as the parser reaches them, the rest unread.
        xmlLimits: { xmlElements: ctx.config.limits.xmlElements, xmlDepth: ctx.config.limits.xmlDepth },
      });
      const judged: Judged = { ctx, connector: vendor, request, reply };
      switch (outcome.kind) {
        case 'accepted':
          return accepted(judged, outcome);
        case 'ignored':
          return ignored(judged, outcome);
        case 'handshake':
          return handshake(judged, outcome);
        default:
          return refused(judged, outcome);
      }
    };

    scope.route({ method: ['GET', 'POST'], url: '/:vendor', handler: receive });
    scope.route({ method: ['GET', 'POST'], url: '/:vendor/:source', handler: receive });
  };
}
