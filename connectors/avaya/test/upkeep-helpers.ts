// Shared by the AXP upkeep tests: one session run through the core's runSession, with what it said.
import {
  type ConnectorRuntime,
  createRuntime,
  runSession,
  type SessionStatus,
  type SubscriptionDefinition,
  sleep,
} from '@openconnect/core';
import axios from 'axios';
import connector from '../src/index.js';
import type { AxpEmulator } from '../src/emulators/axp.js';

export const AUTH_TOKEN = 'axp-webhook-token-0123456789';
export const PUBLIC_URL = 'http://127.0.0.1:8080';
export const ENDPOINT = `${PUBLIC_URL}/webhooks/avaya/axp`;

export const upkeep = connector.subscriptions!.find((s) => s.id === 'axp-upkeep') as SubscriptionDefinition;

/** A runtime whose upkeep points at the emulator, checking every 100 ms. */
export function upkeepRuntime(
  emulator: AxpEmulator,
  options: Record<string, unknown> = {},
  directory: Record<string, string> = {},
) {
  return createRuntime(connector, {
    options: { ...emulator.options, authToken: AUTH_TOKEN, axpCheckIntervalMs: 100, ...options },
    directory,
  });
}

export interface OneSession {
  statuses: { status: SessionStatus; detail?: string }[];
  logs: { level: string; detail: Record<string, unknown>; message: string }[];
  /** Resolves with the error the session ended with, or undefined when it ended cleanly. */
  ended: Promise<Error | undefined>;
  until(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<Error | undefined>;
}

/** Runs one session (no reconnect), recording statuses and log lines. */
export function oneSession(runtime: ConnectorRuntime, publicUrl = PUBLIC_URL): OneSession {
  const controller = new AbortController();
  const session: Omit<OneSession, 'ended'> & { ended?: Promise<Error | undefined> } = {
    statuses: [],
    logs: [],
    async until(what, check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; statuses ${session.statuses.map((s) => s.status).join(' → ')}`,
          );
        await sleep(20);
      }
    },
    async stop() {
      controller.abort();
      return session.ended!;
    },
  };
  const log = (level: string) => (detail: Record<string, unknown>, message: string) =>
    session.logs.push({ level, detail, message });
  session.ended = runSession(
    runtime,
    upkeep,
    {
      http: axios.create({ timeout: 5_000, validateStatus: () => true }),
      publicUrl,
      log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      store: async () => ({ stored: 0, duplicates: 0 }),
      onStatus: (status, detail) =>
        session.statuses.push({ status, ...(detail !== undefined ? { detail } : {}) }),
      onBadFrame: () => {},
    },
    controller.signal,
  ).then(
    () => undefined,
    (error: Error) => error,
  );
  return session as OneSession;
}
