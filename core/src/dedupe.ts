// Dedupe keys: what makes two messages the same event, so the host's outbox stores it once. A draft's own
// dedupeId wins, then the source's event id; a request that has neither can still be retried byte for byte
// (a proxy or load balancer that lost the 2xx sends it again), so the host may key it by its bytes.
import { createHash } from 'node:crypto';
import type { Draft } from './mapping.js';
import type { InboundRequest } from './request.js';

/** A request's bytes as a key, and how long the host remembers it. */
export interface IdenticalRequest {
  digest: string;
  windowMs: number;
}

/**
 * A digest of what the vendor sent: method, path and query, body. Not the host name (replicas behind one
 * load balancer see the same request under different names) nor headers (a proxy adds its own).
 */
export function identicalRequest(
  req: InboundRequest,
  windowMs: number | undefined,
): IdenticalRequest | undefined {
  if (!windowMs || windowMs <= 0) return undefined;
  let target = req.url;
  try {
    const url = new URL(req.url, 'http://host.invalid');
    target = url.pathname + url.search;
  } catch {
    // Not a URL: its text as it is.
  }
  // Method and path cannot hold a newline, so the body's bytes start at an unambiguous place.
  const digest = createHash('sha256')
    .update(`${req.method.toUpperCase()} ${target}\n`)
    .update(req.rawBody)
    .digest('base64url');
  return { digest: `sha256=${digest}`, windowMs };
}

/** The key of one message: by the draft's dedupeId, the event id, or the request's bytes (numbered when several). */
export function dedupeKeyOf(
  prefix: string,
  draft: Draft,
  index: number,
  count: number,
  by: { eventId?: string; identical?: () => IdenticalRequest | undefined },
): { dedupeKey?: string; dedupeWindowMs?: number } {
  const numbered = count > 1 ? `#${index}` : '';
  if (draft.dedupeId) return { dedupeKey: `${prefix}/${draft.dedupeId}` };
  if (by.eventId) return { dedupeKey: `${prefix}/${by.eventId}${numbered}` };
  // A digest is worked out only here, when neither id names the message.
  const identical = by.identical?.();
  if (identical)
    return { dedupeKey: `${prefix}/${identical.digest}${numbered}`, dedupeWindowMs: identical.windowMs };
  return {};
}
