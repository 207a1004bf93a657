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
    return refused(`X-WebexCC-Signature: ${signed.reason} (is the subscription's secret the one in webexCcSecret?)`);
  }
  const stamp = header(req, TIMESTAMP_HEADER)?.trim();
  if (stamp === undefined) return verified();
  const body = peekJson(req);
  const inBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).comciscotimestamp : undefined;
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
