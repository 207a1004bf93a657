// Connector options from the environment alone, so a single-connector container needs no config file:
// CONNECTOR_<ID>_<OPTION>=value sets connectors.<id>.options.<option>. <ID> is the registry id and <OPTION>
// the option's name from the connector's own options schema, both in SCREAMING_SNAKE (amazon-connect →
// AMAZON_CONNECT, apiKey → API_KEY); `__` goes one level down into an option that is itself a mapping;
// <NAME>_FILE reads the value from a file (Docker/Kubernetes secrets). Values are typed by the schema:
// numbers, true/false (also yes/no, on/off), lists as JSON or comma-separated, mappings as JSON.
import type { ConnectorDefinition } from '@openconnect/core';
import { z } from 'zod';
import { type Env, envValue } from './references.js';

export const CONNECTOR_ENV_PREFIX = 'CONNECTOR_';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

/** apiKey → API_KEY, amazon-connect → AMAZON_CONNECT, 8x8 → 8X8. */
export function screamingSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

function optionsSchema(connector: ConnectorDefinition): JsonSchema {
  try {
    return z.toJSONSchema(connector.config as z.ZodType, {
      io: 'input',
      unrepresentable: 'any',
    }) as JsonSchema;
  } catch {
    return {};
  }
}

function typeOf(schema: JsonSchema): string | undefined {
  if (schema.anyOf?.length) {
    // string | something: a string from the environment is meant as the string.
    const types = schema.anyOf.map(typeOf);
    return types.includes('string') ? 'string' : types[0];
  }
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

const YES = ['on', 'true', '1', 'yes'];
const NO = ['off', 'false', '0', 'no'];

/** The environment's text as the option's type; a string problem when it cannot be. */
function typed(text: string, schema: JsonSchema): { value: unknown } | { problem: string } {
  const type = typeOf(schema);
  const json = () => {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      return undefined;
    }
  };
  switch (type) {
    case 'integer':
    case 'number': {
      const n = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n)))
        return { problem: `"${text}" is not ${type === 'integer' ? 'a whole number' : 'a number'}` };
      return { value: n };
    }
    case 'boolean': {
      const word = text.trim().toLowerCase();
      if (YES.includes(word)) return { value: true };
      if (NO.includes(word)) return { value: false };
      return { problem: `"${text}" is not true or false (yes/no, on/off)` };
    }
    case 'array': {
      if (text.trim().startsWith('[')) return json() ?? { problem: 'is not a JSON list' };
      const items = text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const out: unknown[] = [];
      for (const item of items) {
        const one = typed(item, schema.items ?? { type: 'string' });
        if ('problem' in one) return one;
        out.push(one.value);
      }
      return { value: out };
    }
    case 'object': {
      const parsed = json();
      if (!parsed?.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value))
        return { problem: 'is not a JSON object (e.g. {"name": "value"})' };
      return parsed;
    }
    default:
      return { value: text };
  }
}

/** The option path `API_KEY__HEADER` names in `schema`, in camelCase; undefined when there is none. */
function optionPath(rest: string, schema: JsonSchema): { path: string[]; schema: JsonSchema } | undefined {
  const path: string[] = [];
  let at = schema;
  for (const part of rest.split('__')) {
    const key = Object.keys(at.properties ?? {}).find((k) => screamingSnake(k) === part);
    if (!key) return undefined;
    path.push(key);
    at = at.properties![key]!;
  }
  return { path, schema: at };
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown) {
  let at = target;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    at[key] = next && typeof next === 'object' && !Array.isArray(next) ? { ...(next as object) } : {};
    at = at[key] as Record<string, unknown>;
  }
  at[path.at(-1)!] = value;
}

/** Merges `over` into `base`, mappings key by key (the environment wins over the file). */
export function mergeOptions(base: unknown, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> =
    base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as object) } : {};
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? mergeOptions(current, value as Record<string, unknown>)
        : value;
  }
  return out;
}

/**
 * Every CONNECTOR_* variable as options per connector id. Problems name the variable: no such connector
 * (with the registry's ids), no such option (with the connector's options), a value of the wrong type.
 */
export function connectorOptionsFromEnv(
  env: Env,
  available: readonly ConnectorDefinition[],
  baseDir: string,
  problems: string[],
): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const names = Object.keys(env)
    .filter((name) => name.startsWith(CONNECTOR_ENV_PREFIX) && name !== 'CONNECTORS')
    .sort();
  if (!names.length) return out;
  // Longest prefix first: CONNECTOR_TWILIO_FLEX_… is twilio-flex even if a "twilio" existed.
  const ids = available
    .map((connector) => ({ connector, prefix: `${CONNECTOR_ENV_PREFIX}${screamingSnake(connector.id)}_` }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const schemas = new Map<string, JsonSchema>();
  const seen = new Set<string>();
  for (const name of names) {
    const match = ids.find((c) => name.startsWith(c.prefix));
    if (!match) {
      problems.push(
        `${name}: no connector matches; name it CONNECTOR_<ID>_<OPTION> with one of ${available.map((c) => screamingSnake(c.id)).join(', ')}`,
      );
      continue;
    }
    const { connector } = match;
    const schema = schemas.get(connector.id) ?? optionsSchema(connector);
    schemas.set(connector.id, schema);
    let rest = name.slice(match.prefix.length);
    let option = optionPath(rest, schema);
    // NAME_FILE stands for NAME (read from the file) unless an option is itself called …File.
    let fromFile = false;
    if (!option && rest.endsWith('_FILE')) {
      rest = rest.slice(0, -'_FILE'.length);
      option = optionPath(rest, schema);
      fromFile = true;
    }
    if (!option) {
      const known = Object.keys(schema.properties ?? {}).map((k) => `${screamingSnake(k)} (${k})`);
      problems.push(
        `${name}: ${connector.id} has no option ${rest}; its options are ${known.join(', ') || 'none'}`,
      );
      continue;
    }
    const variable = `${match.prefix}${rest}`;
    // NAME and NAME_FILE both set: NAME wins, as for every other variable; counted once.
    if (seen.has(variable)) continue;
    seen.add(variable);
    let text: string | undefined;
    try {
      text = fromFile || env[`${variable}_FILE`] ? envValue(env, variable, baseDir) : env[variable];
    } catch (error) {
      problems.push(
        `${variable}_FILE: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
      continue;
    }
    if (text === undefined || text === '') continue;
    const value = typed(text, option.schema);
    if ('problem' in value) {
      // A secret's text is never repeated back.
      const problem = connector.secrets?.includes(option.path[0]!)
        ? value.problem.replace(/^".*" /s, 'the value ')
        : value.problem;
      problems.push(`${variable}: ${problem} (connectors.${connector.id}.options.${option.path.join('.')})`);
      continue;
    }
    const options = out.get(connector.id) ?? {};
    setAt(options, option.path, value.value);
    out.set(connector.id, options);
  }
  return out;
}
