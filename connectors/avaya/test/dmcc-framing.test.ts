import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, type Frame, FrameDecoder, MAX_FRAME_BYTES } from '../src/dmcc/framing.js';

const frames: Frame[] = [
  {
    invokeId: '0001',
    xml: '<StartApplicationSessionPosResponse><sessionID>A1-0</sessionID></StartApplicationSessionPosResponse>',
  },
  {
    invokeId: '9999',
    xml: '<DeliveredEvent><monitorCrossRefID>7</monitorCrossRefID><cause>newCall</cause></DeliveredEvent>',
  },
  {
    invokeId: '0002',
    xml: '<GetDeviceIdResponse><device>4001:CM1::0</device><note>Zürich ☎</note></GetDeviceIdResponse>',
  },
];
const stream = Buffer.concat(frames.map((f) => encodeFrame(f.invokeId, f.xml)));

/** Cuts `data` at the given offsets (sorted, deduplicated) into chunks. */
const cut = (data: Buffer, offsets: number[]) => {
  const points = [...new Set(offsets.map((o) => o % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.subarray(from, point));
    from = point;
  }
  return chunks;
};

describe('DMCC framing', () => {
  it('writes version 0, the big-endian length including the 8-byte header, and the invoke id in ASCII', () => {
    const frame = encodeFrame('0042', '<a>é</a>');
    expect([...frame.subarray(0, 8)]).toEqual([0, 0, 0, 17, 0x30, 0x30, 0x34, 0x32]);
    expect(frame.subarray(8).toString('utf8')).toBe('<a>é</a>');
  });

  it('decodes a message split into one-byte reads only once its last byte arrives', () => {
    const decoder = new FrameDecoder();
    const one = encodeFrame(frames[0]!.invokeId, frames[0]!.xml);
    for (let i = 0; i < one.length - 1; i++) expect(decoder.push(one.subarray(i, i + 1))).toEqual([]);
    expect(decoder.push(one.subarray(one.length - 1))).toEqual([frames[0]]);
    expect(decoder.pending).toBe(0);
  });

  it('decodes several messages coalesced into one read, in order', () => {
    expect(new FrameDecoder().push(stream)).toEqual(frames);
  });

  it('decodes any cutting of the stream into reads to the same messages (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (offsets) => {
        const decoder = new FrameDecoder();
        const out = cut(stream, offsets).flatMap((chunk) => decoder.push(chunk));
        expect(out).toEqual(frames);
        expect(decoder.pending).toBe(0);
      }),
    );
  });

  it('round-trips any XML text and invoke id through encode and a cut-up decode (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            invokeId: fc.integer({ min: 1, max: 9999 }).map((n) => String(n).padStart(4, '0')),
            xml: fc.string({ maxLength: 300 }),
          }),
          { maxLength: 8 },
        ),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, offsets) => {
          const data = Buffer.concat(messages.map((m) => encodeFrame(m.invokeId, m.xml)));
          const decoder = new FrameDecoder();
          expect(cut(data, offsets).flatMap((chunk) => decoder.push(chunk))).toEqual(messages);
        },
      ),
    );
  });

  it('skips a message with another version or a bad invoke id, naming why, and goes on with the next', () => {
    const bad = encodeFrame('0001', '<x/>');
    bad.writeUInt16BE(1, 0);
    const letters = encodeFrame('0001', '<y/>');
    letters.write('ab12', 4, 'ascii');
    const out = new FrameDecoder().push(Buffer.concat([bad, letters, encodeFrame('9999', '<z/>')]));
    expect(out).toEqual([
      { bad: 'a DMCC message with version 1 (expected 0) was skipped' },
      { bad: 'a DMCC message whose invoke id is not four digits was skipped' },
      { invokeId: '9999', xml: '<z/>' },
    ]);
  });

  it('gives up on a stream whose length is shorter than the header, since nothing after it can be framed', () => {
    expect(() => new FrameDecoder().push(Buffer.from([0, 0, 0, 3, 0x30, 0x30, 0x30, 0x31]))).toThrow(
      /shorter than the header/,
    );
  });

  it('refuses to encode a message longer than the 2-byte length allows', () => {
    expect(() => encodeFrame('0001', 'x'.repeat(MAX_FRAME_BYTES))).toThrow(/at most 65535 bytes/);
  });
});
