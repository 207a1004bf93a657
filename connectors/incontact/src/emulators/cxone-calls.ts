// Scripted calls on the emulated business unit, moved the way CXone moves them: Incoming → Active →
// (Holding → Active) → Disconnected with FinalState False while the agent is in after-call work →
// Disconnected with FinalState True. A transfer is a new ContactID with the same MasterID; a consult and
// the agent's phone leg are contacts of their own (CallType Consult, AgentLeg).
import type { Contact, Tenant } from './cxone-tenant.js';

export interface CallOptions {
  contactId?: number;
  masterContactId?: number;
  ani?: string;
  dnis?: string;
  skillId?: number;
  skillName?: string;
  inbound?: boolean;
  /** Regular (default), Consult, AgentLeg, Dialer... */
  callType?: string;
}

export interface CxoneCall {
  contactId: string;
  masterContactId: string;
  agentId: string;
  /** Routed to the agent: Incoming; the agent's state is InboundContact. */
  offer(): void;
  answer(): void;
  hold(): void;
  resume(): void;
  /** The voice path ends: Disconnected, FinalState False while the agent wraps up (acw, default), else True at once. */
  hangUp(options?: { acw?: boolean }): void;
  /** After-call work is over: Disconnected with FinalState True; the agent is Available. */
  finishWrapUp(): void;
  /** The agent hands the call over: this leg ends (no wrap-up) and the other agent is offered a new contact, same MasterID. */
  transfer(toAgentId: string, options?: CallOptions): CxoneCall;
}

/** The skill a consult between agents shows under in contacts/active (an emulator choice; see the README). */
export const CONSULT_SKILL = { skillId: 4999001, skillName: 'Agent Consult' };

export function createCalls(tenant: Tenant) {
  let nextId = 389712045611;

  function call(agentId: string, options: CallOptions = {}): CxoneCall {
    if (!tenant.agents.has(agentId)) throw new Error(`the emulator has no agent ${agentId}`);
    const contactId = options.contactId ?? nextId++;
    const at = tenant.tick();
    const contact: Contact = {
      contactId,
      masterContactId: options.masterContactId ?? contactId,
      agentId: Number(agentId),
      status: 'Incoming',
      finalState: false,
      callType: options.callType ?? 'Regular',
      skillId: options.skillId ?? 4120345,
      skillName: options.skillName ?? 'Billing_Inbound',
      ani: options.ani ?? '6025550143',
      dnis: options.dnis ?? '8005550123',
      inbound: options.inbound ?? true,
      started: at,
      updated: at,
      agentApiOnly: options.callType === 'AgentLeg',
    };
    const move = (change: Partial<Contact>) => tenant.setContact(contact, change);
    const agent = (change: Parameters<Tenant['setAgent']>[1]) => {
      if (contact.callType === 'Regular') tenant.setAgent(agentId, change);
    };
    return {
      contactId: String(contactId),
      masterContactId: String(contact.masterContactId),
      agentId,
      offer() {
        agent({ state: 'InboundContact', reason: '', acw: false, contactId });
        move({ status: 'Incoming' });
      },
      answer: () => move({ status: 'Active' }),
      hold: () => move({ status: 'Holding' }),
      resume: () => move({ status: 'Active' }),
      hangUp({ acw = true } = {}) {
        move({ status: 'Disconnected', finalState: !acw });
        if (acw) agent({ state: 'Unavailable', reason: 'After Call Work', acw: true, contactId });
        else agent({ state: 'Available', reason: '', acw: false, contactId: 0 });
      },
      finishWrapUp() {
        move({ status: 'Disconnected', finalState: true });
        agent({ state: 'Available', reason: '', acw: false, contactId: 0 });
      },
      transfer(toAgentId, more = {}) {
        const next = call(toAgentId, { ...options, ...more, masterContactId: contact.masterContactId });
        move({ status: 'Disconnected', finalState: true });
        agent({ state: 'Available', reason: '', acw: false, contactId: 0 });
        next.offer();
        return next;
      },
    };
  }

  return {
    call,
    /** A consult: the agent on `master` calls another agent; both see a CallType Consult contact. */
    consult(master: CxoneCall, toAgentId: string): CxoneCall {
      const leg = call(toAgentId, {
        callType: 'Consult',
        masterContactId: Number(master.masterContactId),
        ...CONSULT_SKILL,
      });
      // The consulting agent's session hears of the consult leg too.
      const contact = tenant.contacts.get(Number(leg.contactId));
      const tell = () => contact && tenant.send(master.agentId, tenant.callEvent(contact));
      return {
        ...leg,
        offer() {
          leg.offer();
          tell();
        },
        answer() {
          leg.answer();
          tell();
        },
        hangUp(options) {
          leg.hangUp(options);
          tell();
        },
      };
    },
    /** The agent's own phone leg (CallType AgentLeg): an Agent API event only. */
    agentLeg(agentId: string): CxoneCall {
      return call(agentId, { callType: 'AgentLeg', ani: '', dnis: '6025550100', skillId: 0, skillName: '' });
    },
  };
}
