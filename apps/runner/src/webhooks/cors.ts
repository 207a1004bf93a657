// Opt-in CORS for the webhook routes, for vendors whose events come from an agent's browser (the Cisco
// Finesse gadget with via=direct posts from the Finesse origin with its own x- headers). Nothing is opened
// unless `cors.origins` (or CORS_ORIGINS) lists origins, and then only /webhooks/* answers them.
// Written here rather than taking @fastify/cors: it must cover the webhook routes only, refuse unlisted
// origins with a reason an admin can read, and stay off by default; that is these few lines.
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface CorsConfig {
  /** Exact origins (scheme://host[:port]) allowed to call the webhooks from a browser. */
  origins: string[];
  /** Request headers a browser may send; unset: those the preflight asks for. */
  headers?: string[];
}

const METHODS = 'GET, POST';
const MAX_AGE_S = '600';

/** `https://Finesse.example.com:443/` → `https://finesse.example.com`; undefined if it is not an origin. */
export function normaliseOrigin(text: string): string | undefined {
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

function refuse(reply: FastifyReply, error: string) {
  return reply
    .code(403)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ error }));
}

export function registerCors(app: FastifyInstance, cors: CorsConfig | undefined) {
  if (!cors) return;
  const origins = new Set(cors.origins);
  const allowedHeaders = cors.headers && new Set(cors.headers.map((h) => h.toLowerCase()));

  const preflight = async (
    request: { headers: Record<string, string | string[] | undefined> },
    reply: FastifyReply,
  ) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !origins.has(origin))
      return refuse(
        reply,
        `origin ${String(origin ?? '(none)')} is not allowed: list it in cors.origins (CORS_ORIGINS)`,
      );
    const method = String(request.headers['access-control-request-method'] ?? '').toUpperCase();
    if (method !== 'POST' && method !== 'GET')
      return refuse(reply, `method ${method || '(none)'} is not allowed: webhooks take ${METHODS}`);
    const asked = String(request.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const refused = allowedHeaders ? asked.filter((h) => !allowedHeaders.has(h)) : [];
    if (refused.length)
      return refuse(reply, `header(s) ${refused.join(', ')} not allowed: list them in cors.headers`);
    reply
      .code(204)
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-methods', METHODS)
      .header('vary', 'Origin, Access-Control-Request-Headers')
      .header('access-control-max-age', MAX_AGE_S);
    if (asked.length) reply.header('access-control-allow-headers', asked.join(', '));
    return reply.send();
  };
  app.options('/webhooks/:vendor', preflight);
  app.options('/webhooks/:vendor/:source', preflight);

  // The answer to the request itself must carry the origin too, or the browser hides its status from the
  // page (the gadget then sees a network error and sends the event again).
  app.addHook('onSend', async (request, reply, payload) => {
    const origin = request.headers.origin;
    // Preflights set their own headers (none when refused).
    if (
      request.method !== 'OPTIONS' &&
      typeof origin === 'string' &&
      origins.has(origin) &&
      request.url.startsWith('/webhooks/')
    ) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
    }
    return payload;
  });
}
