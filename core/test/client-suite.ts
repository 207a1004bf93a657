// The OpenConnect client's behaviour, run once per transport (client.test.ts: axios, client-undici.test.ts:
// undici): same requests on the wire, same answers, same errors, the jwt nowhere.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createOpenConnectClient,
  encodeRequest,
  type OpenConnectClient,
  type Transport,
} from '../src/client.js';
import {
  AuthError,
  ConfigError,
  NetworkError,
  OpenConnectError,
  PayloadTooLargeError,
  RateLimitedError,
  RejectedError,
  ServerError,
  TimeoutError,
  UrlTooLongError,
  ValidationError,
} from '../src/errors.js';
import { MAX_MESSAGE_BYTES } from '../src/message.js';
import { type Emulator, startEmulator } from '../src/testing/emulator.js';

export function clientSuite(transport: Transport) {
  describe(`over ${transport}`, () => {
    const JWT = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWtleS1mb3ItdGVzdHM.Zm9vYmFyYmF6';
    const CRMID = 'acme.custhelp.com';

    let emulator: Emulator;
    const clients: OpenConnectClient[] = [];
    const client = (options: Partial<Parameters<typeof createOpenConnectClient>[0]> = {}) => {
      const c = createOpenConnectClient({
        transport,
        baseUrl: emulator.endpoint,
        crmid: CRMID,
        jwt: JWT,
        ...options,
      });
      clients.push(c);
      return c;
    };

    async function failure(promise: Promise<unknown>): Promise<OpenConnectError> {
      try {
        await promise;
      } catch (error) {
        expect(error).toBeInstanceOf(OpenConnectError);
        return error as OpenConnectError;
      }
      throw new Error('expected the send to fail');
    }

    beforeAll(async () => {
      emulator = await startEmulator({ jwts: [JWT] });
    });
    afterEach(() => {
      emulator.reset();
    });
    afterAll(async () => {
      for (const c of clients) c.close();
      await emulator.close();
    });

    const tricky = {
      caller: '+1 (555) 123-4567',
      note: 'a&b=c?d#e%f/g+h',
      name: 'Zoë Ångström 山田 😀',
      quote: 'say "hi" \\ bye',
      attempts: 3,
      score: 0.25,
      vip: true,
      blocked: false,
    };

    describe('POST (default)', () => {
      it('sends the four fields and every prop as a JSON body, types kept', async () => {
        const result = await client().send({ agentid: 'JDoe', event: 'On Answer', props: tricky });
        expect(result.status).toBe(200);
        expect(emulator.messages).toEqual([
          expect.objectContaining({
            method: 'POST',
            agentid: 'JDoe',
            crmid: CRMID,
            event: 'On Answer',
            props: tricky,
          }),
        ]);
      });

      it('keeps the event name exactly, trailing space included, and returns a warning', async () => {
        const result = await client().send({ agentid: 'jdoe', event: 'On End ' });
        expect(emulator.messages[0]?.event).toBe('On End ');
        expect(result.warnings).toHaveLength(1);
      });

      it('lets one message override the crmid', async () => {
        await client().send({ agentid: 'jdoe', event: 'x', crmid: 'other.zendesk.com' });
        expect(emulator.messages[0]?.crmid).toBe('other.zendesk.com');
      });
    });

    describe('GET', () => {
      it('puts every field in the query string, correctly encoded', async () => {
        await client({ method: 'GET' }).send({ agentid: 'jdoe', event: 'On Answer', props: tricky });
        const stringified = Object.fromEntries(Object.entries(tricky).map(([k, v]) => [k, String(v)]));
        expect(emulator.messages).toEqual([
          expect.objectContaining({ method: 'GET', agentid: 'jdoe', event: 'On Answer', props: stringified }),
        ]);
      });

      it('refuses a URL over the configured maximum and says to use POST', async () => {
        const error = await failure(
          client({ method: 'GET', maxUrlLength: 500 }).send({
            agentid: 'jdoe',
            event: 'x',
            props: { note: 'n'.repeat(600) },
          }),
        );
        expect(error).toBeInstanceOf(UrlTooLongError);
        expect(error.hint).toContain('use POST');
        expect(emulator.messages).toEqual([]);
      });

      it('sends a URL of exactly the default 8,192 characters and refuses one more', async () => {
        const base = encodeRequest(
          { agentid: 'jdoe', jwt: JWT, crmid: CRMID, event: 'x', props: { note: '' } },
          { baseUrl: emulator.endpoint, method: 'GET' },
        ).url.length;
        const note = 'n'.repeat(8_192 - base);
        await client({ method: 'GET' }).send({ agentid: 'jdoe', event: 'x', props: { note } });
        expect(emulator.messages).toHaveLength(1);
        const error = await failure(
          client({ method: 'GET' }).send({ agentid: 'jdoe', event: 'x', props: { note: `${note}n` } }),
        );
        expect(error).toBeInstanceOf(UrlTooLongError);
        expect(error.message).toBe(
          'the GET URL would be 8193 characters, over the configured maximum of 8192',
        );
      });

      it('refuses a GET over 128 KB before sending, naming the largest props', async () => {
        const error = await failure(
          client({ method: 'GET', maxUrlLength: 1_000_000 }).send({
            agentid: 'jdoe',
            event: 'x',
            props: { big: 'b'.repeat(140_000), tag: 'a b' },
          }),
        );
        expect(error).toBeInstanceOf(PayloadTooLargeError);
        expect((error as PayloadTooLargeError).largestProps).toEqual([
          { name: 'big', bytes: 140_004 },
          { name: 'tag', bytes: 7 },
        ]);
        expect(emulator.messages).toEqual([]);
      });

      it("counts a GET's size as its query string (without the '?'): exactly 128 KB is sent, one byte more refused", () => {
        const fields = { agentid: 'jdoe', jwt: 'k', crmid: 'c', event: 'x' };
        const options = {
          baseUrl: 'http://127.0.0.1/api/sendmessage/CRM',
          method: 'GET' as const,
          maxUrlLength: 1_000_000,
        };
        const base = encodeRequest({ ...fields, props: { big: '' } }, options).bytes;
        expect(base).toBe('agentid=jdoe&jwt=k&crmid=c&event=x&big='.length);
        const fill = 'b'.repeat(MAX_MESSAGE_BYTES - base);
        expect(encodeRequest({ ...fields, props: { big: fill } }, options).bytes).toBe(MAX_MESSAGE_BYTES);
        expect(() => encodeRequest({ ...fields, props: { big: `${fill}b` } }, options)).toThrow(
          PayloadTooLargeError,
        );
      });

      it('encodes the query with the base URL kept', () => {
        const encoded = encodeRequest(
          { agentid: 'a b', jwt: 'k', crmid: 'c', event: 'On End', props: { n: 1, ok: true } },
          { baseUrl: 'https://connect.openmethodscloud.com/api/sendmessage/CRM', method: 'GET' },
        );
        expect(encoded.url).toBe(
          'https://connect.openmethodscloud.com/api/sendmessage/CRM?agentid=a+b&jwt=k&crmid=c&event=On+End&n=1&ok=true',
        );
      });
    });

    describe('size limit', () => {
      const overhead = (props: Record<string, string>) =>
        Buffer.byteLength(JSON.stringify({ agentid: 'jdoe', jwt: JWT, crmid: CRMID, event: 'x', ...props }));

      it('sends a message of exactly 131,072 bytes', async () => {
        const fill = MAX_MESSAGE_BYTES - overhead({ big: '' });
        const result = await client().send({ agentid: 'jdoe', event: 'x', props: { big: 'a'.repeat(fill) } });
        expect(result.bytes).toBe(MAX_MESSAGE_BYTES);
        expect(emulator.messages).toHaveLength(1);
      });

      it('refuses one byte more before sending, naming the largest props', async () => {
        const fill = MAX_MESSAGE_BYTES - overhead({ big: '', small: 'abc' }) + 1;
        const error = await failure(
          client().send({ agentid: 'jdoe', event: 'x', props: { big: 'a'.repeat(fill), small: 'abc' } }),
        );
        expect(error).toBeInstanceOf(PayloadTooLargeError);
        expect((error as PayloadTooLargeError).largestProps.map((p) => p.name)).toEqual(['big', 'small']);
        expect(error.message).toContain(`largest props: big (${fill + 8} bytes)`);
        expect(emulator.messages).toEqual([]);
      });

      it('counts multi-byte characters as bytes, not characters', async () => {
        const error = await failure(
          client().send({ agentid: 'jdoe', event: 'x', props: { big: '山'.repeat(50_000) } }),
        );
        expect(error).toBeInstanceOf(PayloadTooLargeError);
      });
    });

    describe('errors that say what to fix', () => {
      it('401 is an AuthError that says the key is invalid or was re-generated', async () => {
        const error = await failure(
          client({ jwt: 'a-re-generated-old-key' }).send({ agentid: 'jdoe', event: 'x' }),
        );
        expect(error).toBeInstanceOf(AuthError);
        expect(error.status).toBe(401);
        expect(error.retryable).toBe(false);
        expect(error.hint).toContain('re-generated');
      });

      it('413 from the server is a permanent payload error', async () => {
        emulator.failNext(1, 413);
        const error = await failure(client().send({ agentid: 'jdoe', event: 'x' }));
        expect(error).toBeInstanceOf(PayloadTooLargeError);
        expect(error.retryable).toBe(false);
        expect((error as PayloadTooLargeError).largestProps).toEqual([]);
      });

      it('429 is retryable', async () => {
        emulator.failNext(1, 429);
        const error = await failure(client().send({ agentid: 'jdoe', event: 'x' }));
        expect(error).toBeInstanceOf(RateLimitedError);
        expect(error.retryable).toBe(true);
        expect((error as RateLimitedError).retryAfterMs).toBeUndefined();
      });

      it('429 carries Retry-After (seconds) as retryAfterMs', async () => {
        emulator.failNext(1, 429, { retryAfter: '2' });
        const error = await failure(client().send({ agentid: 'jdoe', event: 'x' }));
        expect((error as RateLimitedError).retryAfterMs).toBe(2000);
      });

      it('429 carries Retry-After as an HTTP date as the ms until then', async () => {
        const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 30_000);
        emulator.failNext(1, 429, { retryAfter: at.toUTCString() });
        const error = await failure(client().send({ agentid: 'jdoe', event: 'x' }));
        const retryAfterMs = (error as RateLimitedError).retryAfterMs!;
        expect(retryAfterMs).toBeGreaterThan(25_000);
        expect(retryAfterMs).toBeLessThanOrEqual(31_000);
      });

      it('408 is a retryable server error (the request timed out on their side)', async () => {
        emulator.failNext(1, 408);
        const error = await failure(client().send({ agentid: 'jdoe', event: 'x' }));
        expect(error).toBeInstanceOf(ServerError);
        expect(error.retryable).toBe(true);
      });

      it.each([500, 502, 503, 504])('%i is a retryable server error', async (status) => {
        emulator.failNext(1, status);
        const error = await failure(client().send({ agentid: 'jdoe', event: 'x' }));
        expect(error).toBeInstanceOf(ServerError);
        expect(error.status).toBe(status);
        expect(error.retryable).toBe(true);
      });

      it.each([400, 403, 404, 422])('%i is a permanent refusal', async (status) => {
        emulator.failNext(1, status);
        const error = await failure(client().send({ agentid: 'jdoe', event: 'x' }));
        expect(error).toBeInstanceOf(RejectedError);
        expect(error.retryable).toBe(false);
      });

      it('a missing required field is a ValidationError before anything is sent', async () => {
        const error = await failure(client().send({ agentid: '', event: 'x' }));
        expect(error).toBeInstanceOf(ValidationError);
        expect(emulator.messages).toEqual([]);
      });

      it('a slow answer is a retryable TimeoutError', async () => {
        emulator.setDelay(500);
        const error = await failure(client({ timeoutMs: 100 }).send({ agentid: 'jdoe', event: 'x' }));
        expect(error).toBeInstanceOf(TimeoutError);
        expect(error.retryable).toBe(true);
      });

      it('a timed-out send lets go of its request: the server sees the connection close', async () => {
        let closed!: () => void;
        const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
        // Takes the request and never answers.
        const server = http.createServer((req) => req.socket.on('close', () => closed()));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sendmessage/CRM`;
          const error = await failure(
            client({ baseUrl, timeoutMs: 100 }).send({ agentid: 'jdoe', event: 'x' }),
          );
          expect(error).toBeInstanceOf(TimeoutError);
          // Within a second of the timeout, not at the transport's own timeouts (minutes).
          await Promise.race([
            connectionClosed,
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error('the connection stayed open')), 1_000),
            ),
          ]);
        } finally {
          server.closeAllConnections();
          server.close();
        }
      });

      it('times out a send whose connection never completes (a TLS handshake that gets no answer)', async () => {
        // A TCP server that accepts and says nothing: the client's TLS hello waits for ever.
        const sockets: net.Socket[] = [];
        const server = net.createServer((socket) => sockets.push(socket));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/sendmessage/CRM`;
          const error = await failure(
            client({ baseUrl, timeoutMs: 100 }).send({ agentid: 'jdoe', event: 'x' }),
          );
          expect(error).toBeInstanceOf(TimeoutError);
          expect(sockets.length).toBeGreaterThan(0);
        } finally {
          for (const socket of sockets) socket.destroy();
          server.close();
        }
      });

      it('a refused connection is a retryable NetworkError', async () => {
        await emulator.refuseConnections();
        try {
          const error = await failure(client().send({ agentid: 'jdoe', event: 'x' }));
          expect(error).toBeInstanceOf(NetworkError);
          expect(error.retryable).toBe(true);
          expect(error.message).toBe('could not reach OpenConnect: ECONNREFUSED');
        } finally {
          await emulator.accept();
        }
      });

      it('the end-of-life host is a configuration error naming the new host', () => {
        expect(() =>
          createOpenConnectClient({
            transport,
            baseUrl: 'https://connect.openmethods.com/api/sendmessage/CRM',
            crmid: CRMID,
            jwt: JWT,
          }),
        ).toThrow(ConfigError);
        try {
          createOpenConnectClient({
            transport,
            baseUrl: 'https://CONNECT.openmethods.com/api/sendmessage/CRM',
            crmid: CRMID,
            jwt: JWT,
          });
        } catch (error) {
          expect((error as ConfigError).hint).toContain('connect.openmethodscloud.com');
        }
      });

      it('each configuration error names the bad value and the fix', () => {
        const refusal = (options: Partial<Parameters<typeof createOpenConnectClient>[0]>) => {
          try {
            createOpenConnectClient({ transport, crmid: CRMID, jwt: JWT, ...options });
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigError);
            return { message: (error as ConfigError).message, hint: (error as ConfigError).hint };
          }
          throw new Error('expected a configuration error');
        };
        const fix = 'use https://connect.openmethodscloud.com/api/sendmessage/CRM';
        expect(refusal({ baseUrl: 'not a url' })).toEqual({
          message: 'the OpenConnect URL "not a url" is not a valid URL',
          hint: fix,
        });
        expect(refusal({ baseUrl: 'ftp://x/y' })).toEqual({
          message: 'the OpenConnect URL must be http(s), not ftp:',
          hint: fix,
        });
        expect(refusal({ baseUrl: 'https://connect.openmethods.com/api/sendmessage/CRM' }).message).toBe(
          'the OpenConnect host connect.openmethods.com is end-of-life',
        );
        expect(refusal({ baseUrl: emulator.endpoint, method: 'PUT' as 'GET' })).toEqual({
          message: 'unknown method "PUT"',
          hint: 'use POST (recommended) or GET',
        });
        createOpenConnectClient({ crmid: CRMID, jwt: JWT }).close(); // axios unless told otherwise
        expect(refusal({ baseUrl: emulator.endpoint, transport: 'fetch' as 'axios' })).toEqual({
          message: 'unknown transport "fetch"',
          hint: 'use axios (default) or undici',
        });
      });

      it('a malformed URL and an unknown method are configuration errors', () => {
        expect(() =>
          createOpenConnectClient({ transport, baseUrl: 'not a url', crmid: CRMID, jwt: JWT }),
        ).toThrow(ConfigError);
        expect(() =>
          createOpenConnectClient({ transport, baseUrl: 'ftp://x/y', crmid: CRMID, jwt: JWT }),
        ).toThrow(ConfigError);
        expect(() =>
          createOpenConnectClient({
            transport,
            baseUrl: emulator.endpoint,
            crmid: CRMID,
            jwt: JWT,
            method: 'PUT' as 'GET',
          }),
        ).toThrow(ConfigError);
      });

      it('sends once: a 503 is returned to the caller, not retried inside send', async () => {
        emulator.failNext(1, 503);
        await failure(client().send({ agentid: 'jdoe', event: 'x' }));
        // A retry would have reached the emulator after the one failure and been accepted.
        await new Promise((r) => setTimeout(r, 50));
        expect(emulator.messages).toEqual([]);
      });

      it('leaves no timer behind once a send has its answer (a timeout timer per send would hold the process)', async () => {
        const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
        const c = client({ timeoutMs: 60_000 });
        await c.send({ agentid: 'jdoe', event: 'x' });
        const before = timers();
        for (let i = 0; i < 5; i += 1) await c.send({ agentid: 'jdoe', event: 'x' });
        // At most as many: a timer of the process's own (an earlier test's) may end meanwhile; one left per send
        // would add five.
        expect(timers()).toBeLessThanOrEqual(before);
      });

      it('keeps the connection alive between sends', async () => {
        let connections = 0;
        const server = http.createServer((_req, res) => res.end('{"status":"success"}'));
        server.on('connection', () => (connections += 1));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const c = client({
            baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sendmessage/CRM`,
          });
          for (let i = 0; i < 10; i += 1) await c.send({ agentid: 'jdoe', event: 'x' });
          // undici's pool opens a second connection for the second send (the first is released a moment
          // after its answer is read), then reuses both: what matters is that ten sends do not open ten.
          expect(connections).toBe(transport === 'axios' ? 1 : 2);
        } finally {
          server.closeAllConnections();
          server.close();
        }
      });

      it('posts JSON with a JSON content type, and a GET carries no body nor content type', async () => {
        const seen: { method?: string; target?: string; type?: string; accept?: string; body: string }[] = [];
        const server = http.createServer((req, res) => {
          let body = '';
          req.on('data', (chunk) => (body += chunk));
          req.on('end', () => {
            seen.push({
              method: req.method,
              // The request line's target: a path and query, never the absolute URL.
              target: req.url,
              type: req.headers['content-type'],
              accept: req.headers.accept,
              body,
            });
            res.end('{"status":"success"}');
          });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sendmessage/CRM`;
          await client({ baseUrl }).send({ agentid: 'jdoe', event: 'x', props: { n: 1 } });
          await client({ baseUrl, method: 'GET' }).send({ agentid: 'jdoe', event: 'x' });
          // Both ask for JSON or text: OpenConnect answers either.
          const accept = 'application/json, text/plain, */*';
          expect(seen[0]).toEqual({
            method: 'POST',
            target: '/api/sendmessage/CRM',
            type: 'application/json',
            accept,
            body: JSON.stringify({ agentid: 'jdoe', jwt: JWT, crmid: CRMID, event: 'x', n: 1 }),
          });
          expect(seen[1]).toEqual({
            method: 'GET',
            target: `/api/sendmessage/CRM?agentid=jdoe&jwt=${JWT}&crmid=${CRMID}&event=x`,
            type: undefined,
            accept,
            body: '',
          });
        } finally {
          server.closeAllConnections();
          server.close();
        }
      });

      it.each([300, 302, 307])(
        'a %i is not delivered: the redirect is not followed and the send fails',
        async (status) => {
          let hits = 0;
          const server = http.createServer((_req, res) => {
            hits += 1;
            res.writeHead(status, { location: emulator.endpoint }).end();
          });
          await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
          try {
            const c = client({
              baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sendmessage/CRM`,
            });
            const error = await failure(c.send({ agentid: 'jdoe', event: 'x' }));
            expect(error).toBeInstanceOf(RejectedError);
            expect([error.status, error.retryable]).toEqual([status, false]);
            expect(hits).toBe(1);
            expect(emulator.messages).toEqual([]);
          } finally {
            server.closeAllConnections();
            server.close();
          }
        },
      );

      it("quotes the first 300 characters of a refusal's body, trimmed, and reports how long a send took", async () => {
        const body = `  ${'r'.repeat(297)}xyz`;
        const server = http.createServer((_req, res) => res.end(body));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const c = client({
            baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sendmessage/CRM`,
          });
          const result = await c.send({ agentid: 'jdoe', event: 'x' });
          expect(result.body).toBe(`${'r'.repeat(297)}x`);
          expect(result.durationMs).toBeGreaterThanOrEqual(0);
          expect(result.durationMs).toBeLessThan(10_000);
          server.removeAllListeners('request');
          server.on('request', (_req, res) => res.writeHead(400).end(body));
          const error = await failure(c.send({ agentid: 'jdoe', event: 'x' }));
          expect(error.message).toBe(`OpenConnect refused the message (HTTP 400): ${'r'.repeat(297)}x`);
        } finally {
          server.closeAllConnections();
          server.close();
        }
      });

      it('close() ends its kept-alive connections', async () => {
        const closed: Promise<void>[] = [];
        const server = http.createServer((_req, res) => res.end('{"status":"success"}'));
        server.on('connection', (socket) =>
          closed.push(new Promise((resolve) => socket.on('close', () => resolve()))),
        );
        // The server would keep an idle connection a minute: only the client's close() ends it in time.
        server.keepAliveTimeout = 60_000;
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const c = createOpenConnectClient({
            transport,
            baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sendmessage/CRM`,
            crmid: CRMID,
            jwt: JWT,
          });
          await c.send({ agentid: 'jdoe', event: 'x' });
          expect(closed).toHaveLength(1);
          c.close();
          const gone = await Promise.race([
            closed[0]!.then(() => 'closed'),
            new Promise((r) => setTimeout(r, 2_000, 'still open')),
          ]);
          expect(gone).toBe('closed');
        } finally {
          server.closeAllConnections();
          server.close();
        }
      });

      it('defaults to the OpenConnect production URL, POST and a 10 s timeout', () => {
        const c = createOpenConnectClient({ transport, crmid: CRMID, jwt: JWT });
        clients.push(c);
        expect(c.describe()).toEqual({
          baseUrl: 'https://connect.openmethodscloud.com/api/sendmessage/CRM',
          method: 'POST',
          crmid: CRMID,
          timeoutMs: 10_000,
        });
      });

      it('describe() is safe to log: no jwt', () => {
        expect(JSON.stringify(client().describe())).not.toContain(JWT);
      });
    });

    describe('the jwt never leaks', () => {
      // A server that echoes what it received (some gateways do) in its answer: the key must not come back out.
      const echo = (status: number) =>
        new Promise<{ url: string; close: () => void }>((resolve) => {
          const server = http.createServer((req, res) => {
            let body = '';
            req
              .on('data', (c) => (body += c))
              .on('end', () => {
                res.writeHead(status, { 'content-type': 'text/plain' });
                res.end(`you sent ${req.url} ${body}`);
              });
          });
          server.listen(0, '127.0.0.1', () =>
            resolve({
              url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sendmessage/CRM`,
              close: () => server.close(),
            }),
          );
        });

      it('a key with characters a query string escapes differently is redacted from an echoed GET', async () => {
        const key = "key-with (odd) chars! ~and spaces'";
        const server = await echo(500);
        try {
          const error = await failure(
            client({ baseUrl: server.url, method: 'GET', jwt: key }).send({ agentid: 'a', event: 'x' }),
          );
          expect(error.message).toContain('jwt=[redacted]&');
        } finally {
          server.close();
        }
      });

      it.each([
        [200, 'POST'],
        [400, 'POST'],
        [500, 'GET'],
      ] as const)('an answer %i echoing the %s request is redacted', async (status, method) => {
        const server = await echo(status);
        try {
          const sent = client({ baseUrl: server.url, method }).send({ agentid: 'a', event: 'x' });
          const text =
            status === 200
              ? JSON.stringify(await sent)
              : JSON.stringify({ ...(await failure(sent)).toJSON(), stack: '' });
          expect(text).toContain('[redacted]');
          expect(text).not.toContain(JWT);
        } finally {
          server.close();
        }
      });

      const cases: [string, () => Promise<unknown>][] = [
        [
          '401 over GET',
          () => client({ method: 'GET', jwt: `${JWT}-old` }).send({ agentid: 'a', event: 'x' }),
        ],
        [
          '500 over GET',
          async () => {
            emulator.failNext(1, 500);
            return client({ method: 'GET' }).send({ agentid: 'a', event: 'x' });
          },
        ],
        [
          'timeout over GET',
          async () => {
            emulator.setDelay(300);
            return client({ method: 'GET', timeoutMs: 50 }).send({ agentid: 'a', event: 'x' });
          },
        ],
        [
          'refused over POST',
          async () => {
            await emulator.refuseConnections();
            return client()
              .send({ agentid: 'a', event: 'x' })
              .finally(() => emulator.accept());
          },
        ],
        [
          'too large',
          () => client().send({ agentid: 'a', event: 'x', props: { b: 'b'.repeat(MAX_MESSAGE_BYTES) } }),
        ],
        ['invalid', () => client().send({ agentid: '', event: '' })],
      ];

      it.each(cases)('%s: not in the message, JSON, inspect output or stack', async (_name, run) => {
        const error = await failure(run());
        const forms = [
          error.message,
          error.stack ?? '',
          JSON.stringify(error),
          inspect(error, { depth: 10, showHidden: true }),
        ];
        for (const form of forms) {
          expect(form).not.toContain(JWT);
          expect(form).not.toContain(encodeURIComponent(JWT));
        }
      });
    });

    describe('parseRetryAfter', () => {
      it('reads seconds, fractions, an HTTP date, a repeated header, and nothing', async () => {
        const { parseRetryAfter } = await import('../src/client.js');
        const now = Date.parse('2026-11-30T12:00:00Z');
        expect(parseRetryAfter('7', now)).toBe(7_000);
        expect(parseRetryAfter(2, now)).toBe(2_000);
        expect(parseRetryAfter(' 1.5 ', now)).toBe(1_500);
        expect(parseRetryAfter('Mon, 30 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
        expect(parseRetryAfter('Mon, 30 Nov 2026 11:00:00 GMT', now)).toBe(0);
        expect(parseRetryAfter(['3', '9'], now)).toBe(3_000);
        expect(parseRetryAfter('soon', now)).toBeUndefined();
        expect(parseRetryAfter(undefined, now)).toBeUndefined();
        expect(parseRetryAfter('', now)).toBeUndefined();
      });

      it('reads a number only when the whole value is one: several digits, several decimals, nothing around them', async () => {
        const { parseRetryAfter } = await import('../src/client.js');
        const now = Date.parse('2026-11-30T12:00:00Z');
        expect(parseRetryAfter('12', now)).toBe(12_000);
        expect(parseRetryAfter('1.25', now)).toBe(1_250);
        expect(parseRetryAfter('1.5s', now)).toBeUndefined();
        expect(parseRetryAfter('x5', now)).toBeUndefined();
      });
    });
  });
}
