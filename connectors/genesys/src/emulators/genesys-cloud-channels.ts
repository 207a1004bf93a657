// The notification side of the Genesys Cloud emulator: channels (20 per client, the least recently used
// evicted, unconnected first), their topics (1,000 each; subscribing again extends the channel), one
// WebSocket per channel with heartbeats, pong and socket subscriptions, and the faults tests need.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

export interface ChannelCounters {
  channelsCreated: number;
  /** Subscriptions of a channel that had topics already (what extends it). */
  renewals: number;
  /** Channels that expired while a socket was still connected: not renewed in time. */
  expirations: number;
  socketsOpened: number;
}

export interface ChannelOptions {
  lifetimeMs: number;
  heartbeatIntervalMs: number;
  maxChannels: number;
  maxTopics: number;
  counters: ChannelCounters;
}

interface Channel {
  id: string;
  expires: number;
  topics: Set<string>;
  lastUsed: number;
  socket?: WebSocket;
  heartbeat?: ReturnType<typeof setInterval>;
}

const TOPIC = /^(v2\.[A-Za-z0-9_.{}-]+|channel\.metadata)$/;
const json = (value: unknown) => JSON.stringify(value);
const HEARTBEAT = json({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } });
const PONG = json({ topicName: 'channel.metadata', eventBody: { message: 'pong' } });
const GONE = json({ result: '404', message: 'channel not found' });

export function createChannels(options: ChannelOptions) {
  const channels = new Map<string, Channel>();
  const wss = new WebSocketServer({ noServer: true });
  let stalled = false;
  let duplicates = false;
  let wsBase = '';

  const connected = (channel: Channel) => channel.socket?.readyState === 1;
  const describe = (channel: Channel) => ({
    id: channel.id,
    connectUri: `${wsBase}/channels/${channel.id}`,
    expires: new Date(channel.expires).toISOString(),
  });

  function detach(channel: Channel, code?: number) {
    if (channel.heartbeat) clearInterval(channel.heartbeat);
    channel.heartbeat = undefined;
    const socket = channel.socket;
    channel.socket = undefined;
    if (socket && code !== undefined) socket.close(code);
  }

  function remove(channel: Channel, notice?: string) {
    if (notice && connected(channel)) channel.socket!.send(notice);
    detach(channel, 1000);
    channels.delete(channel.id);
  }

  function subscribe(channel: Channel, topics: string[], replace: boolean): string | undefined {
    const bad = topics.find((topic) => typeof topic !== 'string' || !TOPIC.test(topic));
    if (bad !== undefined) return `invalid topic ${JSON.stringify(bad)}`;
    const next = new Set(replace ? topics : [...channel.topics, ...topics]);
    if (next.size > options.maxTopics)
      return `a channel holds at most ${options.maxTopics} topics, not ${next.size}`;
    if (channel.topics.size > 0) options.counters.renewals += 1;
    channel.topics = next;
    channel.expires = Date.now() + options.lifetimeMs;
    channel.lastUsed = Date.now();
    return undefined;
  }

  function attach(channel: Channel, socket: WebSocket) {
    if (channel.socket) detach(channel, 4000); // one connection per channel: the newer wins
    options.counters.socketsOpened += 1;
    channel.socket = socket;
    channel.lastUsed = Date.now();
    channel.heartbeat = setInterval(() => {
      if (!stalled && socket.readyState === 1) socket.send(HEARTBEAT);
    }, options.heartbeatIntervalMs);
    socket.on('message', (data) => {
      let message: { message?: unknown; topics?: unknown; correlationId?: unknown };
      try {
        message = JSON.parse(data.toString());
      } catch {
        return socket.send(json({ result: '400', status: 'error', message: 'the message is not JSON' }));
      }
      if (stalled) return;
      if (message.message === 'ping') return socket.send(PONG);
      if (message.message === 'subscribe' && Array.isArray(message.topics)) {
        const problem = subscribe(channel, message.topics as string[], false);
        return socket.send(
          json(
            problem
              ? { result: '400', status: 'failure', message: problem }
              : { result: '200', status: 'subscribed' },
          ),
        );
      }
      socket.send(json({ result: '400', status: 'error', message: 'unknown message' }));
    });
    socket.on('close', () => {
      if (channel.socket === socket) detach(channel);
    });
  }

  // Channels that ran out: a connected one counts as an expiration (the client did not renew in time).
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const channel of [...channels.values()]) {
      if (channel.expires > now) continue;
      if (connected(channel)) options.counters.expirations += 1;
      remove(channel);
    }
  }, 20);

  return {
    setBase(url: string) {
      wsBase = url;
    },
    create() {
      if (channels.size >= options.maxChannels) {
        const [evicted] = [...channels.values()].sort(
          (a, b) => Number(connected(a)) - Number(connected(b)) || a.lastUsed - b.lastUsed,
        );
        if (evicted) remove(evicted, GONE);
      }
      const channel: Channel = {
        id: randomUUID(),
        expires: Date.now() + options.lifetimeMs,
        topics: new Set(),
        lastUsed: Date.now(),
      };
      channels.set(channel.id, channel);
      options.counters.channelsCreated += 1;
      return describe(channel);
    },
    exists: (id: string) => channels.has(id),
    list: () => [...channels.values()].map(describe),
    topics: (id: string) => (channels.has(id) ? [...channels.get(id)!.topics] : undefined),
    subscribe(id: string, topics: string[], replace: boolean) {
      const channel = channels.get(id);
      return channel ? subscribe(channel, topics, replace) : 'gone';
    },
    unsubscribe(id: string) {
      const channel = channels.get(id);
      if (channel) channel.topics = new Set();
      return Boolean(channel);
    },
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      const id = /^\/channels\/([^/?]+)/.exec(req.url ?? '')?.[1];
      const channel = id ? channels.get(id) : undefined;
      if (!channel) {
        socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => attach(channel, ws));
    },
    /** Sends a notification to every connected channel subscribed to the topic; how many got it. */
    push(topicName: string, eventBody: unknown) {
      const frame = json({ topicName, version: '2', metadata: { CorrelationId: randomUUID() }, eventBody });
      let sent = 0;
      for (const channel of channels.values()) {
        if (!connected(channel) || !channel.topics.has(topicName)) continue;
        for (let copy = 0; copy < (duplicates ? 2 : 1); copy++) channel.socket!.send(frame);
        sent += 1;
      }
      return sent;
    },
    sendRaw(text: string) {
      for (const channel of channels.values()) if (connected(channel)) channel.socket!.send(text);
    },
    duplicates(on: boolean) {
      duplicates = on;
    },
    stall(on: boolean) {
      stalled = on;
    },
    socketClosing(closeAfterMs: number) {
      const warning = json({
        topicName: 'v2.system.socket_closing',
        eventBody: {
          message: 'The socket will close shortly for maintenance',
          systemTopicType: 'socket_closing',
        },
      });
      for (const channel of channels.values()) {
        if (!connected(channel)) continue;
        const socket = channel.socket!;
        socket.send(warning);
        setTimeout(() => socket.close(1001, 'maintenance'), closeAfterMs);
      }
    },
    channelGone() {
      for (const channel of [...channels.values()]) remove(channel, GONE);
    },
    drop() {
      for (const channel of channels.values()) channel.socket?.terminate();
    },
    expireAll() {
      for (const channel of channels.values()) channel.expires = Date.now();
    },
    close() {
      clearInterval(sweeper);
      for (const channel of channels.values()) {
        channel.socket?.terminate();
        detach(channel);
      }
      channels.clear();
      wss.close();
    },
  };
}

export type EmulatedChannels = ReturnType<typeof createChannels>;
