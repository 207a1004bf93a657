// The Genesys Cloud emulator refuses what Genesys refuses, so a wrong client fails against it too.
import axios from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type GenesysCloudEmulator, startGenesysCloudEmulator } from '../src/emulators/index.js';

const http = axios.create({ validateStatus: () => true, timeout: 5_000 });
let org: GenesysCloudEmulator;
beforeEach(async () => {
  org = await startGenesysCloudEmulator({ maxChannels: 3, maxTopicsPerChannel: 5, heartbeatIntervalMs: 50 });
});
afterEach(async () => {
  await org.close();
});

async function token(secret = org.clientSecret) {
  const basic = Buffer.from(`${org.clientId}:${secret}`).toString('base64');
  return http.post(`${org.url}/oauth/token`, 'grant_type=client_credentials', {
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
}
async function api(method: string, path: string, data?: unknown) {
  const bearer = (await token()).data.access_token as string;
  return http.request({
    method,
    url: `${org.url}${path}`,
    data,
    headers: { authorization: `Bearer ${bearer}` },
  });
}
async function socketOf(connectUri: string) {
  const socket = new WebSocket(connectUri);
  const frames: Record<string, unknown>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, frames };
}
const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(check()).toBe(true);
};

describe('Genesys Cloud emulator', () => {
  it('refuses a wrong client secret and an unknown token', async () => {
    expect((await token('wrong-secret-000000000')).status).toBe(401);
    const answer = await http.post(`${org.url}/api/v2/notifications/channels`, undefined, {
      headers: { authorization: 'Bearer made-up' },
    });
    expect([answer.status, org.counters.tokensRefused]).toEqual([401, 1]);
  });

  it('refuses more topics than a channel holds, and answers HEAD for a channel it has', async () => {
    const channel = (await api('POST', '/api/v2/notifications/channels')).data;
    const topics = Array.from({ length: 6 }, (_, i) => ({ id: `v2.users.u${i}.conversations.calls` }));
    expect(
      (await api('PUT', `/api/v2/notifications/channels/${channel.id}/subscriptions`, topics)).status,
    ).toBe(400);
    expect(
      (await api('POST', `/api/v2/notifications/channels/${channel.id}/subscriptions`, topics.slice(0, 2)))
        .status,
    ).toBe(200);
    expect(
      (await api('GET', `/api/v2/notifications/channels/${channel.id}/subscriptions`)).data.entities,
    ).toHaveLength(2);
    expect((await api('HEAD', `/api/v2/notifications/channels/${channel.id}`)).status).toBe(200);
    expect((await api('DELETE', `/api/v2/notifications/channels/${channel.id}/subscriptions`)).status).toBe(
      204,
    );
    expect((await api('HEAD', '/api/v2/notifications/channels/not-a-channel')).status).toBe(404);
  });

  it('evicts the least recently used unconnected channel for one more than the limit', async () => {
    const [first, second, third] = [
      (await api('POST', '/api/v2/notifications/channels')).data,
      (await api('POST', '/api/v2/notifications/channels')).data,
      (await api('POST', '/api/v2/notifications/channels')).data,
    ];
    const { socket } = await socketOf(first.connectUri);
    await api('POST', '/api/v2/notifications/channels');
    expect(org.channels().map((c) => c.id)).toEqual([first.id, third.id, expect.any(String)]);
    expect(org.channels().map((c) => c.id)).not.toContain(second.id);
    socket.close();
  });

  it('sends heartbeats, answers a ping, acknowledges a socket subscription and pushes only subscribed topics', async () => {
    const channel = (await api('POST', '/api/v2/notifications/channels')).data;
    const { socket, frames } = await socketOf(channel.connectUri);
    socket.send(
      JSON.stringify({
        message: 'subscribe',
        topics: ['v2.users.u1.conversations.calls'],
        correlationId: 'c1',
      }),
    );
    socket.send(JSON.stringify({ message: 'ping' }));
    await until(() => frames.some((f) => f.status === 'subscribed'));
    expect(org.controls.push('v2.users.u2.conversations.calls', { id: 'conv-2' })).toBe(0);
    expect(org.controls.push('v2.users.u1.conversations.calls', { id: 'conv-1' })).toBe(1);
    const heartbeat = (f: Record<string, unknown>) =>
      (f.eventBody as { message?: string })?.message === 'WebSocket Heartbeat';
    await until(
      () => frames.some((f) => f.topicName === 'v2.users.u1.conversations.calls') && frames.some(heartbeat),
    );
    expect(frames).toContainEqual({ topicName: 'channel.metadata', eventBody: { message: 'pong' } });
    expect(frames).toContainEqual({
      topicName: 'channel.metadata',
      eventBody: { message: 'WebSocket Heartbeat' },
    });
    expect(frames.some((f) => f.topicName === 'v2.users.u2.conversations.calls')).toBe(false);
    socket.close();
  });

  it('answers a 429 with Retry-After and the inin-ratelimit headers', async () => {
    org.controls.failRest(429, { path: '/api/v2/routing/queues', retryAfterSeconds: 4 });
    const answer = await api('GET', '/api/v2/routing/queues?name=Billing');
    expect(answer.status).toBe(429);
    expect(answer.headers).toMatchObject({
      'retry-after': '4',
      'inin-ratelimit-reset': '4',
      'inin-ratelimit-allowed': '300',
    });
    expect((await api('GET', '/api/v2/routing/queues?name=Billing')).status).toBe(200);
  });
});
