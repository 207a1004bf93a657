// The admin API (JSON, Bearer ADMIN_TOKEN): deliveries, dead letters, replay, resume, connectors. The
// operator dashboard is built on it. Nothing here ever returns the jwt or a connector secret.
import { type ConnectorRuntime, redact } from '@openconnect/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { registerDashboardApi } from './dashboard/routes.js';
import { isOperator } from './dashboard/session.js';
import type { DeliveryRecord } from './outbox/types.js';
import type { ServerContext } from './server.js';

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

function send(reply: FastifyReply, status: number, body: unknown) {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(body));
}

const problem = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

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

function parseJsonBody(request: FastifyRequest): unknown {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  if (!raw.trim()) return {};
  return JSON.parse(raw);
}

export function registerAdmin(app: FastifyInstance, ctx: ServerContext) {
  const { outbox, config } = ctx;
  const token = config.adminToken;

  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request, reply) => {
        if (!token)
          return send(reply, 403, { error: 'the admin API is disabled: set ADMIN_TOKEN to enable it' });
        if (!isOperator(request.headers, token)) {
          reply.header('www-authenticate', 'Bearer');
          return send(reply, 401, { error: 'admin API: send Authorization: Bearer <ADMIN_TOKEN>' });
        }
        const byCookie = !request.headers.authorization;
        const json = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
        if (byCookie && request.method !== 'GET' && !json) {
          return send(reply, 415, {
            error: 'admin writes from the dashboard must be JSON (content-type: application/json)',
          });
        }
      });
      // Nothing a vendor sent may carry a secret back out through this API.
      admin.addHook('onSend', async (_request, _reply, payload) =>
        typeof payload === 'string' ? redact(payload, config.secrets) : payload,
      );
      registerDashboardApi(admin, ctx);

      admin.get('/deliveries', async (request, reply) => {
        const query = listQuery.safeParse(request.query);
        if (!query.success) return send(reply, 400, { error: problem(query.error) });
        const deliveries = await outbox.list(query.data);
        return send(reply, 200, { deliveries, count: deliveries.length });
      });

      admin.get('/deliveries/:id', async (request, reply) => {
        const record = await outbox.get((request.params as { id: string }).id);
        if (!record) return send(reply, 404, { error: 'no delivery with that id' });
        return send(reply, 200, { delivery: record });
      });

      admin.get('/dead-letters', async (request, reply) => {
        const query = listQuery.omit({ status: true }).safeParse(request.query);
        if (!query.success) return send(reply, 400, { error: problem(query.error) });
        const deadLetters = await outbox.list({ ...query.data, status: 'dead' });
        return send(reply, 200, { deadLetters, count: deadLetters.length });
      });

      admin.post('/replay', async (request, reply) => {
        let body: unknown;
        try {
          body = parseJsonBody(request);
        } catch {
          return send(reply, 400, { error: 'the body must be JSON: {"ids": [...]} or {"all": true}' });
        }
        const parsed = replayBody.safeParse(body);
        if (!parsed.success)
          return send(reply, 400, {
            error: `expected {"ids": [...]} or {"all": true}: ${problem(parsed.error)}`,
          });
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
        return send(reply, 200, { replayed });
      });

      admin.post('/pause', async (request, reply) => {
        let reason = 'paused by an operator';
        try {
          const body = parseJsonBody(request) as { reason?: unknown };
          if (typeof body?.reason === 'string' && body.reason.trim())
            reason = body.reason.trim().slice(0, 200);
        } catch {
          return send(reply, 400, { error: 'the body must be JSON: {"reason": "..."} or empty' });
        }
        outbox.pause(reason);
        request.log.warn({ reason }, 'admin: delivery paused');
        return send(reply, 200, { paused: true, reason });
      });

      admin.post('/resume', async (request, reply) => {
        const wasPaused = outbox.pausedReason() ?? null;
        outbox.resume();
        request.log.info({ wasPaused }, 'admin: delivery resumed');
        return send(reply, 200, { resumed: true, wasPaused });
      });

      admin.get('/connectors', async (_request, reply) => {
        const connectors = [...ctx.runtimes.values()].map((r) => describeConnector(r, ctx.publicUrl()));
        return send(reply, 200, { connectors });
      });

      admin.get('/subscriptions', async (_request, reply) => {
        const subscriptions = ctx.subscriptions();
        return send(reply, 200, { subscriptions, count: subscriptions.length });
      });

      admin.get('/status', async (_request, reply) => {
        const stats = await outbox.stats().catch(() => undefined);
        return send(reply, 200, {
          outbox: { kind: outbox.kind, ...(outbox.sync ? { sync: outbox.sync } : {}), stats: stats ?? null },
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
        });
      });
    },
    { prefix: '/admin' },
  );
}
