// The shipped gadget's forwarding logic, run outside a Finesse desktop: a fake OpenAjax hub publishes
// notifications as the desktop does, the gadget's real `direct` sender posts them to a real HTTP server on
// loopback, and what arrives is run through the connector as the runner would.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { createRuntime, handleRequest, type InboundRequest } from '@openconnect/core';
import { afterEach, describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { dialogs, update } from './finesse-helpers.js';
import { FINESSE_TOKEN, services } from './helpers.js';

interface Forwarder {
  start(): boolean;
}
interface GadgetApi {
  createForwarder(env: Record<string, unknown>): Forwarder;
  sendDirect: unknown;
  sendViaProxy(
    request: { url: string; headers: Record<string, string>; body: string },
    done: (status: number) => void,
  ): void;
  init(): void;
}

/** Stand-ins for the desktop's globals (gadgets.*, finesse.*), which exist only inside Finesse. */
function desktop(prefs: Record<string, string>) {
  const subscribed: string[] = [];
  const proxied: { url: string; params: Record<string, unknown> }[] = [];
  const globals = {
    document: { getElementById: () => null },
    gadgets: {
      Prefs: class {
        getString(name: string) {
          return prefs[name] ?? '';
        }
      },
      io: {
        RequestParameters: {
          METHOD: 'METHOD',
          HEADERS: 'HEADERS',
          POST_DATA: 'POST_DATA',
          CONTENT_TYPE: 'CONTENT_TYPE',
        },
        MethodType: { POST: 'POST' },
        ContentType: { TEXT: 'TEXT' },
        makeRequest: (
          url: string,
          callback: (r: { rc: number }) => void,
          params: Record<string, unknown>,
        ) => {
          proxied.push({ url, params });
          callback({ rc: 200 });
        },
      },
    },
    finesse: {
      gadget: { Config: { id: '1001001', extension: '1001' } },
      clientservices: {
        ClientServices: { init: () => {}, subscribe: (topic: string) => subscribed.push(topic) },
      },
    },
  };
  return { globals, subscribed, proxied };
}

function loadGadget(globals: Record<string, unknown> = {}): GadgetApi {
  const code = readFileSync(join(import.meta.dirname, '../gadget/OpenConnectForwarder.js'), 'utf8');
  const context: Record<string, unknown> = { fetch, setTimeout, console, ...globals };
  runInNewContext(code, context);
  return context.openconnect as GadgetApi;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A loopback server that records each request and answers with the given statuses in turn. */
async function recorder(statuses: number[] = []) {
  const received: InboundRequest[] = [];
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({
        method: req.method ?? 'POST',
        url: `http://127.0.0.1${req.url}`,
        headers,
        query: {},
        rawBody: Buffer.concat(chunks),
      });
      res.statusCode = statuses.shift() ?? 200;
      res.end('{}');
    });
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/cisco/finesse`, received };
}

function fakeHub() {
  const handlers = new Map<string, (data: unknown) => void>();
  return {
    subscribe: (topic: string, handler: (data: unknown) => void) => handlers.set(topic, handler),
    publish: (topic: string, data: unknown) => handlers.get(topic)?.(data),
    topics: () => [...handlers.keys()],
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
};

describe('Finesse gadget', () => {
  it("subscribes to the agent's Dialogs and User topics", () => {
    const hub = fakeHub();
    const gadget = loadGadget();
    gadget
      .createForwarder({
        runnerUrl: 'http://127.0.0.1:1/',
        token: FINESSE_TOKEN,
        agentId: '1001001',
        subscribe: hub.subscribe,
        send: () => {},
        log: () => {},
      })
      .start();
    expect(hub.topics()).toEqual(['finesse.api.User.1001001.Dialogs', 'finesse.api.User.1001001']);
  });

  it('does not start without runnerUrl and token, and says so', () => {
    const logs: string[] = [];
    const gadget = loadGadget();
    const started = gadget
      .createForwarder({
        runnerUrl: '',
        token: '',
        agentId: '1',
        subscribe: () => {},
        send: () => {},
        log: (t: string) => logs.push(t),
      })
      .start();
    expect([started, logs]).toEqual([false, ['set runnerUrl and token in the layout entry of this gadget']]);
  });

  it('forwards the raw XML with the token, agent and extension headers, and the runner maps it', async () => {
    const { url, received } = await recorder();
    const hub = fakeHub();
    const gadget = loadGadget();
    gadget
      .createForwarder({
        runnerUrl: url,
        token: FINESSE_TOKEN,
        agentId: '1001001',
        extension: '1001',
        subscribe: hub.subscribe,
        send: gadget.sendDirect,
        log: () => {},
      })
      .start();
    // A dialog PUT names no agent in <source>: the header must.
    const xml = update(
      dialogs({ state: 'ACTIVE', legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'ACTIVE' }] }),
      'PUT',
      '/finesse/api/Dialog/16817',
    );
    hub.publish('finesse.api.User.1001001.Dialogs', { content: xml, object: {} });
    await until(() => received.length === 1);

    const request = received[0]!;
    expect([
      request.headers['content-type'],
      request.headers['x-finesse-agent'],
      request.headers['x-finesse-extension'],
    ]).toEqual(['application/xml', '1001001', '1001']);
    expect(request.rawBody.toString()).toBe(xml);
    const runtime = createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN } }, { services });
    const outcome = await handleRequest(runtime, request);
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.lifecycle])).toEqual([
      ['1001001', 'answered'],
    ]);
  });

  it('sends notifications one at a time, in the order they were published', async () => {
    const { url, received } = await recorder();
    const hub = fakeHub();
    const gadget = loadGadget();
    gadget
      .createForwarder({
        runnerUrl: url,
        token: FINESSE_TOKEN,
        agentId: '7',
        subscribe: hub.subscribe,
        send: gadget.sendDirect,
        log: () => {},
      })
      .start();
    for (const n of [1, 2, 3])
      hub.publish('finesse.api.User.7', `<Update><event>PUT</event><requestId>${n}</requestId></Update>`);
    await until(() => received.length === 3);
    expect(received.map((r) => r.rawBody.toString().match(/<requestId>(\d)/)?.[1])).toEqual(['1', '2', '3']);
  });

  it('retries a 5xx answer, then moves on', async () => {
    const { url, received } = await recorder([503]);
    const hub = fakeHub();
    const gadget = loadGadget();
    gadget
      .createForwarder({
        runnerUrl: url,
        token: FINESSE_TOKEN,
        agentId: '7',
        retryDelayMs: 5,
        subscribe: hub.subscribe,
        send: gadget.sendDirect,
        log: () => {},
      })
      .start();
    hub.publish('finesse.api.User.7', '<Update><requestId>a</requestId></Update>');
    await until(() => received.length === 2);
    expect(received.map((r) => r.rawBody.toString())).toEqual([
      '<Update><requestId>a</requestId></Update>',
      '<Update><requestId>a</requestId></Update>',
    ]);
  });

  it('skips a notification that arrives without its XML', () => {
    const logs: string[] = [];
    const sent: unknown[] = [];
    const hub = fakeHub();
    const gadget = loadGadget();
    gadget
      .createForwarder({
        runnerUrl: 'https://x/',
        token: 't',
        agentId: '7',
        subscribe: hub.subscribe,
        send: (r: unknown) => sent.push(r),
        log: (t: string) => logs.push(t),
      })
      .start();
    hub.publish('finesse.api.User.7', { object: { state: 'READY' } });
    expect([sent.length, logs.at(-1)]).toEqual([
      0,
      'a notification came without its XML; it was not forwarded',
    ]);
  });

  it('refuses to start with a plain-http runnerUrl off this machine, so the token never travels in clear', () => {
    const logs: string[] = [];
    const hub = fakeHub();
    const gadget = loadGadget();
    const started = gadget
      .createForwarder({
        runnerUrl: 'http://runner.example.com/webhooks/cisco/finesse',
        token: FINESSE_TOKEN,
        agentId: '7',
        subscribe: hub.subscribe,
        send: () => {},
        log: (t: string) => logs.push(t),
      })
      .start();
    expect([started, hub.topics(), logs]).toEqual([
      false,
      [],
      ['runnerUrl must start with https:// (the token would travel in clear); nothing is forwarded'],
    ]);
  });

  it('accepts https anywhere and plain http only to a loopback runner', () => {
    const gadget = loadGadget() as GadgetApi & { isSafeRunnerUrl(url: string): boolean };
    const urls = [
      'https://runner.example.com/x',
      'http://127.0.0.1:8080/x',
      'http://localhost/x',
      'http://10.0.0.5/x',
      'http://localhost.evil.example/x',
      'ftp://runner/x',
    ];
    expect(urls.map((u) => gadget.isSafeRunnerUrl(u))).toEqual([true, true, true, false, false, false]);
  });

  it('sending direct, does not follow a redirect, so the token header never reaches another host', async () => {
    const target = await recorder();
    const hop = createServer((_req, res) => {
      res.writeHead(307, { location: target.url });
      res.end();
    });
    await new Promise<void>((done) => hop.listen(0, '127.0.0.1', done));
    const statuses: number[] = [];
    const gadget = loadGadget();
    const headers = { 'Content-Type': 'application/xml', 'x-openconnect-token': FINESSE_TOKEN };
    (gadget.sendDirect as (r: unknown, done: (s: number) => void) => void)(
      {
        url: `http://127.0.0.1:${(hop.address() as AddressInfo).port}/webhooks/cisco/finesse`,
        headers,
        body: '<Update/>',
      },
      (s) => statuses.push(s),
    );
    await until(() => statuses.length === 1);
    await new Promise<void>((done) => hop.close(() => done()));
    expect([statuses, target.received.length]).toEqual([[0], 0]);
  });

  it('sending direct, sends no Referer and no cookies (the gadget URL holds the token)', () => {
    const calls: Record<string, unknown>[] = [];
    const stubFetch = (_url: string, init: Record<string, unknown>) => {
      calls.push(init);
      return Promise.resolve({ status: 200 });
    };
    const gadget = loadGadget({ fetch: stubFetch });
    (gadget.sendDirect as (r: unknown, done: (s: number) => void) => void)(
      { url: 'https://runner.example.com/webhooks/cisco/finesse', headers: {}, body: '<Update/>' },
      () => {},
    );
    expect([calls[0]?.referrerPolicy, calls[0]?.credentials]).toEqual(['no-referrer', 'omit']);
  });

  it('on the desktop, reads its layout parameters and subscribes through the Finesse ClientServices', () => {
    const { globals, subscribed } = desktop({
      runnerUrl: 'https://runner.example.com/webhooks/cisco/finesse',
      token: FINESSE_TOKEN,
    });
    loadGadget(globals).init();
    expect(subscribed).toEqual(['finesse.api.User.1001001.Dialogs', 'finesse.api.User.1001001']);
  });

  it('through the Finesse proxy, posts the XML with the same headers', () => {
    const { globals, proxied } = desktop({});
    const statuses: number[] = [];
    const headers = {
      'Content-Type': 'application/xml',
      'x-openconnect-token': FINESSE_TOKEN,
      'x-finesse-agent': '1001001',
    };
    loadGadget(globals).sendViaProxy(
      { url: 'https://runner.example.com/webhooks/cisco/finesse', headers, body: '<Update/>' },
      (s) => statuses.push(s),
    );
    expect(proxied).toEqual([
      {
        url: 'https://runner.example.com/webhooks/cisco/finesse',
        params: { METHOD: 'POST', HEADERS: headers, POST_DATA: '<Update/>', CONTENT_TYPE: 'TEXT' },
      },
    ]);
    expect(statuses).toEqual([200]);
  });
});
