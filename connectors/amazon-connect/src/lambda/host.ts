// What the three Lambda handlers share: the connector bound to settings from the environment, and an
// OpenConnect client. Requests take the same pipeline as in the runner (verify, parse, map, validate).
import { randomBytes } from 'node:crypto';
import {
  ConfigError,
  type ConnectorRuntime,
  createOpenConnectClient,
  createRuntime,
  handleRequest,
  type InboundRequest,
  type OpenConnectClient,
  type Outcome,
  type PreparedMessage,
  redact,
  type SendMethod,
} from '@openconnect/core';
import { apiKeyAuth } from '../auth.js';
import { type AmazonConnectConfig, LOOKUP_DEFAULTS } from '../config.js';
import connector from '../index.js';

export type Env = Record<string, string | undefined>;

export interface LambdaHost {
  /** How long OpenConnect may take to answer one message. */
  timeoutMs: number;
  run(sourceId: string, event: unknown): Promise<Outcome>;
  /** Sends in order; throws the first OpenConnectError (the caller decides whether to retry). */
  send(messages: PreparedMessage[]): Promise<void>;
  /** Removes the jwt from text that may be logged or returned. */
  clean(text: string): string;
}

function json<T>(env: Env, name: string, fallback: T): T {
  const text = env[name];
  if (!text?.trim()) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ConfigError(
      `${name} is not valid JSON`,
      `set ${name} to a JSON object, e.g. {"<key>":"<value>"}`,
    );
  }
}

function number(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (!text?.trim()) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(`${name} must be a positive number`, `e.g. ${name}=${fallback}`);
  return value;
}

/** A true/false variable as the option it sets; unset leaves the option's default. */
function flag(env: Env, name: string, option: string): Record<string, boolean> {
  const text = env[name]?.trim().toLowerCase();
  return text ? { [option]: text === 'true' } : {};
}

function required(env: Env, name: string, hint: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is not set`, hint);
  return value;
}

/** Reads the Lambda's environment; throws ConfigError naming the variable to fix. */
export function createHost(env: Env, defaults: { timeoutMs: number }): LambdaHost {
  const jwt = required(env, 'OPENCONNECT_JWT', 'set it to an Experience Cloud API key of type OpenConnect');
  const crmid = required(env, 'OPENCONNECT_CRMID', 'set it to the CRM domain (Zendesk: the host name)');
  const method = (env.OPENCONNECT_METHOD?.trim().toUpperCase() || 'POST') as SendMethod;
  const timeoutMs = number(env, 'OPENCONNECT_TIMEOUT_MS', defaults.timeoutMs);
  // AWS invokes a Lambda under IAM, so no API key travels with the event. The pipeline still verifies every
  // request (one path everywhere), so the host signs its own requests with a key made for this container.
  const apiKey = randomBytes(24).toString('hex');
  const options: Record<string, unknown> = {
    apiKey,
    ...(env.AGENT_PARAMETER ? { agentParameter: env.AGENT_PARAMETER } : {}),
    ...(env.LIFECYCLE_PARAMETER ? { lifecycleParameter: env.LIFECYCLE_PARAMETER } : {}),
    // Not AWS_REGION: the agent ARN names the instance's region, which the SDK falls back from.
    ...(env.CONNECT_REGION ? { region: env.CONNECT_REGION } : {}),
    ...(env.CONNECT_ENDPOINT ? { endpoint: env.CONNECT_ENDPOINT } : {}),
    ...flag(env, 'CONTACT_ATTRIBUTES', 'contactAttributes'),
    ...flag(env, 'CUSTOMER_ENDPOINT', 'customerEndpoint'),
    ...flag(env, 'CONSULT_LEGS', 'consultLegs'),
    ...flag(env, 'OPENCONNECT_PARAMETERS', 'openConnectParameters'),
    ...(env.USER_CACHE_TTL_MS
      ? { userCacheTtlMs: number(env, 'USER_CACHE_TTL_MS', LOOKUP_DEFAULTS.userCacheTtlMs) }
      : {}),
  };
  const runtime: ConnectorRuntime = createRuntime(connector, {
    directory: json(env, 'DIRECTORY_JSON', {}),
    events: json(env, 'EVENTS_JSON', {}),
    props: json(env, 'PROPS_JSON', {}),
    options,
  });
  // Blank is unset: OpenConnect's default URL.
  const baseUrl = env.OPENCONNECT_URL?.trim();
  const client: OpenConnectClient = createOpenConnectClient({
    jwt,
    crmid,
    method,
    timeoutMs,
    ...(baseUrl ? { baseUrl } : {}),
  });
  const secrets = [jwt, apiKey];

  return {
    timeoutMs,
    run(sourceId, event) {
      const request: InboundRequest = {
        method: 'POST',
        // Stryker disable next-line StringLiteral: handleRequest is given the source by name; nothing reads the URL
        url: `https://lambda.invalid/webhooks/amazon-connect/${sourceId}`,
        // Stryker disable next-line ObjectLiteral,StringLiteral: the sources read the body as JSON whatever its content type says
        headers: { 'content-type': 'application/json' },
        query: {},
        // Stryker disable next-line StringLiteral: Buffer.from reads a string as UTF-8 when no encoding is named
        rawBody: Buffer.from(JSON.stringify(event ?? null), 'utf8'),
      };
      // Signed as the sources verify it: the key in the deployment's header.
      return handleRequest(
        runtime,
        apiKeyAuth.sign!(request, runtime.config as AmazonConnectConfig),
        sourceId,
      );
    },
    async send(messages) {
      for (const message of messages) {
        await client.send({ agentid: message.agentid, event: message.event, props: message.props });
      }
    },
    clean: (text) => redact(text, secrets),
  };
}

/** One JSON line per invocation for CloudWatch: outcome and reason, never props (they hold caller data). */
export function log(level: 'info' | 'warn' | 'error', entry: Record<string, unknown>): void {
  const line = JSON.stringify({ level, connector: 'amazon-connect', ...entry });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export const reasonOf = (outcome: Outcome): string =>
  'reason' in outcome ? outcome.reason : outcome.kind === 'handshake' ? 'a handshake' : '';

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
