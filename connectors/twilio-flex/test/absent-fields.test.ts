// Fields Twilio leaves out or sends as null (Event Streams sends null for whatever does not apply; a
// callback omits what it does not know): the event still maps, or is refused naming what is missing.
import { InputError } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { parseBatch } from '../src/event-streams.js';
import { outcomeOf, signedRequest } from './fixtures.js';

const STREAM = 'event-streams/reservation-accepted.json';
const CALLBACK = 'taskrouter/reservation-accepted.json';

async function mapped(req: ReturnType<typeof signedRequest>) {
  const outcome = await outcomeOf(req);
  if (outcome.kind !== 'accepted')
    throw new Error(`${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome.messages[0]!;
}

describe('Event Streams', () => {
  it('refuses a TaskRouter CloudEvent without data, naming the event and the path', () => {
    let error: unknown;
    try {
      parseBatch([{ type: 'com.twilio.taskrouter.reservation.accepted' }]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect([(error as InputError).message, (error as InputError).path]).toEqual([
      'event 0 (com.twilio.taskrouter.reservation.accepted) has no data.payload',
      '0.data.payload',
    ]);
  });

  it('maps an event whose worker_attributes and task_attributes are null', async () => {
    const message = await mapped(
      signedRequest(STREAM, (batch) => {
        batch[0].data.payload.worker_attributes = null;
        batch[0].data.payload.task_attributes = null;
      }),
    );
    expect([message.agentid, Object.keys(message.props).filter((key) => key.startsWith('task.'))]).toEqual([
      'ann.veal@example.com',
      [],
    ]);
  });

  it('maps an event whose resource_type is null', async () => {
    const message = await mapped(
      signedRequest(STREAM, (batch) => {
        batch[0].data.payload.resource_type = null;
      }),
    );
    expect(message.lifecycle).toBe('answered');
  });

  it("prefers the payload's timestamp to the CloudEvent data's", async () => {
    const message = await mapped(
      signedRequest(STREAM, (batch) => {
        batch[0].data.payload.timestamp = '2026-11-25T12:00:01.000Z';
        batch[0].data.timestamp = '2026-11-25T12:00:09.000Z';
      }),
    );
    expect(message.props.eventTime).toBe('2026-11-25T12:00:01.000Z');
  });

  it('names the event and field of bad worker_attributes', async () => {
    const outcome = await outcomeOf(
      signedRequest(STREAM, (batch) => {
        batch[0].data.payload.worker_attributes = '[1]';
      }),
    );
    expect('reason' in outcome && outcome.reason).toBe(
      'event 0 data.payload.worker_attributes must be a JSON object, got an array',
    );
  });
});

describe('the TaskRouter callback', () => {
  it('maps a callback without ResourceType', async () => {
    const message = await mapped(
      signedRequest(CALLBACK, (body) => {
        delete body.ResourceType;
      }),
    );
    expect(message.props.reservationSid).toBe('WR0f1e2d3c4b5a69788796a5b4c3d2e1f0');
  });

  it('takes empty TaskAttributes for none and still maps', async () => {
    const message = await mapped(
      signedRequest(CALLBACK, (body) => {
        body.TaskAttributes = '';
      }),
    );
    expect(Object.keys(message.props).filter((key) => key.startsWith('task.'))).toEqual([]);
  });
});
