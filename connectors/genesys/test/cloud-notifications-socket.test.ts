// The notification WebSocket on its own: why it could not open, how it closes, and its watchdog (a ping
// after a third of the heartbeat timeout in silence, dropped after the whole timeout). The watchdog's
// interval runs on fake timers and the socket's clock is the test's, so no test waits for a timeout.
import { getEventListeners, once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { SessionError } from '@openconnect/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { type NotificationSocket, openSocket } from '../src/cloud-notifications/socket.js';
import { startGenesysCloudEmulator } from '../src/emulators/index.js';

const HEARTBEAT = JSON.stringify({
  topicName: 'channel.metadata',
  eventBody: { message: 'WebSocket Heartbeat' },
});
const PING = JSON.stringify({ message: 'ping' });
const TIMEOUT_MS = 1_500; // the watchdog looks every 250 ms, pings after 500 ms of silence
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
async function until(what: string, condition: () => boolean) {
  for (const started = Date.now(); !condition(); await sleep(5))
    if (Date.now() - started > 2_000) throw new Error(`timed out waiting for ${what}`);
}

/** The Genesys streaming side of one channel: what it received, how the client closed it. */
async function streaming() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const peers: WebSocket[] = [];
  const received: string[] = [];
  const closes: { code: number; reason: string }[] = [];
  wss.on('connection', (ws) => {
    peers.push(ws);
    ws.on('message', (data) => received.push(data.toString()));
    ws.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/channels/streaming-5-cfa9e0bbd4ad3a9c4dc27284cb1e3af4`,
    peer: () => peers[0]!,
    received,
    closes,
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}

describe('the notification socket', () => {
  let server: Awaited<ReturnType<typeof streaming>>;
  let clock: number;
  let session: AbortController;
  let texts: string[];
  let ends: string[];
  let socket: NotificationSocket | undefined;
  const open = (url = server.url) =>
    openSocket({
      url,
      heartbeatTimeoutMs: TIMEOUT_MS,
      now: () => clock,
      signal: session.signal,
      onText: (text) => texts.push(text),
      onEnd: (reason) => ends.push(reason),
    });
  /** One watchdog look, `silentMs` after the last frame. */
  const lookAfter = (silentMs: number, lastFrameAt = 0) => {
    clock = lastFrameAt + silentMs;
    vi.advanceTimersByTime(250);
  };

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    server = await streaming();
    clock = 0;
    session = new AbortController();
    texts = [];
    ends = [];
    socket = undefined;
  });
  afterEach(async () => {
    socket?.close();
    vi.useRealTimers();
    await server.close();
  });

  it('is refused, saying the channel is gone, when Genesys answers the upgrade with 404', async () => {
    const emulator = await startGenesysCloudEmulator();
    try {
      const url = `${emulator.url.replace('http', 'ws')}/channels/streaming-5-00000000000000000000000000000000`;
      const error = await open(url).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SessionError);
      expect((error as Error).message).toBe(
        'the notification socket was refused (HTTP 404): the channel is gone',
      );
      expect(ends).toEqual([]);
    } finally {
      await emulator.close();
    }
  });

  it('fails with the reason when nothing listens at the connectUri', async () => {
    const { port } = new URL(server.url);
    await server.close();
    await expect(open()).rejects.toThrow(
      `the notification socket failed (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  it('fails, rather than never settling, when the session ends while the socket is opening', async () => {
    // A host that takes the connection but never answers the upgrade.
    const connections: Socket[] = [];
    const silent = createServer((connection) => connections.push(connection));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const opening = open(`ws://127.0.0.1:${(silent.address() as AddressInfo).port}/channels/streaming-5-x`);
      await until('the connection', () => connections.length >= 1);
      session.abort();
      await expect(opening).rejects.toThrow('the session ended while the notification socket was opening');
      expect(ends).toEqual([]);
    } finally {
      for (const connection of connections) connection.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('hands on each text frame', async () => {
    socket = await open();
    server.peer().send(HEARTBEAT);
    await until('the heartbeat', () => texts.length >= 1);
    expect(texts).toEqual([HEARTBEAT]);
  });

  it('hands on a binary frame as an empty text, which is no JSON', async () => {
    socket = await open();
    server.peer().send(Buffer.from(HEARTBEAT));
    await until('the binary frame', () => texts.length >= 1);
    expect(texts).toEqual(['']);
  });

  it('hands on nothing that arrives after it was closed', async () => {
    const first = JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } });
    socket = await openSocket({
      url: server.url,
      heartbeatTimeoutMs: TIMEOUT_MS,
      now: () => clock,
      signal: session.signal,
      onText: (text) => {
        texts.push(text);
        socket!.close();
      },
      onEnd: (reason) => ends.push(reason),
    });
    const peer = server.peer();
    // Both frames in one TCP segment: the second is read after close() was called.
    (peer as unknown as { _socket: { cork(): void; uncork(): void } })._socket.cork();
    peer.send(first);
    peer.send(HEARTBEAT);
    (peer as unknown as { _socket: { cork(): void; uncork(): void } })._socket.uncork();
    await until('the close', () => server.closes.length >= 1);
    expect(texts).toEqual([first]);
  });

  it('closes with 1000 "session ended" when the session closes it, and reports no end', async () => {
    socket = await open();
    socket.close();
    await until('the close', () => server.closes.length >= 1);
    await sleep(20);
    expect([server.closes, ends]).toEqual([[{ code: 1000, reason: 'session ended' }], []]);
  });

  it('closes with 1000 "session ended" when the session is aborted', async () => {
    socket = await open();
    session.abort();
    await until('the close', () => server.closes.length >= 1);
    await sleep(20);
    expect([server.closes, ends]).toEqual([[{ code: 1000, reason: 'session ended' }], []]);
  });

  it("lets go of the session's abort signal once closed", async () => {
    socket = await open();
    socket.close();
    expect(getEventListeners(session.signal, 'abort')).toHaveLength(0);
  });

  it('stops its watchdog once closed', async () => {
    socket = await open();
    socket.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops the socket after the whole timeout in silence, saying how long it was quiet', async () => {
    socket = await open();
    lookAfter(TIMEOUT_MS);
    expect(ends).toEqual(['no heartbeat on the notification socket for 2 s']);
    await until('the close', () => server.closes.length >= 1);
  });

  it('looks for silence every sixth of the timeout', async () => {
    socket = await open();
    clock = TIMEOUT_MS;
    vi.advanceTimersByTime(249);
    expect(ends).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ends).toHaveLength(1);
  });

  it('sends no ping before a third of the timeout has passed in silence', async () => {
    socket = await open();
    lookAfter(TIMEOUT_MS / 3 - 1);
    await sleep(30);
    expect(server.received).toEqual([]);
  });

  it('pings once a third of the timeout has passed in silence', async () => {
    socket = await open();
    lookAfter(TIMEOUT_MS / 3);
    await until('the ping', () => server.received.length >= 1);
    expect(server.received).toEqual([PING]);
  });

  it('pings once per silence, not at every look', async () => {
    socket = await open();
    lookAfter(TIMEOUT_MS / 3);
    lookAfter(TIMEOUT_MS / 3 + 250);
    lookAfter(TIMEOUT_MS / 3 + 500);
    await until('the ping', () => server.received.length >= 1);
    await sleep(30);
    expect(server.received).toEqual([PING]);
  });

  it('pings again when it goes quiet again after an answer', async () => {
    socket = await open();
    lookAfter(TIMEOUT_MS / 3);
    await until('the ping', () => server.received.length >= 1);
    clock = 600;
    server.peer().send(JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }));
    await until('the pong', () => texts.length >= 1);
    lookAfter(TIMEOUT_MS / 3, 600);
    await until('a second ping', () => server.received.length >= 2);
    expect(server.received).toEqual([PING, PING]);
  });
});
