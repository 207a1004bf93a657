// Quick-start mode: with no config at all and no real jwt, the runner enables every registered connector
// it can configure by itself (string options filled with one random demo secret) and prints a sample
// request built from a connector's own recorded fixture. Generic over the connector contract: it reads
// each connector's config schema and auth description, never a vendor name. Connectors that build look-up
// services (setup) are left out: a demo must never call a vendor cloud.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConnectorDefinition, createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { z } from 'zod';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  minLength?: number;
  default?: unknown;
  anyOf?: JsonSchema[];
};

function sample(schema: JsonSchema, secret: string): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf?.length) return sample(schema.anyOf[0]!, secret);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uri' || schema.format === 'url') return 'http://127.0.0.1:9/';
      return secret.length >= (schema.minLength ?? 0) ? secret : secret.padEnd(schema.minLength ?? 0, 'x');
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return fill(schema, secret);
    default:
      return secret;
  }
}

function fill(schema: JsonSchema, secret: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of schema.required ?? []) {
    const property = schema.properties?.[key];
    if (property && property.default === undefined) out[key] = sample(property, secret);
  }
  return out;
}

/** Options that satisfy a connector's config schema, every required string set to `secret`. */
export function sampleOptions(connector: ConnectorDefinition, secret: string): Record<string, unknown> {
  try {
    const schema = z.toJSONSchema(connector.config as z.ZodType, {
      io: 'input',
      unrepresentable: 'any',
    }) as JsonSchema;
    return fill(schema, secret);
  } catch {
    return {};
  }
}

export const newDemoSecret = () => `demo-${randomBytes(12).toString('hex')}`;

const connectorsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../connectors');

interface Fixture {
  request?: {
    method?: string;
    headers?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
  };
  expect?: { messages?: unknown[] };
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * A curl command that the demo runner accepts: the first connector whose source authenticates with a
 * plain token (header or query) and has a fixture that, signed with the demo secret by the source's own
 * signer, the pipeline accepts (checked here, offline, before it is printed).
 */
export async function sampleCurl(
  enabled: readonly ConnectorDefinition[],
  baseUrl: string,
  secret: string,
  fixturesRoot = connectorsDir,
): Promise<string | undefined> {
  for (const connector of enabled) {
    for (const source of connector.sources) {
      if (!source.sign || !['api-key', 'shared-secret', 'bearer-token'].includes(source.auth.scheme))
        continue;
      const dir = path.join(fixturesRoot, connector.id, 'fixtures', source.id);
      if (!existsSync(dir)) continue;
      const runtime = createRuntime(connector, { options: sampleOptions(connector, secret) });
      for (const name of readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        let fixture: Fixture;
        try {
          fixture = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Fixture;
        } catch {
          continue;
        }
        if (!fixture.request || !fixture.expect?.messages?.length) continue;
        const url = new URL(`${baseUrl}/webhooks/${connector.id}/${source.id}`);
        for (const [k, v] of Object.entries(fixture.request.query ?? {})) url.searchParams.set(k, String(v));
        const request = source.sign(
          toInboundRequest({ ...fixture.request, query: {} }, url.toString()),
          runtime.config,
        );
        const outcome = await handleRequest(runtime, request, source.id);
        if (outcome.kind !== 'accepted' || !outcome.messages.length) continue;
        const parts = [`curl -i -X ${request.method} ${quote(request.url)}`];
        for (const [k, v] of Object.entries(request.headers)) parts.push(`-H ${quote(`${k}: ${v}`)}`);
        if (request.rawBody.length) parts.push(`--data-binary ${quote(request.rawBody.toString('utf8'))}`);
        return parts.join(' \\\n    ');
      }
    }
  }
  return undefined;
}
