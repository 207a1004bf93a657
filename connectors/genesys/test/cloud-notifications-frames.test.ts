// What the session makes of each text a notification WebSocket carries: events, the frames that only show
// the socket is alive, the two that end the channel, socket requests Genesys refused, and bad frames (whose
// reason the admin reads as the bad-frame detail).
import { describe, expect, it } from 'vitest';
import { readFrame } from '../src/cloud-notifications/frames.js';
import { CONVERSATION, QUEUE_ID } from './cloud-notifications-harness.js';

const read = (frame: unknown) => readFrame(JSON.stringify(frame));

describe('notification socket frames', () => {
  it('hands on a subscribed topic notification as an event', () => {
    const frame = {
      topicName: `v2.routing.queues.${QUEUE_ID}.conversations`,
      version: '2',
      metadata: { CorrelationId: '7f7f7f7f-0000-4000-8000-000000000101' },
      eventBody: { id: CONVERSATION, participants: [] },
    };
    expect(read(frame)).toEqual({ kind: 'event', message: frame });
  });

  it('takes a heartbeat as a sign of life, not an event', () => {
    expect(read({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } })).toEqual({
      kind: 'alive',
      what: 'heartbeat',
    });
  });

  it('takes the pong to a ping as a sign of life', () => {
    expect(read({ topicName: 'channel.metadata', eventBody: { message: 'pong' } })).toEqual({
      kind: 'alive',
      what: 'heartbeat',
    });
  });

  it('reads socket_closing as the channel closing for maintenance', () => {
    const frame = {
      topicName: 'v2.system.socket_closing',
      eventBody: {
        message: 'The socket will close shortly for maintenance',
        systemTopicType: 'socket_closing',
      },
    };
    expect(read(frame)).toEqual({ kind: 'closing' });
  });

  it('reads {"result":"404"} as the channel gone, saying why it may be', () => {
    expect(read({ result: '404', message: 'channel not found' })).toEqual({
      kind: 'gone',
      reason:
        'Genesys Cloud ended the notification channel (result 404: expired, evicted by a 21st channel, or its token expired)',
    });
  });

  it('reads a numeric result 404 the same way', () => {
    expect(read({ result: 404 })).toMatchObject({ kind: 'gone' });
  });

  it('takes a subscription answer (result 200) as a sign of life', () => {
    expect(read({ result: '200', status: 'subscribed' })).toEqual({
      kind: 'alive',
      what: 'subscription answer',
    });
  });

  it("reports a refused socket request with Genesys's own message", () => {
    expect(read({ result: '400', status: 'failure', message: 'invalid topic "v2.users"' })).toEqual({
      kind: 'refused',
      reason: 'Genesys Cloud answered a socket request with result 400: invalid topic "v2.users"',
    });
  });

  it('reports a refused socket request without a message by its result alone', () => {
    expect(read({ result: '400', status: 'error' })).toEqual({
      kind: 'refused',
      reason: 'Genesys Cloud answered a socket request with result 400',
    });
  });

  it("cuts Genesys's message of a refused request to 200 characters", () => {
    const message = `a channel holds at most 1000 topics, not 1001; ${'x'.repeat(300)}`;
    expect(read({ result: '400', message })).toEqual({
      kind: 'refused',
      reason: `Genesys Cloud answered a socket request with result 400: ${message.slice(0, 200)}`,
    });
  });

  it('calls a text that is not JSON a bad frame, quoting its start', () => {
    expect(readFrame('{"topicName": "v2.routing.queues.')).toEqual({
      kind: 'bad',
      reason: 'a notification frame is not JSON: "{\\"topicName\\": \\"v2.routing.queues."',
    });
  });

  it('quotes no more than the first 80 characters of a text that is not JSON', () => {
    const text = `<html>${'x'.repeat(200)}`;
    expect(readFrame(text)).toEqual({
      kind: 'bad',
      reason: `a notification frame is not JSON: "${text.slice(0, 80)}"`,
    });
  });

  it('calls JSON that is not an object a bad frame', () => {
    expect(readFrame('["ping"]')).toEqual({
      kind: 'bad',
      reason: 'a notification frame is not a JSON object',
    });
  });

  it('calls a topic without an eventBody a bad frame', () => {
    expect(read({ topicName: `v2.routing.queues.${QUEUE_ID}.conversations` })).toEqual({
      kind: 'bad',
      reason: 'a notification frame has neither topicName and eventBody nor result',
    });
  });

  it('calls an eventBody without a topic a bad frame', () => {
    expect(read({ eventBody: { id: CONVERSATION } })).toEqual({
      kind: 'bad',
      reason: 'a notification frame has neither topicName and eventBody nor result',
    });
  });
});
