import { describe, expect, it } from 'vitest';
import { callOf, checkCallShape, isLeg, type LegMessage, legProps, normaliseChannel } from '../src/index.js';

const pop = (agentid: string, lifecycle: string, props: Record<string, unknown>): LegMessage => ({
  agentid,
  lifecycle,
  props,
});

describe('legs', () => {
  it('names the leg, and the first leg only on the others', () => {
    expect(legProps('primary', 'C-1')).toEqual({ leg: 'primary' });
    expect(legProps('transfer', 'C-1')).toEqual({ leg: 'transfer', parentInteractionId: 'C-1' });
    expect(legProps('consult')).toEqual({ leg: 'consult' });
    expect(isLeg('conference')).toBe(true);
    expect(isLeg('Transfer')).toBe(false);
  });

  it("a leg belongs to its first leg's call, a primary to its own", () => {
    expect(callOf({ interactionId: 'C-2', parentInteractionId: 'C-1' })).toBe('C-1');
    expect(callOf({ interactionId: 'C-1' })).toBe('C-1');
    expect(callOf({ interactionId: 42 })).toBe('42');
    expect(callOf({})).toBeUndefined();
  });

  it('a transfer offered to a second agent keeps the rules', () => {
    const messages = [
      pop('ann', 'offered', { interactionId: 'C-1', leg: 'primary' }),
      pop('ann', 'answered', { interactionId: 'C-1', leg: 'primary' }),
      pop('ann', 'transferred', { interactionId: 'C-1' }),
      pop('bob', 'offered', { interactionId: 'C-2', leg: 'transfer', parentInteractionId: 'C-1' }),
      pop('bob', 'answered', { interactionId: 'C-2', leg: 'transfer', parentInteractionId: 'C-1' }),
    ];
    expect(checkCallShape('transfer', messages)).toEqual([]);
  });

  it('refuses a pop without a leg, and a transfer that reaches no second agent', () => {
    const problems = checkCallShape('transfer', [pop('ann', 'answered', { interactionId: 'C-1' })]);
    expect(problems).toEqual([
      'message 1 (answered for ann) has no leg: set props.leg to one of primary, transfer, consult, conference',
      'a transfer must offer its leg (leg: transfer) to an agent other than ann',
    ]);
  });

  it('a second pop of the same call for the same agent is a duplicate, whatever its leg', () => {
    const problems = checkCallShape('conference', [
      pop('ann', 'answered', { interactionId: 'C-1', leg: 'primary' }),
      pop('bob', 'answered', { interactionId: 'C-2', leg: 'consult', parentInteractionId: 'C-1' }),
      pop('ann', 'answered', { interactionId: 'C-3', leg: 'conference', parentInteractionId: 'C-1' }),
    ]);
    expect(problems).toEqual([
      'message 3 (answered for ann) is a second answered of call C-1 for the same agent: a duplicate pop',
    ]);
  });

  it('the consulting agent is not popped again for the consult leg', () => {
    const problems = checkCallShape('consult', [
      pop('ann', 'answered', { interactionId: 'C-1', leg: 'primary' }),
      pop('ann', 'answered', { interactionId: 'C-2', leg: 'consult', parentInteractionId: 'C-1' }),
    ]);
    expect(problems).toContain(
      'message 2 (answered for ann) is a second answered of call C-1 for the same agent: a duplicate pop',
    );
    expect(problems).toContain('a consult must offer its leg (leg: consult) to an agent other than ann');
  });

  it('an outbound call says so and names the number dialed', () => {
    expect(
      checkCallShape('outbound', [
        pop('ann', 'answered', {
          interactionId: 'C-9',
          leg: 'primary',
          direction: 'outbound',
          channel: 'voice',
          ani: '+15035550142',
        }),
      ]),
    ).toEqual([]);
    expect(
      checkCallShape('outbound', [
        pop('ann', 'answered', {
          interactionId: 'C-9',
          leg: 'primary',
          direction: 'inbound',
          channel: 'voice',
        }),
      ]),
    ).toEqual([
      'message 1 has direction inbound, not outbound',
      'answered for ann lacks direction: outbound',
      'answered for ann lacks ani (the number dialed, on an outbound call)',
    ]);
  });

  it('a conference needs two agents to show anything', () => {
    expect(
      checkCallShape('conference', [pop('ann', 'answered', { interactionId: 'C-1', leg: 'primary' })]),
    ).toEqual(['a conference fixture must show at least two agents']);
  });
});

describe('normaliseChannel', () => {
  it.each([
    ['VOICE', 'voice'],
    ['Chat', 'chat'],
    ['E-Mail', 'email'],
    ['WorkItem', 'task'],
    ['Work Item', 'task'],
    ['SMS', 'sms'],
    ['WhatsApp', 'messaging'],
    ['callback', 'callback'],
    ['  video ', 'video'],
    ['Cobrowse', 'cobrowse'],
  ])('%s is %s', (word, channel) => {
    expect(normaliseChannel(word)).toBe(channel);
  });

  it('has nothing to say of an empty or non-string word', () => {
    expect(normaliseChannel('  ')).toBeUndefined();
    expect(normaliseChannel(3)).toBeUndefined();
  });
});

describe('checkCallShape, each rule on its own', () => {
  it('an offered without a leg is refused as an answered one is', () => {
    expect(checkCallShape('primary', [pop('ann', 'offered', { interactionId: 'C-1' })])).toEqual([
      'message 1 (offered for ann) has no leg: set props.leg to one of primary, transfer, consult, conference',
    ]);
  });

  it('a pop that names no call says so', () => {
    expect(
      checkCallShape('primary', [pop('ann', 'answered', { leg: 'primary', interactionId: null })]),
    ).toEqual(['message 1 (answered for ann) has no interactionId']);
    expect(callOf({ interactionId: null })).toBeUndefined();
  });

  it('a shape with no pop at all names no first agent', () => {
    expect(checkCallShape('consult', [pop('ann', 'ended', { interactionId: 'C-1' })])).toEqual([
      'a consult must offer its leg (leg: consult) to an agent other than the first',
    ]);
  });

  it("only a pop on the shape's own leg, to another agent, shows the shape", () => {
    const messages = [
      pop('ann', 'answered', { interactionId: 'C-1', leg: 'primary' }),
      pop('bob', 'answered', { interactionId: 'C-2', leg: 'primary' }),
      pop('bob', 'ended', { interactionId: 'C-3', leg: 'transfer', parentInteractionId: 'C-1' }),
    ];
    expect(checkCallShape('transfer', messages)).toEqual([
      'a transfer must offer its leg (leg: transfer) to an agent other than ann',
    ]);
  });

  it('a transfer leg that names no call at all is refused', () => {
    const messages = [
      pop('ann', 'answered', { interactionId: 'C-1', leg: 'primary' }),
      pop('bob', 'answered', { leg: 'transfer' }),
    ];
    expect(checkCallShape('transfer', messages)).toEqual([
      'message 2 (answered for bob) has no interactionId',
      'the transfer leg for bob names no call (parentInteractionId or interactionId)',
    ]);
    const named = [messages[0]!, pop('bob', 'answered', { leg: 'transfer', parentInteractionId: 'C-1' })];
    expect(checkCallShape('transfer', named)).toEqual([]);
  });

  it('an outbound call may carry messages without a direction, and a chat needs no number', () => {
    expect(
      checkCallShape('outbound', [
        pop('ann', 'answered', {
          interactionId: 'M-1',
          leg: 'primary',
          direction: 'outbound',
          channel: 'chat',
        }),
        pop('ann', 'ended', { interactionId: 'M-1' }),
      ]),
    ).toEqual([]);
  });
});
