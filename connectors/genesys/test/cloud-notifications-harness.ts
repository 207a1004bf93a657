// The cloud-notifications subscription against the Genesys Cloud emulator: settings that point the session
// at it, and the kit's harness (push a recorded frame, drop the socket, send a malformed frame, count renewals).
import type { ConnectorSettingsInput } from '@openconnect/core';
import type { SubscriptionHarness } from '@openconnect/core/testing';
import axios, { type AxiosAdapter } from 'axios';
import { createRest, type GenesysRest } from '../src/cloud-notifications/rest.js';
import {
  type GenesysCloudEmulator,
  type GenesysCloudEmulatorOptions,
  startGenesysCloudEmulator,
} from '../src/emulators/index.js';
import { CLOUD_KEY } from './settings.js';

export const QUEUE_ID = '7e6d5c4b-aaaa-4bbb-8ccc-dddddddddddd';
export const OTHER_QUEUE_ID = '7e6d5c4b-aaaa-4bbb-8ccc-eeeeeeeeeeee';
export const JANE = '9d8e7f6a-1111-4222-8333-444455556666';
export const LI = '2c1f0e9d-aaaa-4bbb-8ccc-000000000002';
export const CONVERSATION = '5a1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
export const EXPIRY_MS = 2_000;

/** Offline fixture settings: both agents in the directory. */
export const offlineSettings = {
  options: { cloudApiKey: CLOUD_KEY },
  directory: { [JANE]: 'jane.doe@example.com', [LI]: 'li.wei' },
} satisfies ConnectorSettingsInput;

export interface CloudHarness extends SubscriptionHarness {
  emulator: GenesysCloudEmulator;
}

/** Starts an emulated org; Jane's login comes from the directory, Li's from the Users API. */
export async function startCloudHarness(
  options: { emulator?: GenesysCloudEmulatorOptions; settings?: Record<string, unknown> } = {},
): Promise<CloudHarness> {
  const emulator = await startGenesysCloudEmulator({
    channelLifetimeMs: EXPIRY_MS,
    heartbeatIntervalMs: 200,
    queues: { [QUEUE_ID]: 'Billing', [OTHER_QUEUE_ID]: 'Billing Escalations' },
    users: { [LI]: { username: 'li.wei', email: 'li.wei@example.com', name: 'Li Wei' } },
    ...options.emulator,
  });
  return {
    emulator,
    settings: {
      options: {
        cloudClientId: emulator.clientId,
        cloudClientSecret: emulator.clientSecret,
        cloudLoginUrl: emulator.url,
        cloudApiUrl: emulator.url,
        cloudNotifyQueues: [QUEUE_ID],
        cloudNotifyUsers: [JANE, LI],
        cloudNotifyHeartbeatTimeoutMs: 1_500,
        ...options.settings,
      },
      directory: { [JANE]: 'jane.doe@example.com' },
    },
    async push(frame) {
      const { topicName, eventBody } = frame as { topicName: string; eventBody: { id: string } };
      emulator.controls.push(topicName, eventBody);
    },
    async drop() {
      emulator.controls.drop();
    },
    async sendMalformed() {
      emulator.controls.sendRaw('{"topicName": "v2.routing.queues.');
    },
    expiryMs: EXPIRY_MS,
    renewals: () => emulator.counters.renewals,
    expirations: () => emulator.counters.expirations,
    close: () => emulator.close(),
  };
}

/** The notification session's REST client, pointed at the emulator (its login and API hosts unless named). */
export function restOn(
  emulator: GenesysCloudEmulator,
  options: { loginUrl?: string; apiUrl?: string; now?: () => number; adapter?: AxiosAdapter } = {},
): GenesysRest {
  return createRest({
    http: axios.create({
      timeout: 5_000,
      validateStatus: () => true,
      ...(options.adapter ? { adapter: options.adapter } : {}),
    }),
    loginUrl: options.loginUrl ?? emulator.url,
    apiUrl: options.apiUrl ?? emulator.url,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    signal: new AbortController().signal,
    now: options.now ?? Date.now,
  });
}
