// The OpenConnect message: four required fields, spelled as OpenConnect spells them, plus flat props.
import { z } from 'zod';
import { InputError, ValidationError, type ValidationProblem } from './errors.js';

export const RESERVED_FIELDS = ['agentid', 'jwt', 'crmid', 'event'] as const;
export type ReservedField = (typeof RESERVED_FIELDS)[number];

/** OpenConnect refuses anything larger; we refuse it first, with a better message. */
export const MAX_MESSAGE_BYTES = 131_072;
/** Proxies and servers commonly cut URLs near 8 KB; GET beyond this must move to POST. */
export const DEFAULT_MAX_URL_LENGTH = 8_192;

export type PropValue = string | number | boolean;
export type Props = Record<string, PropValue>;

const reserved = new Set<string>(RESERVED_FIELDS);
const required = (field: string) =>
  z.string({ error: `${field} is required and must be a string` }).min(1, `${field} must not be empty`);

export const propsSchema = z
  .record(
    // Checked below: zod reports a bad record key only as "Invalid key in record".
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], {
      error: (issue) =>
        typeof issue.input === 'number'
          ? 'a number prop must be finite'
          : 'a prop value must be a string, a number or a boolean (flatten nested data first)',
    }),
  )
  .superRefine((props, ctx) => {
    for (const key of Object.keys(props)) {
      if (key === '') ctx.addIssue({ code: 'custom', message: 'a prop name must not be empty' });
      if (reserved.has(key.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `prop "${key}" would shadow the reserved field "${key.toLowerCase()}"; rename it`,
        });
      }
    }
  });

/** The message as we hold it: values are kept exactly as given (case and length matter to OpenConnect). */
export const messageSchema = z.object({
  agentid: required('agentid'),
  jwt: required('jwt'),
  crmid: required('crmid'),
  event: required('event'),
  props: propsSchema.default({}),
});

export type OpenConnectMessage = z.output<typeof messageSchema>;
export type MessageInput = z.input<typeof messageSchema>;

export interface ValidatedMessage {
  message: OpenConnectMessage;
  /** Things that are legal but very likely wrong, e.g. an event name with a trailing space. */
  warnings: string[];
}

const filled = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
// Number.isFinite is false for anything but a finite number.
const isPropValue = (value: unknown): value is PropValue =>
  typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value);

/**
 * The common case without zod: a message whose fields are non-empty strings and whose props are a plain object
 * of strings, finite numbers and booleans under names that are neither empty nor reserved. Gives what
 * messageSchema gives for such input (a fresh object, fields in schema order, a copy of the props in their
 * order); anything else is undefined and goes to messageSchema, which accepts or names every problem. Every
 * message is validated twice (at intake and before its send), and zod's parse was about 3 % of the runner's
 * CPU per message (docs/benchmarks.md, sixth pass).
 */
function plainMessage(input: unknown): OpenConnectMessage | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const { agentid, jwt, crmid, event, props } = input as Record<string, unknown>;
  if (!filled(agentid) || !filled(jwt) || !filled(crmid) || !filled(event)) return undefined;
  if (props === undefined) return { agentid, jwt, crmid, event, props: {} };
  if (props === null) return undefined;
  // Strings, arrays, Maps and class instances have prototypes of their own; zod reads symbol keys too (and
  // refuses them): such props take zod's path, which names the problem.
  const prototype = Object.getPrototypeOf(props);
  if (
    (prototype !== Object.prototype && prototype !== null) ||
    Object.getOwnPropertySymbols(props).length > 0
  )
    return undefined;
  const copy: Props = {};
  for (const name of Object.keys(props)) {
    const value = (props as Record<string, unknown>)[name];
    if (name === '' || reserved.has(name.toLowerCase()) || !isPropValue(value)) return undefined;
    copy[name] = value; // a "__proto__" name sets nothing here, and zod drops it too
  }
  return { agentid, jwt, crmid, event, props: copy };
}

/** What messageSchema makes of the input, or a ValidationError listing every problem. */
function parseMessage(input: unknown): OpenConnectMessage {
  const parsed = messageSchema.safeParse(input);
  if (!parsed.success) {
    const problems: ValidationProblem[] = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(message)',
      message: issue.message,
    }));
    throw new ValidationError(problems);
  }
  return parsed.data;
}

/** Validates a message; throws ValidationError listing every problem (the jwt value never appears). */
export function validateMessage(input: unknown): ValidatedMessage {
  const message = plainMessage(input) ?? parseMessage(input);
  return { message, warnings: [...eventNameWarnings(message.event), ...agentidWarnings(message.agentid)] };
}

// Invisible characters that survive copy-paste from a PopFlow editor and make the length differ.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this finds
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00a0\u00ad\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]/u;

/** The troubleshooting guide's first reason a PopFlow does not fire: the event name's case or length. */
export function eventNameWarnings(event: string): string[] {
  const warnings: string[] = [];
  if (event !== event.trim()) {
    warnings.push(
      `event "${event}" has leading or trailing whitespace (length ${event.length}); OpenConnect matches the PopFlow event name exactly, spaces included`,
    );
  }
  if (INVISIBLE.test(event)) {
    warnings.push(
      `event "${visible(event)}" contains invisible characters; retype the name as it appears in the PopFlow event`,
    );
  }
  return warnings;
}

function agentidWarnings(agentid: string): string[] {
  return agentid !== agentid.trim()
    ? [`agentid "${agentid}" has leading or trailing whitespace; the agent login is matched exactly`]
    : [];
}

/** Shows invisible characters as \u{...} so a warning makes them visible. */
export function visible(text: string): string {
  return [...text]
    .map((ch) => (INVISIBLE.test(ch) ? `\\u{${ch.codePointAt(0)!.toString(16).padStart(4, '0')}}` : ch))
    .join('');
}

/** Vendor data nested deeper than this is refused: real payloads stay far below it, hostile ones do not. */
export const MAX_FLATTEN_DEPTH = 32;

/**
 * Flattens nested vendor data into dotted keys with string/number/boolean values.
 * Arrays use their index (`tags.0`); null and undefined are dropped; dates become ISO strings.
 * Throws an InputError (a 400 to the vendor) for data nested deeper than MAX_FLATTEN_DEPTH.
 */
export function flattenProps(data: unknown, prefix = '', out: Props = {}, depth = 0): Props {
  if (data === null || data === undefined) return out;
  if (depth > MAX_FLATTEN_DEPTH) {
    throw new InputError(
      `the data under "${prefix.slice(0, 80)}" is nested deeper than ${MAX_FLATTEN_DEPTH} levels`,
      prefix,
    );
  }
  if (typeof data === 'string' || typeof data === 'boolean') {
    if (prefix) out[prefix] = data;
    return out;
  }
  if (typeof data === 'number') {
    if (prefix && Number.isFinite(data)) out[prefix] = data;
    return out;
  }
  if (typeof data === 'bigint') {
    if (prefix) out[prefix] = data.toString();
    return out;
  }
  if (data instanceof Date) {
    if (prefix && !Number.isNaN(data.getTime())) out[prefix] = data.toISOString();
    return out;
  }
  // Stryker disable next-line ConditionalExpression,BlockStatement: without it an array takes the object branch, same keys
  if (Array.isArray(data)) {
    for (const [index, item] of data.entries())
      flattenProps(item, prefix ? `${prefix}.${index}` : String(index), out, depth + 1);
    return out;
  }
  // Stryker disable next-line ConditionalExpression: what is left (a function, a symbol) has no own entries, so the loop adds nothing either way
  if (typeof data === 'object') {
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      // An empty key at the top would make a prop with no name, which no message accepts.
      if (prefix || key) flattenProps(value, prefix ? `${prefix}.${key}` : key, out, depth + 1);
    }
  }
  return out;
}

/**
 * Flattens the values of a vendor template (Talkdesk, Studio scripts) to trimmed strings: nested objects
 * as `a.b` (deeper than `maxDepth` kept as JSON), lists joined with ", ", blank values dropped, and
 * placeholders the vendor could not fill (`skip`, e.g. a literal `{{agent_email}}`) dropped too.
 */
export function flattenToText(
  input: Record<string, unknown>,
  options: { skip?: RegExp; maxDepth?: number } = {},
  out: Record<string, string> = {},
  prefix = '',
  depth = 0,
): Record<string, string> {
  const maxDepth = options.maxDepth ?? 3;
  for (const [key, value] of Object.entries(input)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      const items = value
        .filter((v) => v !== null && v !== undefined)
        .map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
      if (items.length) out[name] = items.join(', ');
    } else if (typeof value === 'object') {
      if (depth < maxDepth) flattenToText(value as Record<string, unknown>, options, out, name, depth + 1);
      else out[name] = JSON.stringify(value);
    } else {
      const text = String(value).trim();
      if (text && !options.skip?.test(text)) out[name] = text;
    }
  }
  return out;
}

/** The flat wire form OpenConnect receives: the four fields, then every prop. */
export function toWireFields(message: OpenConnectMessage): Record<string, PropValue> {
  return {
    agentid: message.agentid,
    jwt: message.jwt,
    crmid: message.crmid,
    event: message.event,
    ...message.props,
  };
}
