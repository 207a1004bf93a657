// The conformance kit for subscriptions (vendor sessions a host holds). For one subscription it proves:
// recorded native frames map to the exact messages (offline, like webhook fixtures); and, against the
// vendor-side emulator the connector ships: the live session delivers the same messages, it reconnects
// after a dropped connection, it renews what expires before it expires, and a malformed frame is
// ignored with a reason and counted while the session goes on.
import { join, relative } from 'node:path';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import type { ConnectorDefinition, ConnectorSettingsInput } from '../connector.js';
import { type ConnectorRuntime, createRuntime, handleFrame, type PreparedMessage } from '../pipeline.js';
import { runSession } from '../session.js';
import { createMemoryStateStore } from '../state.js';
import {
  type EmitResult,
  type SessionStatus,
  type SubscriptionDefinition,
  sessionsOf,
  sleep,
  subscriptionEvents,
} from '../subscription.js';
import {
  assertInputSurvives,
  expectLegRules,
  expectOutcome,
  frameVariants,
  OBJECT_MEMBER_NAMES,
  overlayState,
} from './conformance.js';
import { type FrameFixture, loadFrameFixtures } from './fixtures.js';

/** The vendor side of a subscription, running on loopback, with the faults the kit needs. */
export interface SubscriptionHarness {
  /** Connector settings that point the subscription at this emulator. */
  settings: ConnectorSettingsInput;
  /** The runner's public URL the session should register, when it registers a webhook. */
  publicUrl?: string;
  /** Sends one recorded native frame to the held session, as the vendor would. Absent: upkeep only. */
  push?(frame: unknown): Promise<void>;
  /** Drops the connection (or ends the vendor session) without warning. */
  drop(): Promise<void>;
  /** Sends one malformed frame on the held session. */
  sendMalformed?(): Promise<void>;
  /** The lifetime of what must be renewed, in this harness (short, so tests take seconds). */
  expiryMs: number;
  /** Renewals the vendor side saw, and things that expired without one. */
  renewals(): number;
  expirations(): number;
  close(): Promise<void>;
}

export interface TestHost {
  messages: PreparedMessage[];
  /** What each frame handed on came to. */
  results: EmitResult[];
  /** Messages not stored again (their dedupe key was stored before). */
  duplicates: number;
  statuses: SessionStatus[];
  badFrames: string[];
  sessions: number;
  connected: boolean;
  /** How each session ended, in words, and the errors themselves. */
  errors: string[];
  failures: Error[];
  /** What the sessions logged. */
  logs: { level: 'debug' | 'info' | 'warn' | 'error'; detail: Record<string, unknown>; message: string }[];
  /** The next `times` store calls reject, as an outbox whose database is down. */
  failStores(times: number): void;
  /** Each store call waits this long first. */
  slowStores(ms: number): void;
  /** The next session runs on this runtime (a config change, a rotated key); the stored messages stay. */
  reconfigure(runtime: ConnectorRuntime): void;
  /** Resolves when `check` holds; fails after timeoutMs naming what it waited for. */
  until(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A frame read and mapped directly: the only acceptable failure is an InputError (assertSurvives for frames). */
export async function assertFrameSurvives(
  runtime: ConnectorRuntime,
  subscription: SubscriptionDefinition,
  frame: unknown,
): Promise<void> {
  const events = subscriptionEvents(subscription);
  if (!events) throw new Error(`${subscription.id} carries no events`);
  await assertInputSurvives(runtime, events, frame, `frame: ${JSON.stringify(frame).slice(0, 300)}`);
}

/**
 * A minimal host: runs sessions one after another (50 ms apart) through the core's runSession, keeps
 * stored messages in memory (a dedupe key stored once, as the outbox does). The runner's supervisor adds
 * backoff, leases and metrics around the same runSession.
 */
export function hostSubscription(
  runtime: ConnectorRuntime,
  subscription: SubscriptionDefinition,
  options: { publicUrl?: string; instance?: string } = {},
): TestHost {
  const controller = new AbortController();
  const seen = new Set<string>();
  let current = runtime;
  let failing = 0;
  let slowMs = 0;
  const log =
    (level: TestHost['logs'][number]['level']) => (detail: Record<string, unknown>, message: string) =>
      host.logs.push({ level, detail, message });
  const host: TestHost = {
    messages: [],
    results: [],
    duplicates: 0,
    statuses: [],
    badFrames: [],
    sessions: 0,
    connected: false,
    errors: [],
    failures: [],
    logs: [],
    failStores(times) {
      failing = times;
    },
    slowStores(ms) {
      slowMs = ms;
    },
    reconfigure(next) {
      current = next;
    },
    async until(what, check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; statuses ${host.statuses.join(' → ')}; errors: ${host.errors.join('; ') || 'none'}`,
          );
        await sleep(20);
      }
    },
    async stop() {
      controller.abort();
      await loop;
    },
  };
  const http = axios.create({ timeout: 5_000, validateStatus: () => true });
  let position: string | undefined;
  const loop = (async () => {
    while (!controller.signal.aborted) {
      host.sessions += 1;
      try {
        await runSession(
          current,
          subscription,
          {
            http,
            publicUrl: options.publicUrl ?? 'http://127.0.0.1:8080',
            ...(options.instance !== undefined ? { instance: options.instance } : {}),
            log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
            ...(position !== undefined ? { position } : {}),
            savePosition: async (p) => {
              position = p;
            },
            async store(messages) {
              if (slowMs) await sleep(slowMs);
              if (failing > 0) {
                failing -= 1;
                throw new Error('the outbox database is unavailable');
              }
              let stored = 0;
              for (const message of messages) {
                if (message.dedupeKey && seen.has(message.dedupeKey)) continue;
                if (message.dedupeKey) seen.add(message.dedupeKey);
                host.messages.push(message);
                stored += 1;
              }
              host.duplicates += messages.length - stored;
              return { stored, duplicates: messages.length - stored };
            },
            onStatus(status) {
              host.statuses.push(status);
              host.connected = status === 'connected';
            },
            onFrame: (result) => host.results.push(result),
            onBadFrame: (reason) => host.badFrames.push(reason),
            retryDelayMs: () => 50,
          },
          controller.signal,
        );
      } catch (error) {
        host.failures.push(error instanceof Error ? error : new Error(String(error)));
        host.errors.push((error as Error)?.message ?? String(error));
      }
      host.connected = false;
      await sleep(50, controller.signal);
    }
  })();
  return host;
}

export interface SubscriptionConformanceOptions {
  connector: ConnectorDefinition;
  /** The subscription's id; its fixtures are in fixturesDir/<id>/. */
  subscription: string;
  fixturesDir: string;
  /** Settings for the offline fixture run. */
  settings?: ConnectorSettingsInput;
  services?: unknown;
  /** Starts the vendor-side emulator; without it only the offline fixtures run. */
  harness?: () => Promise<SubscriptionHarness>;
}

const shown = (messages: PreparedMessage[]) =>
  messages.map(({ agentid, event, lifecycle, props }) => ({ agentid, event, lifecycle, props }));

/** Registers the subscription conformance suite in the calling vitest file. */
export function runSubscriptionConformance(options: SubscriptionConformanceOptions): void {
  const { connector } = options;
  const subscription = connector.subscriptions?.find((s) => s.id === options.subscription);
  const fixtures = loadFrameFixtures(join(options.fixturesDir, options.subscription));
  const runtimeFor = (settings?: ConnectorSettingsInput) =>
    createRuntime(connector, settings, {
      state: createMemoryStateStore(),
      ...(options.services !== undefined ? { services: options.services } : {}),
    });
  const expected = (fixture: FrameFixture) => fixture.steps.flatMap((step) => step.expect.messages ?? []);
  const delivering = fixtures.filter(
    (f) =>
      expected(f).length > 0 && f.steps.every((s) => s.expect.messages || s.expect.ignored !== undefined),
  );

  describe(`${connector.id}/${options.subscription} subscription conformance`, () => {
    it('is declared by the connector', () => {
      expect(
        subscription,
        `connector ${connector.id} declares no subscription ${options.subscription}`,
      ).toBeDefined();
    });
    if (!subscription) return;
    const carriesEvents = Boolean(subscription.parse && subscription.map);

    if (carriesEvents) {
      it('has frame fixtures, one of them ignored with a reason', () => {
        expect(fixtures.length, `no fixtures in fixtures/${options.subscription}/`).toBeGreaterThan(0);
        expect(fixtures.some((f) => f.steps.some((s) => s.expect.ignored !== undefined))).toBe(true);
      });
    }

    for (const fixture of fixtures) {
      it(`maps ${relative(options.fixturesDir, fixture.file)}: ${fixture.description}`, async () => {
        const runtime = runtimeFor(options.settings);
        for (const step of fixture.steps)
          expectOutcome(await handleFrame(runtime, subscription, step.frame), step.expect);
        expectLegRules(
          fixture,
          fixture.steps.map((s) => s.expect),
        );
      });
    }

    if (carriesEvents && fixtures.length) {
      // Every string a frame carries set to a name Object.prototype holds, one at a time, in each step of each
      // fixture: the steps before it run as recorded, the ones after it follow (a conversation's next event
      // must not fail because an earlier one stored such a name: 8x8's chat whose channel was "constructor").
      it("frames whose values are named like Object's members (toString, __proto__, constructor) are refused or mapped, never fail", async () => {
        for (const fixture of fixtures)
          for (const [at, step] of fixture.steps.entries()) {
            // The steps before run once; each variant then starts from what they left (as the webhook kit does).
            const base = runtimeFor(options.settings);
            for (const before of fixture.steps.slice(0, at))
              await handleFrame(base, subscription, before.frame);
            for (const name of OBJECT_MEMBER_NAMES)
              for (const variant of frameVariants(step.frame, name)) {
                const runtime: ConnectorRuntime = { ...base, state: overlayState(base.state) };
                for (const frame of [variant, ...fixture.steps.slice(at + 1).map((s) => s.frame)])
                  await assertFrameSurvives(runtime, subscription, frame);
              }
          }
      });
    }

    const start = options.harness;
    if (!start) return;

    const live = async (body: (ctx: { harness: SubscriptionHarness; host: TestHost }) => Promise<void>) => {
      const harness = await start();
      const runtime = runtimeFor(harness.settings);
      // A subscription with instances (one session per agent...) is proven on its first one.
      const instance = sessionsOf(subscription, runtime.config)[0];
      const host = hostSubscription(runtime, subscription, {
        ...(harness.publicUrl ? { publicUrl: harness.publicUrl } : {}),
        ...(instance !== undefined ? { instance } : {}),
      });
      try {
        await host.until('the first session to connect', () => host.connected);
        await body({ harness, host });
      } finally {
        await host.stop();
        await harness.close();
      }
    };
    const pushAll = async (harness: SubscriptionHarness, host: TestHost, fixture: FrameFixture) => {
      const before = host.messages.length;
      for (const step of fixture.steps) await harness.push!(step.frame);
      const want = expected(fixture);
      await host.until(
        `${want.length} message(s) from ${fixture.description}`,
        () => host.messages.length - before >= want.length,
      );
      await sleep(100); // nothing more may follow
      expect(shown(host.messages.slice(before))).toEqual(want);
    };

    if (carriesEvents && delivering.length) {
      for (const fixture of delivering) {
        it(`delivers ${relative(options.fixturesDir, fixture.file)} through a live session`, async () => {
          await live(async ({ harness, host }) => {
            await pushAll(harness, host, fixture);
            expect(host.badFrames).toEqual([]);
          });
        }, 30_000);
      }
    }

    it('reconnects after a dropped connection and goes on delivering', async () => {
      await live(async ({ harness, host }) => {
        await harness.drop();
        await host.until('a second session', () => host.sessions >= 2);
        await host.until('the second session to connect', () => host.connected);
        if (carriesEvents && delivering[0] && harness.push) await pushAll(harness, host, delivering[0]);
      });
    }, 30_000);

    it('renews what expires before it expires', async () => {
      await live(async ({ harness, host }) => {
        const sessions = host.sessions;
        await sleep(harness.expiryMs * 2.5);
        expect(harness.expirations(), 'something expired without being renewed').toBe(0);
        expect(harness.renewals()).toBeGreaterThanOrEqual(2);
        expect(host.sessions, `sessions ended: ${host.errors.join('; ')}`).toBe(sessions);
        expect(host.connected).toBe(true);
        if (carriesEvents && delivering[0] && harness.push) await pushAll(harness, host, delivering[0]);
      });
    }, 60_000);

    if (carriesEvents) {
      it('ignores a malformed frame with a reason, counts it, and goes on', async () => {
        await live(async ({ harness, host }) => {
          expect(harness.sendMalformed, 'the harness must be able to send a malformed frame').toBeDefined();
          const sessions = host.sessions;
          await harness.sendMalformed!();
          await host.until('the bad frame to be counted', () => host.badFrames.length >= 1);
          expect(host.badFrames[0]!.length).toBeGreaterThan(0);
          expect(host.sessions).toBe(sessions);
          if (delivering[0] && harness.push) await pushAll(harness, host, delivering[0]);
        });
      }, 30_000);
    }
  });
}
