// Sending to OpenConnect over HTTP. One attempt per send(): retries belong to the caller (the runner's
// outbox), which knows what has been accepted and what may be sent twice.
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { type Dispatcher, Pool } from 'undici';
import {
  AuthError,
  ConfigError,
  NetworkError,
  PayloadTooLargeError,
  type PropSize,
  RateLimitedError,
  RejectedError,
  redactor,
  ServerError,
  TimeoutError,
  UrlTooLongError,
} from './errors.js';
import {
  DEFAULT_MAX_URL_LENGTH,
  MAX_MESSAGE_BYTES,
  type Props,
  type PropValue,
  toWireFields,
  validateMessage,
} from './message.js';

export const DEFAULT_BASE_URL = 'https://connect.openmethodscloud.com/api/sendmessage/CRM';
export const END_OF_LIFE_HOSTS = ['connect.openmethods.com'];
export const DEFAULT_TIMEOUT_MS = 10_000;

export type SendMethod = 'POST' | 'GET';
/**
 * How requests travel. `axios` (default): the general-purpose client the CLI and one-off sends use.
 * `undici`: a connection pool with less work per request, for senders with many messages in flight (the
 * runner's delivery loop); same requests, same answers, same errors.
 */
export type Transport = 'axios' | 'undici';

export interface OpenConnectClientOptions {
  /** Defaults to the OpenConnect production URL. */
  baseUrl?: string;
  crmid: string;
  jwt: string;
  /** POST with a JSON body (default, recommended) or GET with every field in the query string. */
  method?: SendMethod;
  timeoutMs?: number;
  /** GET only: refuse URLs longer than this (default 8192). */
  maxUrlLength?: number;
  transport?: Transport;
}

export interface SendInput {
  agentid: string;
  event: string;
  props?: Props;
  /** Overrides the client's crmid for this message. */
  crmid?: string;
}

export interface SendResult {
  status: number;
  /** OpenConnect's answer, shortened and with the jwt removed. */
  body: string;
  durationMs: number;
  bytes: number;
  warnings: string[];
}

export interface EncodedRequest {
  method: SendMethod;
  url: string;
  body?: string;
  headers: Record<string, string>;
  bytes: number;
}

export interface OpenConnectClient {
  send(input: SendInput): Promise<SendResult>;
  /** What the client talks to, safe to log (no jwt). */
  describe(): { baseUrl: string; method: SendMethod; crmid: string; timeoutMs: number };
  close(): void;
}

/** Checks an OpenConnect base URL; throws ConfigError naming the fix. */
export function checkBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError(`the OpenConnect URL "${baseUrl}" is not a valid URL`, `use ${DEFAULT_BASE_URL}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(
      `the OpenConnect URL must be http(s), not ${url.protocol}`,
      `use ${DEFAULT_BASE_URL}`,
    );
  }
  if (END_OF_LIFE_HOSTS.includes(url.hostname.toLowerCase())) {
    throw new ConfigError(
      `the OpenConnect host ${url.hostname} is end-of-life`,
      'use connect.openmethodscloud.com instead (https://connect.openmethodscloud.com/api/sendmessage/CRM), and re-generate the API key in Experience Cloud: keys made for the old host do not carry over',
    );
  }
  return url;
}

// Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: String() of a string is that string; the branch only skips a call
const fieldText = (value: PropValue) => (typeof value === 'string' ? value : String(value));

function largestProps(props: Props, method: SendMethod): PropSize[] {
  return Object.entries(props)
    .map(([name, value]) => ({
      name,
      bytes:
        method === 'POST'
          ? Buffer.byteLength(JSON.stringify({ [name]: value })) - 2
          : Buffer.byteLength(new URLSearchParams({ [name]: fieldText(value) }).toString()),
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3);
}

/** A value's JSON text at its longest: 6 bytes per UTF-16 unit of a string (\u0001, a lone surrogate), quotes
 * included; a finite number takes at most 24 characters (-1.7976931348623157e+308), a boolean 5. */
const jsonBytesAtMost = (value: PropValue) => (typeof value === 'string' ? 6 * value.length + 2 : 24);

/**
 * At most how many bytes the message's POST body takes, worked out without encoding it (an entry's name, its
 * colon, its value and a comma each). The intake checks every message against the 128 KB limit and encodes it
 * to do so only when this bound is over the limit: most messages are a few hundred bytes.
 */
export function postBytesAtMost(fields: {
  agentid: string;
  jwt: string;
  crmid: string;
  event: string;
  props: Props;
}): number {
  // The braces less the comma the last entry lacks, then "agentid":…, "jwt":…, "crmid":…, "event":….
  let bytes = 1 + (9 + 2) + (5 + 2) + (7 + 2) + (7 + 2);
  bytes += jsonBytesAtMost(fields.agentid) + jsonBytesAtMost(fields.jwt);
  bytes += jsonBytesAtMost(fields.crmid) + jsonBytesAtMost(fields.event);
  for (const name of Object.keys(fields.props))
    bytes += jsonBytesAtMost(name) + 2 + jsonBytesAtMost(fields.props[name]!);
  return bytes;
}

/**
 * Builds the exact HTTP request for a message, enforcing the 128 KB limit (and the URL limit for GET).
 * Exported so the size rules can be checked without sending.
 */
export function encodeRequest(
  fields: { agentid: string; jwt: string; crmid: string; event: string; props: Props },
  options: { baseUrl: string; method: SendMethod; maxUrlLength?: number },
): EncodedRequest {
  const wire = toWireFields(fields);
  if (options.method === 'POST') {
    const body = JSON.stringify(wire);
    const bytes = Buffer.byteLength(body);
    if (bytes > MAX_MESSAGE_BYTES) {
      throw new PayloadTooLargeError(bytes, MAX_MESSAGE_BYTES, largestProps(fields.props, 'POST'));
    }
    return {
      method: 'POST',
      url: options.baseUrl,
      body,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/plain, */*' },
      bytes,
    };
  }
  const url = new URL(options.baseUrl);
  for (const [key, value] of Object.entries(wire)) url.searchParams.append(key, fieldText(value));
  const query = url.search.slice(1);
  const bytes = Buffer.byteLength(query);
  if (bytes > MAX_MESSAGE_BYTES) {
    // Stryker disable next-line StringLiteral: largestProps measures every method but POST the GET way, so any other word is GET
    throw new PayloadTooLargeError(bytes, MAX_MESSAGE_BYTES, largestProps(fields.props, 'GET'));
  }
  const href = url.toString();
  const max = options.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH;
  if (href.length > max) throw new UrlTooLongError(href.length, max);
  return { method: 'GET', url: href, headers: { accept: 'application/json, text/plain, */*' }, bytes };
}

/**
 * A Retry-After header (seconds, or an HTTP date; a header given twice counts by its first) as the pause it
 * asks for in ms, or undefined when it names none. OpenConnect's 429s and every vendor session read it here.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const text = typeof first === 'string' || typeof first === 'number' ? String(first).trim() : '';
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What a transport hands back: nothing of the request, so nothing that holds the jwt. */
interface Answer {
  status: number;
  text: string;
  retryAfter: unknown;
}
interface Exchange {
  send(request: EncodedRequest): Promise<Answer>;
  close(): void;
}

function axiosExchange(timeoutMs: number, scrub: (text: string) => string): Exchange {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const transport: AxiosInstance = axios.create({
    httpAgent,
    httpsAgent,
    timeout: timeoutMs,
    maxRedirects: 0,
    proxy: false,
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    validateStatus: () => true,
  });
  return {
    async send(request) {
      try {
        const response = await transport.request({
          method: request.method,
          url: request.url,
          data: request.body,
          headers: request.headers,
        });
        // Stryker disable next-line ConditionalExpression,StringLiteral: responseType 'text' with an identity transformResponse: data is always a string, '' when the body is empty
        const text = typeof response.data === 'string' ? response.data : '';
        return { status: response.status, text, retryAfter: response.headers['retry-after'] };
      } catch (error) {
        // Never wrap the axios error: its config holds the URL and body, and so the jwt.
        if (isAxiosError(error)) {
          if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') throw new TimeoutError(timeoutMs);
          throw new NetworkError(scrub(error.code ?? error.message));
        }
        throw new NetworkError('unexpected transport failure');
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function undiciExchange(baseUrl: URL, timeoutMs: number, scrub: (text: string) => string): Exchange {
  // One pool per origin, kept-alive connections opened as needed; redirects are not followed (as with axios).
  // Dispatched with a handler of our own rather than pool.request(): an answer of a few bytes is gathered as
  // it comes, without the readable stream, abort signal and listeners request() sets up for every exchange.
  const pool = new Pool(baseUrl.origin);
  return {
    send(request) {
      return new Promise<Answer>((resolve, reject) => {
        let controller: Dispatcher.DispatchController | undefined;
        let timedOut = false;
        // The whole exchange, connect to last byte, as axios's timeout: past it the send fails at once, and the
        // request is aborted where it is (still connecting: as soon as it has its connection).
        const timer = setTimeout(() => {
          // Stryker disable next-line BooleanLiteral: read only by onRequestStart for a connection that completes after the timeout (see there)
          timedOut = true;
          reject(new TimeoutError(timeoutMs));
          controller?.abort(new TimeoutError(timeoutMs));
        }, timeoutMs);
        let status = 0;
        let retryAfter: unknown;
        const chunks: Buffer[] = [];
        pool.dispatch(
          {
            method: request.method,
            // The request's URL is on this pool's origin: its path and query follow the first "/" after "//".
            path: request.url.slice(request.url.indexOf('/', request.url.indexOf('//') + 2)),
            headers: request.headers,
            body: request.body ?? null,
          },
          {
            onRequestStart(started) {
              controller = started;
              // Stryker disable next-line ConditionalExpression: a connection that completes after the timeout needs a slow TLS handshake that completes, which loopback tests cannot arrange without certificates
              if (timedOut) started.abort(new TimeoutError(timeoutMs));
            },
            onResponseStart(_controller, statusCode, headers) {
              status = statusCode;
              retryAfter = headers['retry-after'];
            },
            onResponseData(_controller, chunk) {
              chunks.push(chunk);
            },
            onResponseEnd() {
              clearTimeout(timer);
              resolve({ status, text: Buffer.concat(chunks).toString('utf8'), retryAfter });
            },
            // Never pass the undici error on: it can carry the request, and so the jwt. After a timeout (the
            // abort lands here) the send has already failed, and this changes nothing.
            onResponseError(_controller, error: Error & { code?: string }) {
              clearTimeout(timer);
              reject(new NetworkError(scrub(error.code ?? error.message)));
            },
          },
        );
      });
    },
    close() {
      pool.destroy().catch(() => {});
    },
  };
}

export function createOpenConnectClient(options: OpenConnectClientOptions): OpenConnectClient {
  const checkedUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const baseUrl = checkedUrl.toString();
  const method: SendMethod = options.method ?? 'POST';
  if (method !== 'POST' && method !== 'GET') {
    throw new ConfigError(`unknown method "${String(method)}"`, 'use POST (recommended) or GET');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // The jwt's redacted forms (raw, URL-, query- and JSON-encoded) worked out once, not per answer or failure.
  const scrub = redactor([options.jwt]);
  const transport = options.transport ?? 'axios';
  if (transport !== 'axios' && transport !== 'undici') {
    throw new ConfigError(`unknown transport "${String(transport)}"`, 'use axios (default) or undici');
  }
  const exchange =
    transport === 'undici' ? undiciExchange(checkedUrl, timeoutMs, scrub) : axiosExchange(timeoutMs, scrub);

  async function send(input: SendInput): Promise<SendResult> {
    const { message, warnings } = validateMessage({
      agentid: input.agentid,
      jwt: options.jwt,
      crmid: input.crmid ?? options.crmid,
      event: input.event,
      props: input.props ?? {},
    });
    const request = encodeRequest(message, { baseUrl, method, maxUrlLength: options.maxUrlLength });
    const started = performance.now();
    const { status, text, retryAfter } = await exchange.send(request);
    const durationMs = performance.now() - started;
    const excerpt = scrub(text.slice(0, 300)).trim();
    if (status >= 200 && status < 300) {
      return { status, body: excerpt, durationMs, bytes: request.bytes, warnings };
    }
    if (status === 401) throw new AuthError(status);
    if (status === 413) throw new PayloadTooLargeError(request.bytes, MAX_MESSAGE_BYTES, [], status);
    if (status === 429) throw new RateLimitedError(status, parseRetryAfter(retryAfter));
    if (status === 408 || status >= 500) throw new ServerError(status, excerpt);
    throw new RejectedError(status, excerpt);
  }

  return {
    send,
    describe: () => ({ baseUrl, method, crmid: options.crmid, timeoutMs }),
    close: () => exchange.close(),
  };
}
