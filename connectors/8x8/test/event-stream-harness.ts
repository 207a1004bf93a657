// The event-stream consumer against the Pulsar emulator: settings that point the session at it, the kit's
// harness, and a test host (runSession in a loop, like the kit's) whose store can fail and whose config
// can change between sessions, for the tests of acknowledgement, redelivery and key rotation.
import { type ConnectorSettingsInput, createMemoryStateStore, createRuntime } from '@openconnect/core';
import { hostSubscription, type SubscriptionHarness, type TestHost } from '@openconnect/core/testing';
import {
  type PulsarEmulator,
  type PulsarEmulatorOptions,
  startPulsarEmulator,
} from '../src/emulators/index.js';
import connector from '../src/index.js';

export const AGENT = 'agAglVJkg0TU28dok9y9UQKg';
/** The emulator's idle timeout: what the consumer's pings must renew. */
export const IDLE_MS = 1_500;

/** The agents of the call-shape fixtures: A (jdoe), B and C. */
const DIRECTORY = { [AGENT]: 'jdoe', agQ3mZt8LkV0cR1nH5wX2yPa: 'asmith', agN7pK2sW9dF4hJ6bL1xC8vM: 'mlee' };

export const offlineSettings = { options: {}, directory: DIRECTORY } satisfies ConnectorSettingsInput;

export const subscription = connector.subscriptions!.find((s) => s.id === 'event-stream')!;

export function settingsFor(
  emulator: PulsarEmulator,
  options: Record<string, unknown> = {},
): ConnectorSettingsInput {
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
    directory: DIRECTORY,
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
  const callState =
    { InteractionAssigned: 'CS_INPROGRESS', InteractionAccepted: 'CS_CONNECTED' }[event] ?? 'CS_DISCONNECTED';
  return {
    Interaction: {
      event,
      callState,
      interactionGUID: guid,
      agentId: AGENT,
      mediaType: 'phone',
      msgInfo: {
        instanceId: 'euw2tomcat02.euw2.whitepj.net-sapi-v1',
        sequenceId: 1,
        timestamp: 1764065702412,
      },
      attachedData: { attachedDatum: [{ attachedDataKey: 'phoneNum', attachedDataValue: 447700900123 }] },
      ...extra,
    },
  };
}

/** The kit's test host, whose store can fail and whose config can change between sessions. */
export interface StreamHost extends Omit<TestHost, 'reconfigure'> {
  /** The next session uses these settings (a config change, a rotated key); the outbox stays. */
  reconfigure(settings: ConnectorSettingsInput): void;
}

/** Runs event-stream sessions one after another, 50 ms apart, with one outbox (dedupe by key) across them. */
export function holdStream(settings: ConnectorSettingsInput): StreamHost {
  const state = createMemoryStateStore();
  const host = hostSubscription(createRuntime(connector, settings, { state }), subscription);
  const reconfigure = host.reconfigure;
  return Object.assign(host, {
    reconfigure: (next: ConnectorSettingsInput) => reconfigure(createRuntime(connector, next, { state })),
  });
}
