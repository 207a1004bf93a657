// The task attributes Flex writes, read in the cases the fixtures do not show: the customer's number when
// some fields are empty, the customer's name, the PopFlow event with spaces, attribute paths through
// values that are not objects, and the props that belong to one lifecycle only.
import { describe, expect, it } from 'vitest';
import { outcomeOf, signedRequest } from './fixtures.js';

const ACCEPTED = 'taskrouter/reservation-accepted.json';
const TASK = 'WTa1b2c3d4e5f60718293a4b5c6d7e8f90';

type Edit = (body: Record<string, string>) => void;

async function first(edit: Edit, options: Record<string, unknown> = {}) {
  const outcome = await outcomeOf(signedRequest(ACCEPTED, edit), options);
  if (outcome.kind !== 'accepted')
    throw new Error(`${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome.messages[0]!;
}
const task =
  (attributes: Record<string, unknown>, channel?: string): Edit =>
  (body) => {
    body.TaskAttributes = JSON.stringify(attributes);
    if (channel) body.TaskChannelUniqueName = channel;
  };
const numbers = async (attributes: Record<string, unknown>) => {
  const { props } = await first(task(attributes));
  return { ani: props.ani, dnis: props.dnis, direction: props.direction };
};

describe('the customer number', () => {
  it('passes over an empty from to the caller', async () => {
    expect(await numbers({ from: '', caller: '+15035550100', to: '+18005550111' })).toEqual({
      ani: '+15035550100',
      dnis: '+18005550111',
      direction: undefined,
    });
  });

  it('takes a number written as a JSON number', async () => {
    expect(await numbers({ from: 15035550100, to: 18005550111 })).toEqual({
      ani: '15035550100',
      dnis: '18005550111',
      direction: undefined,
    });
  });

  it('dials outbound_to first on an outbound call, the caller id as dnis', async () => {
    expect(
      await numbers({
        direction: 'outbound',
        outbound_to: '+15035550142',
        to: '+15035550999',
        from: '+18005550199',
      }),
    ).toEqual({ ani: '+15035550142', dnis: '+18005550199', direction: 'outbound' });
  });

  it('takes the called number on an outbound call without outbound_to or to', async () => {
    expect(await numbers({ direction: 'outbound', called: '+15035550142', caller: '+18005550199' })).toEqual({
      ani: '+15035550142',
      dnis: '+18005550199',
      direction: 'outbound',
    });
  });

  it('keeps to, not outbound_to, as the dnis of an inbound call', async () => {
    expect(
      await numbers({
        direction: 'inbound',
        from: '+15035550142',
        outbound_to: '+15035550999',
        to: '+18005550199',
      }),
    ).toEqual({ ani: '+15035550142', dnis: '+18005550199', direction: 'inbound' });
  });

  it('leaves ani and dnis out when the task names no number', async () => {
    expect(await numbers({ direction: 'inbound' })).toEqual({
      ani: undefined,
      dnis: undefined,
      direction: 'inbound',
    });
  });
});

describe('the customer name', () => {
  it('falls back to customerName when the task has no name', async () => {
    expect((await first(task({ customerName: 'Lucille Bluth' }))).props.customerName).toBe('Lucille Bluth');
  });
});

describe('the channel', () => {
  it('reads channelType and the task channel whatever their case and spaces', async () => {
    const { props } = await first(task({ channelType: ' WhatsApp ' }, ' Chat '));
    expect(props.channel).toBe('messaging');
  });

  it('reads a voice task channel whatever its case', async () => {
    const { props } = await first(task({ channelType: 'sms', taskType: 'Callback' }, ' VOICE '));
    expect(props.channel).toBe('callback');
  });

  it('makes only a voice task a callback', async () => {
    const { props } = await first(task({ taskType: 'callback' }, 'sms'));
    expect(props.channel).toBe('sms');
  });

  it('leaves a voice task voice when taskType is not callback', async () => {
    const { props } = await first(task({ taskType: 'transfer' }, 'voice'));
    expect(props.channel).toBe('voice');
  });
});

describe('the PopFlow event', () => {
  it('trims the popEvent attribute', async () => {
    expect((await first(task({ popEvent: '  Claims Pop  ' }))).event).toBe('Claims Pop');
  });

  it('passes over a popEvent of spaces to the next attribute', async () => {
    expect((await first(task({ popEvent: '   ', event: 'VIP Pop' }))).event).toBe('VIP Pop');
  });
});

describe('attribute paths', () => {
  it('stop at a null on the way, leaving the call its primary leg', async () => {
    const { props } = await first(task({ conversations: null, transferTargetType: '' }));
    expect([props.leg, props.parentInteractionId]).toEqual(['primary', undefined]);
  });

  it('stop at a string on the way', async () => {
    const { props } = await first(task({ conversations: 'WT0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f' }));
    expect([props.leg, props.parentInteractionId]).toEqual(['primary', undefined]);
  });

  it('do not index into a string', async () => {
    const message = await first(task({ popEvent: 'VIP Pop' }), {
      eventAttributes: ['popEvent.0', 'popEvent.length'],
    });
    expect(message.event).toBe('answered');
  });

  it('read only the attribute itself, not what every object inherits', async () => {
    const message = await first(task({ from: '+15035550142' }), { eventAttributes: ['constructor.name'] });
    expect(message.event).toBe('answered');
  });
});

describe('props of one lifecycle', () => {
  it('leaves the canceled reason off a message that is not ended', async () => {
    const { props } = await first((body) => {
      body.TaskCanceledReason = 'Task TTL Exceeded';
    });
    expect(props).not.toHaveProperty('canceledReason');
  });

  it('parents a COLD transfer on the conversation it names rather than the task', async () => {
    const { props } = await first((body) => {
      body.TransferMode = 'COLD';
      body.TaskAttributes = JSON.stringify({
        conversations: { conversation_id: 'WT0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f' },
      });
    });
    expect([props.leg, props.parentInteractionId]).toEqual([
      'transfer',
      'WT0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f',
    ]);
  });

  it('parents a COLD transfer on its own task when the conversation is that task', async () => {
    const { props } = await first((body) => {
      body.TransferMode = 'COLD';
      body.TaskAttributes = JSON.stringify({ conversations: { conversation_id: TASK } });
    });
    expect([props.leg, props.parentInteractionId]).toEqual(['transfer', TASK]);
  });
});
