// The agents on a call are kept by contact id, and a contact id is whatever Connect (or a contact flow
// replaying one) sends: an id named like an Object.prototype member is a contact like any other.
import { createMemoryStateStore } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { followLeg, joinCall, leaveCall, legOf } from '../src/call-legs.js';

const FIRST = { contactId: 'c-1', initialContactId: 'c-1', initiationMethod: 'INBOUND' };
const leg = (contactId: string, initiationMethod = 'TRANSFER') => ({
  contactId,
  initialContactId: 'c-1',
  initiationMethod,
});
const HOUR = 60 * 60 * 1000;

// c-2 is the ordinary id every other one must match.
const IDS = ['c-2', 'constructor', 'toString', '__proto__', 'hasOwnProperty'];

describe('contact ids named like Object.prototype members', () => {
  it.each(IDS)(
    '%s: a transfer contact that ends unanswered does not restart the four hours of the call',
    async (id) => {
      let now = 0;
      const clocked = createMemoryStateStore(() => now);
      await joinCall(clocked, FIRST, 'maria.lopez');
      // tom.becker is offered the call and misses it: his contact was never on the call.
      now = 3 * HOUR;
      expect(await followLeg(clocked, leg(id), 'tom.becker', 'offered', true)).toEqual({
        leg: 'consult',
        parentInteractionId: 'c-1',
      });
      await followLeg(clocked, leg(id), 'tom.becker', 'ended', true);
      now = 4 * HOUR;
      expect(await legOf(clocked, leg('c-3'), 'aisha.khan', true)).toBe('transfer');
    },
  );

  it.each(IDS)('%s: the agent on the call through it counts, until it ends', async (id) => {
    const state = createMemoryStateStore();
    await joinCall(state, leg(id, 'QUEUE_TRANSFER'), 'tom.becker');
    await joinCall(state, leg(id, 'QUEUE_TRANSFER'), 'tom.becker');
    expect(await legOf(state, leg('c-3'), 'aisha.khan', true)).toBe('consult');
    expect(await legOf(state, leg('c-4'), 'tom.becker', true)).toBeUndefined();
    await leaveCall(state, leg(id, 'QUEUE_TRANSFER'));
    expect(await legOf(state, leg('c-5'), 'aisha.khan', true)).toBe('transfer');
  });
});
