// The contract every vendor package implements: one declarative object made by defineConnector.
// A connector never sends anything; it verifies, parses and maps. The host (runner, CLI, Lambda) does the rest.
import { z } from 'zod';
import type { MapContext, MapResult, StateWrites } from './mapping.js';
import type { InboundRequest } from './request.js';
import type { SubscriptionDefinition } from './subscription.js';
import type { VerifyResult } from './verify.js';

export interface VerifyContext<Config = unknown, Services = unknown> {
  config: Config;
  services: Services;
}

/** An HTTP answer a source gives the vendor (a handshake, or its preferred success reply). */
export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type AuthScheme =
  | 'hmac-signature'
  | 'twilio-signature'
  | 'jws-signature'
  | 'api-key'
  | 'bearer-token'
  | 'shared-secret'
  | 'none';

/** Where a credential travels: a header, a query parameter, or a field of a form-encoded body. */
export interface Credential {
  in: 'header' | 'query' | 'form';
  name: string;
}

export interface AuthDescription<Config = unknown> {
  scheme: AuthScheme;
  /** One line for the README and the dashboard, e.g. "header x-api-key, set on the EventBridge connection". */
  summary: string;
  /** Where the credential travels by default: the conformance kit removes these and expects a 401. */
  credentials: Credential[];
  /**
   * Where it travels for one deployment, when the config can rename it (e.g. an `apiKeyHeader` option).
   * The conformance kit uses this, with the test settings' config, instead of `credentials`.
   */
  credentialsFor?: (config: Config) => Credential[];
  /** Whether the credential covers the body (a signature): the kit then tampers the body and expects a 401. */
  signsBody?: boolean;
}

export interface SourceDefinition<Native = any, Config = any, Services = any> {
  /** URL segment: /webhooks/<connector>/<source>. Lower-case letters, digits and dashes. */
  id: string;
  description: string;
  /** Platforms of the connector this source serves (names as the vendor uses them). */
  platforms?: string[];
  /** HTTP methods the vendor uses. Default: POST. */
  methods?: ('POST' | 'GET')[];
  auth: AuthDescription<Config>;
  /** Recognises this source's requests when the URL names no source. Must not throw. */
  detect?: (req: InboundRequest) => boolean;
  /** Answers a vendor's URL-verification or ping without delivering anything. Runs after verify. */
  handshake?: (req: InboundRequest, config: Config) => HttpAnswer | undefined;
  /** Is the request authentic? Runs before parse; sees only the raw request and the config. */
  verify: (req: InboundRequest, ctx: VerifyContext<Config, Services>) => VerifyResult | Promise<VerifyResult>;
  /**
   * Makes a request authentic with the deployment's secret, beside the verifier that checks it (core's
   * tokenAuth and hmacAuth give both): the conformance kit signs fixtures with it. Absent when only the vendor
   * can sign (a private key).
   */
  sign?: (req: InboundRequest, config: Config) => InboundRequest;
  /** Reads the raw request into the native event; throws InputError (use parseWith) on anything unexpected. */
  parse: (req: InboundRequest) => Native;
  /** The vendor's event id, for delivering a retried request once. */
  eventId?: (event: Native) => string | undefined;
  /** Pure mapping from the native event to drafts, or ignore(reason). */
  map: (event: Native, ctx: MapContext<Config, Services>) => MapResult | Promise<MapResult>;
  /** The answer on success, when the vendor expects something specific (Twilio: 204). */
  respond?: (outcome: { delivered: number; ignored?: string }) => HttpAnswer;
  /**
   * 'after-store': state written while mapping is applied only once the host has stored the messages
   * (a request the host cannot store gets a 503; the vendor's retry must see the state as it was, or a
   * change-only platform's retry looks like "no change" and the pop is lost). Default 'immediate'.
   * Use it when the source keeps state with get/set/delete only; claims (setIfAbsent) stay immediate.
   */
  stateWrites?: StateWrites;
}

export interface ConnectorDefinition<Config = any, Services = any> {
  /** URL segment and registry key: /webhooks/<id>. Lower-case letters, digits and dashes. */
  id: string;
  displayName: string;
  /** The platforms covered, named as the vendors name them. */
  platforms: string[];
  /** Validates the connector's own settings (secrets, options) from the deployment config. */
  config: z.ZodType<Config>;
  /**
   * Config keys that hold secrets, redacted from logs, errors and the dashboard: a key (`token`), or a path
   * with `*` for every entry of a list (`agents.*.password`).
   */
  secrets?: string[];
  /** Builds look-up services once per deployment (SDK clients, caches). */
  setup?: (config: Config) => Services;
  /** Webhook sources; empty for a platform whose events only come from sessions the host holds. */
  sources: SourceDefinition<any, Config, Services>[];
  /**
   * Vendor sessions the host holds itself (WebSocket, long poll, TCP), for platforms that do not push
   * over HTTP; each runs when its `enabled(config)` says so. Their frames take the sources' path.
   */
  subscriptions?: SubscriptionDefinition<any, Config, Services>[];
}

const ID = /^[a-z0-9][a-z0-9-]*$/;

/** Checks a connector definition once, when it is defined, so mistakes fail at import, not at 3 a.m. */
export function defineConnector<Config, Services = undefined>(
  definition: ConnectorDefinition<Config, Services>,
): ConnectorDefinition<Config, Services> {
  const problems: string[] = [];
  if (!ID.test(definition.id))
    problems.push(`id "${definition.id}" must be lower-case letters, digits and dashes`);
  if (!definition.platforms.length) problems.push('platforms must name at least one platform');
  if (!definition.sources.length && !definition.subscriptions?.length)
    problems.push('sources must have at least one source (or subscriptions one subscription)');
  const seen = new Set<string>();
  for (const source of definition.sources) {
    if (!ID.test(source.id))
      problems.push(`source id "${source.id}" must be lower-case letters, digits and dashes`);
    if (seen.has(source.id)) problems.push(`source id "${source.id}" is used twice`);
    seen.add(source.id);
    if (definition.sources.length > 1 && !source.detect) {
      problems.push(`source "${source.id}" needs detect(), since the connector has several sources`);
    }
  }
  for (const subscription of definition.subscriptions ?? []) {
    if (!ID.test(subscription.id))
      problems.push(`subscription id "${subscription.id}" must be lower-case letters, digits and dashes`);
    // One namespace: fixtures/<id>/, dedupe keys and messages' `source` name either kind.
    if (seen.has(subscription.id)) problems.push(`subscription id "${subscription.id}" is used twice`);
    seen.add(subscription.id);
  }
  if (problems.length) throw new Error(`connector ${definition.id}: ${problems.join('; ')}`);
  return definition;
}

/** Identity helper that types a source against its connector's config. */
export function defineSource<Native, Config = any, Services = any>(
  source: SourceDefinition<Native, Config, Services>,
): SourceDefinition<Native, Config, Services> {
  return source;
}

/** Deployment settings of one connector, shared by the runner config and `openconnect map`. */
export const connectorSettingsSchema = z.object({
  /** Lifecycle word or native event name → PopFlow event name; null stops that event from being sent. */
  events: z.record(z.string(), z.string().min(1).nullable()).default({}),
  props: z
    .object({
      /** Only these props are sent (exact names, or a prefix ending in `*`). */
      allow: z.array(z.string().min(1)).optional(),
      /** Props never sent. */
      drop: z.array(z.string().min(1)).default([]),
      /** Renames: native/canonical name → name the PopFlow expects. */
      rename: z.record(z.string(), z.string().min(1)).default({}),
    })
    .default({ drop: [], rename: {} }),
  /** Platform user id → agent login, for platforms whose events carry only an internal id. */
  directory: z.record(z.string(), z.string().min(1)).default({}),
  /** The connector's own options and secrets, validated by its `config` schema. */
  options: z.record(z.string(), z.unknown()).default({}),
});

export type ConnectorSettings = z.output<typeof connectorSettingsSchema>;
export type ConnectorSettingsInput = z.input<typeof connectorSettingsSchema>;
