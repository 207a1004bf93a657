// Signs recorded requests the way Twilio does, with the twilio package itself, so the tests prove the
// connector accepts what Twilio sends and nothing else.
import type { InboundRequest } from '@openconnect/core';
import twilio from 'twilio';
import { formParams } from '../src/signature.js';

/** An obvious test value, the shape of a Twilio Auth Token (32 hex). */
export const TEST_TOKEN = '0123456789abcdef0123456789abcdef';
export const settings = { options: { authToken: TEST_TOKEN } };

const isJson = (req: InboundRequest) => (req.headers['content-type'] ?? '').includes('json');

/**
 * JSON: add bodySHA256 to the URL and sign the URL alone (Event Streams). Form: sign URL + parameters
 * (TaskRouter callback). A request that already carries a signature is left as it is.
 */
export function sign(req: InboundRequest, token = TEST_TOKEN): InboundRequest {
  if (req.headers['x-twilio-signature']) return req;
  if (isJson(req)) {
    const hash = twilio.getExpectedBodyHash(req.rawBody.toString('utf8'));
    const url = new URL(req.url);
    url.searchParams.set('bodySHA256', hash);
    const signature = twilio.getExpectedTwilioSignature(token, url.toString(), {});
    return {
      ...req,
      url: url.toString(),
      query: { ...req.query, bodySHA256: hash },
      headers: { ...req.headers, 'x-twilio-signature': signature },
    };
  }
  const signature = twilio.getExpectedTwilioSignature(token, req.url, formParams(req.rawBody));
  return { ...req, headers: { ...req.headers, 'x-twilio-signature': signature } };
}
