// Channels, the customer's number both ways, agent states, the platform's own time, and the names a
// user chooses in Studio and worker attributes (ours and OpenConnect's agentid / event).
import { describe, expect, it } from 'vitest';
import { outcomeOf, signedRequest } from './fixtures.js';

const ACCEPTED = 'taskrouter/reservation-accepted.json';
const CREATED = 'taskrouter/reservation-created.json';
const STATE = 'taskrouter/worker-activity-update.json';

type Edit = (body: Record<string, string>) => void;

async function first(fixture: string, edit: Edit, options: Record<string, unknown> = {}) {
  const outcome = await outcomeOf(signedRequest(fixture, edit), options);
  if (outcome.kind !== 'accepted')
    throw new Error(`${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome.messages[0]!;
}
const propsOf = async (fixture: string, edit: Edit, options: Record<string, unknown> = {}) =>
  (await first(fixture, edit, options)).props;

const task =
  (attributes: Record<string, unknown>, channel?: string): Edit =>
  (body) => {
    body.TaskAttributes = JSON.stringify(attributes);
    if (channel) body.TaskChannelUniqueName = channel;
  };

describe('channel', () => {
  it('keeps an unknown Flex Conversations channelType, lower-cased', async () => {
    expect((await propsOf(ACCEPTED, task({ channelType: 'Line' }, 'chat'))).channel).toBe('line');
  });

  it('leaves a voice task voice even when its attributes carry a channelType', async () => {
    expect((await propsOf(ACCEPTED, task({ channelType: 'sms' }, 'voice'))).channel).toBe('voice');
  });

  it('normalises a task channel without channelType through the shared words (SMS → sms)', async () => {
    expect((await propsOf(ACCEPTED, task({ from: '+15035550142' }, 'SMS'))).channel).toBe('sms');
  });
});

describe('the customer number', () => {
  it('takes the number dialed from to on an outbound call without outbound_to', async () => {
    const props = await propsOf(
      ACCEPTED,
      task({ direction: 'outbound', from: '+18005550199', to: '+15035550142' }),
    );
    expect([props.direction, props.ani, props.dnis]).toEqual(['outbound', '+15035550142', '+18005550199']);
  });

  it('keeps the caller as ani on an inbound call', async () => {
    const props = await propsOf(
      ACCEPTED,
      task({ direction: 'inbound', from: '+15035550142', to: '+18005550199' }),
    );
    expect([props.ani, props.dnis]).toEqual(['+15035550142', '+18005550199']);
  });
});

describe('agent state and time', () => {
  it('falls back to WorkerPreviousActivitySid when the previous activity has no name', async () => {
    const props = await propsOf(STATE, (body) => {
      delete body.WorkerPreviousActivityName;
    });
    expect(props.previousAgentState).toBe('WA2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a');
  });

  it('takes eventTime from Timestamp (seconds) when TimestampMs is absent', async () => {
    const props = await propsOf(ACCEPTED, (body) => {
      delete body.TimestampMs;
    });
    expect(props.eventTime).toBe('2025-11-25T12:00:00.000Z');
  });

  it('leaves eventTime out, rather than refusing the event, when the timestamps are not numbers', async () => {
    const props = await propsOf(ACCEPTED, (body) => {
      body.TimestampMs = 'soon';
      body.Timestamp = '99999999999999999999';
    });
    expect(props).not.toHaveProperty('eventTime');
  });
});

describe('names a user chooses', () => {
  it("names the screen pop's PopFlow event from the task attribute event (OpenConnect's name)", async () => {
    expect((await first(ACCEPTED, task({ from: '+15035550142', event: 'VIP Pop' }))).event).toBe('VIP Pop');
  });

  it('names it from popEvent (ours) too, which comes first', async () => {
    const message = await first(ACCEPTED, task({ popEvent: 'Claims Pop', event: 'VIP Pop' }));
    expect(message.event).toBe('Claims Pop');
  });

  it('leaves the offered message its own event name', async () => {
    expect((await first(CREATED, task({ event: 'VIP Pop' }))).event).toBe('offered');
  });

  it('reads the event attributes the deployment lists instead', async () => {
    const message = await first(ACCEPTED, task({ event: 'VIP Pop', studio: { flow: 'Renewals' } }), {
      eventAttributes: ['studio.flow'],
    });
    expect(message.event).toBe('Renewals');
  });

  it("takes the agent from the worker attribute agentid (OpenConnect's name) over agentFrom", async () => {
    const message = await first(ACCEPTED, (body) => {
      body.WorkerAttributes = JSON.stringify({ email: 'ann.veal@example.com', agentid: 'aveal' });
    });
    expect(message.agentid).toBe('aveal');
  });

  it('takes the agent from a worker attribute the deployment names', async () => {
    const edit: Edit = (body) => {
      body.WorkerAttributes = JSON.stringify({ agentid: 'aveal', crm: { login: 'ann.v' } });
    };
    expect((await first(ACCEPTED, edit, { agentAttributes: ['crm.login'] })).agentid).toBe('ann.v');
  });

  it('uses agentFrom when the worker has no agentid attribute', async () => {
    expect((await first(ACCEPTED, () => {})).agentid).toBe('ann.veal@example.com');
  });
});
