// The test Auth Token, and requests signed by the connector's own signers (built on the twilio package,
// as Twilio signs): Event Streams' for JSON bodies, the TaskRouter callback's for forms.
import type { InboundRequest } from '@openconnect/core';
import type { TwilioFlexConfig } from '../src/config.js';
import { eventStreams } from '../src/event-streams.js';
import { taskrouter } from '../src/taskrouter.js';

/** An obvious test value, the shape of a Twilio Auth Token (32 hex). */
export const TEST_TOKEN = '0123456789abcdef0123456789abcdef';
export const settings = { options: { authToken: TEST_TOKEN } };

const isJson = (req: InboundRequest) => (req.headers['content-type'] ?? '').includes('json');

/** Signs as Twilio would with `token`. */
export function sign(req: InboundRequest, token = TEST_TOKEN): InboundRequest {
  const source = isJson(req) ? eventStreams : taskrouter;
  return source.sign!(req, { authToken: token } as TwilioFlexConfig);
}
