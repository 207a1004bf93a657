// X-WebexCC-Signature: hex HMAC-SHA256 of the raw body keyed with the subscription secret, declared once
// (core's hmacAuth gives the description, the header, the check and the signer). V2 subscriptions also send
// X-WebExCC-Timestamp, which must equal the body's comciscotimestamp when the body has one, and be recent
// (replays; the header alone decides for an event without comciscotimestamp): Webex's own
// window on top of the signature, so the source keeps this verifier and signs with the declaration's signer.
import {
  hmacAuth,
  header,
  type InboundRequest,
  isFreshTimestamp,
  peekJson,
  refused,
  type SourceAuth,
  type VerifyResult,
  verified,
} from '@openconnect/core';
import type { CiscoConfig, CiscoServices } from '../config.js';

export const SIGNATURE_HEADER = 'x-webexcc-signature';
export const TIMESTAMP_HEADER = 'x-webexcc-timestamp';

const signature = hmacAuth<CiscoConfig>({
  secret: 'webexCcSecret',
  header: SIGNATURE_HEADER,
  setBy: "given as the subscription's secret when it was created",
});

/** What the webex-cc source spreads in: the signature's description and signer, and Webex's verifier. */
export const webexAuth: SourceAuth<CiscoConfig> = {
  auth: signature.auth,
  sign: signature.sign,
  verify: (req, { config, services }) => verifyWebex(req, config, services),
};

export async function verifyWebex(
  req: InboundRequest,
  config: CiscoConfig,
  services: CiscoServices,
): Promise<VerifyResult> {
  if (!config.webexCcSecret) {
    return refused('no webexCcSecret is configured, so every Webex Contact Center request is refused');
  }
  const signed = await signature.verify(req, { config, services });
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
  if (!Number.isFinite(Number(stamp)) || stamp === '') {
    return refused('X-WebexCC-Timestamp is not a time in epoch milliseconds');
  }
  // Some V2 events carry no comciscotimestamp in their body: the header alone then holds the replay window.
  // When the body has one, the two must agree (the header is not signed, the body is).
  if (inBody !== undefined && inBody !== null && Number(inBody) !== Number(stamp)) {
    return refused('X-WebexCC-Timestamp does not equal the body comciscotimestamp');
  }
  if (!isFreshTimestamp(stamp, config.webexCcToleranceMs, services.now())) {
    return refused(
      `X-WebexCC-Timestamp is more than ${Math.round(config.webexCcToleranceMs / 1000)} s from now: a replayed request, or this host's clock is off`,
    );
  }
  return verified();
}
