// Notification channels over REST: what is taken from Genesys's answer to a channel creation, how a
// subscription finds the channel's new expiry, and what the admin reads when Genesys refuses either.
import { SessionError } from '@openconnect/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Channel, createChannel, subscribe } from '../src/cloud-notifications/channel.js';
import type { GenesysRest } from '../src/cloud-notifications/rest.js';
import { type GenesysCloudEmulator, startGenesysCloudEmulator } from '../src/emulators/index.js';
import { JANE, QUEUE_ID, restOn } from './cloud-notifications-harness.js';

const TOPICS = [`v2.routing.queues.${QUEUE_ID}.conversations`, `v2.users.${JANE}.conversations.calls`];
const NOW = Date.parse('2026-11-25T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const ID = 'streaming-5-cfa9e0bbd4ad3a9c4dc27284cb1e3af4';
const CONNECT_URI = `wss://streaming.mypurecloud.com/channels/${ID}`;
const NOT_FOUND = { message: 'channel not found', code: 'not.found', status: 404 };

/** A REST client that answers each "METHOD path" as given, and 404 with Genesys's error body otherwise. */
const answering = (answers: Record<string, { status: number; data?: unknown }>): GenesysRest => ({
  login: async () => NOW + DAY,
  call: async (method, path) =>
    (answers[`${method} ${path}`] ?? { status: 404, data: NOT_FOUND }) as { status: number; data: never },
});
const created = (data: unknown) =>
  answering({ 'POST /api/v2/notifications/channels': { status: 200, data } });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as SessionError,
  );

describe('creating a notification channel', () => {
  it("takes the channel's id, connectUri and expiry from Genesys's answer", async () => {
    const expires = '2026-11-26T10:00:00.000Z';
    const channel = await createChannel(created({ id: ID, connectUri: CONNECT_URI, expires }), TOPICS, NOW);
    expect(channel).toEqual({
      id: ID,
      connectUri: CONNECT_URI,
      expires: Date.parse(expires),
      lifetimeMs: Date.parse(expires) - NOW,
      topics: TOPICS,
    });
  });

  it('takes a channel without an expiry to last the documented 24 hours', async () => {
    const channel = await createChannel(created({ id: ID, connectUri: CONNECT_URI }), TOPICS, NOW);
    expect([channel.expires, channel.lifetimeMs]).toEqual([NOW + DAY, DAY]);
  });

  it('does not read an expiry that is not a date string (a number of seconds) as a date', async () => {
    const answer = { id: ID, connectUri: CONNECT_URI, expires: 86_400 };
    const channel = await createChannel(created(answer), TOPICS, NOW);
    expect(channel.expires).toBe(NOW + DAY);
  });

  it('fails when the answer has no channel id', async () => {
    const error = await failure(createChannel(created({ connectUri: CONNECT_URI }), TOPICS, NOW));
    expect(error).toBeInstanceOf(SessionError);
    expect(error.message).toBe(
      'Genesys Cloud answered the channel creation without an id and connectUri (HTTP 200)',
    );
  });

  it('fails when the answer has no connectUri', async () => {
    const error = await failure(createChannel(created({ id: ID }), TOPICS, NOW));
    expect(error.message).toBe(
      'Genesys Cloud answered the channel creation without an id and connectUri (HTTP 200)',
    );
  });

  it('fails naming the HTTP status when Genesys answers 404', async () => {
    const error = await failure(createChannel(answering({}), TOPICS, NOW));
    expect(error.message).toBe(
      'Genesys Cloud answered the channel creation without an id and connectUri (HTTP 404)',
    );
  });
});

describe('finding the expiry a subscription extended', () => {
  const channel = (): Channel => ({
    id: ID,
    connectUri: CONNECT_URI,
    expires: NOW + DAY,
    lifetimeMs: DAY,
    topics: TOPICS,
  });
  const subscribed = { status: 200, data: { entities: TOPICS.map((id) => ({ id })) } };
  const listing = (entities: unknown) =>
    answering({
      [`PUT /api/v2/notifications/channels/${ID}/subscriptions`]: subscribed,
      'GET /api/v2/notifications/channels': { status: 200, data: { entities } },
    });

  it("takes the channel's own entry of the channel list, not another channel's", async () => {
    const rest = listing([
      { id: 'streaming-5-0000000000000000000000000000000a', expires: '2026-11-25T12:00:00.000Z' },
      { id: ID, expires: '2026-11-26T11:00:02.000Z' },
    ]);
    const renewed = channel();
    expect(await subscribe(rest, renewed, NOW + 3_600_000)).toBe(Date.parse('2026-11-26T11:00:02.000Z'));
    expect(renewed.expires).toBe(Date.parse('2026-11-26T11:00:02.000Z'));
  });

  it("counts the channel's lifetime from now when the list does not name the channel", async () => {
    const rest = listing([
      { id: 'streaming-5-0000000000000000000000000000000a', expires: '2026-11-25T12:00:00.000Z' },
    ]);
    expect(await subscribe(rest, channel(), NOW + 3_600_000)).toBe(NOW + 3_600_000 + DAY);
  });

  it("counts the channel's lifetime from now when the channel list answers 404", async () => {
    const rest = answering({ [`PUT /api/v2/notifications/channels/${ID}/subscriptions`]: subscribed });
    expect(await subscribe(rest, channel(), NOW + 3_600_000)).toBe(NOW + 3_600_000 + DAY);
  });
});

describe('channels of the emulated org', () => {
  let emulator: GenesysCloudEmulator;
  let rest: GenesysRest;
  beforeEach(async () => {
    emulator = await startGenesysCloudEmulator({ queues: { [QUEUE_ID]: 'Billing' } });
    rest = restOn(emulator);
  });
  afterEach(async () => {
    await emulator.close();
  });

  it("resolves a subscription with the expiry the OAuth client's channel list gives", async () => {
    const channel = await createChannel(rest, TOPICS, Date.now());
    const expires = await subscribe(rest, channel, 0);
    const [listed] = emulator.channels();
    expect([listed!.topics, expires]).toEqual([TOPICS, Date.parse(listed!.expires)]);
    expect(emulator.counters.requests).toContain(
      'GET /api/v2/notifications/channels?includechannels=oauthclient',
    );
  });

  it('says a channel Genesys no longer has is gone and that a new one is made', async () => {
    const channel = await createChannel(rest, TOPICS, Date.now());
    emulator.controls.channelGone();
    const error = await failure(subscribe(rest, channel, Date.now()));
    expect(error).toBeInstanceOf(SessionError);
    expect(error.message).toBe(
      `the notification channel ${channel.id} is gone (expired, or evicted by a 21st channel of the same OAuth client); a new one is made`,
    );
  });

  it('names the permission a forbidden channel creation lacks', async () => {
    emulator.controls.failRest(403, { path: '/api/v2/notifications/channels' });
    const error = await failure(createChannel(rest, TOPICS, Date.now()));
    expect(error.message).toBe(
      'the Genesys Cloud API answered 403 (creating a notification channel): give the OAuth client a role with the notification channel creation (any role) permission',
    );
  });

  it('says which subscription the API could not make', async () => {
    const channel = await createChannel(rest, TOPICS, Date.now());
    emulator.controls.failRest(503, { path: '/subscriptions' });
    const error = await failure(subscribe(rest, channel, Date.now()));
    expect(error.message).toBe(
      `the Genesys Cloud API answered HTTP 503 (subscribing 2 topic(s) on channel ${channel.id})`,
    );
  });

  it('names the permission a forbidden channel listing lacks', async () => {
    const channel = await createChannel(rest, TOPICS, Date.now());
    emulator.controls.failRest(403, { path: /^\/api\/v2\/notifications\/channels$/ });
    const error = await failure(subscribe(rest, channel, Date.now()));
    expect(error.message).toBe(
      'the Genesys Cloud API answered 403 (reading the notification channels): give the OAuth client a role with the notification channel listing (any role) permission',
    );
  });
});
