// What load balancers and Prometheus ask: /healthz (the process answers), /readyz (the store answers; pauses,
// a store that can lose events and vendor sessions down are warnings) and /metrics, unless metricsPort gives
// it a listener of its own (server.ts). Read-only: these scopes take no body.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from './context.js';
import { withTimeout } from './timeout.js';

export function health(ctx: ServerContext): FastifyPluginAsync {
  const { outbox } = ctx;
  return async (scope) => {
    scope.get('/healthz', async () => ({ status: 'ok' }));

    scope.get('/readyz', async (_request, reply) => {
      const stored = await withTimeout(outbox.ping(), ctx.config.limits.storeTimeoutMs, 'the outbox').catch(
        () => false,
      );
      if (!stored)
        return reply
          .code(503)
          .send({ status: 'not ready', problems: [`the ${outbox.kind} outbox does not answer`] });
      // A delivery pause (401) is reported, not made a failure: intake still stores events durably, and
      // taking every replica out of the load balancer would turn a pause into lost webhooks.
      const paused = outbox.pausedReason();
      const warnings = [...(paused ? [`delivery is paused: ${paused}`] : []), ...(outbox.warnings?.() ?? [])];
      // A vendor session down is a warning too: webhooks are still taken, and another replica cannot help.
      for (const s of ctx.subscriptions()) {
        if (s.holding && s.status !== 'connected')
          warnings.push(
            `subscription ${s.connector}/${s.subscription} is ${s.status}${s.detail ? `: ${s.detail}` : ''}`,
          );
      }
      return {
        status: 'ready',
        outbox: outbox.kind,
        target: ctx.target.emulator ? 'emulator' : 'openconnect',
        ...(warnings.length ? { warnings } : {}),
      };
    });

    if (ctx.config.metricsPort === undefined) await scope.register(metricsRoute(ctx));
  };
}

/** GET /metrics: Prometheus text. */
export function metricsRoute({ metrics }: Pick<ServerContext, 'metrics'>): FastifyPluginAsync {
  return async (scope) => {
    scope.get('/metrics', async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  };
}
