// Hosts for the Workspace session tests: the kit's test host per agent, and one session run through the
// core's runSession with every status and log line kept (to look for secrets and reasons).
import {
  createMemoryStateStore,
  createRuntime,
  type PreparedMessage,
  runSession,
  type SessionStatus,
} from '@openconnect/core';
import { hostSubscription, type TestHost } from '@openconnect/core/testing';
import axios from 'axios';
import { afterEach } from 'vitest';
import type { WorkspaceEmulator, WorkspaceEmulatorOptions } from '../src/emulators/index.js';
import connector from '../src/index.js';
import { JSMITH, startEmulator, workspaceSettings } from './workspace-harness.js';

export const subscription = connector.subscriptions!.find((s) => s.id === 'pureengage-workspace')!;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

export async function emulator(options: WorkspaceEmulatorOptions = {}): Promise<WorkspaceEmulator> {
  const started = await startEmulator(options);
  opened.push(started);
  return started;
}

export function runtimeFor(server: WorkspaceEmulator, options: Record<string, unknown> = {}, agents = 1) {
  return createRuntime(connector, workspaceSettings(server, options, agents), {
    state: createMemoryStateStore(),
  });
}

/** The agent's session held by the kit's test host (stopped after the test). */
export function host(
  server: WorkspaceEmulator,
  options: Record<string, unknown> = {},
  instance = JSMITH,
  runtime = runtimeFor(server, options),
): TestHost {
  const held = hostSubscription(runtime, subscription, { instance });
  opened.push({ close: () => held.stop() });
  return held;
}

export const pops = (messages: PreparedMessage[]) =>
  messages.map(
    (m) => `${m.agentid} ${m.lifecycle}${m.props.interactionId ? ` ${m.props.interactionId}` : ''}`,
  );

export async function connected(h: TestHost) {
  await h.until('the session to connect', () => h.connected);
}

/**
 * One session through the core's runSession, as a host runs it, every status and log line kept in `seen`;
 * stopped after `stopAfterMs` (or at once when `started` says so).
 */
export async function once(
  runtime: ReturnType<typeof createRuntime>,
  seen: string[] = [],
  options: { instance?: string; stopAfterMs?: number; started?: (stop: () => void) => void } = {},
): Promise<void> {
  const controller = new AbortController();
  const log = (level: string) => (detail: Record<string, unknown>, message: string) => {
    seen.push(`${level} ${message} ${JSON.stringify(detail)}`);
  };
  const timer = setTimeout(() => controller.abort(), options.stopAfterMs ?? 5_000);
  try {
    await runSession(
      runtime,
      subscription,
      {
        http: axios.create({ timeout: 5_000, validateStatus: () => true }),
        publicUrl: 'http://127.0.0.1:8080',
        instance: options.instance ?? JSMITH,
        log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
        store: async (messages) => ({ stored: messages.length, duplicates: 0 }),
        onStatus(status: SessionStatus, detail?: string) {
          seen.push(`${status} ${detail ?? ''}`);
          if (status === 'connected') options.started?.(() => controller.abort());
        },
        onBadFrame: (reason) => seen.push(`bad frame ${reason}`),
        onRenewal: (what, ok, error) => seen.push(`renewal ${what} ${ok} ${error ?? ''}`),
      },
      controller.signal,
    );
  } finally {
    clearTimeout(timer);
  }
}
