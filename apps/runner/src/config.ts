// The runner's configuration: one YAML or JSON file (CONFIG), environment overrides on top, secrets by
// reference. Every problem is collected and reported together, so a bad deployment is fixed in one go.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type ConnectorDefinition,
  type ConnectorRuntime,
  type ConnectorSettingsInput,
  ConfigError,
  checkBaseUrl,
  connectorSettingsSchema,
  createRuntime,
  DEFAULT_XML_LIMITS,
  setIfAbsent,
  type StateStore,
} from '@openconnect/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { keysAt, sentence } from './config-sentences.js';
import { connectorOptionsFromEnv, mergeOptions } from './connector-env.js';
import { DEFAULT_OUTBOX_URL } from './outbox/index.js';
import { type Env, envValue, resolveReferences } from './references.js';
import { DEFAULT_SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from './subscriptions/supervisor.js';
import { type CorsConfig, normaliseOrigin } from './webhooks/cors.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * How long a request without an event id is remembered by its bytes: a proxy or load balancer that lost the
 * 2xx retries within seconds (nginx's default read timeout is 60 s), while the same genuine event a few
 * minutes later (a call transferred back) must pop again.
 */
export const DEFAULT_IDENTICAL_REQUEST_WINDOW_MS = 120_000;

export const configSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65_535).default(8080),
    host: z.string().min(1).default('0.0.0.0'),
    /** Set: /metrics is served on this port (0: any free one) and no longer on the main listener. */
    metricsPort: z.coerce.number().int().min(0).max(65_535).optional(),
    /** The metrics listener's address: loopback unless a scraper on another host must reach it. */
    metricsHost: z.string().min(1).default('127.0.0.1'),
    /** What vendors call, behind any proxy; signatures such as Twilio's cover this URL. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    adminToken: z.string().min(16, 'adminToken must be at least 16 characters').optional(),
    /** Dashboard sign-in: a session ends idleMs after its last request, and absoluteMs after sign-in. */
    dashboardSession: z
      .strictObject({
        idleMs: z.coerce
          .number()
          .int()
          .min(1_000)
          .default(30 * 60_000),
        absoluteMs: z.coerce
          .number()
          .int()
          .min(1_000)
          .default(12 * 60 * 60_000),
      })
      .prefault({}),
    outbox: z
      .string()
      .regex(/^(sqlite:.+|rediss?:\/\/.+)$/, 'outbox must be sqlite:<path> or a redis:// URL')
      .default(DEFAULT_OUTBOX_URL),
    /**
     * SQLite outbox: `full` fsyncs before each 2xx (a power cut keeps accepted events); `normal` does not
     * (WAL: still safe when the process crashes or is killed, not when the machine loses power).
     */
    outboxSync: z.enum(['full', 'normal'], 'outboxSync must be full or normal').default('full'),
    /**
     * SQLite outbox: webhooks arriving within this long share one commit (one fsync with outboxSync full). 0:
     * the webhooks of one event-loop turn only.
     */
    outboxCommitWindowMs: z.coerce
      .number({ error: 'outboxCommitWindowMs must be a number of milliseconds (0: per event-loop turn)' })
      .min(0, 'outboxCommitWindowMs must be 0 or more')
      .max(50, 'outboxCommitWindowMs must be at most 50: every webhook waits up to this long for its 2xx')
      .default(1),
    openconnect: z
      .strictObject({
        url: z.string().min(1).optional(),
        jwt: z.string().min(1).optional(),
        crmid: z.string().min(1).optional(),
        method: z.enum(['POST', 'GET']).default('POST'),
        timeoutMs: z.coerce.number().int().positive().default(10_000),
      })
      .default({ method: 'POST', timeoutMs: 10_000 }),
    limits: z
      .strictObject({
        /** Largest webhook body accepted; larger gets 413. */
        bodyBytes: z.coerce.number().int().positive().default(1_048_576),
        /** Sustained webhook requests per second, per connector; beyond the burst gets 429. */
        ratePerSecond: z.coerce.number().positive().default(200),
        burst: z.coerce.number().int().positive().default(400),
        /** A store that has not answered by then (Redis outage) gets the vendor a 503, so it retries. */
        storeTimeoutMs: z.coerce.number().int().positive().default(5_000),
        /**
         * A request (headers and body) must have arrived whole by then, however slowly it trickles in (408);
         * a connection that sends no request at all is closed after it too.
         */
        requestTimeoutMs: z.coerce
          .number()
          .int()
          .min(1_000, 'requestTimeoutMs must be at least 1000')
          .default(30_000),
        /** Connections held at once, all clients together; each one is a file descriptor. */
        maxConnections: z.coerce.number().int().positive().default(800),
        /** Connections held at once from one address; 0: no cap (behind a proxy, every one is the proxy's). */
        connectionsPerClient: z.coerce.number().int().min(0).default(200),
        /** Elements a webhook's XML body may hold, and how deep they may nest: past either, 400 at once. */
        xmlElements: z.coerce.number().int().positive().default(DEFAULT_XML_LIMITS.xmlElements),
        xmlDepth: z.coerce.number().int().positive().default(DEFAULT_XML_LIMITS.xmlDepth),
      })
      .prefault({}),
    delivery: z
      .strictObject({
        concurrency: z.number().int().positive().optional(),
        pauseProbeMs: z.number().int().positive().optional(),
        dedupeWindowMs: z.number().int().positive().optional(),
        /** Requests without an event id, keyed by their bytes: a retry within this is stored once; 0: off. */
        identicalRequestWindowMs: z.coerce
          .number({ error: 'identicalRequestWindowMs must be a number of milliseconds (0: off)' })
          .int('identicalRequestWindowMs must be whole milliseconds')
          .min(0, 'identicalRequestWindowMs must be 0 (off) or more')
          .default(DEFAULT_IDENTICAL_REQUEST_WINDOW_MS),
        retry: z
          .strictObject({
            baseDelayMs: z.number().int().positive().optional(),
            maxDelayMs: z.number().int().positive().optional(),
            maxAttempts: z.number().int().positive().optional(),
            maxAgeMs: z.number().int().positive().optional(),
            jitter: z.number().min(0).max(1).optional(),
          })
          .optional(),
        /** Delivered rows kept for the admin API, then pruned. */
        retainDelivered: z
          .strictObject({
            maxAgeMs: z.number().int().positive().optional(),
            maxRows: z.number().int().positive().optional(),
          })
          .optional(),
        /** Redis outbox only: partitions (agents spread over queues) and crash-recovery timings. */
        redis: z
          .strictObject({
            partitions: z.number().int().positive().optional(),
            lockDurationMs: z.number().int().positive().optional(),
            stalledIntervalMs: z.number().int().positive().optional(),
            pausePollMs: z.number().int().positive().optional(),
            /** How often each replica renews its place among those splitting the partitions (ms). */
            heartbeatMs: z.number().int().positive().optional(),
            /** Start on a Redis that can lose accepted events (no append-only file, eviction), with a warning. */
            acceptDataLoss: z.boolean().optional(),
            /** `confirmed`: the operator vouches for a Redis whose CONFIG command is disabled (managed services). */
            persistence: z.enum(['check', 'confirmed'], 'persistence must be check or confirmed').optional(),
            persistenceCheckMs: z.number().int().positive().optional(),
            /** How long a stop waits for the sends in flight and Redis; it gives up sooner if Redis is away. */
            closeTimeoutMs: z.number().int().positive().optional(),
          })
          .optional(),
      })
      .prefault({}),
    /** Vendor sessions the runner holds (subscriptions): leases, reconnect backoff, budgets. */
    subscriptions: z
      .strictObject({
        /** false: this replica holds no subscription (another one does). */
        enabled: z.boolean().default(true),
        leaseTtlMs: z.coerce.number().int().min(1_000).default(DEFAULT_SUBSCRIPTION_SETTINGS.leaseTtlMs),
        backoffBaseMs: z.coerce
          .number()
          .int()
          .positive()
          .default(DEFAULT_SUBSCRIPTION_SETTINGS.backoffBaseMs),
        backoffMaxMs: z.coerce.number().int().positive().default(DEFAULT_SUBSCRIPTION_SETTINGS.backoffMaxMs),
        stableMs: z.coerce.number().int().positive().default(DEFAULT_SUBSCRIPTION_SETTINGS.stableMs),
        checkTimeoutMs: z.coerce
          .number()
          .int()
          .positive()
          .default(DEFAULT_SUBSCRIPTION_SETTINGS.checkTimeoutMs),
        stopTimeoutMs: z.coerce
          .number()
          .int()
          .positive()
          .default(DEFAULT_SUBSCRIPTION_SETTINGS.stopTimeoutMs),
      })
      .default({ enabled: true, ...DEFAULT_SUBSCRIPTION_SETTINGS }),
    /** Browsers allowed to call /webhooks/* (off unless listed): e.g. the Finesse gadget with via=direct. */
    cors: z
      .strictObject({
        origins: z
          .array(
            z.string().transform((text, ctx) => {
              const origin = normaliseOrigin(text);
              if (!origin)
                ctx.addIssue({
                  code: 'custom',
                  message: `"${text}" is not an origin: scheme://host[:port], no path (e.g. https://finesse.example.com:8445)`,
                });
              return origin ?? text;
            }),
          )
          .min(1, 'list at least one origin, or leave cors out'),
        headers: z.array(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a header name')).optional(),
      })
      .optional(),
    /** Connector id → its settings (events, props, directory, options). Listed = enabled. */
    connectors: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type FileConfig = z.input<typeof configSchema>;

export interface EnabledConnector {
  connector: ConnectorDefinition;
  runtime: ConnectorRuntime;
}

export interface RunnerConfig {
  port: number;
  host: string;
  /** Set: /metrics has a listener of its own, on metricsHost. */
  metricsPort?: number;
  metricsHost: string;
  /** Without a trailing slash; undefined means http://localhost:<listening port>. */
  publicUrl?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  adminToken?: string;
  dashboardSession: z.output<typeof configSchema>['dashboardSession'];
  outbox: string;
  outboxSync: 'full' | 'normal';
  outboxCommitWindowMs: number;
  openconnect: {
    /** undefined with no jwt: the runner starts the local emulator as its target. */
    url?: string;
    jwt?: string;
    crmid: string;
    method: 'POST' | 'GET';
    timeoutMs: number;
  };
  limits: z.output<typeof configSchema>['limits'];
  /** Unset: no CORS at all. */
  cors?: CorsConfig;
  delivery: z.output<typeof configSchema>['delivery'];
  subscriptions: SubscriptionSettings & { enabled: boolean };
  connectors: EnabledConnector[];
  /**
   * Every secret value (jwt, admin token, Redis password, connector secrets): scrubbed from logs, answers
   * and messages. Every runtime holds this same list, so a secret added later (the demo's) is scrubbed by all.
   */
  secrets: string[];
}

/** A config that cannot run: `problems` lists every one of them. */
export class ConfigProblems extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the runner configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigProblems';
  }
}

export interface LoadOptions {
  /** Path of a YAML or JSON file; defaults to env.CONFIG. */
  path?: string;
  /** A config document given directly (tests); the file, if any, is not read then. */
  document?: unknown;
  env?: Env;
  /** The connectors that exist (default: the registry's). */
  available: readonly ConnectorDefinition[];
  /** Connectors' state goes here once the outbox is open (see lateStateStore). */
  state?: StateStore;
  /**
   * The list the secrets are added to (default: a new one). A reload passes the running config's list:
   * every logger, runtime and answer scrubs through it, so they learn the new secrets and keep the old.
   */
  secrets?: string[];
}

function readDocument(file: string, problems: string[]): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`CONFIG: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return {};
  }
  try {
    // YAML is a superset of JSON, so one parser reads both.
    return parseYaml(text) ?? {};
  } catch (error) {
    problems.push(`CONFIG: ${file} is not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}`);
    return {};
  }
}

/** Environment variables that set a top-level key of the config. */
const ENV_TO_KEY: Record<string, string> = {
  PORT: 'port',
  HOST: 'host',
  METRICS_PORT: 'metricsPort',
  METRICS_HOST: 'metricsHost',
  PUBLIC_URL: 'publicUrl',
  OUTBOX: 'outbox',
  OUTBOX_SYNC: 'outboxSync',
  OUTBOX_COMMIT_WINDOW_MS: 'outboxCommitWindowMs',
  ADMIN_TOKEN: 'adminToken',
  LOG_LEVEL: 'logLevel',
};

/** Environment variables that set a key of `openconnect`. */
const ENV_TO_OPENCONNECT_KEY: Record<string, string> = {
  OPENCONNECT_URL: 'url',
  OPENCONNECT_JWT: 'jwt',
  OPENCONNECT_CRMID: 'crmid',
  OPENCONNECT_METHOD: 'method',
};

/** Environment variables win over the file. */
function applyEnv(
  doc: Record<string, unknown>,
  env: Env,
  baseDir: string,
  problems: string[],
  /** Filled with config path → the variable that set it, so problems name what the operator wrote. */
  setBy: Map<string, string>,
): Record<string, unknown> {
  const read = (name: string) => {
    try {
      return envValue(env, name, baseDir);
    } catch (error) {
      problems.push(
        `${name}_FILE: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
      return undefined;
    }
  };
  const out: Record<string, unknown> = { ...doc };
  const openconnect = { ...((doc.openconnect as Record<string, unknown> | undefined) ?? {}) };
  for (const [name, key] of Object.entries(ENV_TO_KEY)) {
    const value = read(name);
    if (value !== undefined) {
      out[key] = name === 'OUTBOX_SYNC' ? value.toLowerCase() : value;
      setBy.set(key, name);
    }
  }
  for (const [name, key] of Object.entries(ENV_TO_OPENCONNECT_KEY)) {
    const value = read(name);
    if (value !== undefined) {
      openconnect[key] = name === 'OPENCONNECT_METHOD' ? value.toUpperCase() : value;
      setBy.set(`openconnect.${key}`, name);
    }
  }
  out.openconnect = openconnect;
  const holding = read('SUBSCRIPTIONS');
  if (holding !== undefined) {
    const enabled = yesOrNo(holding);
    if (enabled === undefined) problems.push(`SUBSCRIPTIONS: "${holding}" must be on or off`);
    else
      out.subscriptions = { ...((doc.subscriptions as Record<string, unknown> | undefined) ?? {}), enabled };
  }
  const delivery = { ...((doc.delivery as Record<string, unknown> | undefined) ?? {}) };
  const identical = read('IDENTICAL_REQUEST_WINDOW_MS');
  if (identical !== undefined) {
    delivery.identicalRequestWindowMs = identical;
    setBy.set('delivery.identicalRequestWindowMs', 'IDENTICAL_REQUEST_WINDOW_MS');
  }
  const redis = { ...((delivery.redis as Record<string, unknown> | undefined) ?? {}) };
  const acceptLoss = read('OUTBOX_ACCEPT_DATA_LOSS');
  if (acceptLoss !== undefined) {
    const accepted = yesOrNo(acceptLoss);
    if (accepted === undefined) problems.push(`OUTBOX_ACCEPT_DATA_LOSS: "${acceptLoss}" must be yes or no`);
    else redis.acceptDataLoss = accepted;
  }
  const persistence = read('OUTBOX_PERSISTENCE');
  if (persistence !== undefined) {
    redis.persistence = persistence.trim().toLowerCase();
    setBy.set('delivery.redis.persistence', 'OUTBOX_PERSISTENCE');
  }
  if (acceptLoss !== undefined || persistence !== undefined) delivery.redis = redis;
  if (identical !== undefined || delivery.redis !== (doc.delivery as { redis?: unknown } | undefined)?.redis)
    out.delivery = delivery;
  const origins = read('CORS_ORIGINS');
  if (origins !== undefined) {
    const list = origins
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    out.cors = { ...((doc.cors as Record<string, unknown> | undefined) ?? {}), origins: list };
    setBy.set('cors.origins', 'CORS_ORIGINS');
  }
  return out;
}

/** on/yes/true/1 or off/no/false/0, any case; undefined for anything else. */
function yesOrNo(value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  return ['on', 'true', '1', 'yes'].includes(word)
    ? true
    : ['off', 'false', '0', 'no'].includes(word)
      ? false
      : undefined;
}

/** Which connectors run: those in the config, narrowed (or named) by CONNECTORS. */
function enabledIds(
  configured: Record<string, unknown>,
  env: Env,
  problems: string[],
  available: readonly ConnectorDefinition[],
) {
  const known = new Set(available.map((c) => c.id));
  const list = available.map((c) => c.id).join(', ');
  for (const id of Object.keys(configured)) {
    if (!known.has(id)) problems.push(`connectors.${id}: no such connector; the registry has ${list}`);
  }
  const only = env.CONNECTORS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!only?.length) return Object.keys(configured).filter((id) => known.has(id));
  for (const id of only)
    if (!known.has(id)) problems.push(`CONNECTORS: no such connector "${id}"; the registry has ${list}`);
  return only.filter((id) => known.has(id));
}

const SETTING_KEYS = ['events', 'props', 'directory', 'options'];
const PROP_KEYS = ['allow', 'drop', 'rename'];
const SETTING_KEYS_HELP = 'a connector takes events, props.allow/drop/rename, directory, options';

function unknownSettingKeys(settings: unknown): string[] {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return [];
  const out = Object.keys(settings).filter((k) => !SETTING_KEYS.includes(k));
  const props = (settings as { props?: unknown }).props;
  if (props && typeof props === 'object' && !Array.isArray(props))
    out.push(
      ...Object.keys(props)
        .filter((k) => !PROP_KEYS.includes(k))
        .map((k) => `props.${k}`),
    );
  return out;
}

/** A Redis URL's password is a secret too: it must not reach the logs. */
function outboxPassword(url: string): string | undefined {
  if (!url.startsWith('redis')) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** The value at a config path in a document, or undefined. */
function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let at = doc;
  for (const key of path) {
    if (!at || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** The OpenConnect settings' own checks, on what was given (so they are reported beside schema problems). */
function checkOpenConnect(given: unknown, setBy: Map<string, string>, problems: string[]) {
  const oc = (given && typeof given === 'object' ? given : {}) as Record<string, unknown>;
  const name = (key: string) => setBy.get(`openconnect.${key}`) ?? `openconnect.${key}`;
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const url = text(oc.url);
  if (url) {
    try {
      checkBaseUrl(url);
    } catch (error) {
      problems.push(
        `${name('url')}: ${(error as Error).message}${error instanceof ConfigError ? ` (${error.hint})` : ''}`,
      );
    }
  }
  if (url && !text(oc.jwt))
    problems.push(
      'openconnect.jwt (OPENCONNECT_JWT): required when openconnect.url is set; leave both unset to deliver to the local emulator',
    );
  if (text(oc.jwt) && !text(oc.crmid))
    problems.push(
      'openconnect.crmid (OPENCONNECT_CRMID): required with a real jwt; it is the CRM domain the PopFlow runs for',
    );
}

/** Reads, overrides, resolves and validates the configuration; throws ConfigProblems listing everything. */
export function loadConfig(options: LoadOptions): RunnerConfig {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const file = options.path ?? env.CONFIG;
  const baseDir = file && options.document === undefined ? path.dirname(path.resolve(file)) : process.cwd();
  let doc = options.document ?? (file ? readDocument(file, problems) : {});
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    problems.push('CONFIG: the document must be a mapping (key: value) at the top level');
    doc = {};
  }
  // Connectors' references are resolved only for the enabled ones (below): a disabled connector's
  // missing secret must not stop a deployment that does not run it.
  const { connectors: rawConnectors, ...rest } = doc as Record<string, unknown>;
  const resolved = {
    ...(resolveReferences(rest, env, baseDir, problems) as Record<string, unknown>),
    ...(rawConnectors === undefined ? {} : { connectors: rawConnectors }),
  };
  const setBy = new Map<string, string>();
  const withEnv = applyEnv(resolved, env, baseDir, problems, setBy);
  const parsed = configSchema.safeParse(withEnv);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path.join('.') || '(root)';
      const label = setBy.get(at) ?? (at === '(root)' ? 'CONFIG' : at);
      // One problem per field: an unresolved reference already explains why its value is wrong.
      if (problems.some((p) => p.startsWith(`${at}: `) || p.startsWith(`${label}: `))) continue;
      problems.push(
        sentence(issue, {
          at,
          label,
          value: valueAt(withEnv, issue.path),
          knownKeys: issue.code === 'unrecognized_keys' ? keysAt(configSchema, issue.path) : undefined,
        }),
      );
    }
  }
  const data = parsed.success ? parsed.data : undefined;
  checkOpenConnect(withEnv.openconnect, setBy, problems);
  if (data?.metricsPort !== undefined && data.metricsPort !== 0 && data.metricsPort === data.port)
    problems.push(
      `metricsPort (METRICS_PORT): ${data.metricsPort} is the main port too; give /metrics a port of its own, or leave it unset to serve /metrics on the main port`,
    );

  // One list of every secret, handed to every runtime: each scrubs them all (the jwt, the admin token,
  // another connector's secret) from what it stores and answers, and adds its own.
  const secrets = options.secrets ?? [];
  for (const secret of [
    data?.openconnect.jwt,
    data?.adminToken,
    data ? outboxPassword(data.outbox) : undefined,
  ])
    if (typeof secret === 'string' && secret.length > 0 && !secrets.includes(secret)) secrets.push(secret);
  const fromFile = (data?.connectors ??
    (withEnv.connectors as Record<string, unknown> | undefined) ??
    {}) as Record<string, unknown>;
  // CONNECTOR_<ID>_<OPTION> variables: each one enables its connector (CONNECTORS still narrows).
  const fromEnv = connectorOptionsFromEnv(env, options.available, baseDir, problems);
  const configured: Record<string, unknown> = { ...fromFile };
  for (const id of fromEnv.keys()) configured[id] ??= {};
  const connectors: EnabledConnector[] = [];
  for (const id of enabledIds(configured, env, problems, options.available)) {
    const connector = options.available.find((c) => c.id === id)!;
    let settings = resolveReferences(configured[id] ?? {}, env, baseDir, problems, [
      'connectors',
      id,
    ]) as ConnectorSettingsInput;
    const envOptions = fromEnv.get(id);
    if (envOptions && settings && typeof settings === 'object' && !Array.isArray(settings))
      settings = {
        ...settings,
        options: mergeOptions(settings.options, envOptions),
      } as ConnectorSettingsInput;
    // The core schema strips unknown keys; here a typo ("event:", "props.alow") is a problem, not a no-op.
    const unknown = unknownSettingKeys(settings);
    for (const key of unknown) problems.push(`connectors.${id}.${key}: unknown key (${SETTING_KEYS_HELP})`);
    if (unknown.length) continue;
    const shape = connectorSettingsSchema.safeParse(settings);
    if (!shape.success) {
      for (const issue of shape.error.issues) {
        const at = ['connectors', id, ...issue.path.map(String)].join('.');
        problems.push(sentence(issue, { at, label: at, value: valueAt(settings, issue.path) }));
      }
      continue;
    }
    try {
      connectors.push({
        connector,
        runtime: createRuntime(connector, settings, { state: options.state, secrets }),
      });
    } catch (error) {
      problems.push(
        `connectors.${id}: ${(error as Error).message}${error instanceof ConfigError ? ` (${error.hint})` : ''}`,
      );
    }
  }
  if (problems.length || !data) throw new ConfigProblems(problems);
  return {
    port: data.port,
    host: data.host,
    ...(data.metricsPort !== undefined ? { metricsPort: data.metricsPort } : {}),
    metricsHost: data.metricsHost,
    ...(data.publicUrl ? { publicUrl: data.publicUrl.replace(/\/+$/, '') } : {}),
    logLevel: data.logLevel,
    ...(data.adminToken ? { adminToken: data.adminToken } : {}),
    dashboardSession: data.dashboardSession,
    outbox: data.outbox,
    outboxSync: data.outboxSync,
    outboxCommitWindowMs: data.outboxCommitWindowMs,
    openconnect: {
      ...(data.openconnect.url ? { url: data.openconnect.url } : {}),
      ...(data.openconnect.jwt ? { jwt: data.openconnect.jwt } : {}),
      crmid: data.openconnect.crmid ?? 'emulator.local',
      method: data.openconnect.method,
      timeoutMs: data.openconnect.timeoutMs,
    },
    limits: data.limits,
    ...(data.cors ? { cors: data.cors } : {}),
    delivery: data.delivery,
    subscriptions: data.subscriptions,
    connectors,
    secrets,
  };
}

/** A state store whose backing store is attached later: runtimes are built before the outbox opens. */
export function lateStateStore(): StateStore & { attach(store: StateStore): void } {
  let target: StateStore | undefined;
  const need = () => {
    if (!target) throw new Error('the state store is not open yet');
    return target;
  };
  return {
    attach(store) {
      target = store;
    },
    get: (key) => need().get(key),
    set: (key, value, ttl) => need().set(key, value, ttl),
    delete: (key) => need().delete(key),
    // Passed through so a connector's claim stays atomic on the backing store.
    setIfAbsent: (key, value, ttl) => setIfAbsent(need(), key, value, ttl),
  };
}
