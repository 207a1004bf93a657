// Five9: every source this platform can send, verified and mapped to OpenConnect drafts.
import { defineConnector } from '@openconnect/core';
import { z } from 'zod';
import { webhook } from './webhook.js';

export const config = z.object({
  /** The shared secret the vendor sends in the x-openconnect-token header. */
  token: z.string().min(16, 'token must be at least 16 characters'),
});
export type Five9Config = z.output<typeof config>;

export default defineConnector({
  id: 'five9',
  displayName: 'Five9',
  platforms: ['Five9'],
  config,
  secrets: ['token'],
  sources: [webhook],
});
