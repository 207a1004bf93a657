import { createHmac } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SECRET } from './helpers/acme.js';
import { startTestRunner, type TestRunner } from './helpers/runner.js';

// A fixed seed: a failure can be replayed exactly.
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ROUTES = [
  '/webhooks/acme',
  '/webhooks/acme/events',
  '/webhooks/acme/status',
  '/webhooks/acme/nosuch',
  '/webhooks/unknown',
  '/webhooks/unknown/x',
  '/admin/replay',
  '/admin/resume',
  '/admin/deliveries',
  '/healthz',
  '/readyz',
  '/metrics',
  '/nothing/here',
];
const TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/xml',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
];

function randomBody(rand: () => number): string | Uint8Array {
  const samples = [
    '{"id":',
    '{"id":"1","type":"call.answered","agent":{},"call":[]}',
    '[1,2,3]',
    'null',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    'a=1&b=%zz&&=',
    '\u0000\u0001\uffff',
    '{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}',
    '9'.repeat(400),
  ];
  if (rand() < 0.5) return samples[Math.floor(rand() * samples.length)]!;
  const bytes = new Uint8Array(Math.floor(rand() * 512));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  return bytes;
}

describe('bad input on every route', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({
      config: { limits: { bodyBytes: 4096, ratePerSecond: 10_000, burst: 10_000 } },
    });
  });
  afterAll(() => t.close());

  it('answers random and malformed bodies with a 4xx, never a 5xx, signed or not', async () => {
    const rand = prng(20261125);
    const seen: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const route = ROUTES[i % ROUTES.length]!;
      const type = TYPES[Math.floor(rand() * TYPES.length)]!;
      const method = rand() < 0.75 ? 'POST' : 'GET';
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      const body = method === 'POST' ? randomBody(rand) : undefined;
      // Half the acme requests carry a valid signature, so the random bytes reach the parser.
      if (body !== undefined && route.startsWith('/webhooks/acme') && rand() < 0.5) {
        headers['x-acme-signature'] = createHmac('sha256', ACME_SECRET).update(body).digest('hex');
      } else if (rand() < 0.3) headers['x-acme-signature'] = 'deadbeef';
      if (rand() < 0.3) headers.authorization = 'Bearer nope';
      const res = await fetch(`${t.runner.url}${route}${rand() < 0.3 ? '?a=%zz&b[]=1&b[]=2&key=' : ''}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) seen.push(`${method} ${route} (${type}) → ${res.status}`);
    }
    expect(seen).toEqual([]);
    // The parser was reached (400) as well as the signature check (401) and the router (404).
    expect([400, 401, 404].map((s) => (statuses.get(s) ?? 0) > 5)).toEqual([true, true, true]);
    expect((await fetch(`${t.runner.url}/healthz`)).status).toBe(200);
  });

  it('answers a malformed path or query with 400, not 500', async () => {
    for (const path of ['/webhooks/%E0%A4%A', '/webhooks/acme/events?%', '/webhooks/' + 'a'.repeat(2000)]) {
      const res = await fetch(`${t.runner.url}${path}`, { method: 'POST', body: '{}' });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it('survives broken HTTP on the socket and keeps serving', async () => {
    const { port } = new URL(t.runner.url);
    const garbage = [
      'POST /webhooks/acme HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"id"',
      'POST /webhooks/acme HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /webhooks/acme HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      '\u0000\u0001GARBAGE\r\n\r\n',
    ];
    for (const text of garbage) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(text);
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }
    expect((await fetch(`${t.runner.url}/healthz`)).status).toBe(200);
  });
});
