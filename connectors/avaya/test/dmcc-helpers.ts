// Shared by the AES DMCC tests: a runtime pointed at the emulator, sessions hosted as the runner would
// (core's hostSubscription), and one session run alone with what it said.
import {
  type ConnectorRuntime,
  createRuntime,
  createMemoryStateStore,
  runSession,
  type SessionStatus,
  type StateStore,
  type SubscriptionDefinition,
  sleep,
} from '@openconnect/core';
import axios from 'axios';
import type { DmccEmulator, DmccEvent } from '../src/emulators/dmcc.js';
import connector from '../src/index.js';

export const dmcc = connector.subscriptions!.find((s) => s.id === 'aes-dmcc') as SubscriptionDefinition;
export const DIRECTORY = { '4001': 'jdoe', '4002': 'asmith', '4003': 'bwong', '5001': 'jdoe' };

/** A runtime whose aes-dmcc session points at the emulator, monitoring 4001 and 4002 with 2 s sessions. */
export function dmccRuntime(
  emulator: DmccEmulator,
  options: Record<string, unknown> = {},
  state?: StateStore,
): ConnectorRuntime {
  return createRuntime(
    connector,
    {
      options: {
        ...emulator.options,
        aesExtensions: ['4001', '4002'],
        aesSessionDurationS: 2,
        aesSessionCleanupDelayS: 5,
        aesRequestTimeoutMs: 1_000,
        ...options,
      },
      directory: DIRECTORY,
    },
    { state: state ?? createMemoryStateStore() },
  );
}

/** The three events of one answered and ended call at a station. */
export const callEvents = (
  extension: string,
  callId: string,
  parts: string[] = ['DeliveredEvent', 'EstablishedEvent', 'ConnectionClearedEvent'],
): DmccEvent[] =>
  parts.map((type) => ({
    type,
    extension,
    callId,
    calling: '5551230001',
    called: '8005550100',
    ucid: `0000${callId}`,
  }));

export interface OneSession {
  statuses: { status: SessionStatus; detail?: string }[];
  logs: { level: string; detail: Record<string, unknown>; message: string }[];
  messages: { agentid: string; lifecycle: string; props: Record<string, unknown> }[];
  badFrames: string[];
  renewals: { what: string; ok: boolean; at: number }[];
  /** The error the session ended with, or undefined when it ended cleanly. */
  ended: Promise<Error | undefined>;
  until(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<Error | undefined>;
}

/** Runs one session (no reconnect), recording what it said and stored. */
export function oneSession(runtime: ConnectorRuntime): OneSession {
  const controller = new AbortController();
  const session: Omit<OneSession, 'ended'> & { ended?: Promise<Error | undefined> } = {
    statuses: [],
    logs: [],
    messages: [],
    badFrames: [],
    renewals: [],
    async until(what, check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; statuses ${session.statuses.map((s) => `${s.status} ${s.detail ?? ''}`).join(' → ')}`,
          );
        await sleep(10);
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
    dmcc,
    {
      http: axios.create({ timeout: 5_000, validateStatus: () => true }),
      publicUrl: 'http://127.0.0.1:8080',
      log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      store: async (messages) => {
        session.messages.push(...messages);
        return { stored: messages.length, duplicates: 0 };
      },
      onStatus: (status, detail) =>
        session.statuses.push({ status, ...(detail !== undefined ? { detail } : {}) }),
      onBadFrame: (reason) => session.badFrames.push(reason),
      onRenewal: (what, ok) => session.renewals.push({ what, ok, at: Date.now() }),
    },
    controller.signal,
  ).then(
    () => undefined,
    (error: Error) => error,
  );
  return session as OneSession;
}

export const connected = (s: OneSession) => s.statuses.some((x) => x.status === 'connected');
