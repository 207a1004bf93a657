// DMCC's framing on the TCP/TLS stream: every XML message follows an 8-byte header, 2 bytes version (0),
// 2 bytes big-endian length of the whole message header included, 4 ASCII digits of invoke id (requests
// and their answers share one, 0001-9998; events carry 9999). TCP hands over bytes, not messages: a read
// may hold part of a message or several, so the decoder keeps what it has until a message is whole.

export const HEADER_BYTES = 8;
/** The invoke id of unsolicited messages (events) from AES. */
export const EVENT_INVOKE_ID = '9999';
/** The largest message the 2-byte length can describe. */
export const MAX_FRAME_BYTES = 0xffff;
const FOUR_DIGITS = /^\d{4}$/;

export interface Frame {
  invokeId: string;
  /** The XML text (UTF-8). */
  xml: string;
}

export type Decoded = Frame | { bad: string };

/** One message with its header. Throws when the XML is too long for the 2-byte length. */
export function encodeFrame(invokeId: string, xml: string): Buffer {
  if (!FOUR_DIGITS.test(invokeId)) throw new Error(`invoke id ${invokeId} is not four digits`);
  // Stryker disable next-line StringLiteral: Buffer's default encoding is UTF-8 too
  const body = Buffer.from(xml, 'utf8');
  const length = HEADER_BYTES + body.length;
  if (length > MAX_FRAME_BYTES)
    throw new Error(`a DMCC message is at most ${MAX_FRAME_BYTES} bytes; this one is ${length}`);
  const frame = Buffer.allocUnsafe(length);
  frame.writeUInt16BE(0, 0);
  frame.writeUInt16BE(length, 2);
  // Stryker disable next-line StringLiteral: four digits are the same bytes in ASCII and in the default UTF-8
  frame.write(invokeId, 4, 'ascii');
  body.copy(frame, HEADER_BYTES);
  return frame;
}

/**
 * A streaming decoder: `push` each chunk as it is read; it returns the messages completed by it. A message
 * with a bad version or invoke id is returned as `{ bad }` and skipped (its length still frames the
 * stream); a length shorter than the header cannot be skipped, so the stream is lost: `push` throws.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Bytes held, waiting for the rest of a message. */
  get pending(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Decoded[] {
    // Stryker disable next-line ConditionalExpression: an empty chunk held adds no byte; skipping it only spares a concat
    if (chunk.length) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Decoded[] = [];
    // Stryker disable next-line ConditionalExpression: a shortcut: with fewer bytes than a header the loop below frames nothing and keeps them all
    if (this.buffered < HEADER_BYTES) return out;
    // Stryker disable next-line ConditionalExpression: a shortcut: concatenating a single chunk gives the same bytes
    let data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    let offset = 0;
    while (data.length - offset >= HEADER_BYTES) {
      const version = data.readUInt16BE(offset);
      const length = data.readUInt16BE(offset + 2);
      if (length < HEADER_BYTES) {
        this.chunks = [];
        this.buffered = 0;
        throw new Error(
          `a DMCC header gives a length of ${length}, shorter than the header itself: the stream cannot be framed`,
        );
      }
      if (data.length - offset < length) break;
      const invokeId = data.toString('ascii', offset + 4, offset + HEADER_BYTES);
      const xml = data.toString('utf8', offset + HEADER_BYTES, offset + length);
      offset += length;
      if (version !== 0) out.push({ bad: `a DMCC message with version ${version} (expected 0) was skipped` });
      else if (!FOUR_DIGITS.test(invokeId))
        out.push({ bad: `a DMCC message whose invoke id is not four digits was skipped` });
      else out.push({ invokeId, xml });
    }
    // Stryker disable next-line ConditionalExpression: a shortcut: the rest past the end is empty either way
    data = offset === data.length ? Buffer.alloc(0) : data.subarray(offset);
    this.chunks = data.length ? [data] : [];
    this.buffered = data.length;
    return out;
  }
}
