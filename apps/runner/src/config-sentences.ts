// Schema problems as sentences an operator can act on: `PORT: "abc" is not a port number (1-65535)`, not
// zod's `port: Invalid input: expected number, received NaN`. Each field says what it expects once, here;
// numbers without an entry get one from their name's unit (…Ms: milliseconds, …Bytes: bytes).
import type { z } from 'zod';

/** What each field takes, in the words of the README's tables. */
const EXPECTS: Record<string, string> = {
  port: 'a port number (1-65535)',
  metricsPort: 'a port number (1-65535)',
  host: 'an address to listen on (e.g. 0.0.0.0 or 127.0.0.1)',
  metricsHost: 'an address to listen on (e.g. 127.0.0.1)',
  publicUrl: 'an http(s) URL (e.g. https://hooks.example.com)',
  logLevel: 'a log level (fatal, error, warn, info, debug, trace or silent)',
  adminToken: 'a token of at least 16 characters (e.g. from `openssl rand -hex 24`)',
  outbox: 'an outbox: sqlite:<path> or a redis:// (rediss://) URL',
  outboxSync: 'full or normal',
  'openconnect.url': 'the OpenConnect URL (e.g. https://<host>/api/sendmessage/CRM)',
  'openconnect.jwt': 'the OpenConnect API key',
  'openconnect.crmid': 'the CRM id (the Oracle domain or Zendesk hostname)',
  'openconnect.method': 'POST or GET',
  'delivery.identicalRequestWindowMs': 'a whole number of milliseconds (0: off)',
  'delivery.retry.jitter': 'a fraction from 0 to 1',
  'delivery.redis.acceptDataLoss': 'true or false',
  'delivery.redis.persistence': 'check or confirmed',
  'subscriptions.enabled': 'true or false',
  'limits.ratePerSecond': 'a number of requests per second greater than 0',
  'limits.burst': 'a whole number of requests greater than 0',
  'limits.maxConnections': 'a whole number of connections greater than 0',
  'limits.connectionsPerClient': 'a whole number of connections (0: no cap)',
  'limits.xmlElements': 'a whole number of elements greater than 0',
  'limits.xmlDepth': 'a whole number of levels greater than 0',
  'delivery.concurrency': 'a whole number of deliveries at once greater than 0',
  'delivery.retry.maxAttempts': 'a whole number of attempts greater than 0',
  'delivery.retainDelivered.maxRows': 'a whole number of rows greater than 0',
  'delivery.redis.partitions': 'a whole number of partitions greater than 0',
  'cors.origins': 'a list of origins (scheme://host[:port])',
  'cors.headers': 'a list of header names',
};

/** Values never repeated in a problem: they are secrets, or may hold one (a Redis password). */
const SECRET_FIELDS = new Set(['adminToken', 'openconnect.jwt']);

/** zod's own wording, as opposed to a message the schema wrote for its field. */
const RAW = /^(Invalid (input|option|string|URL|url|number|type)|Too (small|big)|Unrecognized key)/;

function unit(key: string): string | undefined {
  if (/Ms$/.test(key)) return 'milliseconds';
  if (/Bytes$/.test(key)) return 'bytes';
  if (/S$/.test(key)) return 'seconds';
  return undefined;
}

function bounds(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small') {
    const min = Number(issue.minimum);
    if (issue.inclusive === false) return ` (more than ${min})`;
    return min === 0 ? ' (0 or more)' : ` (at least ${min})`;
  }
  if (issue.code === 'too_big') return ` (at most ${Number(issue.maximum)})`;
  return '';
}

/** What the field at `at` expects, or undefined when nothing is known about it. */
function expectation(at: string, issue: z.core.$ZodIssue): string | undefined {
  const known = EXPECTS[at];
  if (known) return known;
  const key = at.split('.').at(-1) ?? at;
  const u = unit(key);
  if (u) return `a whole number of ${u}${bounds(issue) || ' (more than 0)'}`;
  if (issue.code === 'invalid_type' && (issue.expected === 'number' || issue.expected === 'int'))
    return 'a number';
  if (issue.code === 'invalid_type' && issue.expected === 'boolean') return 'true or false';
  if (issue.code === 'invalid_type' && issue.expected === 'string') return 'a text value';
  if (issue.code === 'invalid_type' && issue.expected === 'array') return 'a list';
  if (issue.code === 'invalid_type' && issue.expected === 'object') return 'a mapping (key: value)';
  if (issue.code === 'too_small' || issue.code === 'too_big') return `a number${bounds(issue)}`;
  return undefined;
}

/** A value as a problem shows it: quoted text, shortened; a URL's password masked. */
export function shown(value: unknown): string {
  if (typeof value === 'string') {
    const masked = value.replace(/\/\/[^@/]*@/, '//***@');
    return JSON.stringify(masked.length > 80 ? `${masked.slice(0, 77)}...` : masked);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

export interface IssueContext {
  /** The field's path in the config, e.g. `openconnect.url`. */
  at: string;
  /** How the problem names the field: the environment variable that set it, or the path. */
  label: string;
  /** The value given, before coercion; undefined: none was given. */
  value: unknown;
  /** Keys an object at `at` takes, for unknown-key problems. */
  knownKeys?: readonly string[];
}

/** One problem line for one schema issue. */
export function sentence(issue: z.core.$ZodIssue, { at, label, value, knownKeys }: IssueContext): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    const where = at === '(root)' ? 'the config' : at;
    return `${label}: unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}${knownKeys?.length ? ` (${where} takes ${knownKeys.join(', ')})` : ''}`;
  }
  const expected = expectation(at, issue);
  if (!expected || (!EXPECTS[at] && !RAW.test(issue.message))) return `${label}: ${issue.message}`;
  if (value === undefined) return `${label}: missing; it must be ${expected}`;
  if (SECRET_FIELDS.has(at)) return `${label}: the value given is not ${expected}`;
  return `${label}: ${shown(value)} is not ${expected}`;
}

type AnySchema = { _zod: { def: { type: string; innerType?: AnySchema; in?: AnySchema; shape?: Record<string, AnySchema> } } };

function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let s = schema;
  for (let i = 0; s && i < 10; i++) {
    const def = s._zod.def;
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

/** The keys the object schema at `path` takes (the config's own schema: no guessing from messages). */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s = unwrap(schema as unknown as AnySchema);
  for (const key of path) {
    const shape = s?._zod.def.shape;
    if (!shape) return [];
    s = unwrap(shape[String(key)]);
  }
  return Object.keys(s?._zod.def.shape ?? {});
}
