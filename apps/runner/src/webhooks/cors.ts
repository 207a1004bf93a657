// Opt-in CORS for the webhook routes, for vendors whose events come from an agent's browser (the Cisco
// Finesse gadget with via=direct posts from the Finesse origin with its own x- headers). Nothing is opened
// unless `cors.origins` (or CORS_ORIGINS) lists origins, and then only /webhooks/* answers them: @fastify/cors
// is registered in the webhook scope alone. What it does not do by itself is refuse: a preflight from an
// unlisted origin, for another method or with an unlisted header gets a 403 whose reason an admin can read.
import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';

export interface CorsConfig {
  /** Exact origins (scheme://host[:port]) allowed to call the webhooks from a browser. */
  origins: string[];
  /** Request headers a browser may send; unset: those the preflight asks for. */
  headers?: string[];
}

const METHODS = ['GET', 'POST'];
const MAX_AGE_S = 600;

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

/** A preflight this runner does not allow; answered 403 with the reason, without any CORS header. */
export class CorsRefused extends Error {
  readonly statusCode = 403;
}

/** @fastify/cors options for the webhook scope: the listed origins, and preflights checked one by one. */
export function webhookCors(cors: CorsConfig): FastifyCorsOptions {
  const origin = [...new Set(cors.origins)];
  const allowedHeaders = cors.headers && new Set(cors.headers.map((h) => h.toLowerCase()));
  // A request that is not a preflight gets the origin on its answer when it is listed (or the browser hides
  // the status from the page, and the gadget sends the event again); nothing otherwise.
  const answer: FastifyCorsOptions = { origin };
  return {
    delegator: async (request: FastifyRequest) => {
      if (request.method !== 'OPTIONS') return answer;
      const asked = checkPreflight(request, origin, allowedHeaders);
      return {
        origin,
        methods: METHODS,
        maxAge: MAX_AGE_S,
        ...(asked.length ? { allowedHeaders: asked } : {}),
      };
    },
  };
}

/** The headers a preflight asks for (lower case), or throws CorsRefused saying what is not allowed. */
function checkPreflight(
  request: FastifyRequest,
  origins: string[],
  allowedHeaders: Set<string> | undefined,
): string[] {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || !origins.includes(origin))
    throw new CorsRefused(
      `origin ${String(origin ?? '(none)')} is not allowed: list it in cors.origins (CORS_ORIGINS)`,
    );
  const method = String(request.headers['access-control-request-method'] ?? '').toUpperCase();
  if (!METHODS.includes(method))
    throw new CorsRefused(`method ${method || '(none)'} is not allowed: webhooks take ${METHODS.join(', ')}`);
  const asked = String(request.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const refused = allowedHeaders ? asked.filter((h) => !allowedHeaders.has(h)) : [];
  if (refused.length)
    throw new CorsRefused(`header(s) ${refused.join(', ')} not allowed: list them in cors.headers`);
  return asked;
}
