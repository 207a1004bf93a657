// 8x8 Contact Center: Event Streaming frames forwarded by a relay (the stream itself is a Pulsar WebSocket,
// not an HTTP push), and the Chat Gateway webhook, signed with a detached JWS.
import { defineConnector } from '@openconnect/core';
import { z } from 'zod';
import { chatGateway } from './chat.js';
import { JWS_ALGORITHMS, loadVerificationKey, type VerificationKey } from './jws.js';
import { eventStreaming } from './stream.js';

export const config = z.object({
  /** The shared secret the relay sends in the x-relay-token header. */
  relaySecret: z.string().min(16, 'relaySecret must be at least 16 characters').optional(),
  /** 8x8's Chat Gateway signing key: PEM public key or certificate, JWK, or JWK Set (object or JSON text). */
  publicKey: z
    .union([z.string().min(1), z.record(z.string(), z.unknown())])
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        loadVerificationKey(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** JWS algorithms accepted on x-8x8-signature (asymmetric only). */
  algorithms: z.array(z.enum(JWS_ALGORITHMS)).min(1).default([...JWS_ALGORITHMS]),
});
export type C8x8Config = z.output<typeof config>;

export interface C8x8Services {
  /** The parsed Chat Gateway key, built once per deployment. */
  verificationKey?: VerificationKey;
}

export default defineConnector<C8x8Config, C8x8Services>({
  id: '8x8',
  displayName: '8x8 Contact Center',
  platforms: ['8x8 Contact Center'],
  config,
  // The public key is not a secret; the relay secret is.
  secrets: ['relaySecret'],
  setup: (options) => (options.publicKey === undefined ? {} : { verificationKey: loadVerificationKey(options.publicKey) }),
  sources: [eventStreaming, chatGateway],
});
