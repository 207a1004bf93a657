// The runner's own Real-Time Data polling against the emulated business unit: every call moment pops once
// however often a poll lists the call, a call seen only once it is over, the wrap-up, consults and
// transfers, the saved position across a dropped connection, token expiry, and each fault CXone can show.
import {
  createMemoryStateStore,
  createRuntime,
  runSession,
  SessionError,
  type SessionStatus,
} from '@openconnect/core';
import type { TestHost } from '@openconnect/core/testing';
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import type { CxoneEmulator } from '../src/emulators/index.js';
import connector from '../src/index.js';
import { cxoneSettings, opener, polled, pops, sleep } from './cxone-harness.js';

const o = opener();
afterEach(() => o.closeAll());

const connected = (h: TestHost) => h.until('the session to connect', () => h.connected);
const MARIA = 'mreyes@acme.example';
const TOM = 'tkim@acme.example';

/** Runs one session to its end; what it ended with (a SessionError, or undefined) and the statuses it showed. */
async function oneSession(
  emulator: CxoneEmulator,
  subscription: string,
  options: Record<string, unknown> = {},
) {
  const runtime = createRuntime(connector, cxoneSettings(emulator, options), {
    state: createMemoryStateStore(),
  });
  const statuses: string[] = [];
  const noop = () => {};
  const ended = await runSession(
    runtime,
    connector.subscriptions!.find((s) => s.id === subscription)!,
    {
      http: axios.create({ timeout: 5_000, validateStatus: () => true }),
      publicUrl: 'http://127.0.0.1:8080',
      ...(subscription === 'agent-sessions' ? { instance: '23045871' } : {}),
      log: { debug: noop, info: noop, warn: noop, error: noop },
      store: async (messages) => ({ stored: messages.length, duplicates: 0 }),
      onStatus: (status: SessionStatus, detail?: string) => statuses.push(`${status}: ${detail}`),
      onBadFrame: noop,
    },
    new AbortController().signal,
  ).then(
    () => undefined,
    (error: unknown) => error as SessionError,
  );
  return { ended, statuses };
}

describe('rtd-poll: each moment once', () => {
  it('pops offered, answered, held, resumed, ended and completed once each though every poll lists the call again', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    emulator.controls.duplicates(); // each answer's lastPollTime stays put: the next poll lists it all again
    const call = emulator.controls.call('23045871');
    for (const move of ['offer', 'answer', 'hold', 'resume', 'hangUp', 'finishWrapUp'] as const) {
      call[move]();
      await polled(emulator);
    }
    await polled(emulator);
    expect(pops(h.messages)).toEqual(
      ['offered', 'answered', 'held', 'resumed', 'ended', 'completed'].map(
        (l) => `${MARIA} ${l} ${call.contactId}`,
      ),
    );
    expect(h.messages.every((m) => m.source === 'rtd-poll' && m.dedupeKey)).toBe(true);
  });

  it('pops ended and completed only for a call that rang, was answered and ended between two polls (what it saw, nothing invented)', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    const call = emulator.controls.call('23045871');
    call.offer();
    call.answer();
    call.hangUp({ acw: false });
    await polled(emulator);
    await sleep(200);
    expect(pops(h.messages)).toEqual([
      `${MARIA} ended ${call.contactId}`,
      `${MARIA} completed ${call.contactId}`,
    ]);
  });

  it('sends completed only once agents/states shows the agent off the contact (after-call work over)', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    const call = emulator.controls.call('23045871');
    call.offer();
    call.answer();
    await polled(emulator);
    call.hangUp(); // the agent is in ACW on the contact
    await polled(emulator);
    await polled(emulator);
    expect(h.messages.map((m) => m.lifecycle)).toEqual(['answered', 'ended']);
    call.finishWrapUp();
    await h.until('completed', () => h.messages.length >= 3);
    await polled(emulator);
    expect(h.messages.map((m) => m.lifecycle)).toEqual(['answered', 'ended', 'completed']);
  });

  it('offers a consult to the consulted agent as leg consult, and ties the transferred call to the first by MasterID', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    const call = emulator.controls.call('23045871');
    call.offer();
    await polled(emulator);
    call.answer();
    await polled(emulator);
    const consult = emulator.controls.consult(call, '23045872');
    consult.offer();
    await polled(emulator);
    consult.answer();
    await polled(emulator);
    consult.hangUp({ acw: false });
    await polled(emulator);
    const moved = call.transfer('23045872');
    await polled(emulator);
    moved.answer();
    await polled(emulator);
    expect(pops(h.messages)).toEqual([
      `${MARIA} offered ${call.contactId}`,
      `${MARIA} answered ${call.contactId}`,
      `${TOM} offered ${consult.contactId}`,
      `${TOM} answered ${consult.contactId}`,
      `${TOM} ended ${consult.contactId}`,
      `${TOM} completed ${consult.contactId}`,
      `${MARIA} ended ${call.contactId}`,
      `${MARIA} completed ${call.contactId}`,
      `${TOM} offered ${moved.contactId}`,
      `${TOM} answered ${moved.contactId}`,
    ]);
    expect(moved.contactId).not.toBe(call.contactId);
    expect(h.messages.map((m) => m.props.masterContactId)).toEqual(Array(10).fill(call.contactId));
    expect(h.messages.map((m) => m.props.leg)).toEqual([
      ...Array(2).fill('primary'),
      ...Array(4).fill('consult'),
      ...Array(2).fill('primary'),
      ...Array(2).fill('transfer'),
    ]);
  });
});

describe('rtd-poll: sessions and faults', () => {
  it('resumes from the saved lastPollTime after a dropped connection and pops nothing twice', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    const call = emulator.controls.call('23045871');
    call.offer();
    await polled(emulator);
    call.answer();
    await h.until('offered and answered', () => h.messages.length >= 2);
    const before = emulator.counters.requests.length;
    emulator.controls.drop();
    await h.until('a second session', () => h.sessions >= 2);
    await connected(h);
    const resumed = emulator.counters.requests.slice(before).find((r) => r.includes('contacts/active'));
    expect(resumed).toMatch(/updatedSince=\d{4}-/);
    call.hangUp({ acw: false });
    await h.until('ended and completed', () => h.messages.length >= 4);
    await polled(emulator);
    expect(h.messages.map((m) => m.lifecycle)).toEqual(['offered', 'answered', 'ended', 'completed']);
    expect(h.errors.join(' ')).toContain('ECONNRESET');
  });

  it('takes one new token when CXone expires the token early (401), in the same session', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    emulator.controls.expireTokens();
    await polled(emulator);
    expect([emulator.counters.tokens, emulator.counters.expirations, h.sessions]).toEqual([2, 1, 1]);
    const call = emulator.controls.call('23045871');
    call.offer();
    await h.until('offered', () => h.messages.length >= 1);
  });

  it('renews the token before it expires, so no request is ever refused', async () => {
    const emulator = await o.emulator({ tokenLifetimeMs: 1_200 });
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    await sleep(3_000);
    expect(emulator.counters.renewals).toBeGreaterThanOrEqual(2);
    expect([emulator.counters.expirations, h.sessions]).toEqual([0, 1]);
  });

  it('goes on in a new session after a 503', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    emulator.controls.fail(503, { path: 'contacts/active' });
    await h.until('a second session', () => h.sessions >= 2);
    expect(h.errors).toEqual(['CXone answered HTTP 503 (polling contacts/active)']);
    emulator.controls.call('23045871').offer();
    await h.until('offered', () => h.messages.length >= 1);
  });

  it('ends the session with the pause a 429 asks for', async () => {
    const emulator = await o.emulator();
    emulator.controls.fail(429, { path: 'contacts/active', retryAfterSeconds: 7 });
    const { ended } = await oneSession(emulator, 'rtd-poll');
    expect(ended).toBeInstanceOf(SessionError);
    expect([ended!.message, ended!.retryAfterMs, ended!.failed]).toEqual([
      'CXone asked to slow down (polling contacts/active: HTTP 429)',
      7_000,
      false,
    ]);
  });

  it('fails naming the permission when CXone answers 403', async () => {
    const emulator = await o.emulator();
    emulator.controls.fail(403, { path: 'agents/states' });
    const { ended } = await oneSession(emulator, 'rtd-poll');
    expect([ended!.failed, ended!.message]).toEqual([
      true,
      "CXone refused polling agents/states (HTTP 403): the access key's user needs the Real-Time Data API (the Real-Time Data / reporting view permissions)",
    ]);
  });

  it.each([
    ['cxoneClientSecret', 'wrong-client-secret-0123456789', 'HTTP 401 invalid_client'],
    ['cxoneAccessKeySecret', 'wrong-access-key-secret-0123456789', 'HTTP 400 invalid_grant'],
  ])('fails when CXone refuses %s, without the secret in the message', async (option, secret, answer) => {
    const emulator = await o.emulator();
    const { ended, statuses } = await oneSession(emulator, 'rtd-poll', { [option]: secret });
    expect(ended).toBeInstanceOf(SessionError);
    expect(ended!.failed).toBe(true);
    expect(ended!.message).toContain(`CXone refused the credentials (${answer})`);
    expect(`${ended!.message} ${statuses.join(' ')}`).not.toContain(secret);
    expect(emulator.counters.tokensRefused).toBe(1);
  });
});

describe('rtd-poll: what it asks CXone', () => {
  it('reads every page a next link names', async () => {
    const emulator = await o.emulator({ pageSize: 1 });
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    for (const agentId of ['23045871', '23045872', '23045873']) emulator.controls.call(agentId).offer();
    await h.until('three offers', () => h.messages.length >= 3);
    expect(h.messages.map((m) => m.agentid).sort()).toEqual(['jdoe@acme.example', MARIA, TOM]);
    expect(
      emulator.counters.requests.some((r) => r.includes('contacts/active') && r.includes('skip=1')),
    ).toBe(true);
  });

  it('asks once per skill and team filter and pops the contacts of any of them', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'rtd-poll', {
      cxoneRealtimeSkillIds: ['4120345'],
      cxoneRealtimeTeamIds: [1102],
    });
    await connected(h);
    emulator.controls.call('23045871', { skillId: 4120345 }).offer(); // the skill
    emulator.controls.call('23045872', { skillId: 4120999 }).offer(); // neither (team 1101)
    emulator.controls.call('23045873', { skillId: 4120999 }).offer(); // the team
    await h.until('two offers', () => h.messages.length >= 2);
    await polled(emulator);
    expect(h.messages.map((m) => m.agentid).sort()).toEqual(['jdoe@acme.example', MARIA]);
    const asked = emulator.counters.requests.filter((r) => r.includes('contacts/active'));
    expect(asked.some((r) => r.includes('skillId=4120345'))).toBe(true);
    expect(asked.some((r) => r.includes('teamId=1102'))).toBe(true);
  });

  it('pops each agent state change once when cxoneRealtimeAgentStates is set', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'rtd-poll', { cxoneRealtimeAgentStates: true });
    await connected(h);
    expect(pops(h.messages)).toEqual([
      `${MARIA} agent_state Available`,
      `${TOM} agent_state Available`,
      'jdoe@acme.example agent_state Available',
    ]);
    emulator.controls.setAgentState('23045871', 'Unavailable', 'Lunch');
    await polled(emulator);
    emulator.controls.setAgentState('23045871', 'Unavailable', 'Lunch'); // a new record, the same state
    await polled(emulator);
    expect(
      h.messages.slice(3).map((m) => [m.agentid, m.props.agentState, m.props.outReason, m.props.isAcw]),
    ).toEqual([[MARIA, 'Unavailable', 'Lunch', false]]);
  });

  it('reads an empty answer given as 200 with an empty list like a 304', async () => {
    const emulator = await o.emulator({ emptyStatus: 200 });
    const h = o.host(emulator, 'rtd-poll');
    await connected(h);
    await polled(emulator);
    const call = emulator.controls.call('23045871');
    call.offer();
    await polled(emulator);
    call.answer();
    await h.until('offered and answered', () => h.messages.length >= 2);
    expect(h.messages.map((m) => m.lifecycle)).toEqual(['offered', 'answered']);
  });
});
