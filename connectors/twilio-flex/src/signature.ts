// X-Twilio-Signature, checked by Twilio's own library. The URL is req.url: the runner builds it from its
// configured PUBLIC_URL, so it matches what was pasted in Twilio even behind a TLS-terminating proxy.
import { header, type InboundRequest, refused, type VerifyResult, verified } from '@openconnect/core';
import twilio from 'twilio';

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

/** TaskRouter's Workspace callback: the signature covers the URL and every form parameter. */
export function verifyFormSignature(req: InboundRequest, authToken: string): VerifyResult {
  const signature = signatureOf(req);
  if (!signature) return refused('the X-Twilio-Signature header is missing');
  try {
    return twilio.validateRequest(authToken, signature, req.url, formParams(req.rawBody))
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
export function verifyBodySignature(req: InboundRequest, authToken: string): VerifyResult {
  const signature = signatureOf(req);
  if (!signature) return refused('the X-Twilio-Signature header is missing');
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
  return twilio.validateRequestWithBody(authToken, signature, req.url, req.rawBody.toString('utf8'))
    ? verified()
    : mismatch('the URL and the body hash');
}
