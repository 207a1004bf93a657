// Behind a proxy: a loopback HTTP server hosts the connector the way the runner does (req.url = the
// configured PUBLIC_URL + path), so a signature over the public URL passes and the 204 reaches Twilio.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleRequest, toInboundRequest } from '@openconnect/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorded, runtimeWith } from './fixtures.js';
import { sign } from './sign.js';

const PUBLIC_URL = 'https://oc.example.com';
let server: Server;
let local: string;

beforeAll(async () => {
  const runtime = runtimeWith();
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers[key] = value;
    const url = new URL(PUBLIC_URL + req.url);
    const outcome = await handleRequest(runtime, {
      method: req.method ?? 'POST',
      url: url.toString(),
      headers,
      query: Object.fromEntries(url.searchParams),
      rawBody: Buffer.concat(chunks),
    });
    res.writeHead(outcome.answer.status, outcome.answer.headers).end(outcome.answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** Signs the fixture for `signedUrl` and posts it to the loopback server at the same path. */
async function post(fixture: string, signedUrl: string) {
  const req = sign(toInboundRequest({ ...recorded(fixture), url: signedUrl }));
  const url = new URL(req.url);
  return fetch(`${local}${url.pathname}${url.search}`, {
    method: 'POST',
    headers: req.headers,
    body: req.rawBody,
  });
}

describe('over HTTP behind a proxy', () => {
  it('answers a TaskRouter callback signed for the public URL with 204 and a JSON content type', async () => {
    const res = await post(
      'taskrouter/reservation-accepted.json',
      `${PUBLIC_URL}/webhooks/twilio-flex/taskrouter`,
    );
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([
      204,
      'application/json',
      '',
    ]);
  });

  it('answers an ignored TaskRouter event with the same 204', async () => {
    const res = await post('taskrouter/task-created.json', `${PUBLIC_URL}/webhooks/twilio-flex/taskrouter`);
    expect([res.status, res.headers.get('content-type')]).toEqual([204, 'application/json']);
  });

  it('refuses with 401 a callback signed for the internal address instead of the public URL', async () => {
    const res = await post(
      'taskrouter/reservation-accepted.json',
      `${local}/webhooks/twilio-flex/taskrouter`,
    );
    expect(res.status).toBe(401);
  });

  it('accepts an Event Streams batch whose bodySHA256 travels in the query string', async () => {
    const res = await post(
      'event-streams/reservation-accepted.json',
      `${PUBLIC_URL}/webhooks/twilio-flex/event-streams`,
    );
    expect([res.status, await res.json()]).toEqual([200, { status: 'accepted', messages: 1 }]);
  });
});
