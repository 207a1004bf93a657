// What the consumer tells the dashboard and the log while it runs, against the Pulsar emulator: where it
// connects, that it is handing events back and why (and when that stops), control frames skipped, an
// orderly close that ends the session without an error, and a consumer started without its options.
import { createRuntime, runSession, type SessionHost } from '@openconnect/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { PulsarEmulator } from '../src/emulators/index.js';
import connector from '../src/index.js';
import { holdConsumer } from '../src/pulsar/consumer.js';
import { interaction, settingsFor, startEmulator, subscription } from './event-stream-harness.js';

let emulator: PulsarEmulator;
const controller = new AbortController();
afterEach(async () => {
  await emulator?.close();
});

const until = async (what: string, check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

function session(options: Record<string, unknown> = {}) {
  const statuses: string[] = [];
  const logs: string[] = [];
  let failStores = 0;
  const log = (level: string) => (fields: unknown, message?: string) =>
    logs.push(`${level} ${message} ${JSON.stringify(fields)}`);
  const host: SessionHost = {
    http: undefined as never,
    publicUrl: 'http://127.0.0.1:8080',
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    async store(messages) {
      if (failStores > 0) {
        failStores -= 1;
        throw new Error('the outbox database is unavailable');
      }
      return { stored: messages.length, duplicates: 0 };
    },
    onStatus: (status, detail) => statuses.push(`${status}: ${detail}`),
    onBadFrame: () => {},
    retryDelayMs: () => 20,
  };
  const stop = new AbortController();
  const ended = runSession(
    createRuntime(connector, settingsFor(emulator, options)),
    subscription,
    host,
    stop.signal,
  );
  return { statuses, logs, ended, stop, failNextStore: () => (failStores = 1) };
}

describe('event-stream: status and log', () => {
  it('names the subscription and topic while connecting, and reports handing events back until one is stored', async () => {
    emulator = await startEmulator();
    const s = session({ streamNegativeAckRedeliveryDelayMs: 100 });
    await until('the connection', () => emulator.consumers() === 1);
    s.failNextStore();
    emulator.push(interaction('InteractionAccepted', 'int-1'));
    await until('the ack', () => emulator.counters.acks === 1);
    emulator.push(interaction('InteractionAccepted', 'int-2'));
    await until('the second ack', () => emulator.counters.acks === 2);
    const where = 'subscription openconnect-runner (Failover) on persistent://acme01/event-v1/all';
    expect(s.statuses).toEqual([
      `connecting: opening the 8x8 event-stream consumer, ${where}`,
      `connected: ${where}`,
      expect.stringMatching(
        /^degraded: events are handed back to 8x8 until they can be stored: .*outbox database is unavailable/,
      ),
      `connected: ${where}`,
    ]);
    expect(s.logs.filter((l) => l.startsWith('warn'))).toEqual([
      expect.stringMatching(
        /^warn handed an event back to 8x8 \(negative ack\); it comes again \{"messageId":"[^"]+","redeliveryCount":0,"reason":".*outbox database is unavailable.*"\}$/,
      ),
    ]);
    s.stop.abort();
    await s.ended;
  });

  it('reports degraded once while several events are handed back', async () => {
    emulator = await startEmulator();
    const s = session({ streamNegativeAckRedeliveryDelayMs: 5_000 });
    await until('the connection', () => emulator.consumers() === 1);
    s.failNextStore();
    emulator.push(interaction('InteractionAccepted', 'int-1'));
    await until('the nack', () => emulator.counters.nacks === 1);
    s.failNextStore();
    emulator.push(interaction('InteractionAccepted', 'int-2'));
    await until('the second nack', () => emulator.counters.nacks === 2);
    expect(s.statuses.filter((status) => status.startsWith('degraded'))).toHaveLength(1);
    s.stop.abort();
    await s.ended;
  });

  it('logs a skipped control frame at debug, naming it', async () => {
    emulator = await startEmulator();
    const s = session();
    await until('the connection', () => emulator.consumers() === 1);
    emulator.controls.sendControl({ type: 'isEndOfTopic' });
    await until('the log', () => s.logs.some((l) => l.startsWith('debug')));
    expect(s.logs).toContain('debug skipped an event-stream control frame {"control":"isEndOfTopic"}');
    s.stop.abort();
    await s.ended;
  });

  it('ends without an error when 8x8 closes the socket in order, and logs that it reconnects', async () => {
    emulator = await startEmulator();
    const s = session();
    await until('the connection', () => emulator.consumers() === 1);
    emulator.controls.closeWith(1001, 'going away');
    await expect(s.ended).resolves.toBeUndefined();
    expect(s.logs).toContain(
      'info the event-stream session ended; reconnecting {"reason":"8x8 closed the event stream (1001: going away)"}',
    );
  });

  it('fails at once, naming the options, when started without the tenant or the key', async () => {
    const runtime = createRuntime(connector, { options: {} });
    await expect(
      holdConsumer({ config: runtime.config, signal: controller.signal } as Parameters<
        typeof holdConsumer
      >[0]),
    ).rejects.toMatchObject({
      message: 'the event-stream consumer needs streamTenant and streamApiKey',
      failed: true,
    });
  });
});
