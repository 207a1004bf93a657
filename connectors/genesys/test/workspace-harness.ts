// The Workspace API emulator as the subscription kit's vendor side, and the settings that point the
// built-in session at it, with timers short enough for tests.
import type { ConnectorSettingsInput } from '@openconnect/core';
import type { SubscriptionHarness } from '@openconnect/core/testing';
import {
  startWorkspaceEmulator,
  WORKSPACE_EMULATOR_ACCOUNTS,
  type WorkspaceEmulator,
  type WorkspaceEmulatorOptions,
} from '../src/emulators/index.js';
import type { WorkspaceFrame } from '../src/pureengage-workspace.js';
import { settings } from './settings.js';

/** Token lifetime in the emulator: short, so renewals and expirations show in seconds. */
export const TOKEN_MS = 2_000;
/** How long the emulator holds a /meta/connect: a fault shows at the next connect, within this. */
export const LONG_POLL_MS = 400;

export const [JSMITH, AKIM] = WORKSPACE_EMULATOR_ACCOUNTS.map((a) => a.username) as [string, string];

/** The emulator's accounts as pureengageAgents; agentId given for the first, read from the initialization for the second. */
export function agentsOf(emulator: WorkspaceEmulator, count = 1) {
  return emulator.accounts.slice(0, count).map((a, i) => ({
    username: a.username,
    password: a.password,
    dn: a.dn,
    ...(i === 0 ? { agentId: a.agentLogin } : {}),
  }));
}

export function workspaceSettings(
  emulator: WorkspaceEmulator,
  options: Record<string, unknown> = {},
  agents = 1,
): ConnectorSettingsInput {
  return {
    ...settings,
    options: {
      ...settings.options,
      pureengageApiUrl: emulator.url,
      pureengageApiKey: emulator.apiKey,
      pureengageClientId: emulator.clientId,
      pureengageClientSecret: emulator.clientSecret,
      pureengageAgents: agentsOf(emulator, agents),
      pureengageInitTimeoutMs: 3_000,
      pureengageNetworkDelayMs: 1_000,
      pureengageRetryWindowMs: 3_000,
      ...options,
    },
  };
}

export async function startEmulator(options: WorkspaceEmulatorOptions = {}) {
  return startWorkspaceEmulator({ tokenLifetimeMs: TOKEN_MS, longPollMs: LONG_POLL_MS, ...options });
}

export interface WorkspaceHarness extends SubscriptionHarness {
  emulator: WorkspaceEmulator;
}

/** The kit runs the first agent's session (acme\jsmith, agent 1001 on DN 5001). */
export async function workspaceHarness(
  emulatorOptions: WorkspaceEmulatorOptions = {},
  options: Record<string, unknown> = {},
): Promise<WorkspaceHarness> {
  const emulator = await startEmulator(emulatorOptions);
  return {
    emulator,
    settings: workspaceSettings(emulator, options),
    async push(frame) {
      const { message } = frame as WorkspaceFrame;
      emulator.controls.publish(JSMITH, message.channel, message.data);
    },
    async drop() {
      emulator.controls.drop();
    },
    async sendMalformed() {
      emulator.controls.sendMalformed(JSMITH, 'shape');
    },
    expiryMs: TOKEN_MS,
    renewals: () => emulator.counters.renewals,
    expirations: () => emulator.counters.expirations,
    close: () => emulator.close(),
  };
}
