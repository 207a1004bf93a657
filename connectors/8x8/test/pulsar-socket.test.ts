// The consumer's socket against a bare WebSocket server (no Pulsar behaviour), for what the emulator does not
// do: frames sent as binary, pings on a closed socket or one that closes while a ping waits, and a session
// stopped while it is still connecting.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { openConsumerSocket } from '../src/pulsar/socket.js';

const names = { tenant: 'acme01', topic: 'all', subscription: 'openconnect-runner' };
let server: Server | undefined;
let wss: WebSocketServer | undefined;
afterEach(async () => {
  for (const client of wss?.clients ?? []) client.terminate();
  wss?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  wss = undefined;
});

/** A server that hands each connection to `onConnection`; `autoPong: false` lets a test hold pongs back. */
async function listen(onConnection: (socket: WebSocket) => void = () => {}, autoPong = true) {
  server = createServer();
  wss = new WebSocketServer({ server, autoPong });
  wss.on('connection', onConnection);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
}
const open = (
  url: string,
  onText: (text: string) => void = () => {},
  signal = new AbortController().signal,
) => openConsumerSocket({ url, apiKey: 'eght_key', connectTimeoutMs: 2_000, signal, names, onText });

describe('the consumer socket', () => {
  it('sends the key in X-API-Key and reads a frame sent as binary as UTF-8 text', async () => {
    let key: string | undefined;
    const texts: string[] = [];
    const url = await listen((socket) => socket.send(Buffer.from('{"messageId":"é"}'), { binary: true }));
    wss!.on('headers', (_headers, request) => {
      key = request.headers['x-api-key'] as string;
    });
    const socket = await open(url, (text) => texts.push(text));
    await new Promise((r) => setTimeout(r, 100));
    expect([key, texts]).toEqual(['eght_key', ['{"messageId":"é"}']]);
    socket.close();
    expect(await socket.ended).toEqual({
      clean: true,
      reason: '8x8 closed the event stream (1000: session ended)',
    });
  });

  it('resolves a ping on its pong, and refuses one on a closed socket', async () => {
    const url = await listen();
    const socket = await open(url);
    await expect(socket.ping(1_000)).resolves.toBeUndefined();
    socket.close();
    await socket.ended;
    await expect(socket.ping(1_000)).rejects.toThrow('the event stream socket is closed');
    socket.send('{"messageId":"lost"}'); // after the close: dropped, not thrown
  });

  it('fails a waiting ping when the socket closes before its pong', async () => {
    let serverSide: WebSocket | undefined;
    const url = await listen((socket) => {
      serverSide = socket;
    }, false);
    const socket = await open(url);
    const ping = socket.ping(5_000);
    await new Promise((r) => setTimeout(r, 50));
    serverSide!.close(1001, 'restarting');
    await expect(ping).rejects.toThrow('the event stream socket closed before its pong');
    expect(await socket.ended).toEqual({
      clean: true,
      reason: '8x8 closed the event stream (1001: restarting)',
    });
  });

  it('fails a ping with no pong within its time, and forgets it', async () => {
    const url = await listen(() => {}, false);
    const socket = await open(url);
    await expect(socket.ping(100)).rejects.toThrow('no pong from the event stream within 100 ms');
    socket.close();
  });

  it('is stopped while connecting when its signal aborts', async () => {
    server = createServer(); // accepts the upgrade request and never answers it
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const stop = new AbortController();
    const opening = open(
      `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
      () => {},
      stop.signal,
    );
    setTimeout(() => stop.abort(), 100);
    await expect(opening).rejects.toThrow('the event-stream session was stopped while connecting');
    server.closeAllConnections();
  });
});
