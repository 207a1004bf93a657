import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toInboundRequest } from '../src/request.js';
import { isFreshTimestamp, refused, safeCompare, verified, verifyHmac, verifyToken } from '../src/verify.js';

describe('safeCompare', () => {
  it('is true for equal strings', () => expect(safeCompare('abc', 'abc')).toBe(true));
  it('is false for different strings of equal length', () => expect(safeCompare('abc', 'abd')).toBe(false));
  it('is false (not a throw) for different lengths', () => expect(safeCompare('abc', 'abcd')).toBe(false));
  it('is false when either side is missing', () => {
    expect(safeCompare(undefined, 'a')).toBe(false);
    expect(safeCompare('a', undefined)).toBe(false);
  });
});

describe('verifyHmac', () => {
  const body = Buffer.from('{"id":"evt-1","amount":10}');
  const hex = createHmac('sha256', 'shh').update(body).digest('hex');
  const b64 = createHmac('sha1', 'shh').update(body).digest('base64');

  it('accepts a hex SHA-256 signature over the raw bytes, in either case', () => {
    expect(verifyHmac({ secret: 'shh', payload: body, signature: hex })).toEqual(verified());
    expect(verifyHmac({ secret: 'shh', payload: body, signature: hex.toUpperCase() })).toEqual(verified());
  });

  it('accepts a prefixed signature and refuses one without the prefix', () => {
    expect(
      verifyHmac({ secret: 'shh', payload: body, signature: `sha256=${hex}`, prefix: 'sha256=' }),
    ).toEqual(verified());
    expect(verifyHmac({ secret: 'shh', payload: body, signature: hex, prefix: 'sha256=' })).toEqual(
      refused('the signature lacks the "sha256=" prefix'),
    );
  });

  it('accepts a signature with whitespace around it (as some proxies pass headers on)', () => {
    expect(verifyHmac({ secret: 'shh', payload: body, signature: ` ${hex}\t` })).toEqual(verified());
  });

  it('accepts base64 SHA-1', () => {
    expect(
      verifyHmac({ secret: 'shh', payload: body, signature: b64, algorithm: 'sha1', digest: 'base64' }),
    ).toEqual(verified());
  });

  it('refuses a changed body, a wrong secret and a missing signature', () => {
    const changed = Buffer.from('{"id":"evt-1","amount":11}');
    expect(verifyHmac({ secret: 'shh', payload: changed, signature: hex })).toEqual(
      refused('the signature does not match the body'),
    );
    expect(verifyHmac({ secret: 'other', payload: body, signature: hex }).ok).toBe(false);
    expect(verifyHmac({ secret: 'shh', payload: body, signature: undefined })).toEqual(
      refused('the signature header is missing'),
    );
  });

  it('refuses, without throwing, a signature of another length: truncated, extended, blank, or multi-byte', () => {
    for (const signature of [hex.slice(0, 63), `${hex}0`, ' ', 'é'.repeat(32)]) {
      expect(verifyHmac({ secret: 'shh', payload: body, signature })).toEqual(
        refused('the signature does not match the body'),
      );
    }
  });

  it('refuses the same JSON re-serialised with other spacing (signatures cover bytes)', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(' { "id": "evt-1", "amount": 10 } ')));
    const signedSpaced = createHmac('sha256', 'shh')
      .update(' { "id": "evt-1", "amount": 10 } ')
      .digest('hex');
    expect(verifyHmac({ secret: 'shh', payload: reserialised, signature: signedSpaced }).ok).toBe(false);
  });
});

describe('isFreshTimestamp', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it('accepts epoch seconds, epoch milliseconds and ISO dates within 5 minutes', () => {
    expect(isFreshTimestamp(now / 1000 - 299, undefined, now)).toBe(true);
    expect(isFreshTimestamp(String(now + 299_000), undefined, now)).toBe(true);
    expect(isFreshTimestamp('2026-11-25T11:56:00Z', undefined, now)).toBe(true);
  });
  it('refuses stale, future, missing and garbage timestamps', () => {
    expect(isFreshTimestamp(now / 1000 - 301, undefined, now)).toBe(false);
    expect(isFreshTimestamp(now + 301_000, undefined, now)).toBe(false);
    expect(isFreshTimestamp(undefined, undefined, now)).toBe(false);
    expect(isFreshTimestamp('yesterday-ish', undefined, now)).toBe(false);
  });
  it('accepts a timestamp exactly at the tolerance, seconds below 1e12 and milliseconds from 1e12 on', () => {
    expect(isFreshTimestamp(now - 300_000, undefined, now)).toBe(true);
    expect(isFreshTimestamp(String(now + 300_000), undefined, now)).toBe(true);
    expect(isFreshTimestamp(1e12, 1_000, 1e12)).toBe(true);
    expect(isFreshTimestamp(1e12 - 1, 1_000, (1e12 - 1) * 1000)).toBe(true);
  });
  it('refuses an empty timestamp, even at the epoch', () => {
    expect(isFreshTimestamp('', undefined, 0)).toBe(false);
  });
  it('honours a custom tolerance', () => {
    expect(isFreshTimestamp(now - 10_000, 5_000, now)).toBe(false);
  });
});

describe('verifyToken', () => {
  const req = (headers: Record<string, string>, query: Record<string, string> = {}) =>
    toInboundRequest({ headers, query });

  it('accepts the token in the configured header', () => {
    expect(verifyToken(req({ 'X-Api-Key': 'k-123' }), { expected: 'k-123', header: 'x-api-key' })).toEqual(
      verified(),
    );
  });
  it('accepts a Bearer token and refuses another scheme', () => {
    expect(
      verifyToken(req({ authorization: 'Bearer k-123' }), {
        expected: 'k-123',
        header: 'authorization',
        scheme: 'Bearer',
      }).ok,
    ).toBe(true);
    expect(
      verifyToken(req({ authorization: 'Basic k-123' }), {
        expected: 'k-123',
        header: 'authorization',
        scheme: 'Bearer',
      }).ok,
    ).toBe(false);
  });
  it('falls back to a query parameter', () => {
    expect(
      verifyToken(req({}, { token: 'k-123' }), { expected: 'k-123', header: 'x-token', query: 'token' }).ok,
    ).toBe(true);
  });
  it('names where the credential was expected when it is missing', () => {
    expect(verifyToken(req({}), { expected: 'k', header: 'x-token', query: 'token' })).toEqual(
      refused('the credential (header x-token or parameter token) is missing'),
    );
  });
  it('refuses a wrong token without revealing the expected one', () => {
    const result = verifyToken(req({ 'x-token': 'guess' }), {
      expected: 'the-real-secret',
      header: 'x-token',
    });
    expect(result).toEqual(refused('the credential does not match'));
  });
  it('refuses a scheme-based token whose header is absent, naming where it was expected', () => {
    expect(verifyToken(req({}), { expected: 'k-123', header: 'authorization', scheme: 'Bearer' })).toEqual(
      refused('the credential (header authorization) is missing'),
    );
  });
  it('refuses a Bearer header with no token after the scheme', () => {
    expect(
      verifyToken(req({ authorization: 'Bearer' }), {
        expected: 'k-123',
        header: 'authorization',
        scheme: 'Bearer',
      }).ok,
    ).toBe(false);
  });
  it('takes the query token only when the header gives none: a valid header token is not overridden by a wrong query token', () => {
    const options = { expected: 'k-123', header: 'x-token', query: 'token' };
    expect(verifyToken(req({ 'x-token': 'k-123' }, { token: 'wrong' }), options)).toEqual(verified());
    expect(verifyToken(req({ 'x-token': 'wrong' }, { token: 'k-123' }), options)).toEqual(
      refused('the credential does not match'),
    );
  });
  it('falls back to the query when the header carries another scheme', () => {
    const options = { expected: 'k-123', header: 'authorization', scheme: 'Bearer', query: 'token' };
    expect(verifyToken(req({ authorization: 'Basic abc' }, { token: 'k-123' }), options)).toEqual(verified());
  });
  it('reads a Bearer header with spaces around and between', () => {
    const options = { expected: 'k-123', header: 'authorization', scheme: 'Bearer' };
    expect(verifyToken(req({ authorization: ' bearer   k-123 ' }), options)).toEqual(verified());
  });
  it('counts a header present but empty as missing', () => {
    expect(verifyToken(req({ 'x-token': '' }), { expected: 'k', header: 'x-token' })).toEqual(
      refused('the credential (header x-token) is missing'),
    );
  });
  it('says no secret is configured when none is, whatever the request carries', () => {
    expect(verifyToken(req({ 'x-token': 'k' }), { expected: '', header: 'x-token' })).toEqual(
      refused('no secret is configured for this connector, so every request is refused'),
    );
  });
  it('fails closed when no secret is configured', () => {
    expect(verifyToken(req({ 'x-token': '' }), { expected: undefined, header: 'x-token' }).ok).toBe(false);
  });
});
