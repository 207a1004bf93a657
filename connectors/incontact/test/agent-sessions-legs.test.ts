// Call shapes across two agents' held sessions (agent-sessions hosts one session per agent, so its fixtures
// cannot show two agents): the emulated business unit moves a call, and core's leg rules (checkCallShape)
// are checked on what both sessions delivered, in order.
import { checkCallShape, type PreparedMessage } from '@openconnect/core';
import type { TestHost } from '@openconnect/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { CxoneEmulator } from '../src/emulators/index.js';
import { opener, pops, sleep } from './cxone-harness.js';

const o = opener();
afterEach(() => o.closeAll());

const MARIA = 'mreyes@acme.example';
const TOM = 'tkim@acme.example';
const calls = (h: TestHost) => h.messages.filter((m) => m.lifecycle !== 'agent_state');
const byTime = (...hosts: TestHost[]): PreparedMessage[] =>
  hosts.flatMap(calls).sort((a, b) => String(a.props.eventTime).localeCompare(String(b.props.eventTime)));

async function twoAgents() {
  const emulator = await o.emulator();
  const options = { cxoneAgentIds: ['23045871', '23045872'] };
  const maria = o.host(emulator, 'agent-sessions', options, '23045871');
  const tom = o.host(emulator, 'agent-sessions', options, '23045872');
  await maria.until('Maria connected', () => maria.connected);
  await tom.until('Tom connected', () => tom.connected);
  return { emulator, maria, tom };
}

/** The Conference event and the Joined statuses CXone sends each agent on the call (belief: see README). */
function conference(
  emulator: CxoneEmulator,
  contacts: { agentId: string; event: Record<string, unknown> }[],
) {
  for (const { agentId, event } of contacts)
    emulator.controls.sendEvents(agentId, [
      { Type: 'Conference', ConferenceNo: '7701245' },
      { ...event, Status: 'Joined', LastStateChangeTimeUTC: new Date().toISOString() },
    ]);
}

describe('agent-sessions: call shapes across two agents', () => {
  it('keeps the consult shape: Tom is offered the Consult leg, Maria is not popped again', async () => {
    const { emulator, maria, tom } = await twoAgents();
    const call = emulator.controls.call('23045871');
    call.offer();
    call.answer();
    const consult = emulator.controls.consult(call, '23045872');
    consult.offer();
    consult.answer();
    await tom.until('the consult answered', () => calls(tom).length >= 2);
    await sleep(200);
    expect(checkCallShape('consult', byTime(maria, tom))).toEqual([]);
    expect(pops(calls(tom))).toEqual([
      `${TOM} offered ${consult.contactId}`,
      `${TOM} answered ${consult.contactId}`,
    ]);
    expect(pops(calls(maria))).toEqual([
      `${MARIA} offered ${call.contactId}`,
      `${MARIA} answered ${call.contactId}`,
    ]);
  });

  it('keeps the conference shape: joining the consult into a conference pops nobody again', async () => {
    const { emulator, maria, tom } = await twoAgents();
    const call = emulator.controls.call('23045871');
    call.offer();
    call.answer();
    const consult = emulator.controls.consult(call, '23045872');
    consult.offer();
    consult.answer();
    await tom.until('the consult answered', () => calls(tom).length >= 2);
    const master = {
      Type: 'CallContactEvent',
      ContactID: call.contactId,
      MasterID: call.contactId,
      CallType: 'Regular',
      IsInbound: 'True',
      FinalState: 'False',
    };
    const leg = { ...master, ContactID: consult.contactId, CallType: 'Consult' };
    conference(emulator, [
      { agentId: '23045871', event: master },
      { agentId: '23045871', event: leg },
      { agentId: '23045872', event: leg },
    ]);
    call.hangUp({ acw: false });
    consult.hangUp({ acw: false });
    await tom.until('the consult over', () => calls(tom).some((m) => m.lifecycle === 'completed'));
    await maria.until('the call over', () => calls(maria).some((m) => m.lifecycle === 'completed'));
    await sleep(200);
    expect(checkCallShape('conference', byTime(maria, tom))).toEqual([]);
    expect(calls(maria).map((m) => m.lifecycle)).toEqual(['offered', 'answered', 'ended', 'completed']);
    expect(calls(tom).map((m) => `${m.lifecycle} ${m.props.leg}`)).toEqual([
      'offered consult',
      'answered consult',
      'ended consult',
      'completed consult',
    ]);
  });

  it('keeps the transfer shape: Tom is offered the new contact as leg transfer', async () => {
    const { emulator, maria, tom } = await twoAgents();
    const call = emulator.controls.call('23045871');
    call.offer();
    call.answer();
    const moved = call.transfer('23045872');
    moved.answer();
    await tom.until('the transfer answered', () => calls(tom).length >= 2);
    await sleep(200);
    expect(checkCallShape('transfer', byTime(maria, tom))).toEqual([]);
    expect(calls(tom).map((m) => [m.props.leg, m.props.parentInteractionId])).toEqual([
      ['transfer', call.contactId],
      ['transfer', call.contactId],
    ]);
  });
});
