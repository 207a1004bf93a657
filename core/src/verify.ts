// Authenticity helpers every connector reuses: constant-time compares that never throw on a length
// mismatch, HMAC over the exact bytes received, timestamp windows and static tokens.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { header, type InboundRequest, queryParam } from './request.js';

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export const verified = (): VerifyResult => ({ ok: true });
export const refused = (reason: string): VerifyResult => ({ ok: false, reason });

/** Constant-time string comparison; false (never a throw) when lengths differ or either is missing. */
export function safeCompare(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  // Hashing both sides first gives equal-length buffers, so the length itself is not leaked by timing.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  // Stryker disable next-line ConditionalExpression: equal SHA-256 digests of strings of different lengths would be a collision
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * Constant-time comparison of a received signature with the expected one. Unlike safeCompare it does not hash
 * both sides first: the expected length is no secret (the algorithm and encoding fix it), so a received value
 * of another length is refused at once. Saves two SHA-256 hashes per signed webhook.
 */
function sameDigest(received: string, expected: string): boolean {
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface HmacOptions {
  secret: string | Buffer;
  /** The exact bytes that were signed (usually the raw body, or a vendor's `ts.body` construction). */
  payload: Buffer | string;
  /** The signature as received (header value). */
  signature: string | undefined;
  algorithm?: 'sha1' | 'sha256' | 'sha512';
  digest?: 'hex' | 'base64';
  /** A prefix the vendor puts before the digest, e.g. `sha256=`. */
  prefix?: string;
}

export function hmacDigest(
  secret: string | Buffer,
  payload: Buffer | string,
  algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha256',
  digest: 'hex' | 'base64' = 'hex',
): string {
  return createHmac(algorithm, secret).update(payload).digest(digest);
}

/** Checks an HMAC signature over the raw payload. Hex digests compare case-insensitively. */
export function verifyHmac(options: HmacOptions): VerifyResult {
  const { signature, prefix = '', algorithm = 'sha256', digest = 'hex' } = options;
  if (!signature) return refused('the signature header is missing');
  let received = signature.trim();
  // Stryker disable next-line ConditionalExpression: an empty prefix is a prefix of everything and slicing it off changes nothing
  if (prefix) {
    if (!received.toLowerCase().startsWith(prefix.toLowerCase()))
      return refused(`the signature lacks the "${prefix}" prefix`);
    received = received.slice(prefix.length);
  }
  const expected = hmacDigest(options.secret, options.payload, algorithm, digest);
  const same = sameDigest(digest === 'hex' ? received.toLowerCase() : received, expected);
  return same ? verified() : refused('the signature does not match the body');
}

/**
 * Is a vendor timestamp within the tolerance of now? Accepts epoch seconds, epoch milliseconds or an
 * ISO date. Default tolerance: 5 minutes either way.
 */
export function isFreshTimestamp(
  value: string | number | undefined,
  toleranceMs = 300_000,
  now = Date.now(),
): boolean {
  if (value === undefined || value === '') return false;
  let ms: number;
  const numeric = typeof value === 'number' ? value : Number(value);
  if (Number.isFinite(numeric)) ms = numeric < 1e12 ? numeric * 1000 : numeric;
  else ms = Date.parse(String(value));
  return Number.isFinite(ms) && Math.abs(now - ms) <= toleranceMs;
}

export interface TokenOptions {
  /** The configured secret. A missing one refuses every request (fail closed). */
  expected: string | undefined;
  /** Header carrying the token, e.g. `x-api-key` or `authorization`. */
  header?: string;
  /** Query parameter carrying the token (for vendors that can only send GET). */
  query?: string;
  /** A scheme before the token in the header, e.g. `Bearer`. */
  scheme?: string;
}

/** Checks a static token from a header or query parameter in constant time. */
export function verifyToken(req: InboundRequest, options: TokenOptions): VerifyResult {
  if (!options.expected)
    return refused('no secret is configured for this connector, so every request is refused');
  let received: string | undefined;
  if (options.header) {
    received = header(req, options.header);
    if (received !== undefined && options.scheme) {
      const [scheme, ...rest] = received.trim().split(/\s+/);
      received = scheme?.toLowerCase() === options.scheme.toLowerCase() ? rest.join(' ') : undefined;
    }
  }
  if (received === undefined && options.query) received = queryParam(req, options.query);
  if (received === undefined || received === '') {
    const where = [
      options.header && `header ${options.header}`,
      options.query && `parameter ${options.query}`,
    ]
      .filter(Boolean)
      .join(' or ');
    return refused(`the credential (${where}) is missing`);
  }
  return safeCompare(received, options.expected) ? verified() : refused('the credential does not match');
}
