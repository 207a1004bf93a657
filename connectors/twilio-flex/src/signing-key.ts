// Which key signed a request, and with which hash. By default Twilio signs with the Auth Token and
// HMAC-SHA1; when a Webhooks Rule matches the URL it signs with the rule's SharedKey and the Setting's
// algorithm instead, and says so in the X-Twilio-Webhooks-Signature-Settings header
// (`key=<SharedKey>,algorithm=HMAC_SHA256`). The signed string is unchanged: the URL, then the sorted
// parameters. The twilio package installed here (6.2) predates that header: its getExpectedTwilioSignature
// is HMAC-SHA1 only, so the SHA-256 variant is computed here, the way the package builds the string, and
// should give way to the package's own helper once it is upgraded.
import { createHmac } from 'node:crypto';
import { header, type InboundRequest, safeCompare } from '@openconnect/core';

export const SETTINGS_HEADER = 'x-twilio-webhooks-signature-settings';

/** Twilio's algorithm names (Webhook Settings' signature.algorithm) → node's hash names. */
const ALGORITHMS: Readonly<Record<string, 'sha1' | 'sha256'>> = {
  HMAC_SHA1: 'sha1',
  HMAC_SHA256: 'sha256',
};

export type Algorithm = 'sha1' | 'sha256';

/** How a request says it was signed: absent → the Auth Token and HMAC-SHA1. */
export type SigningSettings =
  | { by: 'authToken' }
  | { by: 'sharedKey'; key: string | undefined; algorithm: Algorithm }
  | { by: 'unknown'; reason: string };

/** Reads X-Twilio-Webhooks-Signature-Settings (`key=…,algorithm=…`, in any order, names in any case). */
export function signingSettings(req: InboundRequest): SigningSettings {
  const value = header(req, SETTINGS_HEADER)?.trim();
  if (!value) return { by: 'authToken' };
  const fields = new Map<string, string>();
  for (const part of value.split(',')) {
    const at = part.indexOf('=');
    // Stryker disable next-line EqualityOperator: a part starting with = sets the field "", which is never read
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const named = fields.get('algorithm') ?? '';
  const algorithm = ALGORITHMS[named.toUpperCase().replace(/-/g, '_')];
  if (!algorithm) {
    return {
      by: 'unknown',
      reason: `the ${SETTINGS_HEADER} header names the algorithm "${named.slice(0, 40)}", not one of ${Object.keys(ALGORITHMS).join(', ')}`,
    };
  }
  return { by: 'sharedKey', key: fields.get('key') || undefined, algorithm };
}

/** The parameters as Twilio's string has them: sorted keys, a repeated key's values de-duplicated and sorted. */
function signedString(url: string, params: Record<string, string | string[]>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!;
    for (const one of Array.isArray(value) ? [...new Set(value)].sort() : [value]) data += key + one;
  }
  return data;
}

export function expectedSignature(
  secret: string,
  algorithm: Algorithm,
  url: string,
  params: Record<string, string | string[]>,
): string {
  // Stryker disable next-line StringLiteral: Buffer.from reads a string as UTF-8 when no encoding is named
  const data = Buffer.from(signedString(url, params), 'utf8');
  return createHmac(algorithm, secret).update(data).digest('base64');
}

/**
 * The URL with and without its default port, as received and as `new URL()` writes it: the forms the
 * twilio package's validateRequest accepts, since Twilio signs the URL as configured.
 */
function urlForms(url: string): string[] {
  const forms = new Set<string>();
  for (const candidate of [url, new URL(url).toString()]) {
    const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(candidate);
    if (!match) {
      forms.add(candidate);
      continue;
    }
    const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
    const user = authority.slice(0, authority.lastIndexOf('@') + 1);
    const hostPort = authority.slice(user.length);
    const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
    const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    const port =
      colon === -1 ? (scheme.toLowerCase() === 'https://' ? ':443' : ':80') : hostPort.slice(colon);
    forms.add(scheme + user + host + rest);
    forms.add(scheme + user + host + port + rest);
  }
  return [...forms];
}

/** Does `signature` match any of the secrets over any accepted form of the URL? Throws on an unreadable URL. */
export function matchesAny(
  secrets: readonly string[],
  algorithm: Algorithm,
  signature: string,
  url: string,
  params: Record<string, string | string[]>,
): boolean {
  const forms = urlForms(url);
  return secrets.some((secret) =>
    forms.some((form) => safeCompare(signature, expectedSignature(secret, algorithm, form, params))),
  );
}
