// The event-stream consumer's own promises, against the Pulsar emulator: a frame is acknowledged only
// once stored (and handed back when it cannot be), a redelivered frame is stored once, control frames
// are skipped, Pulsar close codes and drops lose nothing, a rotated key fails until the new one is set,
// refused upgrades name the option to fix and never the key.
import { createRuntime, type ConnectorSettingsInput, runSession, SessionError } from '@openconnect/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { PulsarEmulator } from '../src/emulators/index.js';
import connector from '../src/index.js';
import {
  holdStream,
  interaction,
  settingsFor,
  type StreamHost,
  startEmulator,
  subscription,
} from './event-stream-harness.js';

let emulator: PulsarEmulator;
let host: StreamHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
  await emulator?.close();
});

const hold = async (options: Record<string, unknown> = {}) => {
  host = holdStream(settingsFor(emulator, options));
  await host.until('the consumer to connect', () => emulator.consumers() === 1 && host!.connected);
  return host;
};
const ids = (h: StreamHost) => h.messages.map((m) => `${m.lifecycle} ${m.props.interactionId}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one session to its end and returns what it threw. */
async function oneSession(settings: ConnectorSettingsInput): Promise<SessionError> {
  const noop = () => {};
  const error = await runSession(
    createRuntime(connector, settings),
    subscription,
    {
      http: undefined as never,
      publicUrl: 'http://127.0.0.1:8080',
      log: { debug: noop, info: noop, warn: noop, error: noop },
      store: async () => ({ stored: 0, duplicates: 0 }),
      onStatus: noop,
      onBadFrame: noop,
    },
    new AbortController().signal,
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SessionError);
  return error as SessionError;
}

describe('event-stream: acknowledged once stored', () => {
  it('hands a frame back when the store fails (negative ack, no ack), and stores it once when it comes again', async () => {
    emulator = await startEmulator();
    const h = await hold({ streamNegativeAckRedeliveryDelayMs: 300 });
    h.failStores(1);
    emulator.push(interaction('InteractionAccepted', 'int-1'));
    await h.until('the negative ack', () => emulator.counters.nacks === 1);
    expect(emulator.counters).toMatchObject({ acks: 0, unacked: 1 });
    expect(h.messages).toEqual([]);
    expect(h.statuses.at(-1)).toBe('degraded');
    await h.until('the redelivered frame to be stored', () => h.messages.length === 1);
    await h.until('its ack', () => emulator.counters.acks === 1);
    expect(emulator.counters).toMatchObject({ nacks: 1, redeliveries: 1, unacked: 0 });
    expect(ids(h)).toEqual(['answered int-1']);
    expect(h.statuses.at(-1)).toBe('connected');
  });

  it('acknowledges a frame only after its messages are stored', async () => {
    emulator = await startEmulator();
    const h = await hold();
    h.slowStores(300);
    emulator.push(interaction('InteractionAccepted', 'int-1'));
    await sleep(150);
    expect([h.messages.length, emulator.counters.acks, emulator.counters.unacked]).toEqual([0, 0, 1]);
    await h.until('the ack', () => emulator.counters.acks === 1);
    expect(h.messages.length).toBe(1);
  });

  it('hands a frame back when the Agent Status API cannot answer, and pops once when it can', async () => {
    emulator = await startEmulator({ agents: { agLiWei00000000000000000: { name: 'li.wei' } } });
    const h = await hold({ agentApiUrl: emulator.agentApiUrl, agentApiToken: emulator.agentApiToken });
    emulator.controls.failAgentApi(503);
    emulator.push(interaction('InteractionAccepted', 'int-1', { agentId: 'agLiWei00000000000000000' }));
    await h.until('the pop', () => h.messages.length === 1);
    expect(h.messages[0]!.agentid).toBe('li.wei');
    await h.until('its ack', () => emulator.counters.acks === 1);
    expect(emulator.counters).toMatchObject({ nacks: 1, agentLookups: 2, unacked: 0 });
  });

  it('keeps the order of the stream', async () => {
    emulator = await startEmulator();
    const h = await hold({ streamReceiverQueueSize: 5 });
    emulator.push(Array.from({ length: 40 }, (_, i) => interaction('InteractionAccepted', `int-${i}`)));
    await h.until('40 pops', () => h.messages.length === 40);
    expect(ids(h)).toEqual(Array.from({ length: 40 }, (_, i) => `answered int-${i}`));
  });
});

describe('event-stream: redelivered frames', () => {
  it('stores a frame 8x8 sends twice (redeliveryCount 1) once, and acknowledges both copies', async () => {
    emulator = await startEmulator();
    const h = await hold();
    emulator.controls.duplicates();
    emulator.push([interaction('InteractionAssigned', 'int-1'), interaction('InteractionAccepted', 'int-1')]);
    await h.until('both frames twice', () => h.results.length === 4);
    expect(ids(h)).toEqual(['offered int-1', 'answered int-1']);
    expect(h.duplicates).toBe(2);
    await h.until('every ack', () => emulator.counters.unacked === 0);
  });

  it('stores a frame redelivered while it was still being stored once', async () => {
    emulator = await startEmulator();
    const h = await hold();
    h.slowStores(100);
    emulator.push(interaction('InteractionAssigned', 'int-1'));
    await sleep(30);
    emulator.controls.redeliverUnacked();
    await h.until('both copies handled', () => h.results.length === 2);
    expect(ids(h)).toEqual(['offered int-1']);
    expect(h.messages[0]!.dedupeKey).toBe(`8x8/event-stream/${emulator.messages()[0]!.messageId}`);
  });
});

describe('event-stream: frames that are not events', () => {
  it('skips control frames without acknowledging them', async () => {
    emulator = await startEmulator();
    const h = await hold();
    emulator.controls.sendControl({ endOfTopic: 'false' });
    emulator.controls.sendControl({ type: 'isEndOfTopic' });
    emulator.push(interaction('InteractionAccepted', 'int-1'));
    await h.until('the pop', () => h.messages.length === 1);
    await h.until('its ack', () => emulator.counters.acks === 1);
    expect([emulator.counters.commands, h.badFrames, h.results.length]).toEqual([1, [], 1]);
  });

  it('counts unreadable payloads and acknowledges them (they would not read better later), and goes on', async () => {
    emulator = await startEmulator();
    const h = await hold();
    emulator.controls.sendMalformed('bad-base64');
    emulator.controls.sendMalformed('bad-json');
    emulator.controls.sendMalformed('not-json');
    emulator.controls.sendMalformed('no-message-id');
    emulator.push(interaction('InteractionAccepted', 'int-1'));
    await h.until('the pop', () => h.messages.length === 1);
    await h.until('three acks', () => emulator.counters.acks === 3);
    // Frames without an id are counted at once, payloads once the pipeline has read them.
    expect([...h.badFrames].sort()).toEqual([
      'payload does not decode to JSON',
      'payload is not base64',
      'the event stream sent a frame that is not JSON: "{\\"messageId\\": \\"CAcQ"',
      'the event stream sent a frame without a messageId; it cannot be acknowledged',
    ]);
    expect([h.sessions, emulator.counters.unacked]).toEqual([1, 0]);
  });
});

describe('event-stream: the session ends, nothing is lost', () => {
  it.each([
    [8, '8x8 closed the event stream with Pulsar error 8 (Unknown error)'],
    [2, '8x8 closed the event stream with Pulsar error 2 (Failed to subscribe)'],
    [1011, '8x8 closed the event stream (1011: restarting)'],
  ])(
    'reconnects after 8x8 closes the socket with code %i and delivers what was not acknowledged',
    async (code, reason) => {
      emulator = await startEmulator();
      const h = await hold();
      h.slowStores(40);
      emulator.push(Array.from({ length: 6 }, (_, i) => interaction('InteractionAccepted', `int-${i}`)));
      await h.until('the first pop', () => h.messages.length >= 1);
      emulator.controls.closeWith(code, code > 1000 ? 'restarting' : '');
      await h.until('a second session', () => h.sessions >= 2);
      await h.until('all six pops', () => h.messages.length === 6);
      await h.until('every ack', () => emulator.counters.unacked === 0);
      expect(ids(h)).toEqual(Array.from({ length: 6 }, (_, i) => `answered int-${i}`));
      expect(h.errors).toContain(reason);
      expect(emulator.counters.redeliveries).toBeGreaterThanOrEqual(1);
    },
  );

  it('reconnects after a dropped connection and delivers what was not acknowledged once', async () => {
    emulator = await startEmulator();
    const h = await hold();
    h.slowStores(40);
    emulator.push(Array.from({ length: 6 }, (_, i) => interaction('InteractionAccepted', `int-${i}`)));
    await h.until('the first pop', () => h.messages.length >= 1);
    emulator.controls.drop();
    await h.until('all six pops', () => h.messages.length === 6);
    expect(ids(h)).toEqual(Array.from({ length: 6 }, (_, i) => `answered int-${i}`));
    expect(h.errors).toContain('the event stream connection dropped without a close frame');
  });

  it('ends a session whose pings go unanswered (a stalled proxy), then reconnects and delivers', async () => {
    emulator = await startEmulator();
    const h = await hold();
    emulator.controls.stall();
    await h.until('the failed keep-alive', () => h.errors.length >= 1);
    expect(h.errors[0]).toMatch(
      /^renewing the keep-alive ping failed: no pong from the event stream within \d+ ms$/,
    );
    emulator.controls.stall(false);
    emulator.push(interaction('InteractionAccepted', 'int-1'));
    await h.until('the pop', () => h.messages.length === 1);
  });

  it('after the API key is rotated: sessions closed (Pulsar error 5), refused as failed until the new key is set, then every pop once', async () => {
    emulator = await startEmulator();
    const h = await hold({ streamNegativeAckRedeliveryDelayMs: 50 });
    h.slowStores(40);
    emulator.push(Array.from({ length: 4 }, (_, i) => interaction('InteractionAccepted', `int-${i}`)));
    await h.until('the first pop', () => h.messages.length >= 1);
    const old = emulator.apiKey;
    emulator.controls.rotateKey('eght_rotated0123456789abcdefABCDEF');
    await h.until('a refused reconnect', () => h.failures.some((e) => e instanceof SessionError && e.failed));
    emulator.push(interaction('InteractionAccepted', 'int-4')); // published while no consumer can read
    expect(h.errors.join(' ')).not.toContain(old);
    h.reconfigure(settingsFor(emulator));
    await h.until('all five pops', () => h.messages.length === 5);
    await h.until('every ack', () => emulator.counters.unacked === 0);
    expect(ids(h)).toEqual(Array.from({ length: 5 }, (_, i) => `answered int-${i}`));
    expect(h.errors[0]).toBe(
      '8x8 closed the event stream with Pulsar error 5 (Failed to authenticate client)',
    );
  });

  it('ends soon after the host stops it, closing the socket', async () => {
    emulator = await startEmulator();
    const h = await hold();
    const began = Date.now();
    await h.stop();
    host = undefined;
    expect(Date.now() - began).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 50));
    expect(emulator.counters.open).toBe(0);
  });
});

describe('event-stream: refused connections', () => {
  it('fails on a wrong key (401), naming streamApiKey and never the key', async () => {
    emulator = await startEmulator();
    const error = await oneSession(settingsFor(emulator, { streamApiKey: 'eght_not-the-key-0123456789' }));
    expect(error.failed).toBe(true);
    expect(error.message).toBe(
      '8x8 refused streamApiKey for tenant acme01 (HTTP 401): check the key in Admin Console > API Keys; a re-generated key voids the old one',
    );
  });

  it("fails on another tenant's topic (403), naming streamTenant and streamTopic", async () => {
    emulator = await startEmulator();
    const error = await oneSession(settingsFor(emulator, { streamTenant: 'other01' }));
    expect(error.failed).toBe(true);
    expect(error.message).toContain(
      '(HTTP 403): the Admin Console app needs the "Pulsar Event Stream" product; check streamTenant and streamTopic',
    );
  });

  it('waits as 8x8 asks on a 429 (Retry-After)', async () => {
    emulator = await startEmulator();
    emulator.controls.refuse(429, { retryAfterSeconds: 3 });
    const error = await oneSession(settingsFor(emulator));
    expect([error.failed, error.retryAfterMs]).toEqual([false, 3_000]);
  });

  it('retries, not failed, while another consumer holds an Exclusive subscription (409)', async () => {
    emulator = await startEmulator();
    host = holdStream(settingsFor(emulator, { streamSubscriptionType: 'Exclusive' }));
    await host.until('the first consumer', () => emulator.consumers() === 1);
    const error = await oneSession(settingsFor(emulator, { streamSubscriptionType: 'Exclusive' }));
    expect(error.failed).toBe(false);
    expect(error.message).toContain(
      'another consumer holds subscription openconnect-runner (HTTP 409, Exclusive)',
    );
  });

  it('names an unreachable stream without failing the credentials', async () => {
    emulator = await startEmulator();
    const url = emulator.url;
    await emulator.close();
    const error = await oneSession(settingsFor({ ...emulator, url } as PulsarEmulator));
    expect(error.failed).toBe(false);
    expect(error.message).toMatch(
      /^the event stream could not be reached \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
    );
  });
});
