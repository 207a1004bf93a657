// Small parts of core that several hosts and connectors lean on, pinned one behaviour each (issue 17: what the
// whole-package mutation run showed untested).
import { describe, expect, it } from 'vitest';
import {
  addVendorProps,
  defineSubscription,
  ignore,
  isIgnored,
  SessionError,
  scrubAnswer,
  scrubberFor,
  scrubProps,
  sessionsOf,
  sleep,
} from '../src/index.js';

describe('addVendorProps', () => {
  it('skips an empty name, __proto__, and a value that is undefined or null; keeps 0, false and ""', () => {
    const props = addVendorProps(
      {},
      [
        ['', 'x'],
        ['__proto__', 'polluted'],
        ['gone', undefined],
        ['none', null],
        ['zero', 0],
        ['no', false],
        ['blank', ''],
      ],
      'v',
    );
    expect(props).toEqual({ zero: 0, no: false, blank: '' });
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
  });
});

describe('isIgnored', () => {
  it('knows an ignore() and nothing else', () => {
    expect(isIgnored(ignore('held'))).toBe(true);
    for (const value of [null, undefined, 'held', { ignored: 3 }, { agentid: 'jdoe' }])
      expect(isIgnored(value), String(value)).toBe(false);
  });
});

describe('scrubbing', () => {
  it('keeps one scrubber per list of secrets, and makes a new one when the list grows', () => {
    const secrets = ['secret-one-42'];
    const first = scrubberFor(secrets);
    expect(scrubberFor(secrets)).toBe(first);
    secrets.push('secret-two-42');
    const second = scrubberFor(secrets);
    expect(second).not.toBe(first);
    expect(second('secret-one-42 secret-two-42')).toBe('[redacted] [redacted]');
  });

  it('scrubs prop names and string values, keeps other values, and the first of two names that scrub alike', () => {
    const scrub = scrubberFor(['secret-one-42']);
    expect(
      scrubProps({ 'x-secret-one-42': 'a', 'x-[redacted]': 'b', note: 'key secret-one-42', count: 3 }, scrub),
    ).toEqual({
      'x-[redacted]': 'a',
      note: 'key [redacted]',
      count: 3,
    });
  });

  it("scrubs an answer's header values and body, and leaves an answer without them as it is", () => {
    const scrub = scrubberFor(['secret-one-42']);
    expect(
      scrubAnswer(
        {
          status: 401,
          headers: { 'www-authenticate': 'token secret-one-42' },
          body: '{"token":"secret-one-42"}',
        },
        scrub,
      ),
    ).toEqual({
      status: 401,
      headers: { 'www-authenticate': 'token [redacted]' },
      body: '{"token":"[redacted]"}',
    });
    expect(scrubAnswer({ status: 204 }, scrub)).toEqual({ status: 204 });
  });
});

describe('subscriptions', () => {
  const subscription = (instances?: (config: { stations: string[] }) => string[]) =>
    defineSubscription<unknown, { stations: string[] }>({
      id: 'stations',
      description: 'one session per station',
      enabled: () => true,
      connect: async () => {},
      ...(instances ? { instances } : {}),
    });

  it('asks for one session per distinct instance, or one unnamed session', () => {
    expect(
      sessionsOf(
        subscription((c) => c.stations),
        { stations: ['4001', '4002', '4001'] },
      ),
    ).toEqual(['4001', '4002']);
    expect(
      sessionsOf(
        subscription((c) => c.stations),
        { stations: [] },
      ),
    ).toEqual([undefined]);
    expect(sessionsOf(subscription(), { stations: ['4001'] })).toEqual([undefined]);
  });

  it('names why a session ended: not a failure unless said, a pause only when asked', () => {
    const plain = new SessionError('the vendor closed the socket');
    expect([plain.name, plain.message, plain.failed, plain.retryAfterMs]).toEqual([
      'SessionError',
      'the vendor closed the socket',
      false,
      undefined,
    ]);
    const refused = new SessionError('licence expired', { failed: true, retryAfterMs: 30_000 });
    expect([refused.failed, refused.retryAfterMs]).toEqual([true, 30_000]);
  });

  it('sleeps its time, or ends at once when stopped before or during it', async () => {
    let started = Date.now();
    await sleep(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    const stopped = new AbortController();
    stopped.abort();
    started = Date.now();
    await sleep(5_000, stopped.signal);
    const later = new AbortController();
    setTimeout(() => later.abort(), 20);
    await sleep(5_000, later.signal);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
