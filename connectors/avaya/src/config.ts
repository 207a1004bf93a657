// The Avaya connector's options. Sources and the subscription import them from here; index.ts only assembles.
import { z } from 'zod';
import { AXP_MAPPED_EVENTS } from './axp-events.js';

/** What the built-in AXP subscription upkeep needs; set one and all are required (plus authToken). */
export const AXP_UPKEEP_OPTIONS = [
  'axpApiUrl',
  'axpAccountId',
  'axpClientId',
  'axpClientSecret',
  'axpAppKey',
] as const;

const httpUrl = z
  .url({
    protocol: /^https?$/,
    error: 'axpApiUrl must be an http(s) URL such as https://na.api.avayacloud.com',
  })
  .transform((url) => url.replace(/\/+$/, ''));
// Paths are Avaya's documented ones; kept configurable in case a region or API version differs.
const pathTemplate = (name: string) =>
  z
    .string()
    .regex(/^\/\S*\{accountId\}\S*$/, `${name} must be a path starting with / that contains {accountId}`);

export const config = z
  .object({
    /** The `transport.authToken` of the AXP subscription; AXP sends it verbatim in the header below. */
    authToken: z
      .string()
      .min(16, 'authToken must be at least 16 characters')
      .max(256, 'AXP accepts at most 256 characters')
      .optional(),
    /** The `transport.authTokenHeader` of the AXP subscription (AXP's default is auth-token). */
    authTokenHeader: z
      .string()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'authTokenHeader must be a valid HTTP header name')
      .default('auth-token')
      .transform((name) => name.toLowerCase()),
    /** The bearer token the AES bridge sends (Authorization: Bearer <token>). */
    bridgeToken: z.string().min(16, 'bridgeToken must be at least 16 characters').optional(),

    // The built-in AXP subscription upkeep (subscription `axp-upkeep`): the runner creates, renews and
    // reactivates the WEBHOOK subscription that points at its own /webhooks/avaya/axp.
    /** The AXP API base URL of the account's region, e.g. https://na.api.avayacloud.com. */
    axpApiUrl: httpUrl.optional(),
    /** The AXP account id (e.g. ZWJJIQ). */
    axpAccountId: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'axpAccountId must be the account id (letters and digits, e.g. ZWJJIQ)')
      .optional(),
    /** The client id of the AXP API client (client-credentials grant). */
    axpClientId: z.string().min(1).optional(),
    axpClientSecret: z.string().min(1).optional(),
    /** The AppKey sent as the `appkey` header on every AXP API call. */
    axpAppKey: z.string().min(1).optional(),
    /** The events to subscribe to; default: the ones this connector maps. */
    axpEvents: z
      .array(z.string().min(1))
      .min(1, 'axpEvents must name at least one event')
      .default([...AXP_MAPPED_EVENTS]),
    axpFamily: z.string().min(1).default('AGENT_ENGAGEMENT'),
    /** How often the subscription's status is checked (an INACTIVE one is renewed at once). */
    axpCheckIntervalMs: z.number().int().min(50).max(3_600_000).default(60_000),
    axpTokenPath: pathTemplate('axpTokenPath').default(
      '/api/auth/v1/{accountId}/protocol/openid-connect/token',
    ),
    axpSubscriptionsPath: pathTemplate('axpSubscriptionsPath').default(
      '/api/notification/v1/accounts/{accountId}/subscriptions',
    ),
  })
  .superRefine((value, ctx) => {
    const set = AXP_UPKEEP_OPTIONS.filter((key) => value[key] !== undefined);
    if (!set.length) return;
    const needed = [...AXP_UPKEEP_OPTIONS, 'authToken'] as const;
    for (const key of needed) {
      if (value[key] !== undefined) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} is required: the AXP subscription upkeep is configured (${set.join(', ')} set) and needs ${needed.join(', ')}`,
      });
    }
  });
export type AvayaConfig = z.output<typeof config>;

/** Whether the config asks for the built-in AXP subscription upkeep (the schema made sure it is complete). */
export const axpUpkeepEnabled = (config: AvayaConfig): boolean =>
  AXP_UPKEEP_OPTIONS.every((key) => config[key] !== undefined);
