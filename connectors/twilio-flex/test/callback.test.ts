// TaskRouter's Workspace callback beyond the fixtures: which bodies are callbacks, the event's id without
// a Sid, the resource SID standing in for a missing one, and attributes that are not objects.
import { describe, expect, it } from 'vitest';
import { callbackId, taskrouter } from '../src/taskrouter.js';
import { outcomeOf, signedRequest } from './fixtures.js';

const ACCEPTED = 'taskrouter/reservation-accepted.json';
const STATE = 'taskrouter/worker-activity-update.json';
const CANCELED = 'taskrouter/task-canceled-with-worker.json';

type Edit = (body: Record<string, string>) => void;

async function answerOf(fixture: string, edit: Edit) {
  const outcome = await outcomeOf(signedRequest(fixture, edit));
  if (outcome.kind === 'accepted') return outcome.messages[0]!.props;
  return [outcome.answer.status, 'reason' in outcome ? outcome.reason : outcome.kind];
}

describe('detection', () => {
  const detect = (body: string) =>
    taskrouter.detect!({
      method: 'POST',
      url: 'https://oc.example.com/webhooks/twilio-flex',
      headers: {},
      query: {},
      rawBody: Buffer.from(body),
    });

  it('knows a form body by its EventType parameter', () => {
    expect([detect('EventType=task.created&TaskSid=WT1'), detect('TaskSid=WT1')]).toEqual([true, false]);
  });

  it('leaves JSON alone, even when one of its strings holds &EventType=', () => {
    expect([
      detect('{"note":"&EventType=task.created"}'),
      detect('[{"note":"&EventType=task.created"}]'),
      detect('  {"note":"&EventType=task.created"}'),
    ]).toEqual([false, false, false]);
  });
});

describe('the event id', () => {
  it('is the Sid when there is one', () => {
    expect(callbackId({ eventType: 'task.created', sid: 'EV1', resourceSid: 'WT1', timestamp: '1' })).toBe(
      'EV1',
    );
  });

  it('is EventType/ResourceSid/Timestamp without a Sid', () => {
    expect(callbackId({ eventType: 'task.created', resourceSid: 'WT1', timestamp: '1764072000' })).toBe(
      'task.created/WT1/1764072000',
    );
  });

  it('is none without a Sid and without either the resource or the time', () => {
    expect([
      callbackId({ eventType: 'task.created', timestamp: '1764072000' }),
      callbackId({ eventType: 'task.created', resourceSid: 'WT1' }),
    ]).toEqual([undefined, undefined]);
  });

  it('uses Timestamp (seconds) when a callback without Sid has no TimestampMs', async () => {
    const outcome = await outcomeOf(
      signedRequest(ACCEPTED, (body) => {
        delete body.Sid;
        delete body.TimestampMs;
      }),
    );
    expect('eventId' in outcome && outcome.eventId).toBe(
      'reservation.accepted/WR0f1e2d3c4b5a69788796a5b4c3d2e1f0/1764072000',
    );
  });
});

describe('the resource SID', () => {
  it('stands in for the WorkerSid of a worker event', async () => {
    const props = await answerOf(STATE, (body) => {
      body.ResourceType = 'worker';
      body.ResourceSid = 'WK00000000000000000000000000000001';
      delete body.WorkerSid;
    });
    expect(props).toMatchObject({ agentPlatformId: 'WK00000000000000000000000000000001' });
  });

  it('does not replace a WorkerSid the event gives', async () => {
    const props = await answerOf(STATE, (body) => {
      body.ResourceType = 'worker';
      body.ResourceSid = 'WK00000000000000000000000000000001';
      body.WorkerSid = 'WK00000000000000000000000000000002';
    });
    expect(props).toMatchObject({ agentPlatformId: 'WK00000000000000000000000000000002' });
  });

  it('stands in for the TaskSid of a task event', async () => {
    const props = await answerOf(CANCELED, (body) => {
      body.ResourceType = 'task';
      body.ResourceSid = 'WT00000000000000000000000000000001';
      delete body.TaskSid;
    });
    expect(props).toMatchObject({ interactionId: 'WT00000000000000000000000000000001' });
  });

  it('does not replace a TaskSid the event gives', async () => {
    const props = await answerOf(CANCELED, (body) => {
      body.ResourceType = 'task';
      body.ResourceSid = 'WT00000000000000000000000000000001';
      body.TaskSid = 'WT00000000000000000000000000000002';
    });
    expect(props).toMatchObject({ interactionId: 'WT00000000000000000000000000000002' });
  });

  it('stands in for nothing when the resource is of another type', async () => {
    const props = await answerOf(STATE, (body) => {
      body.ResourceType = 'workspace';
      body.ResourceSid = 'WS00000000000000000000000000000001';
      delete body.WorkerSid;
    });
    expect(props).not.toHaveProperty('agentPlatformId');
  });
});

describe('callback fields', () => {
  it('refuses an EventType of spaces as empty', async () => {
    expect(
      await answerOf(ACCEPTED, (body) => {
        body.EventType = '   ';
      }),
    ).toEqual([
      400,
      'the TaskRouter event callback is not as expected at EventType: EventType must not be empty',
    ]);
  });

  it('refuses TaskAttributes that are a JSON number, saying what they are', async () => {
    expect(
      await answerOf(ACCEPTED, (body) => {
        body.TaskAttributes = '42';
      }),
    ).toEqual([400, 'TaskAttributes must be a JSON object, got number']);
  });

  it('refuses TaskAttributes that are JSON null, saying null', async () => {
    expect(
      await answerOf(ACCEPTED, (body) => {
        body.TaskAttributes = 'null';
      }),
    ).toEqual([400, 'TaskAttributes must be a JSON object, got null']);
  });
});

describe('the event time', () => {
  it('leaves out a timestamp that is not plain digits, though a number can be read from it', async () => {
    const props = await answerOf(ACCEPTED, (body) => {
      body.TimestampMs = '1.764072e12';
      body.Timestamp = ' 1764072000';
    });
    expect(props).not.toHaveProperty('eventTime');
  });
});
