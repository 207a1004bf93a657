// The admin API under /admin (JSON, Bearer ADMIN_TOKEN or the dashboard's session cookie): deliveries,
// dead letters, replay, pause, resume, connectors. The operator dashboard is built on it. Nothing here ever
// returns the jwt or a connector secret. This scope owns its body parsing (JSON), its sign-in check and
// the redaction of every answer.
import { type ConnectorRuntime, redact } from '@openconnect/core';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { backupRoute } from '../backup.js';
import { ConfigProblems } from '../config.js';
import type { ServerContext } from '../context.js';
import { dashboardApi } from '../dashboard/api.js';
import { signedInBy, useDashboardSessions } from '../dashboard/session.js';
import type { DeliveryRecord } from '../outbox/types.js';
import { declareReads, sendError } from '../reply.js';
import { describeIssues, readJsonBodies } from './json.js';

export const MAX_LIST = 1000;

const listQuery = z.strictObject({
  status: z.enum(['queued', 'retrying', 'delivered', 'dead']).optional(),
  connector: z.string().min(1).optional(),
  agentid: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST).default(100),
});

const replayBody = z.union([
  z.strictObject({ ids: z.array(z.string().min(1)).min(1).max(MAX_LIST) }),
  z.strictObject({ all: z.literal(true) }),
]);

/** What the vendor console needs: the URL(s) to paste and how the request must authenticate. */
export function describeConnector(runtime: ConnectorRuntime, publicUrl: string) {
  const { connector } = runtime;
  const base = `${publicUrl}/webhooks/${connector.id}`;
  return {
    id: connector.id,
    displayName: connector.displayName,
    platforms: connector.platforms,
    webhookUrl: base,
    sources: connector.sources.map((source) => ({
      id: source.id,
      description: source.description,
      methods: source.methods ?? ['POST'],
      auth: { scheme: source.auth.scheme, summary: source.auth.summary },
      webhookUrl: `${base}/${source.id}`,
    })),
    directoryEntries: runtime.directory.size,
  };
}

/** Registered with the prefix /admin. */
export function admin(ctx: ServerContext): FastifyPluginAsync {
  const { outbox, config } = ctx;
  const token = config.adminToken;
  return async (scope) => {
    await useDashboardSessions(scope, ctx); // before the sign-in check below, which reads the session
    // Writes by cookie must say application/json (below), which a cross-site form cannot.
    readJsonBodies(scope);
    declareReads(scope, 'the admin API reads JSON (content-type: application/json)');

    scope.addHook('onRequest', async (request, reply) => {
      if (!token) return sendError(reply, 403, 'the admin API is disabled: set ADMIN_TOKEN to enable it');
      const credential = await signedInBy(request, token, config.dashboardSession);
      if (!credential) {
        reply.header('www-authenticate', 'Bearer');
        return sendError(reply, 401, 'admin API: send Authorization: Bearer <ADMIN_TOKEN>');
      }
      const json = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
      if (credential === 'cookie' && request.method !== 'GET' && !json)
        return sendError(
          reply,
          415,
          'admin writes from the dashboard must be JSON (content-type: application/json)',
        );
    });
    // Nothing a vendor sent may carry a secret back out through this API.
    scope.addHook('onSend', async (_request, _reply, payload) =>
      typeof payload === 'string' ? redact(payload, config.secrets) : payload,
    );
    await scope.register(dashboardApi(ctx));
    await scope.register(backupRoute(ctx));

    scope.get('/deliveries', async (request, reply) => {
      const query = listQuery.safeParse(request.query);
      if (!query.success) return sendError(reply, 400, describeIssues(query.error));
      const deliveries = await outbox.list(query.data);
      return { deliveries, count: deliveries.length };
    });

    scope.get('/deliveries/:id', async (request, reply) => {
      const record = await outbox.get((request.params as { id: string }).id);
      if (!record) return sendError(reply, 404, 'no delivery with that id');
      return { delivery: record };
    });

    scope.get('/dead-letters', async (request, reply) => {
      const query = listQuery.omit({ status: true }).safeParse(request.query);
      if (!query.success) return sendError(reply, 400, describeIssues(query.error));
      const deadLetters = await outbox.list({ ...query.data, status: 'dead' });
      return { deadLetters, count: deadLetters.length };
    });

    scope.post(
      '/replay',
      { config: { jsonBody: '{"ids": [...]} or {"all": true}' } },
      async (request, reply) => {
        const parsed = replayBody.safeParse(request.body ?? {});
        if (!parsed.success)
          return sendError(
            reply,
            400,
            `expected {"ids": [...]} or {"all": true}: ${describeIssues(parsed.error)}`,
          );
        let replayed = 0;
        if ('ids' in parsed.data) {
          replayed = await outbox.replay(parsed.data.ids);
        } else {
          // Replayed letters leave the dead list, so each pass sees the next batch; bounded in passes.
          for (let pass = 0; pass < 1000; pass++) {
            const batch: DeliveryRecord[] = await outbox.list({ status: 'dead', limit: MAX_LIST });
            if (!batch.length) break;
            const count = await outbox.replay(batch.map((r) => r.id));
            replayed += count;
            if (count === 0 || batch.length < MAX_LIST) break;
          }
        }
        request.log.info({ replayed }, 'admin: dead letters replayed');
        return { replayed };
      },
    );

    scope.post('/pause', { config: { jsonBody: '{"reason": "..."} or empty' } }, async (request) => {
      const given = (request.body as { reason?: unknown } | null | undefined)?.reason;
      const reason =
        typeof given === 'string' && given.trim() ? given.trim().slice(0, 200) : 'paused by an operator';
      outbox.pause(reason);
      request.log.warn({ reason }, 'admin: delivery paused');
      return { paused: true, reason };
    });

    scope.post('/resume', async (request) => {
      const wasPaused = outbox.pausedReason() ?? null;
      outbox.resume();
      request.log.info({ wasPaused }, 'admin: delivery resumed');
      return { resumed: true, wasPaused };
    });

    // Secrets re-read without a restart: a re-generated OpenConnect key or vendor secret in place, then this.
    scope.post('/reload', async (request, reply) => {
      if (!ctx.reload) return sendError(reply, 404, 'this runner cannot reload its configuration');
      try {
        const outcome = ctx.reload();
        request.log.info({ applied: outcome.applied }, 'admin: configuration reloaded');
        return { reloaded: true, ...outcome };
      } catch (error) {
        if (!(error instanceof ConfigProblems)) throw error;
        return sendError(
          reply,
          422,
          `the configuration has ${error.problems.length} problem(s); the running one is kept until they are fixed`,
          { problems: error.problems },
        );
      }
    });

    scope.get('/connectors', async () => ({
      connectors: [...ctx.runtimes.values()].map((r) => describeConnector(r, ctx.publicUrl())),
    }));

    scope.get('/subscriptions', async () => {
      const subscriptions = ctx.subscriptions();
      return { subscriptions, count: subscriptions.length };
    });

    scope.get('/status', async () => {
      const stats = await outbox.stats().catch(() => undefined);
      return {
        outbox: {
          kind: outbox.kind,
          ...(outbox.sync ? { sync: outbox.sync } : {}),
          stats: stats ?? null,
          ...(outbox.warnings?.().length ? { warnings: outbox.warnings() } : {}),
        },
        paused: outbox.pausedReason() ?? null,
        target: ctx.target,
        publicUrl: ctx.publicUrl(),
        connectors: [...ctx.runtimes.keys()],
        subscriptions: ctx.subscriptions().map(({ connector, subscription, status, holding }) => ({
          connector,
          subscription,
          status,
          holding,
        })),
      };
    });
  };
}
