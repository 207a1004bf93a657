// The HTTP side: webhooks in, health and metrics out. Every request is verified by its connector before
// it is parsed (core handleRequest), and a 2xx goes back only once the messages are in the outbox.
import { type ConnectorRuntime, handleRequest, type InboundRequest, type PreparedMessage } from '@openconnect/core';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { registerAdmin } from './admin.js';
import type { RunnerConfig } from './config.js';
import { registerCors } from './cors.js';
import type { Metrics, RejectReason } from './metrics.js';
import type { Activity } from './dashboard/activity.js';
import { registerDashboard } from './dashboard/routes.js';
import type { Outbox } from './outbox/types.js';
import type { RateLimiter } from './rate-limit.js';
import type { SubscriptionView } from './subscriptions/supervisor.js';
import { within } from './within.js';

export interface ServerContext {
  config: RunnerConfig;
  runtimes: Map<string, ConnectorRuntime>;
  outbox: Outbox;
  metrics: Metrics;
  logger: Logger;
  limiter: RateLimiter;
  /** The public base URL (no trailing slash), known once the server listens. */
  publicUrl(): string;
  /** Where deliveries go, safe to show (no jwt). */
  target: { baseUrl: string; method: string; crmid: string; emulator: boolean };
  /** Last-hour counts per connector, for the dashboard. */
  activity: Activity;
  /** Stores accepted messages within limits.storeTimeoutMs and counts them: webhooks and subscriptions alike. */
  store(connector: string, messages: PreparedMessage[]): ReturnType<Outbox['enqueue']>;
  /** The vendor sessions this runner holds or stands by for. */
  subscriptions(): SubscriptionView[];
}

/** The one intake: what the runner has accepted is stored here before anyone is told so. */
export function createIntake(ctx: Pick<ServerContext, 'outbox' | 'metrics' | 'config'>): ServerContext['store'] {
  return async (connector, messages) => {
    const result = await within(ctx.outbox.enqueue(messages), ctx.config.limits.storeTimeoutMs, 'the outbox');
    ctx.metrics.accepted.inc({ connector }, result.stored.length);
    if (result.duplicates.length) ctx.metrics.duplicates.inc({ connector }, result.duplicates.length);
    return result;
  };
}

type WebhookRequest = FastifyRequest<{ Params: { vendor: string; source?: string } }>;

/** Node gives repeated headers as arrays (set-cookie); the connector contract wants one string each. */
function flatHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}


function send(reply: FastifyReply, status: number, body: unknown) {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(body));
}

export function buildServer(ctx: ServerContext): FastifyInstance {
  const { metrics, logger, runtimes, outbox } = ctx;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per webhook outcome is logged below; Fastify's own per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.limits.bodyBytes,
    // Vendors retry on timeouts; a slow client must not hold a connection for ever.
    requestTimeout: 30_000,
    // A webhook URL pasted into a vendor console with a trailing slash still reaches its source.
    routerOptions: { ignoreTrailingSlash: true },
  });
  // Signatures are computed over the bytes the vendor sent: keep every body raw, whatever its type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const connectorLabel = (vendor: string | undefined) =>
    vendor && runtimes.has(vendor) ? vendor : 'unknown';
  const reject = (connector: string, reason: RejectReason, detail?: string) => {
    metrics.rejected.inc({ connector, reason });
    ctx.activity.count(connector, 'rejected');
    if (connector !== 'unknown') ctx.activity.refused(connector, detail ? `${reason}: ${detail}` : reason);
  };

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const vendor = (request.params as { vendor?: string } | undefined)?.vendor;
    if (request.url.startsWith('/webhooks/'))
      reject(connectorLabel(vendor), status === 413 ? 'too_large' : 'invalid', error.message);
    if (status === 500) {
      request.log.error({ err: error, url: request.url }, 'unexpected error while answering a request');
      return send(reply, 500, { error: 'internal error; see the runner log' });
    }
    const message =
      status === 413
        ? `the body is larger than the limit of ${ctx.config.limits.bodyBytes} bytes (limits.bodyBytes)`
        : error.message;
    return send(reply, status, { error: message });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, {
      error: `no route ${request.method} ${request.url.split('?')[0]}`,
      routes: [
        'POST|GET /webhooks/:connector[/:source]',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        '/admin/*',
        'GET / (dashboard)',
      ],
    }),
  );

  async function webhook(request: WebhookRequest, reply: FastifyReply) {
    const { vendor, source } = request.params;
    const runtime = runtimes.get(vendor);
    if (!runtime) {
      reject('unknown', 'unknown_connector');
      const enabled = [...runtimes.keys()];
      return send(reply, 404, {
        error: `no connector "${vendor}" is enabled on this runner; enabled: ${enabled.join(', ') || 'none'}`,
        enabled,
      });
    }
    metrics.received.inc({ connector: vendor });
    ctx.activity.count(vendor, 'received');
    const inbound: InboundRequest = {
      method: request.method,
      // The URL the vendor signed is the public one (Twilio signs it), not the one behind the proxy.
      url: ctx.publicUrl() + request.url,
      headers: flatHeaders(request.headers),
      query: { ...(request.query as Record<string, string | string[]>) },
      rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    };
    // deferState: a source whose state must follow the store gets it committed below, only once stored.
    const outcome = await handleRequest(runtime, inbound, source, { deferState: true });
    const commitState = async () => {
      if (!('commitState' in outcome) || !outcome.commitState) return;
      try {
        await within(outcome.commitState(), ctx.config.limits.storeTimeoutMs, 'the state store');
      } catch (error) {
        // The messages are stored; only the connector's memory of this event is missing.
        request.log.error({ connector: vendor, err: (error as Error).message }, 'could not save connector state');
      }
    };
    const log = { connector: vendor, source: outcome.source };
    switch (outcome.kind) {
      case 'accepted': {
        // Limited after verification, so requests without the secret cannot spend the vendor's budget;
        // what the budget protects is the store.
        const wait = outcome.messages.length ? ctx.limiter.take(vendor) : 0;
        if (wait > 0) {
          reject(vendor, 'rate_limited', `beyond ${ctx.config.limits.ratePerSecond}/s (limits)`);
          reply.header('retry-after', String(Math.ceil(wait / 1000)));
          return send(reply, 429, { error: `too many requests for ${vendor}; retry after ${wait} ms` });
        }
        if (outcome.messages.length) {
          let result: Awaited<ReturnType<Outbox['enqueue']>>;
          try {
            result = await ctx.store(vendor, outcome.messages);
          } catch (error) {
            // Not stored means not accepted: the vendor keeps the event and retries.
            reject(vendor, 'store_unavailable', (error as Error).message);
            request.log.error(
              { ...log, err: (error as Error).message },
              'the outbox did not store the messages',
            );
            return send(reply, 503, { error: 'the runner could not store the event; retry later' });
          }
          await commitState();
          request.log.info(
            {
              ...log,
              eventId: outcome.eventId,
              stored: result.stored.map((r) => r.id),
              duplicates: result.duplicates.length,
            },
            'accepted',
          );
        } else {
          await commitState();
          request.log.info({ ...log, skipped: outcome.skipped }, 'accepted, nothing to send (event map)');
        }
        for (const warning of outcome.warnings) request.log.warn({ ...log }, warning);
        break;
      }
      case 'ignored':
        await commitState();
        metrics.ignored.inc({ connector: vendor });
        request.log.debug({ ...log, reason: outcome.reason }, 'ignored');
        break;
      case 'handshake':
        request.log.info(log, 'handshake answered');
        break;
      case 'rejected':
        reject(vendor, 'unauthorized', outcome.reason);
        request.log.warn({ ...log, reason: outcome.reason, ip: request.ip }, 'refused: not authentic');
        break;
      case 'invalid':
        reject(vendor, outcome.answer.status === 413 ? 'too_large' : 'invalid', outcome.reason);
        request.log.info({ ...log, reason: outcome.reason }, 'refused: invalid request');
        break;
      case 'failed':
        reject(vendor, 'failed', outcome.reason);
        request.log.error({ ...log, reason: outcome.reason }, 'could not process the request');
        break;
    }
    const { answer } = outcome;
    reply.code(answer.status);
    for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
    return reply.send(answer.body ?? '');
  }

  registerCors(app, ctx.config.cors);
  app.route({ method: ['GET', 'POST'], url: '/webhooks/:vendor', handler: webhook });
  app.route({ method: ['GET', 'POST'], url: '/webhooks/:vendor/:source', handler: webhook });

  app.get('/healthz', async (_request, reply) => send(reply, 200, { status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const problems: string[] = [];
    const stored = await within(outbox.ping(), ctx.config.limits.storeTimeoutMs, 'the outbox').catch(
      () => false,
    );
    if (!stored) problems.push(`the ${outbox.kind} outbox does not answer`);
    if (problems.length) return send(reply, 503, { status: 'not ready', problems });
    // A delivery pause (401) is reported, not made a failure: intake still stores events durably, and
    // taking every replica out of the load balancer would turn a pause into lost webhooks.
    const paused = outbox.pausedReason();
    const warnings = paused ? [`delivery is paused: ${paused}`] : [];
    // A vendor session down is a warning too: webhooks are still taken, and another replica cannot help.
    for (const s of ctx.subscriptions()) {
      if (s.holding && s.status !== 'connected')
        warnings.push(`subscription ${s.connector}/${s.subscription} is ${s.status}${s.detail ? `: ${s.detail}` : ''}`);
    }
    return send(reply, 200, {
      status: 'ready',
      outbox: outbox.kind,
      target: ctx.target.emulator ? 'emulator' : 'openconnect',
      ...(warnings.length ? { warnings } : {}),
    });
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return reply.send(await metrics.registry.metrics());
  });

  registerAdmin(app, ctx);
  registerDashboard(app, ctx);
  return app;
}
