import http from 'node:http';
import { defineConnector, defineSource, ignore } from '@openconnect/core';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SECRET } from './helpers/acme.js';
import { answered, CRMID, ref, sign, startTestRunner, type TestRunner, until } from './helpers/runner.js';

describe('webhook intake → emulator', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({
      config: {
        connectors: {
          acme: {
            options: { secret: ref('ACME_SECRET') },
            events: { answered: 'CallAnswered' },
            directory: { 'u-42': 'jane.doe' },
          },
        },
      },
    });
  });
  afterAll(() => t.close());

  it('delivers a signed vendor event to OpenConnect as the exact message', async () => {
    t.emulator.reset();
    const res = await t.postAcme(answered('evt-1', 'u-42'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted', messages: 1 });
    const [message] = await t.emulator.waitFor(1);
    expect(message).toMatchObject({
      method: 'POST',
      agentid: 'jane.doe',
      crmid: CRMID,
      event: 'CallAnswered',
      props: {
        lifecycle: 'answered',
        interactionId: 'CA-1001',
        ani: '+15550100',
        queue: 'Support',
        nativeEvent: 'call.answered',
      },
    });
    expect(Object.keys(message!.props)).toEqual([
      'lifecycle',
      'interactionId',
      'ani',
      'queue',
      'nativeEvent',
    ]);
  });

  it('delivers a vendor retry of the same event once', async () => {
    t.emulator.reset();
    const first = await t.postAcme(answered('evt-dup'));
    const again = await t.postAcme(answered('evt-dup'));
    expect([first.status, again.status]).toEqual([200, 200]);
    await t.emulator.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.emulator.messages.filter((m) => m.props.interactionId === 'CA-1001')).toHaveLength(1);
  });

  it('logs one info line per message, at its delivery, naming the vendor event and the time since its 2xx', async () => {
    t.emulator.reset();
    const from = t.logs.length;
    const res = await t.postAcme(answered('evt-log-1', 'u-42', 'CA-LOG-1'));
    expect(res.status).toBe(200);
    await t.emulator.waitFor(1);
    const lines = () => t.logs.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
    await until(() => lines().some((l) => l.msg === 'delivered'), 5000, 'the delivered line');
    // The intake's own line is at debug: this runner logs at info.
    expect(lines().map((l) => `${l.level} ${l.msg}`)).toEqual(['info delivered']);
    const [line] = lines();
    expect(line).toMatchObject({
      connector: 'acme',
      agentid: 'jane.doe',
      event: 'CallAnswered',
      status: 200,
      attempt: 1,
      dedupeKey: expect.stringContaining('evt-log-1'),
    });
    expect(line!.sinceAcceptedMs).toEqual(expect.any(Number));
    expect(line!.sinceAcceptedMs as number).toBeGreaterThanOrEqual(0);
    expect(line!.sinceAcceptedMs as number).toBeLessThan(5000);
    // The send's own time, to a tenth of a millisecond.
    expect(String(line!.latencyMs)).toMatch(/^\d+(\.\d)?$/);
  });

  it('answers a handshake without delivering anything', async () => {
    const res = await t.postAcme({ id: 'p-1', type: 'ping' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('pong');
  });

  it('answers 200 with the reason for an event that carries nothing to deliver', async () => {
    const res = await t.postAcme({ id: 'h-1', type: 'heartbeat' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ignored', reason: 'heartbeat carries no call' });
  });

  it('accepts GET query-string callbacks on sources that declare GET', async () => {
    t.emulator.reset();
    const res = await fetch(`${t.runner.url}/webhooks/acme/status?agent=bob&state=Ready&key=${ACME_SECRET}`);
    expect(res.status).toBe(200);
    const [message] = await t.emulator.waitFor(1);
    expect(message).toMatchObject({
      agentid: 'bob',
      event: 'agent_state',
      props: { lifecycle: 'agent_state', agentState: 'Ready' },
    });
  });

  it('picks the source by detect() when the URL names none', async () => {
    const body = JSON.stringify({ id: 'h-2', type: 'heartbeat' });
    const res = await fetch(`${t.runner.url}/webhooks/acme`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-signature': sign(body) },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ignored', reason: 'heartbeat carries no call' });
  });

  it('accepts a webhook URL pasted with a trailing slash', async () => {
    t.emulator.reset();
    const body = JSON.stringify(answered('evt-slash', 'agent.slash'));
    const res = await fetch(`${t.runner.url}/webhooks/acme/events/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-signature': sign(body) },
      body,
    });
    expect(res.status).toBe(200);
    const [message] = await t.emulator.waitFor(1);
    expect(message).toMatchObject({ agentid: 'agent.slash', event: 'CallAnswered' });
  });

  it('answers 404 naming the enabled connectors for an unknown vendor', async () => {
    const res = await fetch(`${t.runner.url}/webhooks/nobody`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: 'no connector "nobody" is enabled on this runner; enabled: acme',
      enabled: ['acme'],
    });
  });

  it('answers 404 listing the routes for a path that is none of them', async () => {
    const res = await fetch(`${t.runner.url}/hooks/acme`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: 'no route POST /hooks/acme',
      routes: [
        'POST|GET /webhooks/:connector[/:source]',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        '/admin/*',
        'GET / (dashboard)',
      ],
    });
  });

  it('answers 405 naming the methods when a source is called with the wrong one', async () => {
    const res = await fetch(`${t.runner.url}/webhooks/acme/events?x=1`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('verifies signatures over the exact bytes, whatever the content type', async () => {
    const body = '{"id":"evt-raw","type":"heartbeat"  }';
    const res = await fetch(`${t.runner.url}/webhooks/acme/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-acme-signature': sign(body) },
      body,
    });
    expect(res.status).toBe(200);
  });

  it('reads the raw body of a request that has no content-type at all', async () => {
    const body = JSON.stringify({ id: 'h-3', type: 'heartbeat' });
    const { port } = new URL(t.runner.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/webhooks/acme/events',
          headers: { 'x-acme-signature': sign(body), 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(answer).toBe('200 {"status":"ignored","reason":"heartbeat carries no call"}');
  });

  it('reports health and readiness', async () => {
    expect(await (await fetch(`${t.runner.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.runner.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      outbox: t.runner.outbox.kind,
      target: 'openconnect',
    });
  });
});

describe('the URL a connector verifies', () => {
  // Signs the public URL the way Twilio does: the check only passes on the URL the vendor called.
  const seen: string[] = [];
  const urlcheck = defineConnector({
    id: 'urlcheck',
    displayName: 'URL check (test)',
    platforms: ['Test'],
    config: z.object({}),
    sources: [
      defineSource({
        id: 'hook',
        description: 'verifies the full public URL',
        auth: { scheme: 'twilio-signature', summary: 'URL must match', credentials: [] },
        verify: (req) => {
          seen.push(req.url);
          return req.url === 'https://hooks.example.com/base/webhooks/urlcheck?x=1&y=%20two'
            ? { ok: true }
            : { ok: false, reason: 'url mismatch' };
        },
        parse: () => ({}),
        map: () => ignore('test only'),
      }),
    ],
  });
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({
      connectors: [urlcheck],
      config: { publicUrl: 'https://hooks.example.com/base/', connectors: { urlcheck: {} } },
    });
  });
  afterAll(() => t.close());

  it('is PUBLIC_URL + the path and query as received, so signatures work behind a proxy', async () => {
    const res = await fetch(`${t.runner.url}/webhooks/urlcheck?x=1&y=%20two`, { method: 'POST', body: '' });
    expect(seen).toEqual(['https://hooks.example.com/base/webhooks/urlcheck?x=1&y=%20two']);
    expect(res.status).toBe(200);
  });
});

describe('per-connector settings, applied from the config file through to OpenConnect', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({
      config: {
        connectors: {
          acme: {
            options: { secret: ref('ACME_SECRET') },
            events: { answered: 'IncomingCall', 'call.ended': null },
            props: {
              allow: ['lifecycle', 'interaction*', 'ani', 'queue'],
              drop: ['queue'],
              rename: { ani: 'callerNumber' },
            },
            directory: { 'u-7': 'maria.lopez' },
          },
        },
      },
    });
  });
  afterAll(() => t.close());

  it('names the event from the map, sends only allowed props under their new names, for the directory login', async () => {
    const res = await t.postAcme(answered('evt-settings-1', 'u-7', 'CA-2001'));
    expect(res.status).toBe(200);
    const [message] = await t.emulator.waitFor(1);
    expect(message).toMatchObject({ agentid: 'maria.lopez', event: 'IncomingCall' });
    expect(message!.props).toEqual({
      lifecycle: 'answered',
      interactionId: 'CA-2001',
      callerNumber: '+15550100',
    });
  });

  it('sends nothing for a native event the map switches off, and says so', async () => {
    t.emulator.reset();
    const res = await t.postAcme({
      id: 'evt-settings-2',
      type: 'call.ended',
      agent: 'u-7',
      call: { id: 'CA-2001' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted', messages: 0 });
    await new Promise((r) => setTimeout(r, 200));
    expect(t.emulator.messages).toEqual([]);
    expect(t.logs.some((l) => l.includes('accepted, nothing to send (event map)'))).toBe(true);
  });

  it('refuses a request signed with another secret than the configured one', async () => {
    const body = JSON.stringify(answered('evt-settings-3', 'u-7'));
    const res = await fetch(`${t.runner.url}/webhooks/acme/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-acme-signature': sign(body, 'another-secret-0123456789'),
      },
      body,
    });
    expect(res.status).toBe(401);
  });
});

describe("the intake's own line, at debug", () => {
  it('names the vendor event and the outbox ids it was stored as, before the delivered line', async () => {
    const t = await startTestRunner({ config: { logLevel: 'debug' } });
    try {
      const res = await t.postAcme(answered('evt-debug-1'));
      expect(res.status).toBe(200);
      const lines = () => t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      await until(() => lines().some((l) => l.msg === 'delivered'), 5000, 'the delivered line');
      const all = lines();
      const accepted = all.findIndex((l) => l.msg === 'accepted');
      const delivered = all.findIndex((l) => l.msg === 'delivered');
      expect(all[accepted]).toMatchObject({
        level: 'debug',
        connector: 'acme',
        eventId: 'evt-debug-1',
        duplicates: 0,
      });
      expect(all[accepted]!.stored).toEqual([all[delivered]!.id]);
      expect(accepted).toBeLessThan(delivered);
    } finally {
      await t.close();
    }
  });
});
