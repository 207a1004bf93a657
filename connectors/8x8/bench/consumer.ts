// The event-stream consumer's own cost: events/s and added latency (the emulator publishing → the
// messages handed to the store), through the real socket, base64 + JSON, the shared mapping, and one ack
// per frame, with an in-memory store (the runner's outbox is measured by apps/runner's bench).
// `tsx bench/consumer.ts [--quick]`.
import { performance } from 'node:perf_hooks';
import { createMemoryStateStore, createRuntime, runSession, type SessionHost } from '@openconnect/core';
import { startPulsarEmulator } from '../src/emulators/index.js';
import connector from '../src/index.js';

const AGENT = 'agAglVJkg0TU28dok9y9UQKg';
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const event = (id: string) => ({
  Interaction: {
    event: 'InteractionAccepted',
    callState: 'CS_CONNECTED',
    interactionGUID: id,
    agentId: AGENT,
    mediaType: 'phone',
    msgInfo: { instanceId: 'bench', sequenceId: 1, timestamp: 1764065702412 },
    attachedData: { attachedDatum: [{ attachedDataKey: 'phoneNum', attachedDataValue: 447700900123 }] },
  },
});

export interface ConsumerBench {
  n: number;
  perSec: number;
  p50: number;
  p99: number;
}

export async function benchEventStream(options: {
  n: number;
  paced: number;
  ratePerSec: number;
  receiverQueueSize?: number;
}): Promise<ConsumerBench> {
  const emulator = await startPulsarEmulator({ idleTimeoutMs: 0 });
  const arrivals = new Map<string, number>();
  const runtime = createRuntime(
    connector,
    {
      options: {
        streamUrl: emulator.url,
        streamTenant: emulator.tenant,
        streamApiKey: emulator.apiKey,
        streamReceiverQueueSize: options.receiverQueueSize ?? 1000,
      },
      directory: { [AGENT]: 'jdoe' },
    },
    { state: createMemoryStateStore() },
  );
  const noop = () => {};
  const host: SessionHost = {
    http: undefined as never,
    publicUrl: 'http://127.0.0.1:8080',
    log: { debug: noop, info: noop, warn: noop, error: noop },
    async store(messages) {
      const now = performance.now();
      for (const message of messages) arrivals.set(String(message.props.interactionId), now);
      return { stored: messages.length, duplicates: 0 };
    },
    onStatus: noop,
    onBadFrame: noop,
  };
  const controller = new AbortController();
  const session = runSession(runtime, connector.subscriptions![0]!, host, controller.signal);
  const waitFor = async (count: number) => {
    while (arrivals.size < count) await new Promise((r) => setImmediate(r));
  };
  try {
    while (emulator.consumers() === 0) await new Promise((r) => setTimeout(r, 5));
    // Latency, paced: one event every 1/rate s, each measured alone rather than behind a queue.
    const latency = async (prefix: string) => {
      const sentAt = new Map<string, number>();
      const start = arrivals.size;
      for (let i = 0; i < options.paced; i++) {
        const id = `${prefix}-${i}`;
        sentAt.set(id, performance.now());
        emulator.push(event(id));
        await new Promise((r) => setTimeout(r, 1000 / options.ratePerSec));
      }
      await waitFor(start + options.paced);
      const values = [...sentAt].map(([id, at]) => arrivals.get(id)! - at);
      return { p50: percentile(values, 50), p99: percentile(values, 99) };
    };
    await latency('warm');
    const measured = await latency('lat');
    // Throughput: everything published at once; the clock stops when the last one is stored.
    const start = arrivals.size;
    const began = performance.now();
    emulator.push(Array.from({ length: options.n }, (_, i) => event(`tp-${i}`)));
    await waitFor(start + options.n);
    const perSec = Math.round((options.n * 1000) / (performance.now() - began));
    return { n: options.n, perSec, ...measured };
  } finally {
    controller.abort();
    await session.catch(() => {});
    await emulator.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const paced = quick ? 200 : 1_000;
  const result = await benchEventStream({ n: quick ? 5_000 : 20_000, paced, ratePerSec: 200 });
  console.log(
    `8x8     event-stream consumer: ${result.n} events at once: ${result.perSec}/s (in-memory store, receiverQueueSize 1000)`,
  );
  console.log(
    `8x8     event-stream consumer: added latency, ${paced} events at 200/s, emulator publish → stored: p50 ${result.p50.toFixed(1)} ms p99 ${result.p99.toFixed(1)} ms`,
  );
}
