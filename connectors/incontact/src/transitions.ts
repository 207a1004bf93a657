// CallContactEvent sends the contact's whole status each time; the lifecycle is the change between two
// events for one contact. This is the pure part: previous memory + new status → lifecycles + new memory.
import type { Lifecycle } from '@openconnect/core';

export interface ContactMemory {
  offered: boolean;
  answered: boolean;
  ended: boolean;
  /** FinalState True was sent: the contact is over, and a late repeat (a poll that lists it again) pops nothing. */
  completed?: boolean;
  /** The last status seen, lower case. */
  last: string;
  /** The consulting agent's own consult leg: never popped (core's rule 2). */
  own?: boolean;
}

export const FRESH: ContactMemory = { offered: false, answered: false, ended: false, last: '' };

export interface Step {
  lifecycles: Lifecycle[];
  /** The memory to keep (null: forget it). */
  next: ContactMemory | null;
  /** Why nothing is sent, when lifecycles is empty. */
  reason?: string;
}

/** One status change. `finalState` is the event's FinalState ("True" once after-call work is over too). */
export function step(memory: ContactMemory, status: string, finalState: boolean): Step {
  const now = status.toLowerCase();
  const next: ContactMemory = { ...memory, last: now };
  const same = (reason: string): Step => ({ lifecycles: [], next, reason });
  if (memory.completed)
    return { lifecycles: [], next: memory, reason: `${status} after the contact was over (FinalState True)` };
  switch (now) {
    case 'incoming':
    case 'ringing':
    case 'preview':
      if (memory.offered || memory.answered) return same(`${status} repeats an offer already sent`);
      return { lifecycles: ['offered'], next: { ...next, offered: true } };
    case 'active':
      if (memory.last === 'holding') return { lifecycles: ['resumed'], next };
      if (memory.answered) return same('Active again without a hold in between');
      return { lifecycles: ['answered'], next: { ...next, answered: true } };
    case 'holding':
      if (memory.last === 'holding') return same('Holding repeats a hold already sent');
      return { lifecycles: ['held'], next };
    case 'disconnected':
    case 'callbackdisconnected': {
      // The voice path ends first (FinalState False); FinalState True follows once after-call work is over.
      const lifecycles: Lifecycle[] = memory.ended ? [] : ['ended'];
      if (finalState) lifecycles.push('completed');
      if (!lifecycles.length) return same('Disconnected repeats an end already sent');
      return { lifecycles, next: { ...next, ended: true, ...(finalState ? { completed: true } : {}) } };
    }
    default:
      return same(`status ${status} is not a lifecycle change`);
  }
}
