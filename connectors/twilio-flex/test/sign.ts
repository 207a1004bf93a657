// The test Auth Token, and requests signed by the connector's own signers (built on the twilio package,
// as Twilio signs): Event Streams' for JSON bodies, the TaskRouter callback's for forms.
import type { InboundRequest } from '@openconnect/core';
import type { TwilioFlexConfig } from '../src/config.js';
import { eventStreams } from '../src/event-streams.js';
import { taskrouter } from '../src/taskrouter.js';

/** An obvious test value, the shape of a Twilio Auth Token (32 hex). */
export const TEST_TOKEN = '0123456789abcdef0123456789abcdef';
/** A test SharedKey secret, for requests a Webhooks Rule has Twilio sign with it instead of the Auth Token. */
export const TEST_SHARED_KEY = 'shared-key-secret-for-tests-7f3a9c';
export const settings = { options: { authToken: TEST_TOKEN, sharedKeySecrets: [TEST_SHARED_KEY] } };

const isJson = (req: InboundRequest) => (req.headers['content-type'] ?? '').includes('json');

/**
 * Signs as Twilio would with `token`, or with `sharedKey` and the header's algorithm when the request
 * carries X-Twilio-Webhooks-Signature-Settings.
 */
export function sign(req: InboundRequest, token = TEST_TOKEN, sharedKey = TEST_SHARED_KEY): InboundRequest {
  const source = isJson(req) ? eventStreams : taskrouter;
  return source.sign!(req, { authToken: token, sharedKeySecrets: [sharedKey] } as TwilioFlexConfig);
}
