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
  outboxCommitWindowMs: 'a number of milliseconds from 0 to 50 (0: per event-loop turn)',
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
  // A connector's settings (connectors.<id>.…), whatever the id.
  'connectors.*': 'a mapping of the connector’s settings (events, props, directory, options)',
  'connectors.*.events': 'a mapping of lifecycle word or native event → PopFlow event name (null: not sent)',
  'connectors.*.events.*': 'a PopFlow event name, or null to not send that event',
  'connectors.*.props': 'a mapping with allow, drop and rename',
  'connectors.*.props.allow': 'a list of prop names (a name may end in *)',
  'connectors.*.props.allow.*': 'a prop name (it may end in *)',
  'connectors.*.props.drop': 'a list of prop names',
  'connectors.*.props.drop.*': 'a prop name',
  'connectors.*.props.rename': 'a mapping of prop name → the name the PopFlow expects',
  'connectors.*.props.rename.*': 'the name the PopFlow expects',
  'connectors.*.directory': 'a mapping of platform user id → agent login',
  'connectors.*.directory.*': 'an agent login',
  'connectors.*.options': 'a mapping of the connector’s options (see its README)',
};

/** Values never repeated in a problem: they are secrets, or may hold one (a Redis password). */
const SECRET_FIELDS = new Set(['adminToken', 'openconnect.jwt']);

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

/** A path as EXPECTS keys it: any connector id, list index or mapping key as `*`. */
function generic(at: string): string {
  const parts = at.split('.');
  if (parts[0] !== 'connectors' || parts.length < 2) return at.replace(/\.\d+(?=\.|$)/g, '.*');
  const [, , section, sub] = parts;
  const out = ['connectors', '*'];
  if (section) out.push(section);
  // events.<name>, directory.<user>, props.<list>.<index>, props.rename.<name>
  if (section === 'props' && sub) out.push(sub);
  if (parts.length > out.length) out.push('*');
  return out.join('.');
}

/** What the field at `at` expects, or undefined when nothing is known about it. */
function expectation(at: string, issue: z.core.$ZodIssue): string | undefined {
  const known = EXPECTS[generic(at)];
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
  // A refinement's own message (a CORS origin with a path) says more than any generic sentence could.
  if (!expected || issue.code === 'custom') return `${label}: ${issue.message}`;
  if (value === undefined) return `${label}: missing; it must be ${expected}`;
  if (SECRET_FIELDS.has(at)) return `${label}: the value given is not ${expected}`;
  return `${label}: ${shown(value)} is not ${expected}`;
}

type AnySchema = {
  _zod: { def: { type: string; innerType?: AnySchema; in?: AnySchema; shape?: Record<string, AnySchema> } };
};

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
