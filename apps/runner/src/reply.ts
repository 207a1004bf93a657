// The runner's own refusals, on every surface: a status and a JSON body whose `error` says what is wrong
// and what to do. (A connector's answers to its vendor are the connector's, sent as they are.)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route's surface reads, as the 415 for a content-type that is no media type names it. */
    reads?: string;
  }
}

export function sendError(reply: FastifyReply, status: number, error: string, details: object = {}) {
  return reply.code(status).send({ error, ...details });
}

/** The status an error is answered with: its own when it is a client error, else 500. */
export function errorStatus(error: { statusCode?: number }): number {
  const { statusCode } = error;
  return statusCode && statusCode >= 400 && statusCode < 500 ? statusCode : 500;
}

/** Says what every route registered after it in `scope` reads (`reads`, answered by notAMediaType). */
export function declareReads(scope: FastifyInstance, reads: string) {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, reads };
  });
}

/** Fastify refuses a content-type header that is no media type (type/subtype) before any parser runs. */
export const isNotAMediaType = (error: { code?: string }) => error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE';

/** The 415 for such a header: what was sent, and what the route's surface reads. */
export function notAMediaType(request: FastifyRequest, reply: FastifyReply) {
  const sent = JSON.stringify(String(request.headers['content-type'] ?? '').slice(0, 100));
  const { reads } = request.routeOptions.config;
  return sendError(
    reply,
    415,
    `the content-type ${sent} is not a media type (type/subtype)${reads ? `: ${reads}` : ''}`,
  );
}
