// The connector's options, flat so every secret is a top-level key the runtime can redact.
// Each source refuses every request until its own secret is set, so one deployment can run just one platform.
import { DEFAULT_STATE_TTL_MS } from '@openconnect/core';
import { z } from 'zod';
import { CLOUD_MEDIA, GENESYS_ID } from './cloud-events.js';
import { cloudNotifyProblems } from './cloud-notifications/topics.js';
import { EIC_STATE_NUMBERS, icwsProblems } from './icws/settings.js';
import { workspaceAgent, workspaceProblems } from './workspace/settings.js';

/** The header the Genesys Cloud sources read their API key from, unless cloudApiKeyHeader renames it. */
export const CLOUD_API_KEY_HEADER = 'x-api-key';

const secret = (name: string) => z.string().min(16, `${name} must be at least 16 characters`).optional();
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const config = z
  .object({
    /** Genesys Cloud (EventBridge API destination and notification relay): the connection's API-key value. */
    cloudApiKey: secret('cloudApiKey'),
    /** The API-key header name set on the EventBridge connection (case-insensitive). */
    cloudApiKeyHeader: z.string().min(1).default(CLOUD_API_KEY_HEADER),
    /** Process Automation data actions: their own key; falls back to cloudApiKey. */
    workflowApiKey: secret('workflowApiKey'),
    /** OAuth client-credentials app with the user-view permission, for userId → login. Optional. */
    cloudClientId: z.string().min(1).optional(),
    cloudClientSecret: z.string().min(1).optional(),
    /** Your org's region hosts, e.g. https://login.mypurecloud.de and https://api.mypurecloud.de. */
    cloudLoginUrl: httpUrl.default('https://login.mypurecloud.com'),
    cloudApiUrl: httpUrl.default('https://api.mypurecloud.com'),
    /** Which user field is the OpenConnect agent login. */
    cloudLoginField: z.enum(['username', 'email']).default('username'),
    /** How long a resolved userId → login stays cached. */
    cloudUserCacheTtlMs: z
      .number()
      .int()
      .positive()
      .default(60 * 60 * 1000),
    /** Users API request timeout. */
    cloudTimeoutMs: z.number().int().positive().default(5_000),
    // Built-in notification session (subscription `cloud-notifications`): the runner holds a Genesys Cloud
    // notification channel itself, with cloudClientId/cloudClientSecret. See cloudNotifyProblems below.
    /** Queues whose conversations are watched (v2.routing.queues.{id}.conversations): ids, or exact names resolved at start-up. */
    cloudNotifyQueues: z.array(z.string().trim().min(1)).default([]),
    /** Users whose own conversations are watched (v2.users.{id}.conversations.{media}): user ids. */
    cloudNotifyUsers: z
      .array(z.string().regex(GENESYS_ID, 'must be a Genesys Cloud user id (a GUID)'))
      .default([]),
    /** Which media pop, on both paths: calls by default; chats, messages, callbacks, emails opt in. */
    cloudNotifyMedia: z.array(z.enum(CLOUD_MEDIA)).min(1).default(['calls']),
    /** No frame on a socket (heartbeat included) for this long: it is dropped and the session reconnects. */
    cloudNotifyHeartbeatTimeoutMs: z.number().int().min(1_000).default(90_000),
    /** After a reconnect, fetch the conversations still in progress over REST, so a change missed during the gap pops. */
    cloudNotifyCatchUp: z.boolean().default(true),
    // (end of the notification session's options)
    /** PureConnect (ICWS relay): sent as `Authorization: Bearer <token>`. */
    pureconnectToken: secret('pureconnectToken'),
    // Built-in ICWS session (subscription `pureconnect-icws`): the runner logs in to ICWS itself and watches
    // the queues below, no relay needed. Rules across these options: icwsProblems (src/icws/settings.ts).
    /** The ICWS base URL, e.g. https://cic1.example.com:8019 (http: port 8018). */
    pureconnectServer: httpUrl.optional(),
    /** More servers to try in order when the first cannot answer (the other server of a switchover pair). */
    pureconnectAlternateServers: z.array(httpUrl).default([]),
    /** The application name ICWS shows for the session. */
    pureconnectApplicationName: z.string().trim().min(1).default('OpenConnect runner'),
    /** The IC user id the session logs in as (needs the ICWS licence and view rights on the watched queues). */
    pureconnectUser: z.string().trim().min(1).optional(),
    /** That user's password. Secret. */
    pureconnectPassword: z.string().min(1).optional(),
    /** User queues to watch (IC user ids): one queue subscription each, so the agent is known. */
    pureconnectUserQueues: z.array(z.string().trim().min(1)).default([]),
    /** Workgroup queues to watch (workgroup names), in one queue subscription. */
    pureconnectWorkgroupQueues: z.array(z.string().trim().min(1)).default([]),
    /** More interaction attributes to subscribe to (custom ones); they arrive as props under their own names. */
    pureconnectAttributes: z.array(z.string().trim().min(1)).default([]),
    /** Server-sent events when ICWS offers messaging version 2 (auto), always (sse), or short polling (poll). */
    pureconnectMessaging: z.enum(['auto', 'sse', 'poll']).default('auto'),
    /** Short polling interval. */
    pureconnectPollIntervalMs: z.number().int().min(100).default(1_000),
    /** How long ICWS keeps an idle session (belief); with SSE a keep-alive request is sent before it runs out. */
    pureconnectSessionTimeoutMs: z.number().int().min(1_000).default(120_000),
    /** Nothing on the event stream (not even a ping) for this long: the stream is reopened. */
    pureconnectStreamTimeoutMs: z.number().int().min(1_000).default(90_000),
    /** Eic_State sent as a number → its letter (belief; see EIC_STATE_NUMBERS), on the relay path too. */
    pureconnectStateNumbers: z
      .record(
        z.string().regex(/^\d+$/, 'must be a number'),
        z.string().regex(/^[A-Za-z]$/, 'must be one Eic_State letter'),
      )
      .default(EIC_STATE_NUMBERS),
    // (end of the ICWS session's options)
    // Built-in Workspace API session (subscription `pureengage-workspace`): the runner signs each agent in to
    // the Workspace API itself and reads its voice channel, no relay needed. One session per agent. Rules
    // across these options: workspaceProblems (src/workspace/settings.ts).
    /** The Workspace API base URL (your region's API host): {url}/workspace/v3/... */
    pureengageApiUrl: httpUrl.optional(),
    /** The Authentication API base URL ({url}/auth/v3/oauth/token), when it is not pureengageApiUrl. */
    pureengageAuthUrl: httpUrl.optional(),
    /** The API key Genesys issued, sent as x-api-key on every request. Secret. */
    pureengageApiKey: z.string().min(1).optional(),
    /** The OAuth client (Basic auth on the token request). */
    pureengageClientId: z.string().trim().min(1).optional(),
    /** That client's secret. Secret. */
    pureengageClientSecret: z.string().min(1).optional(),
    /** The agents: { username (tenant\user), password (secret, by reference), dn, agentId? } each. */
    pureengageAgents: z.array(workspaceAgent).default([]),
    /** How long the initialization may take (until /workspace/v3/initialization says Complete). */
    pureengageInitTimeoutMs: z.number().int().min(100).default(30_000),
    /** How long beyond the long-poll hold a CometD request may take before it counts as failed. */
    pureengageNetworkDelayMs: z.number().int().min(100).default(10_000),
    /** CometD connects failing (network, 5xx) for this long end the session, which is initialized again. */
    pureengageRetryWindowMs: z.number().int().min(1_000).default(60_000),
    /** After each initialization, read GET /workspace/v3/current-session for calls that changed meanwhile (belief). */
    pureengageSnapshot: z.boolean().default(true),
    /** POST /workspace/v3/logout when the runner ends a session (stop, a failure on its side) (belief). */
    pureengageLogout: z.boolean().default(true),
    // (end of the Workspace API session's options)
    /** PureEngage (Workspace API relay): sent as `Authorization: Bearer <token>`. */
    pureengageToken: secret('pureengageToken'),
    /** The header in which a PureConnect or PureEngage relay names the agent. */
    relayAgentHeader: z.string().min(1).default('x-genesys-agent'),
    /** How long per-interaction state (PureConnect deltas, call states) is kept. */
    stateTtlMs: z.number().int().positive().default(DEFAULT_STATE_TTL_MS),
  })
  .superRefine((options, ctx) => {
    for (const problem of cloudNotifyProblems(options))
      ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    for (const problem of icwsProblems(options))
      ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    for (const problem of workspaceProblems(options))
      ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
  });

export type GenesysConfig = z.output<typeof config>;

export const SECRET_KEYS = [
  'cloudApiKey',
  'workflowApiKey',
  'cloudClientSecret',
  'pureconnectToken',
  'pureconnectPassword',
  'pureengageToken',
  'pureengageApiKey',
  'pureengageClientSecret',
  // Each agent's own password (one Workspace session per agent).
  'pureengageAgents.*.password',
];
