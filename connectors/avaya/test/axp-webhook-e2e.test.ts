// The whole AXP path on loopback: the upkeep keeps the subscription alive, the emulator's pusher POSTs an event
// to a real HTTP server standing in for the runner's webhook, and the existing `axp` source verifies and maps it.
// Once nobody renews, the subscription goes INACTIVE and nothing arrives any more.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleRequest, type Outcome, sleep } from '@openconnect/core';
import { hostSubscription } from '@openconnect/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AXP_EMULATOR_EVENT, type AxpEmulator, startAxpEmulator } from '../src/emulators/axp.js';
import { AUTH_TOKEN, upkeep, upkeepRuntime } from './upkeep-helpers.js';

const LIFETIME_MS = 1_500;

/** A webhook receiver: every request goes through handleRequest for avaya/axp, as the runner's route does. */
async function startWebhook(run: (req: http.IncomingMessage, body: Buffer, url: string) => Promise<Outcome>) {
  const outcomes: Outcome[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const outcome = await run(req, Buffer.concat(chunks), `${publicUrl}${req.url}`);
      outcomes.push(outcome);
      res.writeHead(outcome.answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(outcome.answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { publicUrl, outcomes, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('AXP webhook end to end (emulator → webhook → axp source)', () => {
  let emulator: AxpEmulator | undefined;
  let webhook: Awaited<ReturnType<typeof startWebhook>> | undefined;
  afterEach(async () => {
    await emulator?.close();
    await webhook?.close();
  });

  it('delivers an event while the upkeep keeps the subscription alive, and nothing once it lapses', async () => {
    emulator = await startAxpEmulator({ subscriptionLifetimeMs: LIFETIME_MS });
    const runtime = upkeepRuntime(emulator, {}, { 'ag-7f3a91': 'jdoe' });
    webhook = await startWebhook((req, body, url) => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
      );
      return handleRequest(
        runtime,
        { method: req.method ?? 'POST', url, headers, query: {}, rawBody: body },
        'axp',
      );
    });
    const host = hostSubscription(runtime, upkeep, { publicUrl: webhook.publicUrl });
    try {
      await host.until('connected', () => host.connected);
      expect(emulator.subscriptions()[0]!.transport.endpoint).toBe(`${webhook.publicUrl}/webhooks/avaya/axp`);

      expect((await emulator.push()).map((d) => d.status)).toEqual([200]);
      const first = webhook.outcomes[0]!;
      expect(first.kind).toBe('accepted');
      expect(
        first.kind === 'accepted' &&
          first.messages.map((m) => [m.agentid, m.lifecycle, m.props.interactionId, m.props.agentPlatformId]),
      ).toEqual([['jdoe', 'answered', AXP_EMULATOR_EVENT.engagement.engagementId, 'ag-7f3a91']]);

      // Past two lifetimes: still delivered, because the upkeep renewed it.
      await sleep(LIFETIME_MS * 2);
      expect(
        (
          await emulator.push({
            ...AXP_EMULATOR_EVENT,
            eventId: 'evt-later',
            eventType: 'AgentParticipantRemoved',
          })
        ).map((d) => d.status),
      ).toEqual([200]);
      expect(emulator.counters.expirations).toBe(0);
    } finally {
      await host.stop();
    }

    // Nobody renews now: AXP sets it INACTIVE and delivers nothing.
    await sleep(LIFETIME_MS + 300);
    expect(emulator.counters.expirations).toBe(1);
    expect(await emulator.push()).toEqual([]);
    expect(emulator.counters.eventsDelivered).toBe(2);
    expect(emulator.counters.deliveryAnswers).toEqual([200, 200]);
    expect(webhook.outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted']);
  }, 20_000);

  it('a webhook whose token is not the configured authToken is refused by the axp source (401)', async () => {
    emulator = await startAxpEmulator();
    const runtime = upkeepRuntime(emulator);
    webhook = await startWebhook((req, body, url) => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      return handleRequest(runtime, { method: 'POST', url, headers, query: {}, rawBody: body }, 'axp');
    });
    emulator.seed({
      transport: {
        type: 'WEBHOOK',
        endpoint: `${webhook.publicUrl}/webhooks/avaya/axp`,
        authToken: `${AUTH_TOKEN}-stale`,
      },
    });
    expect((await emulator.push()).map((d) => d.status)).toEqual([401]);
    expect(emulator.counters.deliveryAnswers).toEqual([401]);
  });
});
