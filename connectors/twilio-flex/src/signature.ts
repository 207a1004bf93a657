// X-Twilio-Signature, checked and made by Twilio's own library (the signers beside the verifiers sign
// fixtures and tests as Twilio signs its requests). The URL is req.url: the runner builds it from its
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

/** Signs a form callback as TaskRouter does: the URL and every form parameter, keyed by the Auth Token. */
export function signForm(req: InboundRequest, authToken: string): InboundRequest {
  const signature = twilio.getExpectedTwilioSignature(authToken, req.url, formParams(req.rawBody));
  return { ...req, headers: { ...req.headers, [SIGNATURE_HEADER]: signature } };
}

/** Signs a JSON body as Event Streams does: its hash as bodySHA256 in the URL, then the URL alone. */
export function signBody(req: InboundRequest, authToken: string): InboundRequest {
  const hash = twilio.getExpectedBodyHash(req.rawBody.toString('utf8'));
  const url = new URL(req.url);
  url.searchParams.set('bodySHA256', hash);
  const signature = twilio.getExpectedTwilioSignature(authToken, url.toString(), {});
  return {
    ...req,
    url: url.toString(),
    query: { ...req.query, bodySHA256: hash },
    headers: { ...req.headers, [SIGNATURE_HEADER]: signature },
  };
}
