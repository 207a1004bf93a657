// Avaya: Avaya Experience Platform (AXP) notification webhooks, and Avaya Aura AES call events relayed
// by a bridge (AES itself only speaks CSTA over a TCP session, so something must turn it into HTTP).
import { defineConnector } from '@openconnect/core';
import { z } from 'zod';
import { aes } from './aes.js';
import { axp } from './axp.js';

export const config = z.object({
  /** The `transport.authToken` of the AXP subscription; AXP sends it verbatim in the header below. */
  authToken: z.string().min(16, 'authToken must be at least 16 characters').max(256, 'AXP accepts at most 256 characters').optional(),
  /** The `transport.authTokenHeader` of the AXP subscription (AXP's default is auth-token). */
  authTokenHeader: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'authTokenHeader must be a valid HTTP header name')
    .default('auth-token')
    .transform((name) => name.toLowerCase()),
  /** The bearer token the AES bridge sends (Authorization: Bearer <token>). */
  bridgeToken: z.string().min(16, 'bridgeToken must be at least 16 characters').optional(),
});
export type AvayaConfig = z.output<typeof config>;

export default defineConnector({
  id: 'avaya',
  displayName: 'Avaya',
  platforms: ['Avaya Experience Platform', 'Avaya Aura AES'],
  config,
  secrets: ['authToken', 'bridgeToken'],
  // AES first: its detector is strict (CSTA event names end in "Event"); AXP takes the other JSON events.
  sources: [aes, axp],
});
