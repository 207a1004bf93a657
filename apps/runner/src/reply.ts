// The runner's own refusals, on every surface: a status and a JSON body whose `error` says what is wrong
// and what to do. (A connector's answers to its vendor are the connector's, sent as they are.)
import type { FastifyReply } from 'fastify';

export function sendError(reply: FastifyReply, status: number, error: string, details: object = {}) {
  return reply.code(status).send({ error, ...details });
}

/** The status an error is answered with: its own when it is a client error, else 500. */
export function errorStatus(error: { statusCode?: number }): number {
  const { statusCode } = error;
  return statusCode && statusCode >= 400 && statusCode < 500 ? statusCode : 500;
}
