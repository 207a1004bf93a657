// (d) Subscriptions beside webhooks, in one runner (SQLite FULL, deliveries running) and one process:
// events/s through one held session (vendor emulator → runner → OpenConnect emulator) against the same
// number of events posted as webhooks, and the latency each adds, from the vendor sending to OpenConnect
// receiving. Vendors: the core's line vendor (the supervisor's own cost, TCP), Genesys Cloud notifications
// (WebSocket frames of whole conversations, the change-only mapping), the 8x8 Pulsar consumer (each frame
// acknowledged once stored), the AES DMCC client (framed XML over TLS).
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import c8x8 from '@openconnect/8x8';
import { startPulsarEmulator } from '@openconnect/8x8/emulators';
import avaya from '@openconnect/avaya';
import { startDmccEmulator } from '@openconnect/avaya/emulators';
import type { ConnectorDefinition } from '@openconnect/core';
import { lineConnector, startEmulator, startLineVendor } from '@openconnect/core/testing';
import genesys from '@openconnect/genesys';
import { startGenesysCloudEmulator } from '@openconnect/genesys/emulators';
import { type SubscriptionView, startRunner } from '../src/index.js';
import { ACME_SECRET, acme } from '../test/helpers/acme.js';

const JWT = 'bench-jwt-0123456789abcdef0123456789';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

export interface SubscriptionBench {
  n: number;
  webhook: { perSec: number; p50: number; p99: number };
  subscription: { perSec: number; p50: number; p99: number };
}

export interface BenchOptions {
  n: number;
  paced: number;
  ratePerSec: number;
}

/** The vendor side of one benchmark: the connector and options that hold its session, and a way to send one event. */
interface Vendor {
  connector: ConnectorDefinition;
  settings: Record<string, unknown>;
  /** Sends one event whose message will carry interactionId = id. */
  send(id: string): void;
  close(): Promise<void>;
}

async function lineVendor(): Promise<Vendor> {
  const token = 'bench-line-token-0123';
  const vendor = await startLineVendor({ token, sessionMs: 60_000 });
  return {
    connector: lineConnector,
    settings: { options: { lineUrl: vendor.url, lineToken: token } },
    send: (id) => {
      vendor.push({ agent: `agent-${id.length % 50}`, state: 'ringing', call: id, from: '+15550100' });
    },
    close: () => vendor.close(),
  };
}

async function genesysCloudVendor(): Promise<Vendor> {
  const queue = '7e6d5c4b-aaaa-4bbb-8ccc-dddddddddddd';
  const emulator = await startGenesysCloudEmulator({
    queues: { [queue]: 'Billing' },
    heartbeatIntervalMs: 5_000,
  });
  const agents = Array.from(
    { length: 50 },
    (_, i) => `9d8e7f6a-1111-4222-8333-${String(i).padStart(12, '0')}`,
  );
  const topic = `v2.routing.queues.${queue}.conversations`;
  return {
    connector: genesys,
    settings: {
      options: {
        cloudClientId: emulator.clientId,
        cloudClientSecret: emulator.clientSecret,
        cloudLoginUrl: emulator.url,
        cloudApiUrl: emulator.url,
        cloudNotifyQueues: [queue],
      },
      directory: Object.fromEntries(agents.map((id, i) => [id, `agent-${i}@example.com`])),
    },
    // A new conversation alerting an agent: one `offered` pop each.
    send: (id) => {
      emulator.controls.push(topic, {
        id,
        participants: [
          {
            id: `${id}-c`,
            purpose: 'customer',
            address: 'tel:+13175550142',
            calls: [{ id: `${id}-cc`, state: 'connected', direction: 'inbound' }],
          },
          {
            id: `${id}-a`,
            purpose: 'agent',
            user: { id: agents[id.length % agents.length]! },
            queueId: queue,
            calls: [{ id: `${id}-ac`, state: 'alerting', direction: 'inbound' }],
          },
        ],
      } as { id: string });
    },
    close: () => emulator.close(),
  };
}

async function eightByEightVendor(): Promise<Vendor> {
  const emulator = await startPulsarEmulator({ idleTimeoutMs: 0 });
  return {
    connector: c8x8,
    settings: {
      options: { streamUrl: emulator.url, streamTenant: emulator.tenant, streamApiKey: emulator.apiKey },
      directory: Object.fromEntries(
        Array.from({ length: 50 }, (_, i) => [`ag${String(i).padStart(20, 'x')}`, `agent-${i}`]),
      ),
    },
    // One InteractionAssigned per id (8x8's documented shape): one `offered` pop each.
    send: (id) => {
      emulator.push({
        Interaction: {
          event: 'InteractionAssigned',
          callState: 'CS_INPROGRESS',
          interactionGUID: id,
          agentId: `ag${String(id.length % 50).padStart(20, 'x')}`,
          direction: 'in',
          mediaType: 'phone',
          queueId: 1092,
          attachedData: { attachedDatum: [{ attachedDataKey: 'phoneNum', attachedDataValue: 13175550142 }] },
        },
      });
    },
    close: () => emulator.close(),
  };
}

async function aesVendor(): Promise<Vendor> {
  const emulator = await startDmccEmulator();
  return {
    connector: avaya,
    settings: {
      options: { ...emulator.options, aesExtensions: ['4001'] },
      directory: { '4001': 'agent-4001' },
    },
    // One DeliveredEvent per id on the monitored station: one `offered` pop each.
    send: (id) => {
      emulator.push({
        type: 'DeliveredEvent',
        extension: '4001',
        callId: id,
        calling: '3175550100',
        called: '8005550199',
      });
    },
    close: () => emulator.close(),
  };
}

async function benchVendor(start: () => Promise<Vendor>, options: BenchOptions): Promise<SubscriptionBench> {
  const arrivals = new Map<string, number>();
  let arrived = 0;
  const emulator = await startEmulator({
    jwts: [JWT],
    onMessage: (m) => {
      arrivals.set(String(m.props.interactionId), performance.now());
      arrived += 1;
    },
  });
  const vendor = await start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-bench-subs-'));
  const runner = await startRunner({
    config: {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'info',
      openconnect: { url: emulator.endpoint, jwt: JWT, crmid: 'bench.example.com' },
      limits: { ratePerSecond: 1e9, burst: 1e9 },
      connectors: { acme: { options: { secret: ACME_SECRET } }, [vendor.connector.id]: vendor.settings },
    },
    env: { OUTBOX: `sqlite:${path.join(dir, 'outbox.db')}` },
    connectors: [acme, vendor.connector],
    logDestination: { write: () => true },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const post = (id: string) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({
        id,
        type: 'call.answered',
        agent: `agent-${id.length % 50}`,
        call: { id, from: '+15550100' },
      });
      const req = request(
        `${runner.url}/webhooks/acme/events`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'x-acme-signature': createHmac('sha256', ACME_SECRET).update(body).digest('hex'),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const waitArrived = async (count: number) => {
    while (arrived < count) await new Promise((r) => setTimeout(r, 2));
  };
  try {
    const connected = () => runner.supervisor.list().every((s: SubscriptionView) => s.status === 'connected');
    while (!connected()) await new Promise((r) => setTimeout(r, 10));

    // Latency, paced: one event every 1/rate s, so each is measured alone rather than behind a queue.
    const latency = async (send: (id: string) => void | Promise<void>, prefix: string) => {
      const sentAt = new Map<string, number>();
      const gap = 1000 / options.ratePerSec;
      const start = arrived;
      for (let i = 0; i < options.paced; i++) {
        const id = `${prefix}-${i}`;
        sentAt.set(id, performance.now());
        void send(id);
        await new Promise((r) => setTimeout(r, gap));
      }
      await waitArrived(start + options.paced);
      const values = [...sentAt].map(([id, at]) => arrivals.get(id)! - at);
      return { p50: percentile(values, 50), p99: percentile(values, 99) };
    };
    // Throughput: everything at once; the clock stops when OpenConnect has the last one.
    const throughput = async (sendAll: (ids: string[]) => Promise<void>, prefix: string) => {
      const ids = Array.from({ length: options.n }, (_, i) => `${prefix}-${i}`);
      const start = arrived;
      const began = performance.now();
      await sendAll(ids);
      await waitArrived(start + options.n);
      return Math.round((options.n * 1000) / (performance.now() - began));
    };

    // Warm-up of both paths (JIT, sockets, SQLite pages).
    await latency(vendor.send, 'warm-s');
    await latency((id) => post(id), 'warm-w');
    const webhookLatency = await latency((id) => post(id), 'lat-w');
    const subscriptionLatency = await latency(vendor.send, 'lat-s');
    const webhookRate = await throughput(async (ids) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < ids.length) await post(ids[next++]!);
        }),
      );
    }, 'tp-w');
    const subscriptionRate = await throughput(async (ids) => {
      for (const id of ids) vendor.send(id);
    }, 'tp-s');
    return {
      n: options.n,
      webhook: { perSec: webhookRate, ...webhookLatency },
      subscription: { perSec: subscriptionRate, ...subscriptionLatency },
    };
  } finally {
    agent.destroy();
    await runner.close();
    await vendor.close();
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const benches: { name: string; run: (options: BenchOptions) => Promise<SubscriptionBench> }[] = [
  { name: 'line vendor (TCP)', run: (options) => benchVendor(lineVendor, options) },
  {
    name: 'Genesys Cloud notifications (WebSocket)',
    run: (options) => benchVendor(genesysCloudVendor, options),
  },
  {
    name: '8x8 Event Streaming consumer (Pulsar WebSocket)',
    run: (options) => benchVendor(eightByEightVendor, options),
  },
  { name: 'Avaya AES DMCC client (XML over TLS)', run: (options) => benchVendor(aesVendor, options) },
];

export function describeBench(
  name: string,
  result: SubscriptionBench,
  paced: number,
  rate: number,
): string[] {
  const { webhook: w, subscription: s } = result;
  return [
    `subs    ${name}: ${result.n} events at once: subscription ${s.perSec}/s vs webhooks (32 connections) ${w.perSec}/s → ratio ${(s.perSec / w.perSec).toFixed(2)}`,
    `subs    ${name}: added latency, ${paced} events at ${rate}/s, vendor send → OpenConnect receipt: subscription p50 ${ms(s.p50)} p99 ${ms(s.p99)} vs webhook p50 ${ms(w.p50)} p99 ${ms(w.p99)}`,
  ];
}

// `tsx bench/subscriptions.ts [--quick]` runs this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const paced = quick ? 300 : 1_000;
  for (const bench of benches) {
    const result = await bench.run({ n: quick ? 2_000 : 10_000, paced, ratePerSec: 200 });
    for (const line of describeBench(bench.name, result, paced, 200)) console.log(line);
  }
}
