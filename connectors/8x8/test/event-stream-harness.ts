// The event-stream consumer against the Pulsar emulator: settings that point the session at it, the kit's
// harness, and a test host (runSession in a loop, like the kit's) whose store can fail and whose config
// can change between sessions, for the tests of acknowledgement, redelivery and key rotation.
import {
  type ConnectorSettingsInput,
  createMemoryStateStore,
  createRuntime,
  type EmitResult,
  type PreparedMessage,
  runSession,
  type SessionHost,
  type SessionStatus,
  sleep,
} from '@openconnect/core';
import type { SubscriptionHarness } from '@openconnect/core/testing';
import { type PulsarEmulator, type PulsarEmulatorOptions, startPulsarEmulator } from '../src/emulators/index.js';
import connector from '../src/index.js';

export const AGENT = 'agAglVJkg0TU28dok9y9UQKg';
/** The emulator's idle timeout: what the consumer's pings must renew. */
export const IDLE_MS = 1_500;

export const offlineSettings = { options: {}, directory: { [AGENT]: 'jdoe' } } satisfies ConnectorSettingsInput;

export const subscription = connector.subscriptions!.find((s) => s.id === 'event-stream')!;

export function settingsFor(emulator: PulsarEmulator, options: Record<string, unknown> = {}): ConnectorSettingsInput {
  return {
    options: {
      streamUrl: emulator.url,
      streamTenant: emulator.tenant,
      streamApiKey: emulator.apiKey,
      streamIdleTimeoutMs: IDLE_MS,
      streamNegativeAckRedeliveryDelayMs: 50,
      streamConnectTimeoutMs: 2_000,
      ...options,
    },
    directory: { [AGENT]: 'jdoe' },
  };
}

export async function startEmulator(options: PulsarEmulatorOptions = {}) {
  return startPulsarEmulator({ idleTimeoutMs: IDLE_MS, ...options });
}

export interface StreamHarness extends SubscriptionHarness {
  emulator: PulsarEmulator;
}

export async function startStreamHarness(): Promise<StreamHarness> {
  const emulator = await startEmulator();
  return {
    emulator,
    settings: settingsFor(emulator),
    async push(frame) {
      const { payload, properties } = frame as { payload: string; properties?: Record<string, string> };
      emulator.publish({ payload, ...(properties ? { properties } : {}) });
    },
    async drop() {
      emulator.controls.drop();
    },
    async sendMalformed() {
      emulator.controls.sendMalformed('bad-json');
    },
    expiryMs: IDLE_MS,
    renewals: () => emulator.counters.pings,
    expirations: () => emulator.counters.idleTimeouts,
    close: () => emulator.close(),
  };
}

/** An Interaction event as 8x8 sends it, for agent AGENT unless told otherwise. */
export function interaction(event: string, guid: string, extra: Record<string, unknown> = {}) {
  const callState = { InteractionAssigned: 'CS_INPROGRESS', InteractionAccepted: 'CS_CONNECTED' }[event] ?? 'CS_DISCONNECTED';
  return {
    Interaction: {
      event,
      callState,
      interactionGUID: guid,
      agentId: AGENT,
      mediaType: 'phone',
      msgInfo: { instanceId: 'euw2tomcat02.euw2.whitepj.net-sapi-v1', sequenceId: 1, timestamp: 1764065702412 },
      attachedData: { attachedDatum: [{ attachedDataKey: 'phoneNum', attachedDataValue: 447700900123 }] },
      ...extra,
    },
  };
}

export interface StreamHost {
  messages: PreparedMessage[];
  results: EmitResult[];
  duplicates: number;
  statuses: SessionStatus[];
  badFrames: string[];
  errors: Error[];
  sessions: number;
  connected: boolean;
  /** The next `times` store calls reject, as an outbox whose database is down. */
  failStores(times: number): void;
  /** Each store call waits this long first. */
  slowStores(ms: number): void;
  /** The next session uses these settings (a config change, a rotated key); the outbox stays. */
  reconfigure(settings: ConnectorSettingsInput): void;
  until(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Runs event-stream sessions one after another, 50 ms apart, with one outbox (dedupe by key) across them. */
export function holdStream(settings: ConnectorSettingsInput): StreamHost {
  const controller = new AbortController();
  const state = createMemoryStateStore();
  const seen = new Set<string>();
  let runtime = createRuntime(connector, settings, { state });
  let failures = 0;
  let delay = 0;
  const noop = () => {};
  // The consumer makes no HTTP requests of its own (look-ups go through the connector's services).
  const http = undefined as unknown as SessionHost['http'];
  const host: StreamHost = {
    messages: [],
    results: [],
    duplicates: 0,
    statuses: [],
    badFrames: [],
    errors: [],
    sessions: 0,
    connected: false,
    failStores: (times) => {
      failures = times;
    },
    slowStores: (ms) => {
      delay = ms;
    },
    reconfigure: (next) => {
      runtime = createRuntime(connector, next, { state });
    },
    async until(what, check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; statuses ${host.statuses.join(' → ')}; errors: ${host.errors.map((e) => e.message).join('; ') || 'none'}`);
        await sleep(10);
      }
    },
    async stop() {
      controller.abort();
      await loop;
    },
  };
  const loop = (async () => {
    while (!controller.signal.aborted) {
      host.sessions += 1;
      try {
        await runSession(
          runtime,
          subscription,
          {
            http,
            publicUrl: 'http://127.0.0.1:8080',
            log: { debug: noop, info: noop, warn: noop, error: noop },
            async store(messages) {
              if (delay) await sleep(delay);
              if (failures > 0) {
                failures -= 1;
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
              host.connected = status !== 'connecting';
            },
            onFrame: (result) => host.results.push(result),
            onBadFrame: (reason) => host.badFrames.push(reason),
            retryDelayMs: () => 50,
          },
          controller.signal,
        );
      } catch (error) {
        host.errors.push(error as Error);
      }
      host.connected = false;
      await sleep(50, controller.signal);
    }
  })();
  return host;
}
