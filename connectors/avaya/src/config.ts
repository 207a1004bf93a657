// The Avaya connector's options. Sources and the subscription import them from here; index.ts only assembles.
import { isIPv6 } from 'node:net';
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

/** What the built-in AES DMCC session needs; set one and all are required. */
export const AES_DMCC_OPTIONS = [
  'aesHost',
  'aesUser',
  'aesPassword',
  'aesSwitchName',
  'aesExtensions',
] as const;

/** The header AXP sends the subscription's authToken in, unless authTokenHeader names another (AXP's default). */
export const AXP_AUTH_TOKEN_HEADER = 'auth-token';

/** DMCC's TLS port; the plain-TCP port (4721) is a belief, used only when aesTls is false and no port is set. */
export const AES_TLS_PORT = 4722;
export const AES_TCP_PORT = 4721;

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
      .default(AXP_AUTH_TOKEN_HEADER)
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
    /** The leg of a second agent's offer on an engagement whose event names no reason (a belief: transfer). */
    axpUnmarkedLeg: z.enum(['transfer', 'consult', 'conference']).default('transfer'),
    /** How often the subscription's status is checked (an INACTIVE one is renewed at once). */
    axpCheckIntervalMs: z.number().int().min(50).max(3_600_000).default(60_000),
    axpTokenPath: pathTemplate('axpTokenPath').default(
      '/api/auth/v1/{accountId}/protocol/openid-connect/token',
    ),
    axpSubscriptionsPath: pathTemplate('axpSubscriptionsPath').default(
      '/api/notification/v1/accounts/{accountId}/subscriptions',
    ),

    // The built-in AES DMCC session (subscription `aes-dmcc`): the runner holds a DMCC application session
    // and station monitors itself, so no bridge is needed.
    /** The AES server (host name or address) that serves DMCC. */
    aesHost: z
      .string()
      .min(1)
      .refine(
        (host) => !/[\s/]/.test(host) && (!host.includes(':') || isIPv6(host)),
        'aesHost must be a host name or address, without scheme or port',
      )
      .optional(),
    /** Default 4722 with TLS, 4721 without. */
    aesPort: z.number().int().min(1).max(65_535).optional(),
    /** DMCC over TLS (default); false for plain TCP, which AES must have enabled. */
    aesTls: z.boolean().default(true),
    /** PEM of the CA that signed the AES server certificate (by reference: `file:/run/secrets/aes-ca.pem`). Default: Node's trusted CAs. */
    aesCaCert: z
      .string()
      .regex(/-----BEGIN CERTIFICATE-----/, 'aesCaCert must be PEM text (-----BEGIN CERTIFICATE-----...)')
      .optional(),
    /** Check that the certificate names aesHost (default). false: the chain is still verified, the name is not. */
    aesVerifyServerName: z.boolean().default(true),
    /** The AES user DMCC signs in as (a CTI user). */
    aesUser: z.string().min(1).optional(),
    aesPassword: z.string().min(1).optional(),
    /** The switch connection name of the Communication Manager on AES (e.g. CM1). */
    aesSwitchName: z.string().min(1).optional(),
    /** The station extensions to monitor (one TSAPI basic licence each). */
    aesExtensions: z
      .array(z.string().regex(/^\d{1,16}$/, 'each of aesExtensions must be a station extension (digits)'))
      .min(1, 'aesExtensions must name at least one station extension')
      .transform((list) => [...new Set(list)])
      .optional(),
    /** The DMCC protocol version asked for in StartApplicationSession. */
    aesProtocolVersion: z
      .string()
      .min(1)
      .default('http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7'),
    /** The application session duration asked for, in seconds; it is reset at half of what AES grants. */
    aesSessionDurationS: z.number().int().min(1).max(86_400).default(180),
    /** How long AES keeps the session (and its monitors) after the connection drops, in seconds: a reconnect within it resumes the session. */
    aesSessionCleanupDelayS: z.number().int().min(0).max(86_400).default(60),
    /** Who is at a station: `directory` (extension → login in the directory) or `GetAgentState` (asks AES, polled). */
    aesAgentLogin: z.enum(['directory', 'GetAgentState']).default('directory'),
    /** How often GetAgentState is asked per station when aesAgentLogin is GetAgentState. */
    aesAgentStatePollMs: z.number().int().min(50).max(3_600_000).default(30_000),
    /** How long a DMCC request may wait for its answer before the session is given up and reconnected. */
    aesRequestTimeoutMs: z.number().int().min(50).max(300_000).default(10_000),
  })
  .superRefine((value, ctx) => {
    const aesSet = AES_DMCC_OPTIONS.filter((key) => value[key] !== undefined);
    if (aesSet.length) {
      for (const key of AES_DMCC_OPTIONS) {
        if (value[key] !== undefined) continue;
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: the admin reads the message and the path; zod shows no code
          code: 'custom',
          path: [key],
          message: `${key} is required: the AES DMCC session is configured (${aesSet.join(', ')} set) and needs ${AES_DMCC_OPTIONS.join(', ')}`,
        });
      }
    }
    const set = AXP_UPKEEP_OPTIONS.filter((key) => value[key] !== undefined);
    if (!set.length) return;
    const needed = [...AXP_UPKEEP_OPTIONS, 'authToken'] as const;
    for (const key of needed) {
      if (value[key] !== undefined) continue;
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the admin reads the message and the path; zod shows no code
        code: 'custom',
        path: [key],
        message: `${key} is required: the AXP subscription upkeep is configured (${set.join(', ')} set) and needs ${needed.join(', ')}`,
      });
    }
  });
export type AvayaConfig = z.output<typeof config>;

/** Whether the config asks for the built-in AES DMCC session (the schema made sure it is complete). */
export const aesDmccEnabled = (config: AvayaConfig): boolean =>
  // Stryker disable next-line MethodExpression: the schema lets a config through with all of these or none
  AES_DMCC_OPTIONS.every((key) => config[key] !== undefined);

/** The DMCC port: aesPort, else 4722 with TLS and 4721 without. */
export const aesPortOf = (config: AvayaConfig): number =>
  config.aesPort ?? (config.aesTls ? AES_TLS_PORT : AES_TCP_PORT);

/** Whether the config asks for the built-in AXP subscription upkeep (the schema made sure it is complete). */
export const axpUpkeepEnabled = (config: AvayaConfig): boolean =>
  // Stryker disable next-line MethodExpression: the schema lets a config through with all of these or none
  AXP_UPKEEP_OPTIONS.every((key) => config[key] !== undefined);
