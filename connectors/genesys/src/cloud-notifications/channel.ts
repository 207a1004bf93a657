// Notification channels over REST: create one (POST /api/v2/notifications/channels → {id, connectUri,
// expires}), subscribe its topics (PUT .../subscriptions replaces the list), and renew it before it
// expires: subscribing again extends the channel, and the channel list says until when.
import { SessionError } from '@openconnect/core';
import type { GenesysRest } from './rest.js';

export interface Channel {
  id: string;
  connectUri: string;
  /** Epoch ms. */
  expires: number;
  /** How long Genesys granted it for, kept for renewals whose answer carries no expiry. */
  lifetimeMs: number;
  topics: string[];
}

// Genesys documents a 24 h channel; used when an answer carries no expiry of its own.
const CHANNEL_LIFETIME_MS = 24 * 60 * 60 * 1000;
const SUBSCRIBE_PERMISSION =
  'view permissions of the subscribed topics (Routing > Queue > View for queue topics; Conversation > Communication > View; Directory > User > View for user topics)';

const gone = (id: string) =>
  new SessionError(
    `the notification channel ${id} is gone (expired, or evicted by a 21st channel of the same OAuth client); a new one is made`,
  );

const expiry = (value: unknown, fallback: number) => {
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(at) ? at : fallback;
};

export async function createChannel(rest: GenesysRest, topics: string[], now: number): Promise<Channel> {
  const answer = await rest.call<{ id?: unknown; connectUri?: unknown; expires?: unknown }>(
    'POST',
    '/api/v2/notifications/channels',
    { what: 'creating a notification channel', permission: 'notification channel creation (any role)' },
  );
  // A 404 comes with Genesys's error body, which has neither.
  const { id, connectUri, expires } = answer.data ?? {};
  if (typeof id !== 'string' || typeof connectUri !== 'string')
    throw new SessionError(
      `Genesys Cloud answered the channel creation without an id and connectUri (HTTP ${answer.status})`,
    );
  const until = expiry(expires, now + CHANNEL_LIFETIME_MS);
  return { id, connectUri, expires: until, lifetimeMs: Math.max(until - now, 1_000), topics };
}

/** Subscribes (again) every topic of the channel; resolves with the channel's new expiry. */
export async function subscribe(rest: GenesysRest, channel: Channel, now: number): Promise<number> {
  const path = `/api/v2/notifications/channels/${encodeURIComponent(channel.id)}/subscriptions`;
  const answer = await rest.call('PUT', path, {
    what: `subscribing ${channel.topics.length} topic(s) on channel ${channel.id}`,
    permission: SUBSCRIBE_PERMISSION,
    body: channel.topics.map((id) => ({ id })),
  });
  if (answer.status === 404) throw gone(channel.id);
  // The subscription answer lists topics only; the channel list carries the extended expiry.
  const list = await rest.call<{ entities?: { id?: unknown; expires?: unknown }[] }>(
    'GET',
    '/api/v2/notifications/channels',
    {
      what: 'reading the notification channels',
      permission: 'notification channel listing (any role)',
      query: { includechannels: 'oauthclient' },
    },
  );
  // A 404 comes with Genesys's error body, which lists no entities.
  const listed = list.data.entities?.find((entry) => entry.id === channel.id);
  channel.expires = expiry(listed?.expires, now + channel.lifetimeMs);
  return channel.expires;
}
