// X-WebexCC-Signature: hex HMAC-SHA256 of the raw body keyed with the subscription secret. V2 subscriptions
// also send X-WebExCC-Timestamp, which must equal the body's comciscotimestamp and be recent (replays).
import {
  header,
  type InboundRequest,
  isFreshTimestamp,
  peekJson,
  refused,
  type VerifyResult,
  verified,
  verifyHmac,
} from '@openconnect/core';
import type { CiscoConfig, CiscoServices } from '../config.js';

export const SIGNATURE_HEADER = 'x-webexcc-signature';
export const TIMESTAMP_HEADER = 'x-webexcc-timestamp';

export function verifyWebex(req: InboundRequest, config: CiscoConfig, services: CiscoServices): VerifyResult {
  if (!config.webexCcSecret) {
    return refused('no webexCcSecret is configured, so every Webex Contact Center request is refused');
  }
  const signed = verifyHmac({
    secret: config.webexCcSecret,
    payload: req.rawBody,
    signature: header(req, SIGNATURE_HEADER),
    algorithm: 'sha256',
    digest: 'hex',
  });
  if (!signed.ok) {
    return refused(
      `X-WebexCC-Signature: ${signed.reason} (is the subscription's secret the one in webexCcSecret?)`,
    );
  }
  const stamp = header(req, TIMESTAMP_HEADER)?.trim();
  const body = peekJson(req);
  const inBody =
    typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>).comciscotimestamp
      : undefined;
  if (stamp === undefined) {
    // A V1 delivery has neither. The header is not signed but the body is: a V2 body whose header was
    // stripped is still held to the window, else a captured delivery could be replayed without it.
    if (inBody === undefined || inBody === null) return verified();
    if (typeof inBody !== 'string' && typeof inBody !== 'number')
      return refused('comciscotimestamp is not a time');
    return isFreshTimestamp(inBody, config.webexCcToleranceMs, services.now())
      ? verified()
      : refused(
          `comciscotimestamp is more than ${Math.round(config.webexCcToleranceMs / 1000)} s from now: a replayed request, or this host's clock is off`,
        );
  }
  if (inBody === undefined || Number(inBody) !== Number(stamp) || !Number.isFinite(Number(stamp))) {
    return refused('X-WebexCC-Timestamp does not equal the body comciscotimestamp');
  }
  if (!isFreshTimestamp(stamp, config.webexCcToleranceMs, services.now())) {
    return refused(
      `X-WebexCC-Timestamp is more than ${Math.round(config.webexCcToleranceMs / 1000)} s from now: a replayed request, or this host's clock is off`,
    );
  }
  return verified();
}
