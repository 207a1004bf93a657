// The runner's HTTP side, assembled from one plugin per surface, each owning its parsers, hooks and
// routes: webhooks (raw bodies, CORS), admin (JSON, operator sign-in, redaction), the dashboard (its
// sign-in form) and health. What is common stays here: the server's limits, the answer to an error and
// the answer to a path that is none of theirs. /metrics may have a listener of its own (metricsPort).
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { scrubberFor } from '@openconnect/core';
import { admin } from './admin/index.js';
import { limitConnections, requestTimeouts } from './connections.js';
import type { ServerContext } from './context.js';
import { dashboardPages } from './dashboard/pages.js';
import { health, metricsRoute } from './health.js';
import { errorStatus, isNotAMediaType, notAMediaType, sendError } from './reply.js';
import { webhooks } from './webhooks/index.js';

const METRICS = 'GET /metrics';
const ROUTES = [
  'POST|GET /webhooks/:connector[/:source]',
  'GET /healthz',
  'GET /readyz',
  METRICS,
  '/admin/*',
  'GET / (dashboard)',
];

/** What both listeners share: the log, and requests that must arrive whole within limits.requestTimeoutMs. */
function listener(ctx: ServerContext) {
  return Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // One line per webhook outcome is logged (webhooks/outcomes.ts); Fastify's own per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.limits.bodyBytes,
    // Vendors retry on timeouts; a slow client must not hold a connection for ever.
    requestTimeout: ctx.config.limits.requestTimeoutMs,
    http: requestTimeouts(ctx.config.limits.requestTimeoutMs),
    // A webhook URL pasted into a vendor console with a trailing slash still reaches its source.
    routerOptions: { ignoreTrailingSlash: true },
  });
}

/** A path that is none of the routes is a 404 listing them, whatever its body. */
const noRouteOf = (routes: string[]) => (request: FastifyRequest, reply: FastifyReply) =>
  sendError(reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`, { routes });

export function buildServer(ctx: ServerContext): FastifyInstance {
  const app = listener(ctx);
  limitConnections(app.server, ctx.config.limits, ctx.metrics.connections, ctx.logger);
  const noRoute = noRouteOf(
    ctx.config.metricsPort === undefined ? ROUTES : ROUTES.filter((r) => r !== METRICS),
  );

  // Every surface's errors end here (the webhook scope counts its own first).
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (isNotAMediaType(error))
      return request.is404 ? noRoute(request, reply) : notAMediaType(request, reply);
    const status = errorStatus(error);
    if (status === 500) {
      request.log.error({ err: error, url: request.url }, 'unexpected error while answering a request');
      return sendError(reply, 500, 'internal error; see the runner log');
    }
    if (status === 413)
      return sendError(
        reply,
        413,
        `the body is larger than the limit of ${ctx.config.limits.bodyBytes} bytes (limits.bodyBytes)`,
      );
    return sendError(reply, status, error.message);
  });

  // Nothing the runner answers carries a configured secret, on any surface: not a vendor's echo in a
  // connector's answer (core scrubs those too), not a path that names one in a refusal.
  // Looked up per answer: a reload adds secrets to the list, and scrubberFor remakes the scrubber then.
  // A callback hook, not an async one: it runs for every answer, and a promise per answer costs more than the scrub.
  app.addHook('onSend', (_request, _reply, payload, done) => {
    done(null, typeof payload === 'string' ? scrubberFor(ctx.config.secrets)(payload) : payload);
  });

  // This scope parses no body.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.setNotFoundHandler(noRoute);
  });
  app.register(webhooks(ctx), { prefix: '/webhooks' });
  app.register(health(ctx));
  app.register(admin(ctx), { prefix: '/admin' });
  app.register(dashboardPages(ctx));
  return app;
}

/** The listener of config.metricsPort: GET /metrics and nothing else, so the main one need not serve it. */
export function buildMetricsServer(ctx: ServerContext): FastifyInstance {
  const app = listener(ctx);
  app.setNotFoundHandler(noRouteOf([METRICS]));
  app.register(metricsRoute(ctx));
  return app;
}
