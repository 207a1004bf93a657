// The ICWS message stream (server-sent events) on its own: streamMessages against a scripted ICWS
// /messaging/messages endpoint, each request answered by the next step of a script. What it returns or
// throws, what it shows on the dashboard, what it emits, and when it reopens or gives up.
import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type IcwsContext, type IcwsFrame, Receiver } from '../src/icws/messages.js';
import { planSubscriptions } from '../src/icws/queues.js';
import { type IcwsSession, IcwsSessionGone, IcwsUnavailable } from '../src/icws/session.js';
import { streamMessages } from '../src/icws/stream.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

const SESSION_ID = '418303942';
const queueMessage = {
  __type: 'urn:inin.com:queues:queueContentsMessage',
  subscriptionId: 'openconnect-user-jdoe',
  isDelta: true,
  interactionsAdded: [
    {
      interactionId: '1001234567',
      attributes: { Eic_CallId: '1001234567', Eic_State: 'A', Eic_UserName: 'jdoe' },
    },
  ],
};
const connectionDown = {
  __type: 'urn:inin.com:connection:connectionStateChangeMessage',
  previousConnectionState: 'up',
  newConnectionState: 'down',
  reason: 'The server is shutting down.',
  shouldReconnect: true,
};
const DOWN = 'ICWS says the connection is down (The server is shutting down.); logging in again';
/** What ICWS sends on a subscription that broke mid-message: not JSON. */
const TRUNCATED = '{"__type":"urn:inin.com:queues:queueContentsMessage","subscriptionId":';

/** One answer to one GET /messaging/messages. */
type Step = (res: http.ServerResponse) => void;
const sse = (...messages: unknown[]) => messages.map((m) => `data: ${JSON.stringify(m)}\n\n`).join('');
/** Opens the event stream and writes `text` as one chunk; `end` closes it afterwards. */
const stream =
  (text = '', end = false): Step =>
  (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    if (text) res.write(text);
    if (end) res.end();
  };
const refuse =
  (status: number): Step =>
  (res) => {
    if (status === 204) return void res.writeHead(204).end();
    res
      .writeHead(status, { 'content-type': 'application/vnd.inin.icws+JSON; charset=utf-8' })
      .end(JSON.stringify({ errorId: 'error.server.injected', message: `Injected ${status}.` }));
  };
/** Holds the request: no status line, no byte. */
const hold: Step = () => undefined;

/** A scripted ICWS: request n gets steps[n] (the last step again once the script runs out). */
async function icws(steps: Step[]) {
  const requests: http.IncomingHttpHeaders[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    steps[Math.min(requests.length, steps.length) - 1]!(res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  opened.push({ close });
  return { url, requests, close };
}

const sessionAt = (server: string) =>
  ({
    server,
    url: (path: string) => `${server}/icws/${SESSION_ID}${path}`,
    headers: () => ({
      'ININ-ICWS-CSRF-Token': 'WAhzZXNzaW9uLWNzcmY=',
      'Accept-Language': 'en-us',
      Cookie: `icws_${SESSION_ID}=8d4c7f0e-6c3a`,
    }),
  }) as unknown as IcwsSession;

/** A session context that records what the stream shows and emits; its sleeps are noted, not waited. */
function context(controller = new AbortController()) {
  const seen = {
    statuses: [] as string[],
    frames: [] as IcwsFrame[],
    badFrames: [] as string[],
    sleeps: [] as number[],
    connected: 0,
  };
  const ctx = {
    signal: controller.signal,
    status: (status: string, detail?: string) => seen.statuses.push(`${status} ${detail}`),
    emit: async (frame: IcwsFrame) => {
      seen.frames.push(frame);
      return { kind: 'accepted', stored: 1, duplicates: 0 };
    },
    badFrame: (reason: string) => seen.badFrames.push(reason),
    sleep: async (ms: number) => {
      seen.sleeps.push(ms);
    },
  } as unknown as IcwsContext;
  const plan = planSubscriptions({
    pureconnectUserQueues: ['jdoe'],
    pureconnectWorkgroupQueues: ['Billing'],
    pureconnectAttributes: [],
  });
  const receiver = new Receiver(ctx, plan, 'X-Genesys-Agent');
  const run = (server: string, silenceMs = 2_000) =>
    streamMessages(ctx, sessionAt(server), receiver, silenceMs, () => {
      seen.connected += 1;
    });
  return { ...seen, seen, controller, run };
}

describe('a connection-down message', () => {
  it("ends the stream with ICWS's reason, after emitting the messages before it", async () => {
    const server = await icws([stream(sse(queueMessage) + sse(connectionDown)), refuse(401)]);
    const c = context();
    expect(await c.run(server.url)).toBe(DOWN);
    expect(c.frames).toEqual([{ message: queueMessage, headers: { 'x-genesys-agent': 'jdoe' } }]);
    expect(c.statuses).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('emits nothing that follows it in the same chunk', async () => {
    const server = await icws([stream(sse(connectionDown, queueMessage)), refuse(401)]);
    const c = context();
    expect(await c.run(server.url)).toBe(DOWN);
    expect(c.frames).toEqual([]);
  });

  it("leaves no listener on the session's abort signal", async () => {
    const server = await icws([stream(sse(connectionDown))]);
    const c = context();
    await c.run(server.url);
    expect(getEventListeners(c.controller.signal, 'abort')).toEqual([]);
  });
});

describe('stopping', () => {
  it("a stop while the stream is open returns 'stopped', without a degraded status or a reopening", async () => {
    const server = await icws([stream(':ping\n\n'), refuse(401)]);
    const c = context();
    const running = c.run(server.url);
    await expect.poll(() => c.seen.connected).toBe(1);
    c.controller.abort();
    expect(await running).toBe('stopped');
    expect(c.statuses).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("stopped before it began: returns 'stopped' without opening the stream", async () => {
    const server = await icws([stream(sse(connectionDown))]);
    const controller = new AbortController();
    controller.abort();
    const c = context(controller);
    expect(await c.run(server.url)).toBe('stopped');
    expect(server.requests).toEqual([]);
  });
});

describe('a refused stream', () => {
  it('401: the session is gone, and it says so', async () => {
    const server = await icws([refuse(401)]);
    const error = await context()
      .run(server.url)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IcwsSessionGone);
    expect((error as Error).message).toBe(
      'ICWS refused the message stream (401): Non-200 status code (401); logging in again',
    );
  });

  it('503: the server is switching over, naming no alternate host (the stream carries none)', async () => {
    const server = await icws([refuse(503)]);
    const error = await context()
      .run(server.url)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IcwsUnavailable);
    expect((error as IcwsUnavailable).message).toBe(
      'ICWS refused the message stream (503); logging in again',
    );
    expect((error as IcwsUnavailable).alternates).toEqual([]);
  });

  it('500: fails naming the status, neither as a gone session nor as a switchover', async () => {
    const server = await icws([refuse(500)]);
    const error = await context()
      .run(server.url)
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(IcwsSessionGone);
    expect(error).not.toBeInstanceOf(IcwsUnavailable);
    expect((error as Error).message).toBe(
      'the ICWS message stream could not be opened: Non-200 status code (500)',
    );
  });

  it('204 (do not reconnect): fails in the event source’s words', async () => {
    const server = await icws([refuse(204)]);
    await expect(context().run(server.url)).rejects.toThrow(
      /^the ICWS message stream could not be opened: Server sent HTTP 204, not reconnecting$/,
    );
  });

  it('an unreachable server: fails naming the connection error, without reopening', async () => {
    const server = await icws([hold]);
    await server.close();
    const c = context();
    await expect(c.run(server.url)).rejects.toThrow(
      /^the ICWS message stream could not be opened: TypeError: fetch failed: .*ECONNREFUSED/,
    );
    expect(c.statuses).toEqual([]);
  });

  it('silent from the start (no status line): fails as never opened, naming the silence', async () => {
    const server = await icws([hold, refuse(500)]);
    const c = context();
    await expect(c.run(server.url, 200)).rejects.toThrow(
      /^the ICWS message stream could not be opened: nothing, not even a ping, for \d+ ms$/,
    );
    expect(c.seen.connected).toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a dropped stream', () => {
  it('one that ends after opening is reopened in the same session, shown degraded with the reason', async () => {
    const server = await icws([stream(sse(queueMessage), true), stream(sse(connectionDown))]);
    const c = context();
    expect(await c.run(server.url)).toBe(DOWN);
    expect(c.statuses).toEqual([
      'degraded the ICWS message stream dropped (the stream closed); reopening it',
    ]);
    expect(c.sleeps).toEqual([100]);
    expect(c.frames.map((f) => f.message)).toEqual([queueMessage]);
    expect(server.requests).toHaveLength(2);
    expect(c.seen.connected).toBe(2);
  });

  it('gives up after five drops in a row without a message, waiting longer before each reopening', async () => {
    const empty = stream(':ping\n\n', true);
    const server = await icws([empty, empty, empty, empty, empty, refuse(500)]);
    const c = context();
    await expect(c.run(server.url)).rejects.toThrow(
      /^the ICWS message stream dropped 5 times without a message: the stream closed$/,
    );
    expect(c.sleeps).toEqual([100, 200, 300, 400]);
    expect(c.statuses).toHaveLength(4);
    expect(server.requests).toHaveLength(5);
  });

  it('a message between drops starts the count again', async () => {
    const empty = stream(':ping\n\n', true);
    const server = await icws([
      ...[empty, empty, empty, empty],
      stream(sse(queueMessage), true),
      ...[empty, empty, empty],
      stream(sse(connectionDown)),
    ]);
    const c = context();
    expect(await c.run(server.url)).toBe(DOWN);
    expect(c.sleeps).toEqual([100, 200, 300, 400, 100, 200, 300, 400]);
    expect(server.requests).toHaveLength(9);
  });

  it('one that goes silent after opening is reopened, naming how long it was silent', async () => {
    const server = await icws([stream(sse(queueMessage)), stream(sse(connectionDown))]);
    const c = context();
    const started = Date.now();
    expect(await c.run(server.url, 200)).toBe(DOWN);
    expect(c.statuses).toHaveLength(1);
    const [, silent] =
      /^degraded the ICWS message stream dropped \(nothing, not even a ping, for (\d+) ms\); reopening it$/.exec(
        c.statuses[0]!,
      ) ?? [undefined, 'no match'];
    // Checked every quarter of the limit: noticed soon after it, not at a later, coarser tick.
    expect(Number(silent)).toBeGreaterThan(200);
    expect(Number(silent)).toBeLessThan(600);
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('pings keep a quiet stream open past the silence limit', async () => {
    let pinger: ReturnType<typeof setInterval> | undefined;
    const server = await icws([
      (res) => {
        stream(sse(queueMessage))(res);
        pinger = setInterval(() => res.write(':ping\n\n'), 40);
        setTimeout(() => {
          clearInterval(pinger);
          res.write(sse(connectionDown));
        }, 700);
      },
      refuse(500),
    ]);
    opened.push({ close: async () => clearInterval(pinger) });
    const c = context();
    expect(await c.run(server.url, 250)).toBe(DOWN);
    expect(c.statuses).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('what it emits', () => {
  it('an event that is not JSON is a bad frame, nothing is emitted for it, and the stream goes on', async () => {
    const server = await icws([
      stream(`data: ${TRUNCATED}\n\n${sse(queueMessage, connectionDown)}`),
      refuse(500),
    ]);
    const c = context();
    expect(await c.run(server.url)).toBe(DOWN);
    expect(c.badFrames).toEqual([
      `ICWS sent an event that is not JSON (70 characters: ${TRUNCATED.slice(0, 60)})`,
    ]);
    expect(c.frames.map((f) => f.message)).toEqual([queueMessage]);
  });
});
