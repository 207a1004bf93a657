// What the runner does with each outcome of a vendor request once its connector has judged it (core
// handleRequest): store and answer, count and log. One function per outcome; refusals share one.
import type { Outcome } from '@openconnect/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import type { RejectReason } from '../metrics.js';
import { sendError } from '../reply.js';
import { withTimeout } from '../timeout.js';

/** One judged request: the runner's context, the connector that judged it and the HTTP exchange. */
export interface Judged {
  ctx: ServerContext;
  connector: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

type Of<K extends Outcome['kind']> = Extract<Outcome, { kind: K }>;

/** Counts a refused request in the metrics and the dashboard, which shows the latest reason. */
export function countRefusal(ctx: ServerContext, connector: string, reason: RejectReason, detail?: string) {
  ctx.metrics.rejected.inc({ connector, reason });
  ctx.activity.count(connector, 'rejected');
  if (connector !== 'unknown') ctx.activity.refused(connector, detail ? `${reason}: ${detail}` : reason);
}

const logFields = (judged: Judged, outcome: Outcome) => ({
  connector: judged.connector,
  source: outcome.source,
});

/** The connector's own answer to its vendor (a 2xx, a handshake's echo, a 401...), sent as it is. */
function sendAnswer({ reply }: Judged, { answer }: Outcome) {
  reply.code(answer.status);
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  return reply.send(answer.body ?? '');
}

/** Saves what the mapping remembered (deferred: only once its messages are stored). */
async function commitState(judged: Judged, outcome: Of<'accepted'> | Of<'ignored'>) {
  if (!outcome.commitState) return;
  try {
    await withTimeout(outcome.commitState(), judged.ctx.config.limits.storeTimeoutMs, 'the state store');
  } catch (error) {
    // The messages are stored; only the connector's memory of this event is missing.
    judged.request.log.error(
      { connector: judged.connector, err: (error as Error).message },
      'could not save connector state',
    );
  }
}

/** Authentic and mapped: stored in the outbox before the 2xx, so the vendor retries what was not. */
export async function accepted(judged: Judged, outcome: Of<'accepted'>) {
  const { ctx, connector, request, reply } = judged;
  const log = logFields(judged, outcome);
  if (outcome.messages.length) {
    // Limited after verification, so requests without the secret cannot spend the vendor's budget;
    // what the budget protects is the store.
    const wait = ctx.limiter.take(connector);
    if (wait > 0) {
      countRefusal(ctx, connector, 'rate_limited', `beyond ${ctx.config.limits.ratePerSecond}/s (limits)`);
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return sendError(reply, 429, `too many requests for ${connector}; retry after ${wait} ms`);
    }
    let result: Awaited<ReturnType<ServerContext['store']>>;
    try {
      result = await ctx.store(connector, outcome.messages);
    } catch (error) {
      // Not stored means not accepted: the vendor keeps the event and retries.
      countRefusal(ctx, connector, 'store_unavailable', (error as Error).message);
      request.log.error({ ...log, err: (error as Error).message }, 'the outbox did not store the messages');
      return sendError(reply, 503, 'the runner could not store the event; retry later');
    }
    await commitState(judged, outcome);
    // Debug: each message gets its one info line when it is delivered ("delivered", in index.ts), and the
    // outbox keeps what was accepted (the admin API and the dashboard list it). A second info line per
    // message doubled the log volume operators ship and pay for, and cost about 20 µs of CPU
    // (docs/benchmarks.md). Its fields are gathered only when debug is on.
    if (request.log.level === 'debug' || request.log.level === 'trace')
      request.log.debug(
        {
          ...log,
          eventId: outcome.eventId,
          stored: result.stored.map((r) => r.id),
          duplicates: result.duplicates.length,
        },
        'accepted',
      );
  } else {
    await commitState(judged, outcome);
    request.log.info({ ...log, skipped: outcome.skipped }, 'accepted, nothing to send (event map)');
  }
  for (const warning of outcome.warnings) request.log.warn({ ...log }, warning);
  return sendAnswer(judged, outcome);
}

/** Authentic, carrying nothing to deliver (a heartbeat, an event without an agent yet). */
export async function ignored(judged: Judged, outcome: Of<'ignored'>) {
  await commitState(judged, outcome);
  judged.ctx.metrics.ignored.inc({ connector: judged.connector });
  judged.request.log.debug({ ...logFields(judged, outcome), reason: outcome.reason }, 'ignored');
  return sendAnswer(judged, outcome);
}

/** A vendor's URL check or ping, answered as the vendor expects; nothing is delivered. */
export function handshake(judged: Judged, outcome: Of<'handshake'>) {
  judged.request.log.info(logFields(judged, outcome), 'handshake answered');
  return sendAnswer(judged, outcome);
}

/** Not authentic (401), not readable (4xx) or not processable (5xx): counted, logged, answered. */
export function refused(judged: Judged, outcome: Of<'rejected'> | Of<'invalid'> | Of<'failed'>) {
  const { ctx, connector, request } = judged;
  const log = { ...logFields(judged, outcome), reason: outcome.reason };
  switch (outcome.kind) {
    case 'rejected':
      countRefusal(ctx, connector, 'unauthorized', outcome.reason);
      request.log.warn({ ...log, ip: request.ip }, 'refused: not authentic');
      break;
    case 'invalid':
      countRefusal(ctx, connector, outcome.answer.status === 413 ? 'too_large' : 'invalid', outcome.reason);
      request.log.info(log, 'refused: invalid request');
      break;
    case 'failed':
      countRefusal(ctx, connector, 'failed', outcome.reason);
      request.log.error(log, 'could not process the request');
      break;
  }
  return sendAnswer(judged, outcome);
}
