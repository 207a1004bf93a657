// X-Twilio-Signature, checked and made by Twilio's own library (the signers beside the verifiers sign
// fixtures and tests as Twilio signs its requests). The URL is req.url: the runner builds it from its
// configured PUBLIC_URL, so it matches what was pasted in Twilio even behind a TLS-terminating proxy.
import { header, type InboundRequest, refused, type VerifyResult, verified } from '@openconnect/core';
import twilio from 'twilio';
import type { TwilioFlexConfig } from './config.js';
import {
  type Algorithm,
  expectedSignature,
  matchesAny,
  SETTINGS_HEADER,
  signingSettings,
} from './signing-key.js';

export const SIGNATURE_HEADER = 'x-twilio-signature';

const mismatch = (what: string) =>
  refused(
    `the X-Twilio-Signature does not match ${what}: check that authToken is this account's Auth Token and that PUBLIC_URL + the webhook path is exactly the URL configured in Twilio`,
  );

/** Form parameters as Twilio signs them: a repeated key keeps all its values. */
export function formParams(body: Buffer): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    const seen = params[key];
    params[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

function signatureOf(req: InboundRequest): string | undefined {
  const value = header(req, SIGNATURE_HEADER);
  return value ? value.trim() : undefined;
}

type Keys = Pick<TwilioFlexConfig, 'authToken' | 'sharedKeySecrets'>;

/** The secrets and hash this request says it was signed with, or why it cannot be checked. */
function keysFor(
  req: InboundRequest,
  config: Keys,
): { secrets: string[]; algorithm: Algorithm } | VerifyResult {
  const settings = signingSettings(req);
  if (settings.by === 'authToken') return { secrets: [config.authToken], algorithm: 'sha1' };
  if (settings.by === 'unknown') return refused(settings.reason);
  if (!config.sharedKeySecrets.length) {
    return refused(
      `the request was signed under a Twilio Webhooks Rule with the SharedKey ${settings.key ?? '(unnamed)'} (${SETTINGS_HEADER}), not the Auth Token: add that key's secret to sharedKeySecrets`,
    );
  }
  return { secrets: config.sharedKeySecrets, algorithm: settings.algorithm };
}

/** The twilio package checks HMAC-SHA1 itself; the SHA-256 of a Webhooks Rule is checked in signing-key.ts. */
function urlSigned(
  keys: { secrets: string[]; algorithm: Algorithm },
  signature: string,
  url: string,
  params: Record<string, string | string[]>,
): boolean {
  if (keys.algorithm === 'sha1') {
    return keys.secrets.some((secret) => twilio.validateRequest(secret, signature, url, params));
  }
  return matchesAny(keys.secrets, keys.algorithm, signature, url, params);
}

/** TaskRouter's Workspace callback: the signature covers the URL and every form parameter. */
export function verifyFormSignature(req: InboundRequest, config: Keys): VerifyResult {
  const signature = signatureOf(req);
  if (!signature) return refused('the X-Twilio-Signature header is missing');
  const keys = keysFor(req, config);
  if ('ok' in keys) return keys;
  try {
    return urlSigned(keys, signature, req.url, formParams(req.rawBody))
      ? verified()
      : mismatch('the URL and form parameters');
  } catch {
    return refused('the request URL could not be read, so the X-Twilio-Signature cannot be checked');
  }
}

/**
 * Event Streams' JSON bodies: Twilio adds `bodySHA256` (hex SHA-256 of the body) to the URL and signs
 * the URL alone; the library checks both. Bytes that are not UTF-8 fail the hash, i.e. are refused.
 */
export function verifyBodySignature(req: InboundRequest, config: Keys): VerifyResult {
  const signature = signatureOf(req);
  if (!signature) return refused('the X-Twilio-Signature header is missing');
  const keys = keysFor(req, config);
  if ('ok' in keys) return keys;
  let bodyHash: string | null;
  try {
    bodyHash = new URL(req.url).searchParams.get('bodySHA256');
  } catch {
    return refused('the request URL could not be read, so the X-Twilio-Signature cannot be checked');
  }
  if (!bodyHash) {
    return refused(
      'the URL has no bodySHA256 parameter; Twilio adds it to signed JSON requests, so this one was not signed by Twilio or the URL was rewritten',
    );
  }
  // The body hash stays SHA-256 whichever key signs the URL.
  return urlSigned(keys, signature, req.url, {}) &&
    twilio.validateBody(req.rawBody.toString('utf8'), bodyHash)
    ? verified()
    : mismatch('the URL and the body hash');
}

/**
 * Signs the URL and parameters as Twilio would: with the Auth Token, or, when the request carries the
 * signature-settings header, with the first SharedKey secret and the header's algorithm.
 */
function signUrl(req: InboundRequest, config: Keys, url: string, params: Record<string, string | string[]>) {
  const settings = signingSettings(req);
  if (settings.by === 'authToken') return twilio.getExpectedTwilioSignature(config.authToken, url, params);
  const secret = config.sharedKeySecrets[0];
  if (settings.by === 'unknown' || !secret) return undefined;
  return expectedSignature(secret, settings.algorithm, url, params);
}

const withSignature = (req: InboundRequest, signature: string | undefined): InboundRequest =>
  signature ? { ...req, headers: { ...req.headers, [SIGNATURE_HEADER]: signature } } : req;

/** Signs a form callback as TaskRouter does: the URL and every form parameter. */
export function signForm(req: InboundRequest, config: Keys): InboundRequest {
  return withSignature(req, signUrl(req, config, req.url, formParams(req.rawBody)));
}

/** Signs a JSON body as Event Streams does: its hash as bodySHA256 in the URL, then the URL alone. */
export function signBody(req: InboundRequest, config: Keys): InboundRequest {
  const hash = twilio.getExpectedBodyHash(req.rawBody.toString('utf8'));
  const url = new URL(req.url);
  url.searchParams.set('bodySHA256', hash);
  const signed = { ...req, url: url.toString(), query: { ...req.query, bodySHA256: hash } };
  return withSignature(signed, signUrl(req, config, url.toString(), {}));
}
