// The token both webhook sources verify, declared once with core's tokenAuth: `Authorization: Bearer
// <token>` or the x-openconnect-token header, compared with option `token`. A deployment that only runs the
// built-in CXone sessions sets no token, and the webhooks then refuse every request.
import { type SourceAuth, tokenAuth } from '@openconnect/core';
import type { InContactConfig } from './config.js';

export const TOKEN_HEADER = 'x-openconnect-token';

/** The token's description, check and signer for one source; `setBy` says who sends it. */
export const relayToken = (setBy: string): SourceAuth<InContactConfig> =>
  tokenAuth<InContactConfig>({
    scheme: 'bearer-token',
    secret: 'token',
    in: [{ bearer: true }, { header: TOKEN_HEADER }],
    setBy,
    refusals: {
      missing: () =>
        `the token is missing: send "Authorization: Bearer <token>" (or the header ${TOKEN_HEADER})`,
      mismatch: 'the token does not match',
      // A deployment that only runs the built-in CXone sessions sets no token: the webhooks refuse all.
      unconfigured: 'no token is configured for the inContact webhooks: set options.token',
    },
  });
