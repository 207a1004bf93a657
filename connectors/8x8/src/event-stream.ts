// 8x8 Event Streaming held by the runner itself: a Pulsar WebSocket consumer on the tenant's event topic
// with a durable subscription, so no relay is needed and events that arrive while the runner is away wait
// on 8x8's side. Each frame is mapped exactly as the `event-streaming` webhook source maps a relay's;
// its messageId is the event id, so a redelivered frame is stored once.
import { defineSubscription } from '@openconnect/core';
import { type C8x8Config, type C8x8Services, wantsEventStream } from './config.js';
import { holdConsumer } from './pulsar/consumer.js';
import type { PulsarFrame } from './pulsar/frames.js';
import { eventStreaming, PLATFORM, parseStreamValue, type StreamEvent } from './stream.js';

export const eventStream = defineSubscription<StreamEvent, C8x8Config, C8x8Services, PulsarFrame>({
  id: 'event-stream',
  description:
    '8x8 Event Streaming read by the runner (Pulsar WebSocket consumer, durable subscription, X-API-Key): every event acknowledged once stored',
  platforms: [PLATFORM],
  enabled: wantsEventStream,
  connect: holdConsumer,
  parse: parseStreamValue,
  eventId: eventStreaming.eventId,
  stateWrites: eventStreaming.stateWrites,
  map: eventStreaming.map,
});
