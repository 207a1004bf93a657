// The Pulsar WebSocket protocol as the consumer reads and writes it, one behaviour each, without a socket:
// which frames are messages, control frames or unreadable, what an ack and a negative ack look like, how a
// refused upgrade and a closed socket are reported, where the consumer connects and how long a ping waits.
import { describe, expect, it } from 'vitest';
import { pongTimeout } from '../src/pulsar/consumer.js';
import { ack, nack, readFrame } from '../src/pulsar/frames.js';
import { describeEnd, refusal } from '../src/pulsar/socket.js';
import { consumerUrl, streamBase, topicName } from '../src/pulsar/url.js';

const message = {
  messageId: 'CAcQFQ==',
  payload: 'eyJBZ2VudFN0YXR1c0NoYW5nZSI6e319',
  properties: {},
  publishTime: '2026-11-25T10:15:02.412Z',
  redeliveryCount: 0,
};

describe('readFrame', () => {
  it('reads a Pulsar message as it was sent', () => {
    expect(readFrame(JSON.stringify(message))).toEqual({ kind: 'message', frame: message });
  });

  it('names a control frame by its type, or by endOfTopic', () => {
    expect(readFrame('{"type":"isEndOfTopic"}')).toEqual({ kind: 'control', what: 'isEndOfTopic' });
    expect(readFrame('{"endOfTopic":false}')).toEqual({ kind: 'control', what: 'endOfTopic false' });
  });

  it('calls text that is not JSON unreadable, quoting at most 80 characters of it', () => {
    expect(readFrame('{"messageId": "CAcQ')).toEqual({
      kind: 'bad',
      reason: 'the event stream sent a frame that is not JSON: "{\\"messageId\\": \\"CAcQ"',
    });
    const long = `{${'x'.repeat(100)}`;
    expect(readFrame(long)).toEqual({
      kind: 'bad',
      reason: `the event stream sent a frame that is not JSON: "${long.slice(0, 80)}…"`,
    });
    const exactly80 = `{${'x'.repeat(79)}`;
    expect(readFrame(exactly80)).toEqual({
      kind: 'bad',
      reason: `the event stream sent a frame that is not JSON: "${exactly80}"`,
    });
  });

  it.each(['[]', '[{"messageId":"CAcQFQ=="}]', 'null', '42', '"CAcQFQ=="'])(
    'calls JSON that is not an object (%s) unreadable',
    (text) => {
      expect(readFrame(text)).toEqual({
        kind: 'bad',
        reason: `the event stream sent a frame that is not a JSON object: ${JSON.stringify(text)}`,
      });
    },
  );

  it.each([{ payload: 'e30=' }, { messageId: '', payload: 'e30=' }, { messageId: 7, payload: 'e30=' }])(
    'refuses a message without a string messageId (%j): it cannot be acknowledged',
    (frame) => {
      expect(readFrame(JSON.stringify(frame))).toEqual({
        kind: 'bad',
        reason: 'the event stream sent a frame without a messageId; it cannot be acknowledged',
      });
    },
  );
});

describe('acknowledgements', () => {
  it('acknowledges with the messageId alone, and hands back with a negativeAcknowledge', () => {
    expect(JSON.parse(ack('CAcQFQ=='))).toEqual({ messageId: 'CAcQFQ==' });
    expect(JSON.parse(nack('CAcQFQ=='))).toEqual({ type: 'negativeAcknowledge', messageId: 'CAcQFQ==' });
  });
});

describe('describeEnd', () => {
  it('a 1000 or 1001 close is an orderly end, with the reason when there is one', () => {
    expect(describeEnd(1000, '')).toEqual({ clean: true, reason: '8x8 closed the event stream (1000)' });
    expect(describeEnd(1001, 'going away')).toEqual({
      clean: true,
      reason: '8x8 closed the event stream (1001: going away)',
    });
  });

  it('a 1006 is a dropped connection; any other code is a failure', () => {
    expect(describeEnd(1006, '')).toEqual({
      clean: false,
      reason: 'the event stream connection dropped without a close frame',
    });
    expect(describeEnd(1011, '')).toEqual({ clean: false, reason: '8x8 closed the event stream (1011)' });
    expect(describeEnd(1002, 'protocol error')).toEqual({
      clean: false,
      reason: '8x8 closed the event stream (1002: protocol error)',
    });
  });

  it("names each of Pulsar's own close codes, and one it does not document", () => {
    expect(describeEnd(1002, '', 6)).toEqual({
      clean: false,
      reason: '8x8 closed the event stream with Pulsar error 6 (Client is not authorized)',
    });
    expect(describeEnd(1000, '', 1).reason).toBe(
      '8x8 closed the event stream with Pulsar error 1 (Failed to create producer)',
    );
    expect(describeEnd(1000, '', 3).reason).toContain('(Failed to deserialize from JSON)');
    expect(describeEnd(1000, '', 4).reason).toContain('(Failed to serialize to JSON)');
    expect(describeEnd(1000, '', 7).reason).toContain('(Invalid payload encoding)');
    expect(describeEnd(1000, '', 9)).toEqual({
      clean: false,
      reason: '8x8 closed the event stream with Pulsar error 9 (unknown Pulsar error)',
    });
  });
});

describe('refusal of the upgrade', () => {
  const names = { tenant: 'acme01', topic: 'all', subscription: 'openconnect-runner' };

  it('a 404 names the topic and the options to check, and fails the credentials', () => {
    const error = refusal(404, {}, names);
    expect([error.message, error.failed]).toEqual([
      '8x8 has no event topic acme01/event-v1/all (HTTP 404): check streamTenant and streamTopic',
      true,
    ]);
  });

  it('a 403 names the topic it may not read', () => {
    expect(refusal(403, {}, { ...names, topic: 'InteractionAccepted' }).message).toBe(
      '8x8 does not let streamApiKey read acme01/event-v1/InteractionAccepted (HTTP 403): the Admin Console app needs the "Pulsar Event Stream" product; check streamTenant and streamTopic',
    );
  });

  it('a 400 names the consumer options, and fails', () => {
    const error = refusal(400, {}, names);
    expect([error.message, error.failed]).toEqual([
      '8x8 refused the consumer options (HTTP 400): check streamSubscription, streamSubscriptionType and streamReceiverQueueSize',
      true,
    ]);
  });

  it('a 409 (Exclusive subscription held) is retried, not failed', () => {
    const error = refusal(409, {}, { ...names, subscription: 'crm-pops' });
    expect(error.failed).toBe(false);
    expect(error.message).toBe(
      'another consumer holds subscription crm-pops (HTTP 409, Exclusive): it is freed when that consumer disconnects; Failover lets a second one wait instead',
    );
  });

  it('a 429 waits as Retry-After says, 5 s without one', () => {
    expect(refusal(429, { 'retry-after': '12' }, names)).toMatchObject({
      message: '8x8 rate-limited the event-stream connection (HTTP 429)',
      failed: false,
      retryAfterMs: 12_000,
    });
    expect(refusal(429, {}, names).retryAfterMs).toBe(5_000);
  });

  it('any other status is retried, naming it', () => {
    const error = refusal(502, {}, names);
    expect([error.message, error.failed, error.retryAfterMs]).toEqual([
      'the event stream refused the connection (HTTP 502)',
      false,
      undefined,
    ]);
  });
});

describe('where the consumer connects', () => {
  const settings = {
    streamTenant: 'acme01',
    streamTopic: 'all',
    streamSubscription: 'openconnect-runner',
    streamSubscriptionType: 'Failover' as const,
    streamReceiverQueueSize: 1000,
  };

  it('takes streamUrl over the region, without its trailing slashes', () => {
    expect(streamBase({ streamRegion: 'usw2', streamUrl: 'wss://relay.example.com:8443//' })).toBe(
      'wss://relay.example.com:8443',
    );
    expect(streamBase({ streamRegion: 'usw2' })).toBe('wss://pulsar-ws-usw2.8x8.com');
    expect(streamBase({})).toBeUndefined();
  });

  it('names the topic as Pulsar does', () => {
    expect(topicName({ streamTenant: 'acme01', streamTopic: 'InteractionAccepted' })).toBe(
      'persistent://acme01/event-v1/InteractionAccepted',
    );
  });

  it('sends a negative-ack delay of 0 when it is set to 0', () => {
    expect(consumerUrl({ ...settings, streamRegion: 'euw2', streamNegativeAckRedeliveryDelayMs: 0 })).toBe(
      'wss://pulsar-ws-euw2.8x8.com/ws/v2/consumer/persistent/acme01/event-v1/all/openconnect-runner?subscriptionType=Failover&receiverQueueSize=1000&negativeAckRedeliveryDelay=0',
    );
  });

  it('encodes a tenant name that is not a plain path segment', () => {
    expect(consumerUrl({ ...settings, streamTenant: 'acme 01', streamRegion: 'euw2' })).toContain(
      '/persistent/acme%2001/event-v1/all/openconnect-runner?',
    );
  });

  it('refuses to build a URL without a tenant or without a host', () => {
    const message = 'streamTenant and streamRegion (or streamUrl) are required';
    expect(() => consumerUrl({ ...settings, streamTenant: undefined, streamRegion: 'euw2' })).toThrow(
      message,
    );
    expect(() => consumerUrl({ ...settings, streamTenant: '', streamRegion: 'euw2' })).toThrow(message);
    expect(() => consumerUrl(settings)).toThrow(message);
  });
});

describe('pongTimeout', () => {
  it('waits a quarter of the idle timeout, at least 50 ms and at most 10 s', () => {
    expect(pongTimeout(60_000)).toBe(10_000);
    expect(pongTimeout(40_000)).toBe(10_000);
    expect(pongTimeout(40_004)).toBe(10_000);
    expect(pongTimeout(1_500)).toBe(375);
    expect(pongTimeout(1_502)).toBe(375);
    expect(pongTimeout(200)).toBe(50);
    expect(pongTimeout(204)).toBe(51);
  });
});
