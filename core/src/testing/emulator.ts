// A local OpenConnect: behaves as the documentation describes (GET and POST on /api/sendmessage/CRM,
// required fields, 401 for an unknown key, 413 above 128 KB) and records what it accepts. Tests and
// local runs point at it; nothing in this repository ever calls the real host.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_MESSAGE_BYTES, type PropValue, RESERVED_FIELDS } from '../message.js';

export const EMULATOR_PATH = '/api/sendmessage/CRM';
export const EMULATOR_DEFAULT_JWT = 'emulator-test-key';

export interface ReceivedMessage {
  seq: number;
  method: 'GET' | 'POST';
  agentid: string;
  crmid: string;
  event: string;
  /** Every other field, as received (GET: strings; POST JSON: their JSON types). */
  props: Record<string, PropValue>;
  receivedAt: string;
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** API keys it accepts. Default: [EMULATOR_DEFAULT_JWT]. */
  jwts?: string[];
  onMessage?: (message: ReceivedMessage) => void;
  /** Called for every request answered, accepted or not (for `openconnect emulator` output). */
  onRequest?: (entry: { method: string; status: number; reason?: string }) => void;
}

export interface Emulator {
  url: string;
  /** The full OpenConnect URL to configure: `${url}/api/sendmessage/CRM`. */
  endpoint: string;
  port: number;
  readonly messages: ReceivedMessage[];
  /** Answer the next `count` requests with `status` (default 503) instead of accepting them, with a Retry-After header when given. */
  failNext(count: number, status?: number, options?: { retryAfter?: string }): void;
  /** Wait this long before answering every request (0 to stop). */
  setDelay(ms: number): void;
  /** Stop accepting connections (existing ones are cut) until accept() is called. */
  refuseConnections(): Promise<void>;
  accept(): Promise<void>;
  /** Resolves when at least `count` messages have been accepted. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  reset(): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', reject);
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const accepted = new Set(options.jwts ?? [EMULATOR_DEFAULT_JWT]);
  const messages: ReceivedMessage[] = [];
  const sockets = new Set<Socket>();
  const waiters: { count: number; resolve: (m: ReceivedMessage[]) => void }[] = [];
  let failures: { remaining: number; status: number; retryAfter?: string } = { remaining: 0, status: 503 };
  let delayMs = 0;
  let seq = 0;
  let listening = false;

  function record(method: 'GET' | 'POST', fields: Record<string, PropValue>): ReceivedMessage {
    const { agentid, crmid, event, jwt: _jwt, ...props } = fields;
    const message: ReceivedMessage = {
      seq: ++seq,
      method,
      agentid: String(agentid),
      crmid: String(crmid),
      event: String(event),
      props,
      receivedAt: new Date().toISOString(),
    };
    messages.push(message);
    options.onMessage?.(message);
    for (const waiter of [...waiters]) {
      if (messages.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve([...messages]);
      }
    }
    return message;
  }

  function check(method: 'GET' | 'POST', fields: Record<string, unknown>): Answer {
    const missing = RESERVED_FIELDS.filter((f) => typeof fields[f] !== 'string' || fields[f] === '');
    if (missing.includes('jwt')) return { status: 401, body: { error: 'missing API key (jwt)' } };
    if (!accepted.has(fields.jwt as string)) return { status: 401, body: { error: 'invalid API key' } };
    if (missing.length)
      return { status: 400, body: { error: `missing required field(s): ${missing.join(', ')}` } };
    for (const [key, value] of Object.entries(fields)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        return { status: 400, body: { error: `field ${key} must be a string, number or boolean` } };
      }
    }
    const message = record(method, fields as Record<string, PropValue>);
    return { status: 200, body: { status: 'success', id: message.seq } };
  }

  async function answer(req: http.IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname !== EMULATOR_PATH)
      return { status: 404, body: { error: `no such path ${url.pathname}` } };
    if (failures.remaining > 0) {
      failures.remaining -= 1;
      await readBody(req, MAX_MESSAGE_BYTES);
      return {
        status: failures.status,
        body: { error: 'emulated failure' },
        ...(failures.retryAfter !== undefined ? { headers: { 'retry-after': failures.retryAfter } } : {}),
      };
    }
    if (req.method === 'GET') {
      if (url.search.length - 1 > MAX_MESSAGE_BYTES)
        return { status: 413, body: { error: 'message over 128 KB' } };
      return check('GET', Object.fromEntries(url.searchParams));
    }
    if (req.method !== 'POST') return { status: 405, body: { error: 'use GET or POST' } };
    const { text, tooLarge } = await readBody(req, MAX_MESSAGE_BYTES);
    if (tooLarge) return { status: 413, body: { error: 'message over 128 KB' } };
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (type.includes('application/x-www-form-urlencoded')) {
      return check('POST', Object.fromEntries(new URLSearchParams(text)));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return { status: 400, body: { error: 'body must be a JSON object' } };
    return check('POST', body as Record<string, unknown>);
  }

  async function control(req: http.IncomingMessage, url: URL): Promise<Answer> {
    const { text } = await readBody(req, 65_536);
    const input = (text ? JSON.parse(text) : {}) as Record<string, number | string>;
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /__emulator/messages':
        return { status: 200, body: { messages } };
      case 'POST /__emulator/fail':
        api.failNext(Number(input.count ?? 1), Number(input.status ?? 503), {
          ...(input.retryAfter !== undefined ? { retryAfter: String(input.retryAfter) } : {}),
        });
        return { status: 200, body: { ok: true } };
      case 'POST /__emulator/delay':
        api.setDelay(Number(input.ms ?? 0));
        return { status: 200, body: { ok: true } };
      case 'POST /__emulator/refuse': {
        // Over HTTP the caller cannot send "accept" to a closed port, so refusal lasts `ms`.
        const ms = Number(input.ms ?? 1000);
        setTimeout(() => {
          void api.refuseConnections().then(() => setTimeout(() => void api.accept(), ms));
        }, 10);
        return { status: 200, body: { ok: true, ms } };
      }
      case 'POST /__emulator/reset':
        api.reset();
        return { status: 200, body: { ok: true } };
      default:
        return { status: 404, body: { error: 'unknown control' } };
    }
  }

  // Node refuses request heads over 16 KB with 431; a GET carrying up to 128 KB must reach the size check.
  const server = http.createServer({ maxHeaderSize: 2 * MAX_MESSAGE_BYTES }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const isControl = url.pathname.startsWith('/__emulator/');
    const handle = isControl ? control(req, url) : answer(req);
    handle
      .catch(() => ({ status: 400, body: { error: 'unreadable request' } }) as Answer)
      .then(async (result) => {
        if (!isControl && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        if (!isControl) {
          options.onRequest?.({
            method: req.method ?? '?',
            status: result.status,
            ...(result.status >= 300 ? { reason: String(result.body.error ?? '') } : {}),
          });
        }
        if (res.destroyed) return;
        res.writeHead(result.status, { 'content-type': 'application/json', ...result.headers });
        res.end(JSON.stringify(result.body));
      });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        listening = true;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen();
  const url = `http://${host}:${port}`;
  const api: Emulator = {
    url,
    endpoint: `${url}${EMULATOR_PATH}`,
    port,
    messages,
    failNext(count, status = 503, options = {}) {
      failures = {
        remaining: count,
        status,
        ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}),
      };
    },
    setDelay(ms) {
      delayMs = ms;
    },
    refuseConnections: stop,
    accept: () => (listening ? Promise.resolve() : listen()),
    waitFor(count, timeoutMs = 10_000) {
      if (messages.length >= count) return Promise.resolve([...messages]);
      return new Promise((resolve, reject) => {
        const waiter = { count, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) {
            waiters.splice(at, 1);
            reject(new Error(`emulator: ${messages.length} of ${count} messages after ${timeoutMs} ms`));
          }
        }, timeoutMs).unref();
      });
    },
    reset() {
      messages.length = 0;
      failures = { remaining: 0, status: 503 };
      delayMs = 0;
    },
    close: stop,
  };
  return api;
}
