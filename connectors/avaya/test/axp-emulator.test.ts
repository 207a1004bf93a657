// The AXP emulator refuses what AXP refuses, so a wrong client fails against it as it would against Avaya.
import { sleep } from '@openconnect/core';
import axios from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AxpEmulator, startAxpEmulator } from '../src/emulators/axp.js';

const http = axios.create({ validateStatus: () => true });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('AXP emulator', () => {
  let emulator: AxpEmulator;
  beforeEach(async () => {
    emulator = await startAxpEmulator({ subscriptionLifetimeMs: 300, tokenLifetimeMs: 400 });
  });
  afterEach(async () => {
    await emulator.close();
  });

  const tokenUrl = () => `${emulator.url}/api/auth/v1/${emulator.accountId}/protocol/openid-connect/token`;
  const subscriptionsUrl = () =>
    `${emulator.url}/api/notification/v1/accounts/${emulator.accountId}/subscriptions`;
  const login = async (appkey = emulator.appKey, secret = emulator.clientSecret) =>
    http.post(
      tokenUrl(),
      form({ grant_type: 'client_credentials', client_id: emulator.clientId, client_secret: secret }),
      { headers: { appkey, 'content-type': 'application/x-www-form-urlencoded' } },
    );
  const headers = (token: string) => ({ authorization: `Bearer ${token}`, appkey: emulator.appKey });
  const create = (token: string) =>
    http.post(
      subscriptionsUrl(),
      {
        family: 'AGENT_ENGAGEMENT',
        events: ['ALL'],
        transport: {
          type: 'WEBHOOK',
          endpoint: 'https://runner.example.com/webhooks/avaya/axp',
          authToken: 'x'.repeat(20),
        },
      },
      { headers: headers(token) },
    );

  it('issues a token only for the right appkey and client secret', async () => {
    expect((await login('wrong-app-key')).status).toBe(401);
    expect((await login(undefined, 'wrong-secret')).data).toEqual({
      error: 'invalid_client',
      error_description: 'Invalid client or Invalid client credentials',
    });
    const ok = await login();
    expect([ok.status, ok.data.expires_in, typeof ok.data.access_token]).toEqual([200, 0.4, 'string']);
    expect([emulator.counters.tokensIssued, emulator.counters.tokensRefused]).toEqual([1, 2]);
  });

  it('refuses API calls without the appkey, or with an expired token (401)', async () => {
    const token = (await login()).data.access_token as string;
    expect(
      (await http.get(subscriptionsUrl(), { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
    expect((await http.get(subscriptionsUrl(), { headers: headers(token) })).status).toBe(200);
    await sleep(450);
    expect((await http.get(subscriptionsUrl(), { headers: headers(token) })).status).toBe(401);
  });

  it('refuses a page size above 25 (400)', async () => {
    const token = (await login()).data.access_token as string;
    const answer = await http.get(subscriptionsUrl(), { headers: headers(token), params: { pageSize: 26 } });
    expect([answer.status, answer.data.message]).toEqual([400, 'pageSize must be 1-25']);
  });

  it('sets a subscription nobody renews INACTIVE (an expiration); a renewal makes it ACTIVE again', async () => {
    const token = (await login()).data.access_token as string;
    const id = (await create(token)).data.subscriptionId as string;
    await sleep(350);
    expect(emulator.subscriptions()[0]!.status).toBe('INACTIVE');
    expect(emulator.counters.expirations).toBe(1);
    const fresh = (await login()).data.access_token as string;
    const renewed = await http.post(`${subscriptionsUrl()}/${id}:renew`, {}, { headers: headers(fresh) });
    expect([renewed.status, renewed.data.status, emulator.counters.renewals]).toEqual([200, 'ACTIVE', 1]);
  });

  it('answers an injected 429 with Retry-After, once', async () => {
    emulator.controls.fail(429, { on: 'token', retryAfterSeconds: 3 });
    const limited = await login();
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '3']);
    expect((await login()).status).toBe(200);
  });

  it('answers 404 for a subscription it forgot', async () => {
    const token = (await login()).data.access_token as string;
    const id = (await create(token)).data.subscriptionId as string;
    emulator.controls.forget();
    expect((await http.get(`${subscriptionsUrl()}/${id}`, { headers: headers(token) })).status).toBe(404);
    expect(
      (await http.post(`${subscriptionsUrl()}/${id}:renew`, {}, { headers: headers(token) })).status,
    ).toBe(404);
  });
});
