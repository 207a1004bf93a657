// The DMCC building blocks at their edges (issue 17): framing limits and recovery, how AES's answers and
// refusals are read when they carry attributes, lists or odd values, what an event leaves out, and the
// connection's socket: SNI on the wire, resets, pausing, the abort listener it leaves behind, invoke ids
// running out.
import { getEventListeners } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { InputError } from '@openconnect/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type DmccConnection, openConnection } from '../src/dmcc/connection.js';
import { parseDmccFrame, toBridgeEvent } from '../src/dmcc/events.js';
import { encodeFrame, type Frame, FrameDecoder, MAX_FRAME_BYTES } from '../src/dmcc/framing.js';
import { find, readMessage, refusalOf, text } from '../src/dmcc/responses.js';
import { testCertificate } from '../src/emulators/dmcc.js';

const PV = 'http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7';

describe('DMCC framing at its limits', () => {
  it('refuses to encode an invoke id that is not exactly four digits, naming it', () => {
    for (const id of ['12', '12345', 'a123', '123a'])
      expect(() => encodeFrame(id, '<x/>')).toThrow(`invoke id ${id} is not four digits`);
  });

  it('encodes a message of exactly 65,535 bytes, header included', () => {
    const frame = encodeFrame('0001', 'x'.repeat(MAX_FRAME_BYTES - 8));
    expect([frame.length, frame.readUInt16BE(2)]).toEqual([MAX_FRAME_BYTES, MAX_FRAME_BYTES]);
    expect(() => encodeFrame('0001', 'x'.repeat(MAX_FRAME_BYTES - 7))).toThrow(
      'a DMCC message is at most 65535 bytes; this one is 65536',
    );
  });

  it('after a stream that cannot be framed, the decoder holds nothing and frames what comes next', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(Buffer.from([0, 0, 0, 3, 0x30, 0x30, 0x30, 0x31]))).toThrow(
      /shorter than the header/,
    );
    expect(decoder.pending).toBe(0);
    expect(decoder.push(encodeFrame('0002', '<ok/>'))).toEqual([{ invokeId: '0002', xml: '<ok/>' }]);
  });
});

describe("reading AES's messages: edges", () => {
  it('names the message by its root element, after a processing instruction', () => {
    expect(
      readMessage('<?xml-stylesheet href="a.xsl"?><DeliveredEvent><cause>newCall</cause></DeliveredEvent>'),
    ).toEqual({
      name: 'DeliveredEvent',
      body: { cause: 'newCall' },
    });
  });

  it('decodes the character references and entities of text (a UUI, a device name)', () => {
    expect(readMessage('<X><data>a &lt;b&gt; &amp; &#67;</data></X>').body.data).toBe('a <b> & C');
  });

  it('text: a value that is no string, number, list or element has no text', () => {
    expect(text(null)).toBeUndefined();
    expect(text(true)).toBeUndefined();
    expect(text({ '#text': ' 4001 ' })).toBe('4001');
  });

  it('find: never reads the characters of a text or the indexes of a list as elements', () => {
    expect(find({ a: 'xy' }, '1')).toBeUndefined();
    expect(find({ list: ['a', 'b'] }, '1')).toBeUndefined();
    expect(find({ a: null, b: { c: 'found' } }, 'c')).toBe('found');
    expect(find({ list: [{ x: '1' }, { c: 'in-list' }] }, 'c')).toBe('in-list');
  });

  it('a CSTAErrorCode is read from its own children, even one named errorCode', () => {
    expect(refusalOf(readMessage('<CSTAErrorCode><errorCode>busy</errorCode></CSTAErrorCode>'))).toBe(
      'errorCode: busy',
    );
    expect(
      refusalOf(
        readMessage(
          '<FooNegResponse><errorCode><definedError>busy</definedError></errorCode></FooNegResponse>',
        ),
      ),
    ).toBe('definedError: busy');
  });

  it('a refusal whose value is blank is named by its category; attributes are never the value', () => {
    expect(refusalOf({ name: 'CSTAErrorCode', body: { operation: '   ' } })).toBe('operation');
    expect(
      refusalOf(readMessage('<CSTAErrorCode><security code="7"><noPermission/></security></CSTAErrorCode>')),
    ).toBe('security: noPermission');
    expect(refusalOf(readMessage('<CSTAErrorCode><security code="7"/></CSTAErrorCode>'))).toBe('security');
  });
});

describe('a DMCC event: what it leaves out', () => {
  it('holds no key for a device, cause or VDN the event does not carry', () => {
    const message = readMessage(
      `<DeliveredEvent xmlns="${PV}"><monitorCrossRefID>1</monitorCrossRefID><alertingDevice><deviceIdentifier> </deviceIdentifier></alertingDevice><cause/><extensions><privateData><private><distributingVDN/></private></privateData></extensions></DeliveredEvent>`,
    );
    expect(Object.keys(toBridgeEvent(message, { monitoredDevice: '4001' }))).toEqual([
      'eventType',
      'monitoredDevice',
    ]);
  });

  it('names the DMCC frame in the error of a frame that breaks the contract', () => {
    const error = (() => {
      try {
        parseDmccFrame({ monitoredDevice: 'x', xml: '<HeldEvent/>' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(
      'the DMCC frame is not as expected at monitoredDevice: monitoredDevice must be a station extension',
    );
  });
});

let server: net.Server | tls.Server | undefined;
let conn: DmccConnection | undefined;
const serverSockets: net.Socket[] = [];
const closeServer = async () => {
  for (const socket of serverSockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
};
afterEach(async () => {
  conn?.close();
  conn = undefined;
  await closeServer();
});
const listen = async (s: net.Server | tls.Server) => {
  server = s;
  s.on('connection', (socket: net.Socket) => serverSockets.push(socket));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as net.AddressInfo).port;
};
const options = (port: number, extra: Partial<Parameters<typeof openConnection>[0]> = {}) => ({
  host: '127.0.0.1',
  port,
  tls: false,
  verifyServerName: true,
  requestTimeoutMs: 60_000,
  signal: new AbortController().signal,
  onUnsolicited: () => {},
  onBadFrame: () => {},
  ...extra,
});
const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('a DMCC connection: the socket', () => {
  it('names AES by its host name in the TLS handshake (SNI), and not an IP address', async () => {
    const certificate = testCertificate();
    const names: (string | false | null)[] = [];
    const port = await listen(
      tls.createServer({ key: certificate.key, cert: certificate.cert }, (socket) => {
        names.push(socket.servername);
        socket.on('error', () => {});
      }),
    );
    conn = await openConnection(options(port, { host: 'localhost', tls: true, ca: certificate.cert }));
    await until(() => names.length === 1);
    conn.close();
    conn = await openConnection(options(port, { tls: true, ca: certificate.cert }));
    await until(() => names.length === 2);
    expect(names).toEqual(['localhost', false]);
  });

  it('a reset by AES ends the connection naming the socket error code, kept through the close that follows', async () => {
    const sockets: net.Socket[] = [];
    const port = await listen(net.createServer((socket) => sockets.push(socket)));
    conn = await openConnection(options(port));
    await until(() => sockets.length === 1);
    sockets[0]!.resetAndDestroy();
    expect(await conn.closed).toBe('ECONNRESET');
    // The close that follows the reset does not rename why it ended.
    await new Promise((r) => setTimeout(r, 20));
    await expect(conn.request('MonitorStop for 4001', '<X/>')).rejects.toThrow(
      'the connection to AES is closed (ECONNRESET); MonitorStop for 4001 was not sent',
    );
  });

  it('reads nothing while paused, and what waited once resumed', async () => {
    const sockets: net.Socket[] = [];
    const port = await listen(net.createServer((socket) => sockets.push(socket)));
    const events: Frame[] = [];
    conn = await openConnection(options(port, { onUnsolicited: (frame) => events.push(frame) }));
    await until(() => sockets.length === 1);
    conn.pause();
    sockets[0]!.write(encodeFrame('9999', '<HeldEvent/>'));
    await new Promise((r) => setTimeout(r, 60));
    expect(events).toEqual([]);
    conn.resume();
    await until(() => events.length === 1);
    expect(events).toEqual([{ invokeId: '9999', xml: '<HeldEvent/>' }]);
  });

  it('leaves no listener on the session signal once connected, refused or stopped', async () => {
    const port = await listen(net.createServer((socket) => socket.on('error', () => {})));
    const connected = new AbortController();
    conn = await openConnection(options(port, { signal: connected.signal }));
    expect(getEventListeners(connected.signal, 'abort')).toHaveLength(0);
    conn.close();
    const stopped = new AbortController();
    const connecting = openConnection(options(port, { tls: true, signal: stopped.signal }));
    setTimeout(() => stopped.abort(), 20);
    await expect(connecting).rejects.toThrow('stopped while connecting');
    expect(getEventListeners(stopped.signal, 'abort')).toHaveLength(0);
    await closeServer();
    const refused = new AbortController();
    await expect(openConnection(options(port, { signal: refused.signal }))).rejects.toThrow('ECONNREFUSED');
    expect(getEventListeners(refused.signal, 'abort')).toHaveLength(0);
  });

  it('when 9,998 requests wait for an answer, the next is refused (not thrown), saying AES is not answering', async () => {
    const port = await listen(net.createServer((socket) => socket.on('error', () => {})));
    conn = await openConnection(options(port));
    const waiting = Array.from({ length: 9_998 }, (_, i) =>
      conn!.request(`request ${i}`, '<X/>').catch((e: Error) => e.message),
    );
    let next: Promise<unknown> | undefined;
    expect(() => {
      next = conn!.request('one more', '<X/>');
    }).not.toThrow();
    await expect(next).rejects.toThrow('9,998 DMCC requests are waiting for an answer; AES is not answering');
    conn.close();
    expect((await Promise.all(waiting)).at(-1)).toBe(
      'the connection to AES closed before it answered request 9997 (closed by the session)',
    );
  });
});
