// The runner's own sessions against scripted CXone answers (no server): each answer the Agent API and the
// Real-Time Data API can give, and what the session does with it: the message it ends with, what it hands on,
// what it counts as a bad frame, and what it asks for next.
import { createMemoryStateStore, createRuntime, type PreparedMessage, runSession } from '@openconnect/core';
import type { AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';

const API = 'https://api-na1.niceincontact.com/inContactAPI';
const BASE = `${API}/services/v23.0/`;
const OPTIONS = {
  cxoneApiUrl: API,
  cxoneClientId: 'openconnect@acme',
  cxoneClientSecret: 'client-secret-0123456789',
  cxoneAccessKeyId: 'AK0123456789',
  cxoneAccessKeySecret: 'access-key-secret-0123456789',
  cxoneAgentIds: ['23045871'],
  cxoneLongPollSeconds: 20,
  cxoneRealtimeIntervalMs: 50,
};
const DIRECTORY = { '23045871': 'mreyes@acme.example', '23045872': 'tkim@acme.example' };
const TOKEN = JSON.stringify({ access_token: 'eyJ.token.1', expires_in: 3600 });

interface Reply {
  status: number;
  body?: unknown;
}
interface Asked {
  method: string;
  url: string;
  data?: unknown;
  timeout?: number;
}

/**
 * Runs one session of `subscription` against `replies` (each API request takes the next; once they run out
 * CXone answers 599, which ends the session). What it ended with, asked, handed on, showed and counted.
 */
async function session(
  subscription: 'agent-sessions' | 'rtd-poll',
  replies: Reply[],
  options: Record<string, unknown> = {},
  host: { instance?: string; now?: () => number } = { instance: '23045871' },
) {
  const asked: Asked[] = [];
  const http = {
    post: async () => ({ status: 200, data: TOKEN, headers: {} }),
    request: async (request: Asked) => {
      asked.push({ method: request.method, url: request.url, data: request.data, timeout: request.timeout });
      const reply = replies.shift() ?? { status: 599 };
      const data =
        typeof reply.body === 'string'
          ? reply.body
          : reply.body === undefined
            ? ''
            : JSON.stringify(reply.body);
      return { status: reply.status, data, headers: {} };
    },
  } as unknown as AxiosInstance;
  const runtime = createRuntime(
    connector,
    { directory: DIRECTORY, options: { ...OPTIONS, ...options } },
    { state: createMemoryStateStore() },
  );
  const messages: PreparedMessage[] = [];
  const statuses: string[] = [];
  const bad: string[] = [];
  const noop = () => {};
  const ended = await runSession(
    runtime,
    connector.subscriptions!.find((s) => s.id === subscription)!,
    {
      http,
      publicUrl: 'http://127.0.0.1:8080',
      ...host,
      log: { debug: noop, info: noop, warn: noop, error: noop },
      store: async (stored) => {
        messages.push(...stored);
        return { stored: stored.length, duplicates: 0 };
      },
      onStatus: (status, detail) => statuses.push(`${status}: ${detail}`),
      onBadFrame: (reason) => bad.push(reason),
    },
    new AbortController().signal,
  ).then(
    () => 'ended cleanly',
    (error: Error & { failed?: boolean }) => `${error.failed ? 'failed' : 'ended'}: ${error.message}`,
  );
  return { ended, asked, messages, statuses, bad };
}

const contact = (Status: string) => ({
  Type: 'CallContactEvent',
  ContactID: '389712045611',
  MasterID: '389712045611',
  Status,
  IsInbound: 'True',
  ANI: '6025550143',
  DNIS: '8005550123',
  FinalState: 'False',
});
const pops = (messages: PreparedMessage[]) => messages.map((m) => `${m.agentid} ${m.lifecycle}`);
const NEXT_EVENT = `${BASE}agent-sessions/e4b1d2c3-f4a5/get-next-event?timeout=20`;

describe('agent-sessions against scripted answers', () => {
  it('joins as the agent, long-polls with a request timeout 5 s past CXone own, and hands each batch on', async () => {
    const run = await session('agent-sessions', [
      { status: 202, body: { sessionId: 'e4b1d2c3-f4a5' } },
      { status: 200, body: { sessionId: 'e4b1d2c3-f4a5', events: [contact('Ringing'), contact('Active')] } },
    ]);
    expect(run.asked.slice(0, 2)).toEqual([
      {
        method: 'POST',
        url: `${BASE}agent-sessions/join`,
        data: { asAgentId: '23045871' },
        timeout: undefined,
      },
      { method: 'GET', url: NEXT_EVENT, data: undefined, timeout: 25_000 },
    ]);
    expect(pops(run.messages)).toEqual(['mreyes@acme.example offered', 'mreyes@acme.example answered']);
    expect(run.statuses.slice(1)).toEqual([
      'connected: agent 23045871: Agent API session e4b1d2c3-f4a5, get-next-event waits up to 20 s',
    ]);
    expect(run.ended).toBe('ended: CXone answered HTTP 599 (waiting for the events of agent 23045871)');
  });
  it('reads a numeric sessionId, in the path and as the agentSessionId of what it hands on', async () => {
    const run = await session('agent-sessions', [
      { status: 202, body: { sessionId: 7701245 } },
      { status: 200, body: { events: [contact('Active')] } },
    ]);
    expect([run.asked[1]!.url, run.messages[0]!.props.agentSessionId]).toEqual([
      `${BASE}agent-sessions/7701245/get-next-event?timeout=20`,
      '7701245',
    ]);
  });
  it('names the session an answer gives (a session CXone renamed) on what it hands on', async () => {
    const run = await session('agent-sessions', [
      { status: 202, body: { sessionId: 'e4b1d2c3-f4a5' } },
      { status: 200, body: { sessionId: 'a9f0c3d2', events: [contact('Active')] } },
    ]);
    expect(run.messages[0]!.props.agentSessionId).toBe('a9f0c3d2');
  });
  it.each([
    [404, 'agent 23045871 has no Agent API session to join: not logged in (HTTP 404); trying again'],
    [409, 'agent 23045871 has no Agent API session to join: not logged in (HTTP 409); trying again'],
  ])('ends, to join again later, when there is no session to join (HTTP %s)', async (status, message) => {
    const run = await session('agent-sessions', [{ status }]);
    expect([run.ended, run.statuses]).toEqual([
      `ended: ${message}`,
      ['connecting: getting a CXone token for access key AK0123456789'],
    ]);
  });
  it('starts a session on the agent station in start mode, naming the station when there is none to start', async () => {
    const run = await session('agent-sessions', [{ status: 409 }], {
      cxoneAgentSessionMode: 'start',
      cxoneAgentStations: { '23045871': { stationId: '700101' } },
    });
    expect([run.asked[0], run.ended]).toEqual([
      { method: 'POST', url: `${BASE}agent-sessions`, data: { stationId: '700101' }, timeout: undefined },
      'ended: agent 23045871 has no Agent API session to start on that station (HTTP 409); trying again',
    ]);
  });
  it('ends when the join answer names no session', async () => {
    const run = await session('agent-sessions', [{ status: 200, body: { sessionId: null } }]);
    expect(run.ended).toBe(
      'ended: CXone answered joining the Agent API session of agent 23045871 without a sessionId (HTTP 200)',
    );
  });
  it('fails at once when the host names no agent', async () => {
    const run = await session('agent-sessions', [], {}, {});
    expect([run.ended, run.asked]).toEqual([
      'failed: agent-sessions holds one session per agent: list them in cxoneAgentIds',
      [],
    ]);
  });
  it.each([404, 409])(
    'ends to join again when get-next-event answers %s (the session is gone)',
    async (status) => {
      const run = await session('agent-sessions', [
        { status: 202, body: { sessionId: 'e4b1d2c3-f4a5' } },
        { status },
      ]);
      expect(run.ended).toBe(
        `ended: the Agent API session of agent 23045871 is gone (HTTP ${status}); joining again`,
      );
    },
  );
  it('counts an answer that is not JSON, or has no events list, as a bad frame and asks again', async () => {
    const run = await session('agent-sessions', [
      { status: 202, body: { sessionId: 'e4b1d2c3-f4a5' } },
      { status: 200, body: '<html>busy</html>' },
      { status: 200, body: { sessionId: 'e4b1d2c3-f4a5' } },
      { status: 200, body: { events: 'none' } },
      { status: 200, body: { events: [contact('Active')] } },
    ]);
    expect(run.bad.length).toBe(3);
    expect(run.bad[0]).toMatch(/^get-next-event of agent 23045871 answered the answer is not JSON \(/);
    expect(run.bad.slice(1)).toEqual([
      'get-next-event of agent 23045871 answered no events list',
      'get-next-event of agent 23045871 answered no events list',
    ]);
    expect(pops(run.messages)).toEqual(['mreyes@acme.example answered']);
  });
  it('is connected after the first empty answer (304) and asks again', async () => {
    const run = await session('agent-sessions', [
      { status: 202, body: { sessionId: 'e4b1d2c3-f4a5' } },
      { status: 304 },
      { status: 204 },
      { status: 200, body: { events: [] } },
    ]);
    expect([run.statuses.length, run.asked.length, run.bad]).toEqual([2, 5, []]);
  });
  it('pauses before asking again after an empty answer that came back at once (a server not holding the poll)', async () => {
    const started = Date.now();
    const run = await session(
      'agent-sessions',
      [{ status: 202, body: { sessionId: 'e4b1d2c3-f4a5' } }, { status: 304 }],
      {},
      { instance: '23045871', now: () => 0 },
    );
    expect(run.asked.length).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });
  it('does not pause after an empty answer that took the long poll time', async () => {
    let clock = 0;
    const started = Date.now();
    await session(
      'agent-sessions',
      [
        { status: 202, body: { sessionId: 'e4b1d2c3-f4a5' } },
        ...Array.from({ length: 10 }, () => ({ status: 304 })),
      ],
      {},
      {
        instance: '23045871',
        now: () => {
          clock += 100;
          return clock;
        },
      },
    );
    // ten pauses would take 5 s
    expect(Date.now() - started).toBeLessThan(2_500);
  });
  it.each(['AgentSessionEnd', 'RemoteAgentSessionEnd'])(
    'hands on the batch, then ends to join again, after %s',
    async (Type) => {
      const run = await session('agent-sessions', [
        { status: 202, body: { sessionId: 'e4b1d2c3-f4a5' } },
        { status: 200, body: { events: [{ Type: 'AgentState', CurrentState: 'Available' }, { Type }] } },
      ]);
      expect([run.ended, run.asked.length, run.messages[0]?.props.agentState]).toEqual([
        `ended: the Agent API session of agent 23045871 ended (${Type}); joining again`,
        2,
        'Available',
      ]);
    },
  );
});

const row = (contactId: number, lastUpdateTime: string, stateName = 'Active', agentId = 23045871) => ({
  agentId,
  contactId,
  masterContactId: contactId,
  fromAddress: '6025550143',
  toAddress: '8005550123',
  isOutbound: false,
  lastUpdateTime,
  mediaTypeName: 'Call',
  skillId: 4120345,
  skillName: 'Billing_Inbound',
  stateName,
});
const agentRow = (agentId: number, contactId: number, teamId = 1101) => ({
  agentId,
  agentStateName: contactId ? 'InboundContact' : 'Available',
  contactId,
  isACW: false,
  lastUpdateTime: '2026-11-25T14:02:00.000Z',
  teamId,
  userName: agentId === 23045871 ? 'mreyes@acme.example' : 'tkim@acme.example',
});
const contacts = (list: unknown[], lastPollTime = '2026-11-25T14:03:00.000Z') => ({
  status: 200,
  body: { lastPollTime, activeContacts: list },
});
const agents = (list: unknown[]) => ({
  status: 200,
  body: { lastPollTime: '2026-11-25T14:03:00.000Z', agentStates: list },
});
const interactions = (messages: PreparedMessage[]) =>
  messages.map((m) => `${m.lifecycle} ${m.props.interactionId}`);

describe('rtd-poll against scripted answers', () => {
  it('polls agents/states then contacts/active, each from its last lastPollTime, and shows how it polls', async () => {
    const run = await session(
      'rtd-poll',
      [
        agents([agentRow(23045871, 0)]),
        contacts([row(389712045611, '2026-11-25T14:02:30.000Z')], '2026-11-25T14:02:59.000Z'),
        { status: 304 },
        { status: 204 },
      ],
      { cxoneAgentIds: [] },
      {},
    );
    expect(run.asked.map((a) => a.url)).toEqual([
      `${BASE}agents/states`,
      `${BASE}contacts/active`,
      `${BASE}agents/states?updatedSince=2026-11-25T14%3A03%3A00.000Z`,
      `${BASE}contacts/active?updatedSince=2026-11-25T14%3A02%3A59.000Z`,
      `${BASE}agents/states?updatedSince=2026-11-25T14%3A03%3A00.000Z`,
    ]);
    expect(run.statuses).toEqual([
      'connecting: getting a CXone token for access key AK0123456789',
      'connected: polling the Real-Time Data API every 50 ms: 1 agent(s)',
    ]);
    expect(run.ended).toBe('ended: CXone answered HTTP 599 (polling agents/states)');
  });
  it('reads an answer wrapped in resultSet (older API versions)', async () => {
    const run = await session(
      'rtd-poll',
      [
        { status: 200, body: { resultSet: { lastPollTime: '2026-11-25T14:03:00.000Z', agentStates: [] } } },
        {
          status: 200,
          body: { resultSet: { activeContacts: [row(389712045611, '2026-11-25T14:02:30.000Z')] } },
        },
      ],
      { cxoneAgentIds: [] },
      {},
    );
    expect(interactions(run.messages)).toEqual(['answered 389712045611']);
  });
  it('hands the contacts of a round on oldest change first, and each contact once across skill and team filters', async () => {
    const late = row(389712045611, '2026-11-25T14:02:40.000Z');
    const early = row(389712045622, '2026-11-25T14:02:10.000Z');
    const run = await session(
      'rtd-poll',
      [
        agents([]),
        contacts([late, early], '2026-11-25T14:03:00.000Z'),
        contacts([late], '2026-11-25T14:02:50.000Z'),
      ],
      { cxoneAgentIds: [], cxoneRealtimeSkillIds: ['4120345'], cxoneRealtimeTeamIds: ['1101'] },
      {},
    );
    expect(interactions(run.messages)).toEqual(['answered 389712045622', 'answered 389712045611']);
    expect(run.asked.slice(1, 4).map((a) => a.url)).toEqual([
      `${BASE}contacts/active?skillId=4120345`,
      `${BASE}contacts/active?teamId=1101`,
      // the earliest lastPollTime of the filters' answers, so no filter's change falls between rounds
      `${BASE}agents/states?updatedSince=2026-11-25T14%3A03%3A00.000Z`,
    ]);
    expect(run.statuses[1]).toBe(
      'connected: polling the Real-Time Data API every 50 ms: 0 agent(s) (filtered by skill/team)',
    );
  });
  it('resumes contacts from the earliest lastPollTime the filters gave', async () => {
    const run = await session(
      'rtd-poll',
      [
        agents([]),
        contacts([], '2026-11-25T14:03:00.000Z'),
        contacts([], '2026-11-25T14:02:50.000Z'),
        agents([]),
      ],
      { cxoneAgentIds: [], cxoneRealtimeSkillIds: ['4120345', '4120346'] },
      {},
    );
    expect(run.asked[4]!.url).toBe(
      `${BASE}contacts/active?updatedSince=2026-11-25T14%3A02%3A50.000Z&skillId=4120345`,
    );
  });
  it('leaves out agents of other teams and contacts not routed to an agent', async () => {
    const run = await session(
      'rtd-poll',
      [
        agents([agentRow(23045871, 389712045611), agentRow(23045872, 0, 1102), agentRow(0, 0)]),
        contacts([
          row(389712045611, '2026-11-25T14:02:30.000Z'),
          row(389712045633, '2026-11-25T14:02:31.000Z', 'InQueue', 0),
        ]),
      ],
      { cxoneAgentIds: [], cxoneRealtimeTeamIds: ['1101'], cxoneRealtimeAgentStates: true },
      {},
    );
    expect(run.messages.map((m) => `${m.agentid} ${m.lifecycle}`)).toEqual([
      'mreyes@acme.example agent_state',
      'mreyes@acme.example answered',
    ]);
  });
  it('counts an unreadable answer or a list that is none as a bad frame, and reads the round again', async () => {
    const run = await session(
      'rtd-poll',
      [
        { status: 200, body: 'maintenance' },
        { status: 200, body: { activeContacts: 'none' } },
        { status: 200, body: [] },
        // No list at all is an empty one (nothing active), not a bad frame.
        { status: 200, body: { lastPollTime: '2026-11-25T14:03:00.000Z' } },
      ],
      { cxoneAgentIds: [] },
      {},
    );
    expect(run.bad.map((b) => b.replace(/\(.*\)/, '(...)'))).toEqual([
      'agents/states answered the answer is not JSON (...); the round is read again',
      'contacts/active answered no activeContacts list; the round is read again',
      'agents/states answered no agentStates list; the round is read again',
    ]);
    expect(run.asked[3]!.url).toBe(`${BASE}contacts/active`);
  });
  it('counts a contact record without a state as a bad frame and goes on with the next', async () => {
    const { stateName: _, ...stateless } = row(389712045600, '2026-11-25T14:02:20.000Z');
    const run = await session(
      'rtd-poll',
      [agents([]), contacts([stateless, row(389712045611, '2026-11-25T14:02:30.000Z')])],
      { cxoneAgentIds: [] },
      {},
    );
    expect([run.bad, interactions(run.messages)]).toEqual([
      ['a contacts/active record needs its stateName (or state)'],
      ['answered 389712045611'],
    ]);
  });
  it('ends on an answer it cannot use, naming the options to check', async () => {
    const run = await session('rtd-poll', [{ status: 404 }], { cxoneAgentIds: [] }, {});
    expect(run.ended).toBe(
      'ended: CXone answered HTTP 404 (polling agents/states): check cxoneApiUrl and cxoneApiVersion',
    );
  });
  it('follows next links without the query, keeping the first page lastPollTime', async () => {
    const page2 = `${BASE}agents/states?page=2`;
    const run = await session(
      'rtd-poll',
      [
        {
          status: 200,
          body: {
            lastPollTime: '2026-11-25T14:03:00.000Z',
            agentStates: [agentRow(23045871, 0)],
            _links: { next: page2 },
          },
        },
        {
          status: 200,
          body: {
            lastPollTime: '2026-11-25T15:00:00.000Z',
            agentStates: [agentRow(23045872, 0)],
            _links: { next: '' },
          },
        },
        contacts([]),
        agents([]),
      ],
      { cxoneAgentIds: [] },
      {},
    );
    expect([run.asked[1]!.url, run.asked[3]!.url, run.statuses[1]]).toEqual([
      page2,
      `${BASE}agents/states?updatedSince=2026-11-25T14%3A03%3A00.000Z`,
      'connected: polling the Real-Time Data API every 50 ms: 2 agent(s)',
    ]);
  });
  it('sends completed once the agent moves off a contact it was wrapping up', async () => {
    const ended = row(389712045611, '2026-11-25T14:02:30.000Z', 'Disconnected');
    const wrapping = { ...agentRow(23045871, 389712045611), agentStateName: 'Unavailable', isACW: true };
    const run = await session(
      'rtd-poll',
      [
        agents([wrapping]),
        contacts([ended]),
        agents([{ ...agentRow(23045871, 0), lastUpdateTime: '2026-11-25T14:03:30.000Z' }]),
        { status: 304 },
      ],
      { cxoneAgentIds: [] },
      {},
    );
    expect(interactions(run.messages)).toEqual(['ended 389712045611', 'completed 389712045611']);
  });
});
