// The Chat Gateway signs each webhook with a detached JWS (RFC 7515) over the unencoded body (RFC 7797):
// `x-8x8-signature: <protected header>..<signature>`. jose does the verification; this file only loads
// the configured public key and turns jose's errors into reasons an operator can act on.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { refused, type VerifyResult, verified } from '@openconnect/core';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  flattenedVerify,
  type JSONWebKeySet,
  type JWK,
} from 'jose';

/** Asymmetric algorithms only: a public key can never verify an HMAC, and `none` is never acceptable. */
export const JWS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export type VerificationKey = KeyObject | ReturnType<typeof createLocalJWKSet>;

/**
 * Reads the configured key: a PEM public key or certificate, a JWK, or a JWK Set (`{keys: [...]}`, chosen by
 * the header's `kid`), as an object or JSON text. Throws an Error whose message says what is wrong.
 */
export function loadVerificationKey(value: string | Record<string, unknown>): VerificationKey {
  let material: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('-----BEGIN')) {
      if (/PRIVATE KEY/.test(text)) throw new Error('this is a private key; configure the public key only');
      return createPublicKey(text);
    }
    try {
      material = JSON.parse(text);
      // Stryker disable next-line BlockStatement: text that is not JSON stays a string, refused just below with the same message
    } catch {
      throw new Error('publicKey must be a PEM public key, a JWK or a JWK Set');
    }
  }
  if (!material || typeof material !== 'object' || Array.isArray(material)) {
    throw new Error('publicKey must be a PEM public key, a JWK or a JWK Set');
  }
  const keys = (material as { keys?: unknown }).keys;
  const list = Array.isArray(keys) ? keys : [material];
  for (const jwk of list) {
    if (jwk && typeof jwk === 'object' && 'd' in jwk)
      throw new Error('the JWK holds a private key; configure the public key only');
  }
  if (Array.isArray(keys)) return createLocalJWKSet(material as JSONWebKeySet);
  return createPublicKey({ key: material as JWK & Record<string, unknown>, format: 'jwk' });
}

export interface JwsCheck {
  signature: string | undefined;
  body: Buffer;
  key: VerificationKey | undefined;
  algorithms: readonly string[];
}

/** Verifies `header..signature` against the raw body. Never throws. */
export async function verifyDetachedJws({
  signature,
  body,
  key,
  algorithms,
}: JwsCheck): Promise<VerifyResult> {
  if (!key) return refused('no 8x8 public key is configured (publicKey), so every signed request is refused');
  if (!signature) return refused('the x-8x8-signature header is missing');
  const parts = signature.trim().split('.');
  if (parts.length !== 3 || parts[1] !== '' || !parts[0] || !parts[2]) {
    return refused('x-8x8-signature is not a detached JWS (<header>..<signature>)');
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader({ protected: parts[0], signature: parts[2] });
  } catch {
    return refused('the JWS protected header in x-8x8-signature is not readable');
  }
  // Stryker disable next-line ArrayDeclaration: any list without "b64" is refused alike
  const crit = Array.isArray(header.crit) ? header.crit : [];
  if (header.b64 === false && !crit.includes('b64')) {
    return refused('the JWS header sets b64:false without listing "b64" in crit, as RFC 7797 requires');
  }
  // Unencoded (b64:false): the signing input is the body bytes exactly as received.
  const payload = header.b64 === false ? new Uint8Array(body) : body.toString('base64url');
  try {
    const jws = { protected: parts[0], payload, signature: parts[2] };
    // Two calls only because jose types a key-set resolver and a single key as separate overloads.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: both branches make the same call (two only for jose's overload types)
    if (typeof key === 'function') await flattenedVerify(jws, key, { algorithms: [...algorithms] });
    else await flattenedVerify(jws, key, { algorithms: [...algorithms] });
    return verified();
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed)
      return refused('the signature does not match the body');
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return refused(
        `the JWS algorithm ${String(header.alg)} is not allowed (allowed: ${algorithms.join(', ')})`,
      );
    }
    if (error instanceof errors.JWKSNoMatchingKey) {
      return refused(
        `no configured key matches the JWS kid ${String(header.kid)}; add 8x8's current key to publicKey`,
      );
    }
    return refused(`the signature could not be verified: ${(error as Error).message}`);
  }
}
