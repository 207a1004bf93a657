// The runner's own Agent API sessions against the emulated business unit: one session per listed agent,
// each call moment once, AgentState mapped, a consult offered to the consulted agent only, agent legs never
// popped as calls, transfers tied by MasterID, and a session CXone ended, expired or stalled joined again without a pop twice.
import {
  createMemoryStateStore,
  createRuntime,
  runSession,
  SessionError,
  sessionsOf,
} from '@openconnect/core';
import type { TestHost } from '@openconnect/core/testing';
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import type { CxoneEmulator } from '../src/emulators/index.js';
import connector from '../src/index.js';
import { cxoneSettings, opener, pops, sleep } from './cxone-harness.js';

const o = opener();
afterEach(() => o.closeAll());

const connected = (h: TestHost) => h.until('the session to connect', () => h.connected);
const MARIA = 'mreyes@acme.example';
const TOM = 'tkim@acme.example';
const LOGGED_IN = [`${MARIA} agent_state LoggedIn`, `${MARIA} agent_state Available`];
const subscription = connector.subscriptions!.find((s) => s.id === 'agent-sessions')!;
/** The call pops (the agent's state changes with each call too: InboundContact, ACW, Available). */
const calls = (h: TestHost) => h.messages.filter((m) => m.lifecycle !== 'agent_state');

/** Runs one session of agent 23045871 to its end: the SessionError it ended with. */
async function oneSession(emulator: CxoneEmulator, options: Record<string, unknown> = {}) {
  const settings = cxoneSettings(emulator, { cxoneRealtime: false, cxoneAgentIds: ['23045871'], ...options });
  const runtime = createRuntime(connector, settings, { state: createMemoryStateStore() });
  const noop = () => {};
  return runSession(
    runtime,
    subscription,
    {
      http: axios.create({ timeout: 5_000, validateStatus: () => true }),
      publicUrl: 'http://127.0.0.1:8080',
      instance: '23045871',
      log: { debug: noop, info: noop, warn: noop, error: noop },
      store: async (messages) => ({ stored: messages.length, duplicates: 0 }),
      onStatus: noop,
      onBadFrame: noop,
    },
    new AbortController().signal,
  ).then(
    () => undefined,
    (error: unknown) => error as SessionError,
  );
}

describe('agent-sessions: one session per agent', () => {
  it('asks for one session per listed agent, each named by its agent id', () => {
    const runtime = createRuntime(connector, {
      options: {
        cxoneApiUrl: 'https://api-na1.niceincontact.com/inContactAPI',
        cxoneClientId: 'app@acme',
        cxoneClientSecret: 'client-secret-0123456789',
        cxoneAccessKeyId: 'AK0123',
        cxoneAccessKeySecret: 'access-key-secret-0123456789',
        cxoneAgentIds: ['23045871', 23045872],
      },
    });
    expect(sessionsOf(subscription, runtime.config)).toEqual(['23045871', '23045872']);
  });

  it('joins the agent session as that agent and pops its login, then each call moment once', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'agent-sessions');
    await connected(h);
    expect(pops(h.messages)).toEqual(LOGGED_IN);
    const call = emulator.controls.call('23045871');
    for (const move of ['offer', 'answer', 'hold', 'resume', 'hangUp', 'finishWrapUp'] as const) call[move]();
    await h.until('six call pops', () => calls(h).length >= 6);
    await sleep(300);
    expect(pops(calls(h))).toEqual(
      ['offered', 'answered', 'held', 'resumed', 'ended', 'completed'].map(
        (l) => `${MARIA} ${l} ${call.contactId}`,
      ),
    );
    expect(pops(h.messages.filter((m) => m.lifecycle === 'agent_state').slice(2))).toEqual([
      `${MARIA} agent_state InboundContact`,
      `${MARIA} agent_state Unavailable`,
      `${MARIA} agent_state Available`,
    ]);
    expect(h.messages.every((m) => m.props.agentSessionId === emulator.sessions()[0]!.sessionId)).toBe(true);
    expect(emulator.counters.requests.filter((r) => r.startsWith('POST')).slice(1)).toEqual([
      'POST /inContactAPI/services/v23.0/agent-sessions/join',
    ]);
  });

  it('maps AgentState: CurrentState, CurrentOutReason and IsAcw', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'agent-sessions');
    await connected(h);
    emulator.controls.setAgentState('23045871', 'Unavailable', 'Lunch');
    await h.until('the state', () => h.messages.length >= 3);
    expect(h.messages[2]!.props).toEqual({
      lifecycle: 'agent_state',
      nativeEvent: 'AgentState',
      agentState: 'Unavailable',
      outReason: 'Lunch',
      isAcw: false,
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      agentPlatformId: '23045871',
      agentSessionId: emulator.sessions()[0]!.sessionId,
    });
  });

  it('offers a consult to the consulted agent only (leg consult), never the agent leg; a call transferred in keeps its MasterID', async () => {
    const emulator = await o.emulator();
    const tom = o.host(emulator, 'agent-sessions', { cxoneAgentIds: ['23045871', '23045872'] }, '23045872');
    const maria = o.host(emulator, 'agent-sessions', { cxoneAgentIds: ['23045871', '23045872'] }, '23045871');
    await connected(tom);
    await connected(maria);
    const call = emulator.controls.call('23045871');
    call.offer();
    call.answer();
    const consult = emulator.controls.consult(call, '23045872');
    consult.offer();
    consult.answer();
    consult.hangUp({ acw: false });
    emulator.controls.agentLeg('23045872').answer();
    const moved = call.transfer('23045872');
    moved.answer();
    await tom.until('the transferred call', () => tom.messages.some((m) => m.lifecycle === 'answered'));
    await sleep(300);
    expect(pops(calls(maria))).toEqual(
      ['offered', 'answered', 'ended', 'completed'].map((l) => `${MARIA} ${l} ${call.contactId}`),
    );
    expect(pops(calls(tom))).toEqual([
      ...['offered', 'answered', 'ended', 'completed'].map((l) => `${TOM} ${l} ${consult.contactId}`),
      `${TOM} offered ${moved.contactId}`,
      `${TOM} answered ${moved.contactId}`,
    ]);
    expect(calls(tom).map((m) => [m.props.leg, m.props.parentInteractionId])).toEqual([
      ...Array(4).fill(['consult', call.contactId]),
      ['transfer', call.contactId],
      ['transfer', call.contactId],
    ]);
  });
});

describe('agent-sessions: joined again, nothing popped twice', () => {
  it('joins again when the session expired (404) and the snapshot of the call in progress pops nothing again', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'agent-sessions');
    await connected(h);
    const call = emulator.controls.call('23045871');
    call.offer();
    call.answer();
    await h.until('offered and answered', () => calls(h).length >= 2);
    const popped = h.messages.length;
    emulator.controls.endSession('23045871', { silently: true });
    await h.until('a second join', () => emulator.counters.sessions >= 2 && h.connected);
    expect(h.errors.join(' ')).toContain('is gone (HTTP 404)');
    expect(h.messages.length).toBe(popped); // AgentSessionStart, AgentState, the Active call: all known
    call.hangUp({ acw: false });
    await h.until('ended and completed', () => calls(h).length >= 4);
    await sleep(300);
    expect(pops(calls(h))).toEqual(
      ['offered', 'answered', 'ended', 'completed'].map((l) => `${MARIA} ${l} ${call.contactId}`),
    );
  });

  it('after a forced disconnect mid-call, joins again and pops each moment once', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'agent-sessions');
    await connected(h);
    const call = emulator.controls.call('23045871');
    call.offer();
    await h.until('offered', () => calls(h).length >= 1);
    emulator.controls.drop();
    call.answer(); // while nobody listens
    await h.until('a second session', () => h.sessions >= 2);
    await h.until('answered', () => calls(h).length >= 2);
    call.hangUp({ acw: false });
    await h.until('ended and completed', () => calls(h).length >= 4);
    await sleep(300);
    expect(pops(calls(h))).toEqual(
      ['offered', 'answered', 'ended', 'completed'].map((l) => `${MARIA} ${l} ${call.contactId}`),
    );
  });

  it('an agent who logs out (AgentSessionEnd) pops LoggedOut, and is joined again once logged back in', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'agent-sessions');
    await connected(h);
    emulator.controls.endSession('23045871', { logout: true });
    await h.until('a refused join', () => h.errors.some((e) => e.includes('HTTP 409')));
    expect(h.errors[0]).toBe(
      'the Agent API session of agent 23045871 ended (AgentSessionEnd); joining again',
    );
    expect(h.errors[1]).toBe(
      'agent 23045871 has no Agent API session to join: not logged in (HTTP 409); trying again',
    );
    emulator.controls.login('23045871');
    await h.until('logged in again', () => h.messages.length >= 5);
    expect(pops(h.messages)).toEqual([...LOGGED_IN, `${MARIA} agent_state LoggedOut`, ...LOGGED_IN]);
  });

  it('pops each moment once when CXone answers a batch twice', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'agent-sessions');
    await connected(h);
    emulator.controls.duplicates();
    const call = emulator.controls.call('23045871');
    call.offer();
    await sleep(100);
    call.answer();
    await h.until('answered', () => calls(h).length >= 2);
    await sleep(500);
    expect(pops(h.messages.slice(2))).toEqual([
      `${MARIA} agent_state InboundContact`,
      `${MARIA} offered ${call.contactId}`,
      `${MARIA} answered ${call.contactId}`,
    ]);
  });

  it('takes one new token when CXone expires the token early (401), in the same session', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'agent-sessions');
    await connected(h);
    emulator.controls.expireTokens();
    await h.until('a new token', () => emulator.counters.tokens >= 2);
    emulator.controls.call('23045871').offer();
    await h.until('offered', () => h.messages.length >= 3);
    expect([emulator.counters.expirations, h.sessions]).toEqual([1, 1]);
  });

  it('a stalled long poll ends by its own timeout and the agent is joined again', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'agent-sessions');
    await connected(h);
    emulator.controls.stall();
    await h.until('the stalled request to time out', () => h.errors.length >= 1, 15_000);
    expect(h.errors[0]).toMatch(
      /could not be reached \(waiting for the events of agent 23045871: ECONNABORTED\)/,
    );
    emulator.controls.stall(false);
    await h.until('joined again', () => h.connected && emulator.counters.sessions >= 2, 15_000);
    emulator.controls.call('23045871').offer();
    await h.until('offered', () => h.messages.length >= 3);
  }, 30_000);
});

describe('agent-sessions: how it starts, and what fails it', () => {
  it('starts a session on the agent station with cxoneAgentSessionMode start', async () => {
    const emulator = await o.emulator();
    const h = o.host(emulator, 'agent-sessions', {
      cxoneAgentSessionMode: 'start',
      cxoneAgentStations: { '23045871': { stationId: '700101' } },
    });
    await connected(h);
    emulator.controls.call('23045871').offer();
    await h.until('offered', () => h.messages.some((m) => m.lifecycle === 'offered'));
    expect(emulator.counters.requests).toContain('POST /inContactAPI/services/v23.0/agent-sessions');
  });

  it('waits through an empty timeout answered 200 with no events, like a 304', async () => {
    const emulator = await o.emulator({ emptyStatus: 200 });
    const h = o.host(emulator, 'agent-sessions');
    await connected(h);
    await sleep(1_300); // one empty timeout
    emulator.controls.call('23045871').offer();
    await h.until('offered', () => h.messages.length >= 3);
    expect(h.sessions).toBe(1);
  });

  it('fails on a wrong access key secret without the secret in the message', async () => {
    const emulator = await o.emulator();
    const ended = await oneSession(emulator, { cxoneAccessKeySecret: 'wrong-access-key-secret-0123456789' });
    expect(ended).toBeInstanceOf(SessionError);
    expect([ended!.failed, ended!.message.includes('wrong-access-key-secret')]).toEqual([true, false]);
    expect(ended!.message).toContain('CXone refused the credentials (HTTP 400 invalid_grant)');
  });

  it('ends with the pause a 429 on the join asks for', async () => {
    const emulator = await o.emulator();
    emulator.controls.fail(429, { path: 'agent-sessions/join', retryAfterSeconds: 3 });
    const ended = await oneSession(emulator);
    expect([ended!.retryAfterMs, ended!.failed]).toEqual([3_000, false]);
  });
});
