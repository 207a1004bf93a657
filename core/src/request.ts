// The vendor's request as a connector sees it, and the parsers connectors share. Bodies stay raw bytes
// until a connector has verified them: signatures are computed over what was sent, never re-serialised.
import { type MatcherView, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { z } from 'zod';
import { InputError } from './errors.js';
import { putOwn } from './vocabulary.js';

export interface InboundRequest {
  method: string;
  /** The full public URL the vendor called, query included (behind a proxy: the configured public URL). */
  url: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  query: Record<string, string | string[]>;
  rawBody: Buffer;
}

/** The shape of a recorded request (fixtures, `openconnect map --request`). */
export interface RecordedRequest {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
  /** The raw body, or a JSON value encoded according to the content-type header. */
  body?: unknown;
}

export function header(req: InboundRequest, name: string): string | undefined {
  return req.headers[name.toLowerCase()];
}

export function queryParam(req: InboundRequest, name: string): string | undefined {
  const value = req.query[name];
  return Array.isArray(value) ? value[0] : value;
}

export function contentType(req: InboundRequest): string {
  return (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The body as UTF-8 text, without a leading byte-order mark (some .NET senders write one; JSON.parse refuses it). */
export function bodyText(req: InboundRequest): string {
  const text = req.rawBody.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const jsonCache = new WeakMap<InboundRequest, unknown>();

/** Parses the body as JSON; throws InputError on anything else. */
export function parseJson(req: InboundRequest): unknown {
  if (jsonCache.has(req)) return jsonCache.get(req);
  const text = bodyText(req);
  if (!text.trim()) throw new InputError('the request body is empty; a JSON body was expected');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the request body is not valid JSON (${(error as Error).message})`);
  }
  jsonCache.set(req, value);
  return value;
}

/** Parses JSON without throwing, for `detect` functions that peek at a body. */
export function peekJson(req: InboundRequest): unknown {
  try {
    return parseJson(req);
    // Stryker disable next-line BlockStatement: an empty catch falls through to the end of the function, which returns undefined too
  } catch {
    return undefined;
  }
}

/**
 * A `detect` for a JSON source: true when the body is JSON and `looksLike` recognises it. Never throws (a
 * throwing test does not claim the request), so sources need no try/catch of their own.
 */
export function detectJson(looksLike: (body: unknown) => boolean): (req: InboundRequest) => boolean {
  return (req) => {
    const body = peekJson(req);
    if (body === undefined) return false;
    try {
      return looksLike(body);
    } catch {
      return false;
    }
  };
}

/** Parses an application/x-www-form-urlencoded body into single values (the first of repeated keys). */
export function parseForm(req: InboundRequest): Record<string, string> {
  const params = new URLSearchParams(bodyText(req));
  const out: Record<string, string> = {};
  // Own keys only: `key in out` took a field named "toString" for one already read, and `out[key] =` drops
  // "__proto__".
  for (const [key, value] of params) if (!Object.hasOwn(out, key)) putOwn(out, key, value);
  return out;
}

/** The query string as single values (the first of repeated keys). */
export function queryValues(req: InboundRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) putOwn(out, key, first);
  }
  return out;
}

/** GET query or POST form, whichever the vendor sent (Five9-style web callbacks use both). */
export function formOrQuery(req: InboundRequest): Record<string, string> {
  const fromBody = req.method.toUpperCase() === 'GET' || req.rawBody.length === 0 ? {} : parseForm(req);
  return { ...queryValues(req), ...fromBody };
}

const DTD_REFUSED = 'XML with a DOCTYPE or ENTITY declaration is refused';

/**
 * DTDs are refused by the parser's own reading of the document, so `<!DOCTYPE` in a CDATA section or a
 * comment is text, not a declaration. fast-xml-parser hands every DOCTYPE it reads to its entity decoder
 * (addInputEntities); ours refuses it there. A DOCTYPE it refuses itself (external or parameter entities,
 * a malformed DTD) fails inside its DocTypeReader, which the stack names. Entities are never expanded
 * either way (processEntities: false; decode is the identity).
 */
class DtdRefused extends Error {}
const refuseDtd = {
  addInputEntities(): never {
    throw new DtdRefused(DTD_REFUSED);
  },
  setExternalEntities() {},
  reset() {},
  setXmlVersion() {},
  // Stryker disable next-line ArrowFunction: processEntities is off, so the parser never asks the decoder to decode
  decode: (text: string) => text,
};
const failedInDtd = (error: unknown) =>
  error instanceof DtdRefused || (error instanceof Error && /DocTypeReader/.test(error.stack ?? ''));

// The five entities XML predefines and character references: all a document without a DTD may use.
const XML_ENTITY = /&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references in one pass, so `&amp;lt;` stays `&lt;`. */
export function decodeXmlEntities(text: string): string {
  return text.replace(XML_ENTITY, (whole, ref: string) => {
    if (Object.hasOwn(PREDEFINED, ref)) return PREDEFINED[ref]!;
    const code = ref.startsWith('#x') ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    // NUL and surrogate halves are not characters XML allows: kept as written.
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
      ? String.fromCodePoint(code)
      : whole;
  });
}

function decodeTree(node: unknown): unknown {
  if (typeof node === 'string') return decodeXmlEntities(node);
  if (Array.isArray(node)) return node.map(decodeTree);
  // Stryker disable next-line ConditionalExpression,LogicalOperator: the parser gives only strings, arrays and objects (no value is parsed), so nothing else reaches here
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = decodeTree(value);
    return out;
  }
  return node;
}

/** How much XML parseXml reads: past either, a document is refused at once, the rest of it unread. */
export interface XmlLimits {
  /** Elements in the whole document (processing instructions count as elements). */
  xmlElements: number;
  /** How deep elements nest, the root element being 1. */
  xmlDepth: number;
}

/** Far above any vendor notification (a Finesse dialog is a few hundred elements, about ten deep). */
export const DEFAULT_XML_LIMITS: XmlLimits = { xmlElements: 5_000, xmlDepth: 100 };

// The host's limits for the request in hand (handleRequest's xmlLimits), so that a connector's parseXml
// call need not pass them on. A connector's parse is synchronous, so a plain variable set around it does: an
// AsyncLocalStorage would do the same at the price of promise hooks on every promise of the process (Node 20),
// a few per cent of the runner's CPU under load.
let hostXmlLimits: XmlLimits | undefined;

/**
 * Runs the synchronous `work` with `limits` as the XML limits of every parseXml call it makes that names none
 * (a parseXml call `work` defers past an await does not see them).
 */
export function withXmlLimits<T>(limits: XmlLimits | undefined, work: () => T): T {
  const outer = hostXmlLimits;
  hostXmlLimits = limits;
  try {
    return work();
  } finally {
    hostXmlLimits = outer;
  }
}

/** A document past a limit: refused as soon as it is reached. */
class XmlLimitReached extends Error {}

export interface ParseXmlOptions {
  /** Elements that are always arrays, even when they occur once. */
  arrays?: readonly string[];
  /** Default: the host's (withXmlLimits), else DEFAULT_XML_LIMITS. */
  limits?: XmlLimits;
  /**
   * Decode `&lt; &gt; &amp; &quot; &apos;` and `&#NN;`/`&#xNN;` in text and attribute values. Off by
   * default: values then keep entities as written, and a caller that decodes them itself must not also
   * turn this on (it would decode twice).
   */
  entities?: boolean;
}

/**
 * Parses XML with DTDs and entities refused (no entity expansion, no external entities), and at most
 * `limits` of it. `arrays` names elements that are always arrays, even when they occur once.
 */
export function parseXml(text: string, options: ParseXmlOptions = {}): Record<string, unknown> {
  if (!text.trim().startsWith('<')) throw new InputError('the request body is not XML');
  // Stryker disable next-line ArrayDeclaration: no element can be named "Stryker was here" (spaces), so a made-up default matches nothing
  const always = new Set(options.arrays ?? []);
  const limits = options.limits ?? hostXmlLimits ?? DEFAULT_XML_LIMITS;
  let elements = 0;
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // Stryker disable next-line BooleanLiteral: with it on, the parser would hand entities to refuseDtd.decode, which keeps them as written: the same
    processEntities: false,
    ignoreDeclaration: true,
    removeNSPrefix: true,
    isArray: (name) => always.has(name),
    entityDecoder: refuseDtd,
    // The tag callbacks get the parser's path (its depth) rather than a path string built for each tag.
    jPath: false,
    // Ours below is the tighter (the parser's own allows one level more).
    maxNestedTags: limits.xmlDepth,
    // Called as each element is read, so a document past a limit is refused before the rest of it is.
    updateTag: (name, path) => {
      // `<!ENTITY …>` outside a DTD is no element: the lenient parser would read it as one named "!ENTITY".
      if (name.startsWith('!')) throw new DtdRefused(DTD_REFUSED);
      if (++elements > limits.xmlElements)
        throw new XmlLimitReached(
          `the XML has more than ${limits.xmlElements} elements: refused at the limit (xmlElements)`,
        );
      if ((path as MatcherView).getDepth() > limits.xmlDepth)
        throw new XmlLimitReached(
          `the XML nests elements more than ${limits.xmlDepth} deep: refused at the limit (xmlDepth)`,
        );
      return name;
    },
  });
  let parsed: unknown;
  try {
    // Parsed before it is validated: the validator reads the whole document first, limits or not.
    parsed = parser.parse(text);
  } catch (error) {
    if (error instanceof XmlLimitReached) throw new InputError(error.message);
    if (failedInDtd(error)) throw new InputError(DTD_REFUSED);
    throw notWellFormed(XMLValidator.validate(text), error);
  }
  const validation = XMLValidator.validate(text);
  if (validation !== true) throw notWellFormed(validation);
  if (!parsed || typeof parsed !== 'object') throw new InputError('the XML document is empty');
  return (options.entities ? decodeTree(parsed) : parsed) as Record<string, unknown>;
}

/** Why a document is not XML, in the validator's words (the parser's when the validator finds nothing). */
function notWellFormed(
  validation: ReturnType<typeof XMLValidator.validate>,
  parserError?: unknown,
): InputError {
  const detail =
    validation === true
      ? (parserError as Error | undefined)?.message
      : `${validation.err.msg}:${validation.err.line}:${validation.err.col}`;
  return new InputError(`the request body is not well-formed XML (${detail ?? 'unreadable'})`);
}

/**
 * Validates a parsed body against a zod schema; a mismatch becomes an InputError naming the field.
 * Connectors use this in `parse` so random or mistyped input is a 400, never a crash.
 */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  throw new InputError(`the ${what} is not as expected${path ? ` at ${path}` : ''}: ${issue.message}`, path);
}

/** Builds an InboundRequest from a recorded one, encoding a JSON `body` by the content-type header. */
export function toInboundRequest(
  recorded: RecordedRequest,
  baseUrl = 'http://localhost/webhook',
): InboundRequest {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(recorded.headers ?? {}))
    headers[key.toLowerCase()] = String(value);
  const query: Record<string, string | string[]> = { ...(recorded.query ?? {}) };
  const url = new URL(recorded.url ?? baseUrl);
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
  }
  for (const [key, value] of url.searchParams) if (!(key in query)) query[key] = value;
  const method = (recorded.method ?? 'POST').toUpperCase();
  return {
    method,
    url: url.toString(),
    headers,
    query,
    rawBody: encodeBody(recorded.body, headers['content-type']),
  };
}

function encodeBody(body: unknown, type: string | undefined): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const kind = (type ?? 'application/json').toLowerCase();
  if (kind.includes('x-www-form-urlencoded')) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      params.append(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    return Buffer.from(params.toString(), 'utf8');
  }
  if (kind.includes('xml')) {
    throw new InputError('an XML request must give its body as a string');
  }
  return Buffer.from(JSON.stringify(body), 'utf8');
}
