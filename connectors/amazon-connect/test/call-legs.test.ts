// Which leg a Connect contact is: from its initiation method and from who is still on the call when the
// contact reaches its agent (Connect marks a consult, a transfer and an added party all as TRANSFER).
import { createMemoryStateStore, type StateStore } from '@openconnect/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  followLeg,
  joinCall,
  leaveCall,
  legOf,
  legPropsOf,
  methodLeg,
  ownConsultLeg,
} from '../src/call-legs.js';

const FIRST = { contactId: 'c-1', initialContactId: 'c-1', initiationMethod: 'INBOUND' };
const leg = (contactId: string, initiationMethod = 'TRANSFER') => ({
  contactId,
  initialContactId: 'c-1',
  initiationMethod,
});

let state: StateStore;
beforeEach(() => {
  state = createMemoryStateStore();
});

describe('the leg of a contact', () => {
  it('is primary for the customer’s own contact', async () => {
    expect(await legOf(state, FIRST, 'maria.lopez', true)).toBe('primary');
    expect(legPropsOf('primary', FIRST)).toEqual({ leg: 'primary' });
  });

  it('is primary for an outbound, callback or API contact', async () => {
    for (const method of ['OUTBOUND', 'CALLBACK', 'API', 'DISCONNECT']) {
      expect(await legOf(state, leg('c-9', method), 'tom.becker', true)).toBe('primary');
    }
  });

  it('is a transfer, under the initial contact, when nobody else is on the call any more', async () => {
    await joinCall(state, FIRST, 'maria.lopez');
    await leaveCall(state, FIRST);
    expect(await legOf(state, leg('c-2'), 'tom.becker', true)).toBe('transfer');
    expect(legPropsOf('transfer', leg('c-2'))).toEqual({ leg: 'transfer', parentInteractionId: 'c-1' });
  });

  it('is a transfer for a queue transfer nobody else is on', async () => {
    expect(await legOf(state, leg('c-2', 'QUEUE_TRANSFER'), 'tom.becker', true)).toBe('transfer');
  });

  it('is a consult when the agent who dialled out is still on the call', async () => {
    await joinCall(state, FIRST, 'maria.lopez');
    expect(await legOf(state, leg('c-2'), 'tom.becker', true)).toBe('consult');
  });

  it('is a conference when two agents are already on the call', async () => {
    await joinCall(state, FIRST, 'maria.lopez');
    await joinCall(state, leg('c-2'), 'tom.becker');
    expect(await legOf(state, leg('c-3'), 'aisha.khan', true)).toBe('conference');
  });

  it('is a transfer whoever is on the call when consultLegs is off', async () => {
    await joinCall(state, FIRST, 'maria.lopez');
    expect(await legOf(state, leg('c-2'), 'tom.becker', false)).toBe('transfer');
  });

  it('is decided once: the answered names the leg the offered did, though the first agent left between', async () => {
    await joinCall(state, FIRST, 'maria.lopez');
    expect(await legOf(state, leg('c-2'), 'tom.becker', true)).toBe('consult');
    await leaveCall(state, FIRST);
    expect(await legOf(state, leg('c-2'), 'tom.becker', true)).toBe('consult');
  });

  it('is no leg for the agent who is already on the call: the consult leg they dial out on pops nothing', async () => {
    await joinCall(state, FIRST, 'maria.lopez');
    expect(await legOf(state, leg('c-2'), 'maria.lopez', true)).toBeUndefined();
  });

  it('is a conference for a supervisor’s MONITOR contact', async () => {
    expect(await legOf(state, leg('c-4', 'MONITOR'), 'sam.super', true)).toBe('conference');
  });

  it('counts an agent on the call for four hours after they joined it', async () => {
    let now = 0;
    const clocked = createMemoryStateStore(() => now);
    await joinCall(clocked, FIRST, 'maria.lopez');
    // Joining again through the same contact (a hold, a resume) does not restart the four hours.
    now = 3 * 60 * 60 * 1000;
    await joinCall(clocked, FIRST, 'maria.lopez');
    now = 4 * 60 * 60 * 1000 - 1;
    expect(await legOf(clocked, leg('c-2'), 'tom.becker', true)).toBe('consult');
    now += 1;
    expect(await legOf(clocked, leg('c-3'), 'aisha.khan', true)).toBe('transfer');
  });

  it('keeps calls apart: an agent on another call makes no consult of this one', async () => {
    await joinCall(
      state,
      { contactId: 'd-1', initialContactId: 'd-1', initiationMethod: 'INBOUND' },
      'maria.lopez',
    );
    expect(await legOf(state, leg('c-2'), 'tom.becker', true)).toBe('transfer');
  });

  it('counts the other contacts of the call, not the contact being decided', async () => {
    await joinCall(state, leg('c-2'), 'tom.becker');
    expect(await legOf(state, leg('c-2'), 'tom.becker', true)).toBe('transfer');
  });

  it('names no parent when the contact is its own initial contact', () => {
    const self = { contactId: 'c-5', initialContactId: 'c-5', initiationMethod: 'TRANSFER' };
    expect(legPropsOf(methodLeg(self), self)).toEqual({ leg: 'transfer' });
  });
});

describe('the leg from the contact alone (the contact flow sees no other agent)', () => {
  it('reads TRANSFER and QUEUE_TRANSFER as transfer, MONITOR as conference, anything else as primary', () => {
    const methods = ['TRANSFER', 'QUEUE_TRANSFER', 'MONITOR', 'INBOUND', null];
    const contacts = methods.map((initiationMethod) => ({ ...leg('c-2'), initiationMethod }));
    expect(contacts.map(methodLeg)).toEqual(['transfer', 'transfer', 'conference', 'primary', 'primary']);
  });
});

describe('who is on the call after a moment of their contact', () => {
  it('is the agent whose contact is held or resumed, though its answered was not seen', async () => {
    for (const moment of ['held', 'resumed'] as const) {
      const store = createMemoryStateStore();
      await followLeg(store, FIRST, 'maria.lopez', moment, true);
      expect(await legOf(store, leg('c-2'), 'tom.becker', true)).toBe('consult');
    }
  });

  it('is no longer the agent whose contact completed, though its end was not seen', async () => {
    await joinCall(state, FIRST, 'maria.lopez');
    await followLeg(state, FIRST, 'maria.lopez', 'completed', true);
    expect(await legOf(state, leg('c-2'), 'tom.becker', true)).toBe('transfer');
  });

  it('is still the agent whose contact is offered again', async () => {
    await joinCall(state, FIRST, 'maria.lopez');
    await followLeg(state, FIRST, 'maria.lopez', 'offered', true);
    expect(await legOf(state, leg('c-2'), 'tom.becker', true)).toBe('consult');
  });

  it('says why the consult leg an agent dials out on pops nothing', () => {
    expect(ownConsultLeg(leg('c-2'), 'maria.lopez')).toBe(
      'contact c-2 is the consult leg maria.lopez dials out on (already on call c-1)',
    );
  });
});
