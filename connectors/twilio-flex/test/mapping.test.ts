// The vendor's special cases beyond the fixtures: attribute decoding, props, ids and answers.
import { describe, expect, it } from 'vitest';
import { outcomeOf, signedRequest } from './fixtures.js';

const ACCEPTED = 'taskrouter/reservation-accepted.json';
const STREAM = 'event-streams/reservation-accepted.json';

async function reasonOf(req: ReturnType<typeof signedRequest>, options: Record<string, unknown> = {}) {
  const outcome = await outcomeOf(req, options);
  return [outcome.answer.status, 'reason' in outcome ? outcome.reason : ''];
}

async function propsOf(req: ReturnType<typeof signedRequest>, options: Record<string, unknown> = {}) {
  const outcome = await outcomeOf(req, options);
  if (outcome.kind !== 'accepted')
    throw new Error(`${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome.messages[0]!.props;
}

const withTask = (attributes: unknown) =>
  signedRequest(ACCEPTED, (body) => {
    body.TaskAttributes = JSON.stringify(attributes);
  });

describe('attributes', () => {
  it('refuses TaskAttributes that are not JSON with 400 naming the field', async () => {
    const req = signedRequest(ACCEPTED, (body) => {
      body.TaskAttributes = '{"from":';
    });
    const [status, reason] = await reasonOf(req);
    expect(status).toBe(400);
    expect(reason).toMatch(/^TaskAttributes is not valid JSON/);
  });

  it('refuses TaskAttributes that are JSON but not an object', async () => {
    expect(await reasonOf(withTask(['+15035550142']))).toEqual([
      400,
      'TaskAttributes must be a JSON object, got an array',
    ]);
  });

  it('refuses WorkerAttributes that are not JSON with 400 naming the field', async () => {
    const req = signedRequest(ACCEPTED, (body) => {
      body.WorkerAttributes = 'email=ann';
    });
    const [status, reason] = await reasonOf(req);
    expect(status).toBe(400);
    expect(reason).toMatch(/^WorkerAttributes is not valid JSON/);
  });

  it('names the event and field of bad task_attributes in an Event Streams batch', async () => {
    const req = signedRequest(STREAM, (batch) => {
      batch[0].data.payload.task_attributes = 'not json';
    });
    const [status, reason] = await reasonOf(req);
    expect(status).toBe(400);
    expect(reason).toMatch(/^event 0 data\.payload\.task_attributes is not valid JSON/);
  });

  it('refuses TaskAttributes nested deeper than 32 levels with 400 naming the field', async () => {
    const req = signedRequest(ACCEPTED, (body) => {
      body.TaskAttributes = `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    });
    expect(await reasonOf(req)).toEqual([400, 'TaskAttributes is nested deeper than 32 levels']);
  });

  it('takes TaskAttributes nested 32 levels deep', async () => {
    const nested = (depth: number): unknown => (depth === 1 ? { id: 'O-77' } : { next: nested(depth - 1) });
    expect(Object.keys(await propsOf(withTask(nested(32))))).toContain(`task.${'next.'.repeat(31)}id`);
  });

  it('refuses a callback without EventType with 400 naming it', async () => {
    const req = signedRequest(ACCEPTED, (body) => {
      delete body.EventType;
    });
    expect(await reasonOf(req)).toEqual([
      400,
      'the TaskRouter event callback is not as expected at EventType: EventType is required',
    ]);
  });

  it('takes task_attributes already decoded as an object in Event Streams payloads', async () => {
    const req = signedRequest(STREAM, (batch) => {
      batch[0].data.payload.task_attributes = { from: '+15035550142', to: '+18005550199' };
    });
    expect(await propsOf(req)).toMatchObject({ ani: '+15035550142', 'task.from': '+15035550142' });
  });
});

describe('props', () => {
  it('falls back to caller and called when from and to are absent', async () => {
    const props = await propsOf(withTask({ caller: '+15035550100', called: '+18005550111' }));
    expect([props.ani, props.dnis]).toEqual(['+15035550100', '+18005550111']);
  });

  it('normalises the task direction', async () => {
    expect((await propsOf(withTask({ direction: 'OUTBOUND' }))).direction).toBe('outbound');
  });

  it('leaves direction out when the word is not a direction', async () => {
    expect(await propsOf(withTask({ direction: 'sideways' }))).not.toHaveProperty('direction');
  });

  it('flattens nested custom attributes under the prefix, numbers kept as numbers', async () => {
    const props = await propsOf(withTask({ order: { id: 'O-77', total: 42.5, lines: ['a', 'b'] } }));
    expect(props).toMatchObject({
      'task.order.id': 'O-77',
      'task.order.total': 42.5,
      'task.order.lines.1': 'b',
    });
  });

  it('uses the configured attributePrefix', async () => {
    const props = await propsOf(withTask({ from: '+15035550142' }), { attributePrefix: 'flex_' });
    expect(Object.keys(props).filter((k) => k.includes('from'))).toEqual(['flex_from']);
  });

  it('refuses an empty attributePrefix, since bare keys could shadow agentid or event', async () => {
    await expect(outcomeOf(withTask({}), { attributePrefix: '' })).rejects.toThrow(
      /attributePrefix must not be empty/,
    );
  });
  it('takes the reservation SID from resource_sid in Event Streams too, whatever the resource_type case', async () => {
    const req = signedRequest(STREAM, (batch) => {
      batch[0].data.payload.reservation_sid = null;
      batch[0].data.payload.resource_type = 'RESERVATION';
    });
    expect((await propsOf(req)).reservationSid).toBe('WR0f1e2d3c4b5a69788796a5b4c3d2e1f0');
  });
});

describe('ids and answers', () => {
  it('keys a TaskRouter message on its event Sid, so a retried callback is delivered once', async () => {
    const outcome = await outcomeOf(signedRequest(ACCEPTED));
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey)).toEqual([
      'twilio-flex/taskrouter/EV1306396e074b3cce85cfc19c1688aa61',
    ]);
  });

  it('keys a callback without Sid on its EventType, ResourceSid and TimestampMs, the same on a retry', async () => {
    const withoutSid = () =>
      signedRequest(ACCEPTED, (body) => {
        delete body.Sid;
      });
    const keys = [];
    for (const req of [withoutSid(), withoutSid()]) {
      const outcome = await outcomeOf(req);
      keys.push(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey));
    }
    const key =
      'twilio-flex/taskrouter/reservation.accepted/WR0f1e2d3c4b5a69788796a5b4c3d2e1f0/1764072000123';
    expect(keys).toEqual([[key], [key]]);
  });

  it('keys each message of an Event Streams batch on the SID of its own event', async () => {
    const outcome = await outcomeOf(signedRequest('event-streams/batch.json'));
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey)).toEqual([
      'twilio-flex/event-streams/EVaa520fbab06b9f3d6d52854700dec1c6',
      'twilio-flex/event-streams/EVcb7d43bc6802cb0eb2c2f8ff58e65d7b',
    ]);
  });

  it('gives an event the same key when it comes again in another batch', async () => {
    const first = await outcomeOf(signedRequest('event-streams/batch.json'));
    const alone = await outcomeOf(signedRequest('event-streams/batch.json', (batch) => batch.splice(0, 2)));
    const keyOf = (o: typeof first, n: number) => (o.kind === 'accepted' ? o.messages[n]!.dedupeKey : o.kind);
    expect(keyOf(alone, 0)).toBe(keyOf(first, 1));
  });

  it('ignores an empty Event Streams batch with a reason', async () => {
    const req = signedRequest('event-streams/batch.json', (batch) => batch.splice(0));
    expect(await reasonOf(req)).toEqual([200, 'the batch holds no events']);
  });

  it('answers TaskRouter with 204 and a JSON content type, delivered or ignored', async () => {
    const delivered = await outcomeOf(signedRequest(ACCEPTED));
    const ignored = await outcomeOf(signedRequest('taskrouter/task-created.json'));
    expect([delivered.answer, ignored.answer]).toEqual([
      { status: 204, headers: { 'content-type': 'application/json' } },
      { status: 204, headers: { 'content-type': 'application/json' } },
    ]);
  });
});

describe('vendor words named like Object members', () => {
  // A look-up table indexed with the vendor's word found Object.prototype's members: "constructor" drafted a
  // message whose lifecycle was a function, which the core then refused as invalid (a 400 Twilio retries).
  it.each(['constructor', 'toString', '__proto__'])(
    'an EventType %s is ignored, not mapped',
    async (type) => {
      const outcome = await outcomeOf(
        signedRequest(ACCEPTED, (body) => {
          body.EventType = type;
        }),
      );
      expect(outcome.kind).toBe('ignored');
    },
  );

  it('a conversation channelType "constructor" is a channel word like any other', async () => {
    const req = signedRequest(ACCEPTED, (body) => {
      body.TaskChannelUniqueName = 'chat';
      body.TaskAttributes = JSON.stringify({ channelType: 'constructor' });
    });
    expect((await propsOf(req)).channel).toBe('constructor');
  });
});
