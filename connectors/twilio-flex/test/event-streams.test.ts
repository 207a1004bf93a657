// Event Streams' CloudEvents beyond the fixtures: where the event's SID and time come from, how a batch is
// named for de-duplication, what is refused, and what an all-ignored batch says.
import { eventStreams, parseBatch, batchId } from '../src/event-streams.js';
import { describe, expect, it } from 'vitest';
import { outcomeOf, recorded, signedRequest } from './fixtures.js';

const BATCH = 'event-streams/batch.json';
const ACCEPTED = 'event-streams/reservation-accepted.json';
// biome-ignore lint/suspicious/noExplicitAny: fixture bodies are free-form JSON that tests edit in place
const acceptedEvent = (): any => (recorded(ACCEPTED).body as unknown[])[0];

async function reasonOf(req: ReturnType<typeof signedRequest>) {
  const outcome = await outcomeOf(req);
  return [outcome.answer.status, 'reason' in outcome ? outcome.reason : outcome.kind];
}

describe('the event SID and time', () => {
  it('takes the SID from data.sid when the payload has none', () => {
    const event = acceptedEvent();
    event.data.payload.sid = null;
    event.data.sid = 'EV00000000000000000000000000000001';
    const [parsed] = parseBatch([event]);
    expect([parsed!.id, parsed!.event!.sid]).toEqual([
      'EV00000000000000000000000000000001',
      'EV00000000000000000000000000000001',
    ]);
  });

  it("takes the id from the CloudEvent's own id when neither payload nor data has a SID", () => {
    const event = acceptedEvent();
    event.data.payload.sid = null;
    event.data.sid = '';
    const [parsed] = parseBatch([event]);
    expect([parsed!.id, parsed!.event!.sid]).toEqual([event.id, undefined]);
  });

  it('has no id when the CloudEvent names none at all', () => {
    const [parsed] = parseBatch([{ type: 'com.twilio.eventstreams.test-event' }]);
    expect(parsed).toEqual({ type: 'com.twilio.eventstreams.test-event' });
  });

  it("takes the event time from data.timestamp when the payload's is missing", () => {
    const event = acceptedEvent();
    event.data.payload.timestamp = null;
    event.data.timestamp = '2026-11-25T12:00:05.000Z';
    expect(parseBatch([event])[0]!.event!.eventTime).toBe('2026-11-25T12:00:05.000Z');
  });

  it('leaves the event time out when the timestamp is not a date', () => {
    const event = acceptedEvent();
    event.data.payload.timestamp = 'yesterday';
    event.data.timestamp = null;
    expect(parseBatch([event])[0]!.event).not.toHaveProperty('eventTime', expect.anything());
  });

  it('names the event type after the com.twilio.taskrouter. prefix', () => {
    expect(parseBatch([acceptedEvent()])[0]!.event!.eventType).toBe('reservation.accepted');
  });
});

describe('the batch id', () => {
  it('is the id of a batch of one', () => {
    expect(batchId([{ type: 't', id: 'EV1' }])).toBe('EV1');
  });

  it('is none for an empty batch', () => {
    expect(batchId([])).toBeUndefined();
  });

  it('is none when one event of the batch has no id', () => {
    expect(batchId([{ type: 't', id: 'EV1' }, { type: 't' }])).toBeUndefined();
  });

  it('is a digest of the ids, in order', () => {
    const ab = batchId([
      { type: 't', id: 'EV1' },
      { type: 't', id: 'EV2' },
    ]);
    const ba = batchId([
      { type: 't', id: 'EV2' },
      { type: 't', id: 'EV1' },
    ]);
    expect(ab).toBe('batch-27124c431eb7a0eb0d99b9567dace4be');
    expect(ba).not.toBe(ab);
  });
});

describe('refusals', () => {
  it('refuses a CloudEvent without type with 400 naming it', async () => {
    const req = signedRequest(BATCH, (batch) => {
      delete batch[1].type;
    });
    expect(await reasonOf(req)).toEqual([
      400,
      'the Event Streams batch is not as expected at 1.type: type is required',
    ]);
  });

  it('refuses a CloudEvent with an empty type with 400 naming it', async () => {
    const req = signedRequest(BATCH, (batch) => {
      batch[1].type = '';
    });
    expect(await reasonOf(req)).toEqual([
      400,
      'the Event Streams batch is not as expected at 1.type: type must not be empty',
    ]);
  });

  it('refuses a TaskRouter CloudEvent without data.payload, naming the event', async () => {
    const req = signedRequest(BATCH, (batch) => {
      batch[2].data.payload = null;
    });
    expect(await reasonOf(req)).toEqual([
      400,
      'event 2 (com.twilio.taskrouter.reservation.completed) has no data.payload',
    ]);
  });
});

describe('a batch with nothing to deliver', () => {
  it('gives every reason once, in order', async () => {
    const req = signedRequest(BATCH, (batch) => {
      batch[0].type = 'com.twilio.taskrouter.task.created';
      batch[1].type = 'com.twilio.eventstreams.test-event';
      batch[2].type = 'com.twilio.taskrouter.task.created';
    });
    expect(await reasonOf(req)).toEqual([
      200,
      'task.created carries no worker yet; the pop comes with reservation.created/accepted; com.twilio.eventstreams.test-event is not a TaskRouter event',
    ]);
  });
});

describe('detection', () => {
  const detect = (body: unknown) =>
    eventStreams.detect!({
      method: 'POST',
      url: 'https://oc.example.com/webhooks/twilio-flex',
      headers: { 'content-type': 'application/json' },
      query: {},
      rawBody: Buffer.from(JSON.stringify(body)),
    });

  it('knows a single CloudEvent and a batch by a com.twilio. type', () => {
    expect([
      detect({ type: 'com.twilio.taskrouter.task.created' }),
      detect([{ type: 'com.twilio.x' }]),
    ]).toEqual([true, true]);
  });

  it('leaves other JSON alone', () => {
    expect([detect({ type: 'com.example.event' }), detect([{ type: 7 }]), detect([]), detect(null)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('keys of a batch with an event without SID', () => {
  it('keys the events that have one and leaves the other unkeyed', async () => {
    const req = signedRequest(BATCH, (batch) => {
      batch[2].data.payload.sid = null;
      batch[2].data.sid = null;
      delete batch[2].id;
    });
    const outcome = await outcomeOf(req);
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey ?? null)).toEqual([
      'twilio-flex/event-streams/EVaa520fbab06b9f3d6d52854700dec1c6',
      null,
    ]);
  });
});
