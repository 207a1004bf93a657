// The ICWS emulator as the subscription kit's vendor side, and the settings that point the built-in
// session at it with timers short enough for tests.
import type { ConnectorSettingsInput } from '@openconnect/core';
import type { SubscriptionHarness } from '@openconnect/core/testing';
import {
  ICWS_EMULATOR_PASSWORD,
  ICWS_EMULATOR_USER,
  type IcwsEmulator,
  type IcwsEmulatorOptions,
  startIcwsEmulator,
} from '../src/emulators/index.js';
import type { IcwsFrame } from '../src/pureconnect-icws.js';
import { settings } from './settings.js';

/** The emulated session's idle timeout: short, so keep-alives and expirations show in seconds. */
export const IDLE_MS = 1_500;

export function icwsSettings(
  emulator: IcwsEmulator,
  options: Record<string, unknown> = {},
): ConnectorSettingsInput {
  return {
    ...settings,
    options: {
      ...settings.options,
      pureconnectServer: emulator.url,
      pureconnectUser: ICWS_EMULATOR_USER,
      pureconnectPassword: ICWS_EMULATOR_PASSWORD,
      pureconnectUserQueues: ['jdoe', 'asmith'],
      pureconnectWorkgroupQueues: ['Billing'],
      pureconnectPollIntervalMs: 100,
      pureconnectSessionTimeoutMs: IDLE_MS,
      pureconnectStreamTimeoutMs: 2_000,
      ...options,
    },
  };
}

export interface IcwsHarness extends SubscriptionHarness {
  emulator: IcwsEmulator;
}

/** messagingVersion 2 with `auto` holds an event stream; version 1 falls back to polling. */
export async function icwsHarness(
  emulatorOptions: IcwsEmulatorOptions = {},
  options: Record<string, unknown> = {},
): Promise<IcwsHarness> {
  const emulator = await startIcwsEmulator({ sessionIdleMs: IDLE_MS, pingMs: 200, ...emulatorOptions });
  return {
    emulator,
    settings: icwsSettings(emulator, options),
    async push(frame) {
      const { message, headers } = frame as IcwsFrame;
      const userQueue = headers?.['x-genesys-agent'];
      emulator.controls.send(message as Record<string, unknown>, userQueue ? { userQueue } : {});
    },
    async drop() {
      emulator.controls.drop();
    },
    async sendMalformed() {
      emulator.controls.sendMalformed('text');
    },
    expiryMs: IDLE_MS,
    // Whatever kept the session from its idle timeout: keep-alives (event stream) or polls.
    renewals: () => emulator.counters.keepAlives + emulator.counters.polls,
    expirations: () => emulator.counters.expirations,
    close: () => emulator.close(),
  };
}
