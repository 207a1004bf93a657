// Cisco: every source this platform can send, verified and mapped to OpenConnect drafts.
import { defineConnector } from '@openconnect/core';
import { z } from 'zod';
import { webhook } from './webhook.js';

export const config = z.object({
  /** The shared secret the vendor sends in the x-openconnect-token header. */
  token: z.string().min(16, 'token must be at least 16 characters'),
});
export type CiscoConfig = z.output<typeof config>;

export default defineConnector({
  id: 'cisco',
  displayName: 'Cisco',
  platforms: ['Cisco'],
  config,
  secrets: ['token'],
  sources: [webhook],
});
