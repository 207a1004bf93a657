// One emulated consumer or reader socket: writes Pulsar frames, reads the client's commands (ack,
// negativeAcknowledge, permit, isEndOfTopic), answers pings unless stalled, closes when the client has
// been silent for the idle timeout, and can close with Pulsar's own error codes (1–8), which `ws` will
// not send, so those go on the wire as a raw close frame.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Delivery, Endpoint, TopicCounters, TopicStore } from './pulsar-topic.js';

export interface ConnectionCounters extends TopicCounters {
  pings: number;
  pongs: number;
  idleTimeouts: number;
  commands: number;
}

export interface PulsarConnection {
  role: 'consumer' | 'reader';
  endpoint: Endpoint;
  ping(): void;
  sendText(text: string): void;
  closeWith(code: number, reason?: string): void;
  terminate(): void;
}

let nextId = 0;

export function openEndpoint(options: {
  ws: WebSocket;
  socket: Socket;
  role: 'consumer' | 'reader';
  queueSize: number;
  nackDelayMs: number;
  idleTimeoutMs: number;
  store: TopicStore;
  counters: ConnectionCounters;
  stalled(): boolean;
  duplicates(): boolean;
  onClose(): void;
}): PulsarConnection {
  const { ws, store, counters } = options;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const alive = () => {
    if (!options.idleTimeoutMs) return;
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      counters.idleTimeouts += 1;
      ws.close(1001, 'Idle Timeout');
    }, options.idleTimeoutMs);
  };
  const frame = (d: Delivery) =>
    JSON.stringify({
      messageId: d.message.messageId,
      payload: d.message.payload,
      properties: d.message.properties,
      publishTime: d.message.publishTime,
      redeliveryCount: d.redeliveryCount,
    });
  const sendText = (text: string) => {
    if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const endpoint: Endpoint = {
    id: `endpoint-${++nextId}`,
    queueSize: options.queueSize,
    nackDelayMs: options.nackDelayMs,
    unacked: new Map(),
    send(delivery) {
      sendText(frame(delivery));
      if (options.duplicates()) {
        counters.redeliveries += 1;
        sendText(frame({ ...delivery, redeliveryCount: delivery.redeliveryCount + 1 }));
      }
    },
  };
  // Pulsar's 1–8 are below RFC 6455's range: written as a raw close frame, then the socket ends.
  const rawClose = (code: number, reason: string) => {
    const text = Buffer.from(reason).subarray(0, 120);
    const payload = Buffer.concat([Buffer.from([(code >> 8) & 0xff, code & 0xff]), text]);
    options.socket.write(Buffer.concat([Buffer.from([0x88, payload.length]), payload]));
    options.socket.end();
    setTimeout(() => options.socket.destroy(), 100).unref();
  };

  alive();
  ws.on('message', (data) => {
    alive();
    counters.commands += 1;
    let command: { type?: unknown; messageId?: unknown };
    try {
      command = JSON.parse(data.toString());
    } catch {
      return rawClose(3, 'Failed to deserialize from JSON');
    }
    if (command.type === 'isEndOfTopic') return sendText(JSON.stringify({ endOfTopic: 'false' }));
    if (command.type === 'permit') return;
    if (typeof command.messageId !== 'string') return;
    if (command.type === 'negativeAcknowledge') {
      if (options.role === 'consumer') store.nack(endpoint, command.messageId);
    } else if (command.type === undefined) store.ack(endpoint, command.messageId);
  });
  ws.on('ping', (data) => {
    alive();
    counters.pings += 1;
    if (!options.stalled()) ws.pong(data);
  });
  ws.on('pong', () => {
    alive();
    counters.pongs += 1;
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    if (idle) clearTimeout(idle);
    store.detach(endpoint);
    options.onClose();
  });

  return {
    role: options.role,
    endpoint,
    ping: () => ws.readyState === ws.OPEN && ws.ping('PING'),
    sendText,
    closeWith(code, reason = '') {
      if (code >= 1000) {
        try {
          ws.close(code, reason);
          return;
        } catch {
          // not a code ws sends: raw, as for Pulsar's own
        }
      }
      rawClose(code, reason);
    },
    terminate: () => ws.terminate(),
  };
}
