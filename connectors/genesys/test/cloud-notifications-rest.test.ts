// The notification session's REST side against the emulated org (and a scripted login host for answers the
// emulator never gives): what each refusal tells the admin to do, the pause a 429 asks for, the token's
// lifetime, and how queue names become ids.
import { createMemoryStateStore, type SessionError } from '@openconnect/core';
import type { AxiosAdapter } from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveQueues, unknownQueuesMessage } from '../src/cloud-notifications/queues.js';
import { type GenesysRest, retryAfterMs } from '../src/cloud-notifications/rest.js';
import {
  type GenesysCloudEmulator,
  type GenesysCloudEmulatorOptions,
  startGenesysCloudEmulator,
} from '../src/emulators/index.js';
import { OTHER_QUEUE_ID, QUEUE_ID, restOn } from './cloud-notifications-harness.js';

const CLOSED = 'http://127.0.0.1:9'; // discard port: nothing listens, the connection is refused
const CHANNELS = '/api/v2/notifications/channels';
const creating = { what: 'creating a notification channel', permission: 'notification channel creation' };

let org: GenesysCloudEmulator | undefined;
afterEach(async () => {
  await org?.close();
  org = undefined;
});

async function startOrg(options: GenesysCloudEmulatorOptions = {}) {
  org = await startGenesysCloudEmulator({
    queues: { [QUEUE_ID]: 'Billing', [OTHER_QUEUE_ID]: 'Billing Escalations' },
    ...options,
  });
  return org;
}

/** A login host that answers every token request with this status and body. */
const loginAnswer =
  (status: number, data: unknown): AxiosAdapter =>
  async (config) => ({ status, statusText: '', data, headers: {}, config });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a SessionError');
    },
    (error: unknown) => error as SessionError,
  );

const refusedCredentials = (status: number) =>
  `the Genesys Cloud login host refused the client credentials (HTTP ${status}); check cloudClientId, cloudClientSecret and cloudLoginUrl (the region), and that the OAuth client's grant type is Client Credentials`;

describe('Genesys Cloud login for the notification session', () => {
  it('logs in with a client-credentials form and resolves with when the token expires', async () => {
    const emulator = await startOrg({ tokenLifetimeMs: 120_000 });
    expect(await restOn(emulator, { now: () => 5_000 }).login()).toBe(125_000);
    expect(emulator.counters.tokensIssued).toBe(1);
  });

  it('takes a token without expires_in to last an hour', async () => {
    const emulator = await startOrg();
    const adapter = loginAnswer(200, { access_token: 'a-token-without-expiry', token_type: 'bearer' });
    expect(await restOn(emulator, { now: () => 5_000, adapter }).login()).toBe(3_605_000);
  });

  it('names the HTTP status when the login host answers 200 without a token (not the login host)', async () => {
    const emulator = await startOrg();
    const adapter = loginAnswer(200, '<!DOCTYPE html><html><title>Genesys Cloud</title></html>');
    const error = await failure(restOn(emulator, { adapter }).login());
    expect([error.message, error.failed]).toEqual(['the Genesys Cloud login host answered HTTP 200', false]);
  });

  it.each([400, 401, 403])(
    'fails naming the client credentials to check when the login host answers %i',
    async (status) => {
      const emulator = await startOrg();
      emulator.controls.failRest(status, { path: '/oauth/token' });
      const error = await failure(restOn(emulator).login());
      expect([error.message, error.failed]).toEqual([refusedCredentials(status), true]);
    },
  );

  it('degrades, not fails, when the login host answers 503', async () => {
    const emulator = await startOrg();
    emulator.controls.failRest(503, { path: '/oauth/token' });
    const error = await failure(restOn(emulator).login());
    expect([error.message, error.failed]).toEqual(['the Genesys Cloud login host answered HTTP 503', false]);
  });

  it('asks for the pause the login host gives with a 429', async () => {
    const emulator = await startOrg();
    emulator.controls.failRest(429, { path: '/oauth/token', retryAfterSeconds: 9 });
    const error = await failure(restOn(emulator).login());
    expect([error.message, error.retryAfterMs, error.failed]).toEqual([
      'the Genesys Cloud login host asked to slow down (HTTP 429)',
      9_000,
      false,
    ]);
  });

  it('names the network error and cloudLoginUrl when the login host cannot be reached', async () => {
    const emulator = await startOrg();
    const error = await failure(restOn(emulator, { loginUrl: CLOSED }).login());
    expect(error.message).toBe(
      'the Genesys Cloud login host could not be reached (ECONNREFUSED); check cloudLoginUrl',
    );
  });

  it('uses a token until the moment it expires on the session clock, then gets a new one', async () => {
    const emulator = await startOrg({ tokenLifetimeMs: 120_000 });
    let now = 0;
    const rest = restOn(emulator, { now: () => now });
    await rest.call('POST', CHANNELS, creating);
    now = 119_999;
    await rest.call('POST', CHANNELS, creating);
    expect(emulator.counters.tokensIssued).toBe(1);
    now = 120_000;
    await rest.call('POST', CHANNELS, creating);
    expect(emulator.counters.tokensIssued).toBe(2);
  });
});

describe('Genesys Cloud API calls of the notification session', () => {
  it('names the call, the network error and cloudApiUrl when the API cannot be reached', async () => {
    const emulator = await startOrg();
    const error = await failure(restOn(emulator, { apiUrl: CLOSED }).call('POST', CHANNELS, creating));
    expect(error.message).toBe(
      'the Genesys Cloud API could not be reached (creating a notification channel: ECONNREFUSED); check cloudApiUrl',
    );
  });

  it('hands a 404 to the caller, which decides what a missing thing means', async () => {
    const emulator = await startOrg();
    const answer = await restOn(emulator).call(
      'GET',
      '/api/v2/conversations/5a1e2b3c-0000-4000-8000-000000000000',
      {
        what: 'fetching a conversation',
        permission: 'Conversation > Communication > View',
      },
    );
    expect(answer).toEqual({
      status: 404,
      data: { message: 'conversation not found', code: 'not.found', status: 404 },
    });
  });

  it('gets one new token when the API answers 401, and fails naming the OAuth client when it refuses that one too', async () => {
    const emulator = await startOrg();
    emulator.controls.failRest(401, { path: CHANNELS, times: 2 });
    const error = await failure(restOn(emulator).call('POST', CHANNELS, creating));
    expect([error.message, error.failed]).toEqual([
      'the Genesys Cloud API refused a new OAuth token (creating a notification channel, HTTP 401); check the OAuth client',
      true,
    ]);
    expect(emulator.counters.requests.filter((r) => r === `POST ${CHANNELS}`)).toHaveLength(2);
    expect(emulator.counters.tokensIssued).toBe(2);
  });

  it('asks for the pause of a 429, naming the call', async () => {
    const emulator = await startOrg();
    emulator.controls.failRest(429, { path: CHANNELS, retryAfterSeconds: 7 });
    const error = await failure(restOn(emulator).call('POST', CHANNELS, creating));
    expect([error.message, error.retryAfterMs]).toEqual([
      'the Genesys Cloud API asked to slow down (creating a notification channel, HTTP 429)',
      7_000,
    ]);
  });

  it('takes the pause from Retry-After (seconds or a date), else inin-ratelimit-reset, else one second', () => {
    const now = Date.parse('2026-11-25T10:15:00Z');
    expect(retryAfterMs({ 'retry-after': '7', 'inin-ratelimit-reset': '30' }, now)).toBe(7_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 25 Nov 2026 10:15:12 GMT' }, now)).toBe(12_000);
    expect(retryAfterMs({ 'inin-ratelimit-reset': '30', 'inin-ratelimit-allowed': '300' }, now)).toBe(30_000);
    expect(retryAfterMs({}, now)).toBe(1_000);
  });
});

describe('cloudNotifyQueues names', () => {
  it('looks a name up once, 100 queues a page, and then takes the id from the state', async () => {
    const emulator = await startOrg();
    const rest = restOn(emulator);
    const state = createMemoryStateStore();
    expect(await resolveQueues(rest, ['Billing'], state)).toEqual({ ids: [QUEUE_ID], unknown: [] });
    expect(await resolveQueues(rest, ['billing'], state)).toEqual({ ids: [QUEUE_ID], unknown: [] });
    expect(emulator.counters.requests.filter((r) => r.includes('/routing/queues'))).toEqual([
      'GET /api/v2/routing/queues?name=Billing&pageSize=100',
    ]);
  });

  it('takes the queue whose name matches exactly (ignoring case), not the first partial match', async () => {
    const emulator = await startOrg({
      queues: { [OTHER_QUEUE_ID]: 'Billing Escalations', [QUEUE_ID]: 'Billing' },
    });
    const resolved = await resolveQueues(restOn(emulator), ['BILLING'], createMemoryStateStore());
    expect(resolved).toEqual({ ids: [QUEUE_ID], unknown: [] });
  });

  it('skips search results without a name or an id', async () => {
    const entities = [
      { id: OTHER_QUEUE_ID, selfUri: `/api/v2/routing/queues/${OTHER_QUEUE_ID}` },
      { name: 'Billing', selfUri: '/api/v2/routing/queues/' },
      { id: QUEUE_ID, name: 'Billing', selfUri: `/api/v2/routing/queues/${QUEUE_ID}` },
    ];
    const rest: GenesysRest = {
      login: async () => 0,
      call: async <T>() => ({ status: 200, data: { entities, pageSize: 100, pageNumber: 1 } as T }),
    };
    expect(await resolveQueues(rest, ['Billing'], createMemoryStateStore())).toEqual({
      ids: [QUEUE_ID],
      unknown: [],
    });
  });

  it('names the queue and the permission when the look-up is forbidden (403)', async () => {
    const emulator = await startOrg();
    emulator.controls.failRest(403, { path: '/api/v2/routing/queues' });
    const error = await failure(resolveQueues(restOn(emulator), ['Billing'], createMemoryStateStore()));
    expect([error.message, error.failed]).toEqual([
      'the Genesys Cloud API answered 403 (looking up the queue named "Billing"): give the OAuth client a role with the Routing > Queue > View permission',
      true,
    ]);
  });

  it('names every name no queue has in one message', async () => {
    const emulator = await startOrg();
    const resolved = await resolveQueues(
      restOn(emulator),
      ['Biling', 'Billing', 'Sales'],
      createMemoryStateStore(),
    );
    expect(resolved).toEqual({ ids: [QUEUE_ID], unknown: ['Biling', 'Sales'] });
    expect(unknownQueuesMessage(resolved.unknown)).toBe(
      'cloudNotifyQueues: Genesys Cloud has no queue named "Biling", "Sales" (names must match exactly; ids work too)',
    );
  });
});
