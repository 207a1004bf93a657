// The CXone emulator as the subscription kit's vendor side, and the settings that point the runner's own
// sessions at it with timers short enough for tests.
import {
  type ConnectorSettingsInput,
  createMemoryStateStore,
  createRuntime,
  type PreparedMessage,
  sessionsOf,
} from '@openconnect/core';
import { hostSubscription, type SubscriptionHarness } from '@openconnect/core/testing';
import type { AgentSessionFrame } from '../src/agent-sessions.js';
import type { RtdFrame } from '../src/cxone/realtime.js';
import { type CxoneEmulator, type CxoneEmulatorOptions, startCxoneEmulator } from '../src/emulators/index.js';
import connector from '../src/index.js';

/** The emulated token's lifetime: short, so renewals show in seconds. */
export const TOKEN_MS = 1_500;

/** Agent id → login, for the Agent API path (its events name no user). */
export const DIRECTORY = {
  '23045871': 'mreyes@acme.example',
  '23045872': 'tkim@acme.example',
  '23045873': 'jdoe@acme.example',
};

export function cxoneSettings(
  emulator: CxoneEmulator,
  options: Record<string, unknown> = {},
): ConnectorSettingsInput {
  return {
    directory: DIRECTORY,
    options: {
      cxoneAuthUrl: emulator.authUrl,
      cxoneApiUrl: emulator.apiUrl,
      cxoneClientId: emulator.clientId,
      cxoneClientSecret: emulator.clientSecret,
      cxoneAccessKeyId: emulator.accessKeyId,
      cxoneAccessKeySecret: emulator.accessKeySecret,
      cxoneRealtimeIntervalMs: 100,
      cxoneRealtimeConsultSkills: ['Agent Consult'],
      cxoneLongPollSeconds: 1,
      ...options,
    },
  };
}

export interface CxoneHarness extends SubscriptionHarness {
  emulator: CxoneEmulator;
}

/** rtd-poll: raw Real-Time Data rows; each push waits for a full polling round so every step is seen. */
export async function rtdHarness(
  emulatorOptions: CxoneEmulatorOptions = {},
  options: Record<string, unknown> = {},
): Promise<CxoneHarness> {
  const emulator = await startCxoneEmulator({ tokenLifetimeMs: TOKEN_MS, agents: [], ...emulatorOptions });
  return {
    emulator,
    settings: cxoneSettings(emulator, options),
    async push(frame) {
      const { contact, agent } = frame as RtdFrame;
      if (agent) emulator.controls.putAgentRow(agent);
      if (contact) emulator.controls.putContactRow(contact);
      await emulator.controls.afterNextPoll();
      await emulator.controls.afterNextPoll();
    },
    drop: async () => emulator.controls.drop(),
    sendMalformed: async () => emulator.controls.malformed({ path: 'contacts/active' }),
    expiryMs: TOKEN_MS,
    renewals: () => emulator.counters.renewals,
    expirations: () => emulator.counters.expirations,
    close: () => emulator.close(),
  };
}

/** agent-sessions: the agent's session hears each recorded get-next-event batch. */
export async function agentSessionHarness(
  emulatorOptions: CxoneEmulatorOptions = {},
  options: Record<string, unknown> = {},
): Promise<CxoneHarness> {
  const emulator = await startCxoneEmulator({
    tokenLifetimeMs: TOKEN_MS,
    sessionIds: () => 'e4b1d2c3f4a5',
    ...emulatorOptions,
  });
  return {
    emulator,
    settings: cxoneSettings(emulator, { cxoneRealtime: false, cxoneAgentIds: ['23045871'], ...options }),
    async push(frame) {
      const { agentId, events } = frame as AgentSessionFrame;
      emulator.controls.sendEvents(agentId, events as Record<string, unknown>[]);
    },
    drop: async () => emulator.controls.drop(),
    sendMalformed: async () => emulator.controls.malformed({ path: 'get-next-event' }),
    expiryMs: TOKEN_MS,
    renewals: () => emulator.counters.renewals,
    expirations: () => emulator.counters.expirations,
    close: () => emulator.close(),
  };
}

/** The emulator, hosts and anything else a test opened, closed after it. */
export function opener() {
  const opened: { close(): Promise<void> }[] = [];
  return {
    async emulator(emulatorOptions: CxoneEmulatorOptions = {}) {
      const started = await startCxoneEmulator({ tokenLifetimeMs: 60_000, ...emulatorOptions });
      opened.push(started);
      return started;
    },
    /** A host running one subscription's session (the first instance, or `instance`) against the emulator. */
    host(
      emulator: CxoneEmulator,
      subscription: 'rtd-poll' | 'agent-sessions',
      options: Record<string, unknown> = {},
      instance?: string,
    ) {
      const settings = cxoneSettings(emulator, {
        ...(subscription === 'agent-sessions' ? { cxoneRealtime: false, cxoneAgentIds: ['23045871'] } : {}),
        ...options,
      });
      const runtime = createRuntime(connector, settings, { state: createMemoryStateStore() });
      const definition = connector.subscriptions!.find((s) => s.id === subscription)!;
      const first = instance ?? sessionsOf(definition, runtime.config)[0];
      const held = hostSubscription(runtime, definition, first !== undefined ? { instance: first } : {});
      opened.push({ close: () => held.stop() });
      return held;
    },
    async closeAll() {
      for (const thing of opened.splice(0).reverse()) await thing.close();
    },
  };
}

/** Resolves once a whole polling round began after now (so the poller has seen what changed before). */
export async function polled(emulator: CxoneEmulator) {
  await emulator.controls.afterNextPoll();
  await emulator.controls.afterNextPoll();
}

/** "agentid lifecycle interactionId" of each message, in order. */
export const pops = (messages: PreparedMessage[]) =>
  messages.map((m) => `${m.agentid} ${m.lifecycle} ${m.props.interactionId ?? m.props.agentState}`);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
