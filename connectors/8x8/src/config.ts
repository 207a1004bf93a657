// The 8x8 connector's options, in their own module so the sources and the event-stream session import
// them without going through index.ts (which imports them: a cycle otherwise).
import { z } from 'zod';
import { JWS_ALGORITHMS, loadVerificationKey, type VerificationKey } from './jws.js';
import type { AgentLookup } from './agents.js';

/** 8x8's Pulsar WebSocket hosts, by the region names in 8x8's connection guide (UK3, US1, US2). */
export const STREAM_REGIONS = {
  euw2: 'wss://pulsar-ws-euw2.8x8.com',
  use1: 'wss://pulsar-ws-use1.8x8.com',
  usw2: 'wss://pulsar-ws-usw2.8x8.com',
} as const;
export type StreamRegion = keyof typeof STREAM_REGIONS;

/** Pulsar's consumer subscription types (query `subscriptionType`). */
export const SUBSCRIPTION_TYPES = ['Exclusive', 'Failover', 'Shared', 'Key_Shared'] as const;

const wsUrl = z
  .string()
  .url()
  .refine((value) => /^wss?:\/\//.test(value), 'must be a ws:// or wss:// URL');

export const config = z
  .object({
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
    algorithms: z
      .array(z.enum(JWS_ALGORITHMS))
      .min(1)
      .default([...JWS_ALGORITHMS]),

    // The runner's own Event Streaming consumer (subscription `event-stream`).
    /** The Contact Center tenant name (the Pulsar tenant in the topic path). */
    streamTenant: z.string().min(1).optional(),
    /** Admin Console API key (`eght_...`, product "Pulsar Event Stream") or a CC token, sent as X-API-Key. */
    streamApiKey: z.string().min(1).optional(),
    /** Which 8x8 host: euw2 (UK3), use1 (US1), usw2 (US2). */
    streamRegion: z.enum(Object.keys(STREAM_REGIONS) as [StreamRegion, ...StreamRegion[]]).optional(),
    /** Overrides streamRegion with a base URL (wss://host[:port]); an emulator's ws://127.0.0.1:port in tests. */
    streamUrl: wsUrl.optional(),
    /** The durable subscription's name: 8x8 keeps unacknowledged events for it while the runner is away. */
    streamSubscription: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'streamSubscription may hold letters, digits, ".", "_" and "-"')
      .default('openconnect-runner'),
    /** `all`, or one event type (a topic of its own, e.g. InteractionAccepted). */
    streamTopic: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'streamTopic is "all" or an event type such as InteractionAccepted')
      .default('all'),
    /** Failover: one consumer at a time gets every event, in order; another replica waits as standby. */
    streamSubscriptionType: z.enum(SUBSCRIPTION_TYPES).default('Failover'),
    /** Events 8x8 sends before it waits for acknowledgements (Pulsar's default is 1000). */
    streamReceiverQueueSize: z.number().int().min(1).max(50_000).default(1000),
    /** When an event handed back (negative ack) comes again; Pulsar's default is 60 s. */
    streamNegativeAckRedeliveryDelayMs: z.number().int().min(0).optional(),
    /**
     * The longest silence the stream's proxy allows before it closes the socket (Pulsar's
     * webSocketSessionIdleTimeoutMillis, 300 s by default; 8x8's value is not published). The runner
     * pings a quarter of it early and ends the session when no pong comes back.
     */
    streamIdleTimeoutMs: z.number().int().min(200).default(60_000),
    /** Time for the WebSocket upgrade; 8x8's connection guide recommends 45 s. */
    streamConnectTimeoutMs: z.number().int().min(100).default(45_000),

    // The 8x8 agent id → login look-up (Contact Center Agent Status API), for agents not in the directory.
    /** e.g. https://vcc-eu3.8x8.com/api/v1 (your Contact Center platform, as in Configuration Manager's URL). */
    agentApiUrl: z.string().url().optional(),
    /** Basic-auth user: the Username of Integration > API Token (generally the tenant name). Default: streamTenant. */
    agentApiUser: z.string().min(1).optional(),
    /** The Action Request Token of Integration > API Token. */
    agentApiToken: z.string().min(1).optional(),
    /** Which field of the agent-status answer is the OpenConnect agent login (8x8 documents `name`). */
    agentApiLoginField: z.string().min(1).default('name'),
    agentCacheTtlMs: z.number().int().min(0).default(3_600_000),
    agentApiTimeoutMs: z.number().int().min(100).default(5_000),
  })
  .superRefine((options, ctx) => {
    for (const problem of configProblems(options))
      ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
  });

export type C8x8Config = z.output<typeof config>;

/** Config keys that hold secrets: redacted from logs, errors and the dashboard. */
export const SECRET_KEYS = ['relaySecret', 'streamApiKey', 'agentApiToken'];

export interface C8x8Services {
  /** The parsed Chat Gateway key, built once per deployment. */
  verificationKey?: VerificationKey;
  /** The Agent Status API look-up, when agentApiUrl and agentApiToken are set. */
  agents?: AgentLookup;
}

/** The consumer runs when the tenant and its key are set. */
export const wantsEventStream = (options: Pick<C8x8Config, 'streamTenant' | 'streamApiKey'>) =>
  Boolean(options.streamTenant && options.streamApiKey);

interface Problem {
  path: string;
  message: string;
}

function configProblems(options: z.input<typeof config>): Problem[] {
  const problems: Problem[] = [];
  const stream = ['streamTenant', 'streamApiKey'] as const;
  const set = stream.filter((key) => options[key]);
  const asksForStream =
    set.length > 0 || options.streamRegion !== undefined || options.streamUrl !== undefined;
  if (asksForStream) {
    for (const key of stream)
      if (!options[key])
        problems.push({
          path: key,
          message: `the event-stream consumer needs ${key} (with streamTenant, streamApiKey and streamRegion)`,
        });
    if (!options.streamRegion && !options.streamUrl)
      problems.push({
        path: 'streamRegion',
        message: `the event-stream consumer needs streamRegion (${Object.keys(STREAM_REGIONS).join(', ')}) or streamUrl`,
      });
  }
  const agentApi = ['agentApiUrl', 'agentApiToken'] as const;
  if (agentApi.some((key) => options[key])) {
    for (const key of agentApi)
      if (!options[key])
        problems.push({
          path: key,
          message: `the agent look-up needs ${key} (agentApiUrl and agentApiToken come together)`,
        });
    if (!options.agentApiUser && !options.streamTenant)
      problems.push({
        path: 'agentApiUser',
        message: 'the agent look-up needs agentApiUser (or streamTenant, its default)',
      });
  }
  return problems;
}
