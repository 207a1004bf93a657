// One DMCC connection against a bare TCP server the test scripts: answers matched to requests by invoke id,
// events handed on, refusals, unreadable answers, timeouts and the connection's end, each with its wording.
import net from 'node:net';
import { SessionError } from '@openconnect/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type DmccConnection, openConnection, RefusedError } from '../src/dmcc/connection.js';
import { encodeFrame, type Frame, FrameDecoder } from '../src/dmcc/framing.js';

const PV = 'http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7';
let server: net.Server | undefined;
let conn: DmccConnection | undefined;
afterEach(async () => {
  conn?.close();
  conn = undefined;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A server that hands each request frame to `onRequest` with a way to write frames back. */
async function aes(
  onRequest: (frame: Frame, write: (data: Buffer) => void, socket: net.Socket) => void = () => {},
) {
  const sockets: net.Socket[] = [];
  server = net.createServer((socket) => {
    sockets.push(socket);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk))
        if (!('bad' in frame)) onRequest(frame, (data) => socket.write(data), socket);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server!.address() as net.AddressInfo).port, sockets };
}

async function connect(port: number, extra: Partial<Parameters<typeof openConnection>[0]> = {}) {
  const events: Frame[] = [];
  const bad: string[] = [];
  conn = await openConnection({
    host: '127.0.0.1',
    port,
    tls: false,
    verifyServerName: true,
    requestTimeoutMs: 1_000,
    signal: new AbortController().signal,
    onUnsolicited: (frame) => events.push(frame),
    onBadFrame: (reason) => bad.push(reason),
    ...extra,
  });
  return { conn, events, bad };
}
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('a DMCC connection', () => {
  it('numbers requests 0001, 0002... and matches each answer to its request, in whatever order they come', async () => {
    const seen: string[] = [];
    const held: [Frame, (d: Buffer) => void][] = [];
    const { port } = await aes((frame, write) => {
      seen.push(frame.invokeId);
      held.push([frame, write]);
      if (held.length === 2)
        for (const [f, w] of held.reverse())
          w(
            encodeFrame(
              f.invokeId,
              `<MonitorStopResponse xmlns="${PV}"><n>${f.invokeId}</n></MonitorStopResponse>`,
            ),
          );
    });
    const { conn } = await connect(port);
    const [a, b] = await Promise.all([conn.request('first', '<A/>'), conn.request('second', '<B/>')]);
    expect(seen).toEqual(['0001', '0002']);
    expect([a.body.n, b.body.n]).toEqual(['0001', '0002']);
  });

  it('hands events (invoke id 9999) and answers nobody waits for to onUnsolicited, in order', async () => {
    const { port, sockets } = await aes();
    const { events } = await connect(port);
    await until(() => sockets.length === 1);
    sockets[0]!.write(
      Buffer.concat([encodeFrame('9999', '<DeliveredEvent/>'), encodeFrame('0042', '<Late/>')]),
    );
    await until(() => events.length === 2);
    expect(events).toEqual([
      { invokeId: '9999', xml: '<DeliveredEvent/>' },
      { invokeId: '0042', xml: '<Late/>' },
    ]);
  });

  it('rejects a refused request with RefusedError naming the answer and the refusal', async () => {
    const { port } = await aes((frame, write) =>
      write(
        encodeFrame(
          frame.invokeId,
          `<CSTAErrorCode xmlns="${PV}"><operation>invalidDeviceID</operation></CSTAErrorCode>`,
        ),
      ),
    );
    const { conn } = await connect(port);
    const error = await conn.request('MonitorStart for 4001', '<MonitorStart/>').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as RefusedError).message).toBe(
      'AES refused MonitorStart for 4001 (CSTAErrorCode operation: invalidDeviceID)',
    );
    expect((error as RefusedError).refusal).toBe('operation: invalidDeviceID');
  });

  it('rejects an answer that cannot be read, and counts it as a bad frame', async () => {
    const { port } = await aes((frame, write) => write(encodeFrame(frame.invokeId, '<Broken><x></Broken>')));
    const { conn, bad } = await connect(port);
    const error = (await conn
      .request('GetDeviceId for 4001', '<GetDeviceId/>')
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SessionError);
    expect(error).not.toBeInstanceOf(RefusedError);
    expect(error.message).toBe('AES answered GetDeviceId for 4001 with a message that could not be read');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^the answer to GetDeviceId for 4001: /);
  });

  it('gives up on an answer after requestTimeoutMs, or the timeout the request names', async () => {
    const { port } = await aes();
    const { conn } = await connect(port, { requestTimeoutMs: 60 });
    await expect(conn.request('GetAgentState for 4001', '<X/>')).rejects.toThrow(
      'AES did not answer GetAgentState for 4001 within 60 ms',
    );
    const started = Date.now();
    await expect(conn.request('MonitorStop for 4001', '<X/>', 20)).rejects.toThrow(
      'AES did not answer MonitorStop for 4001 within 20 ms',
    );
    expect(Date.now() - started).toBeLessThan(55);
    expect(conn.open).toBe(true);
  });

  it('when AES closes the connection: waiting requests are rejected, closed resolves, later requests are not sent', async () => {
    const { port, sockets } = await aes();
    const { conn } = await connect(port);
    const waiting = conn.request('ResetApplicationSessionTimer', '<X/>');
    await until(() => sockets.length === 1);
    sockets[0]!.end();
    await expect(waiting).rejects.toThrow(
      'the connection to AES closed before it answered ResetApplicationSessionTimer (AES closed the connection)',
    );
    expect(await conn.closed).toBe('AES closed the connection');
    expect(conn.open).toBe(false);
    await expect(conn.request('MonitorStop for 4001', '<X/>')).rejects.toThrow(
      'the connection to AES is closed (AES closed the connection); MonitorStop for 4001 was not sent',
    );
  });

  it('close() ends it, with its own reason', async () => {
    const { port } = await aes();
    const { conn } = await connect(port);
    expect(conn.open).toBe(true);
    conn.close();
    expect(await conn.closed).toBe('closed by the session');
  });

  it('a stream that cannot be framed ends the connection; a frame with a bad header is counted and skipped', async () => {
    const { port, sockets } = await aes();
    const { conn, bad, events } = await connect(port);
    await until(() => sockets.length === 1);
    const versioned = encodeFrame('9999', '<A/>');
    versioned.writeUInt16BE(3, 0);
    sockets[0]!.write(Buffer.concat([versioned, encodeFrame('9999', '<B/>')]));
    await until(() => events.length === 1);
    expect(bad).toEqual(['a DMCC message with version 3 (expected 0) was skipped']);
    sockets[0]!.write(Buffer.from([0, 0, 0, 2, 0x39, 0x39, 0x39, 0x39]));
    expect(await conn.closed).toBe('the stream from AES could not be framed');
    expect(bad[1]).toMatch(/shorter than the header itself/);
  });

  it('names the refusal to connect', async () => {
    const { port } = await aes();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await expect(connect(port)).rejects.toThrow(
      `could not connect to AES at tcp://127.0.0.1:${port}: ECONNREFUSED`,
    );
  });

  it('stops connecting when the session is stopped (a TLS handshake AES never answers)', async () => {
    const { port } = await aes();
    const controller = new AbortController();
    const connecting = connect(port, { tls: true, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(connecting).rejects.toThrow(`stopped while connecting to AES at tls://127.0.0.1:${port}`);
  });
});
