// Contact states that end a ringing contact without an answer, beyond the fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntime, handleRequest, type RecordedRequest, toInboundRequest } from '@openconnect/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import connector, { createConnectLookups } from '../src/index.js';
import {
  type FakeConnectApi,
  startFakeConnectApi,
  TEST_CREDENTIALS,
  TEST_REGION,
} from './fake-connect-api.js';
import { AGENT_ARN, API_KEY, INSTANCE_ID, USER_ID } from './values.js';

type Contact = { State: string };
type AgentEvent = {
  CurrentAgentSnapshot: { Contacts: Contact[] };
  PreviousAgentSnapshot: { Contacts: Contact[] };
};

/** The missed-call fixture with its contact moving from `before` to `after`. */
function transition(before: string, after: string) {
  const file = JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/agent-stream/decoded-missed.json'), 'utf8'),
  ) as { request: RecordedRequest & { body: AgentEvent } };
  file.request.body.PreviousAgentSnapshot.Contacts[0]!.State = before;
  file.request.body.CurrentAgentSnapshot.Contacts[0]!.State = after;
  return toInboundRequest(file.request);
}

async function lifecycles(before: string, after: string) {
  const runtime = createRuntime(connector, { options: { apiKey: API_KEY } });
  const outcome = await handleRequest(runtime, transition(before, after), 'agent-stream');
  return outcome.kind === 'accepted' ? outcome.messages.map((m) => m.lifecycle) : outcome.kind;
}

describe('a contact that stops ringing unanswered', () => {
  it('ends the offered pop when the agent rejects it (CONNECTING → REJECTED)', async () => {
    expect(await lifecycles('CONNECTING', 'REJECTED')).toEqual(['ended']);
  });

  it('ends the offered pop of a callback the caller abandoned (INCOMING → ERROR)', async () => {
    expect(await lifecycles('INCOMING', 'ERROR')).toEqual(['ended']);
  });

  it('ends the offered pop of a callback that stops pending (PENDING → MISSED)', async () => {
    expect(await lifecycles('PENDING', 'MISSED')).toEqual(['ended']);
  });

  it('pops nothing for an ERROR of a contact that was not ringing', async () => {
    expect(await lifecycles('CONNECTED', 'ERROR')).toBe('ignored');
  });
});

describe('the consult leg an agent dials out on', () => {
  type Step = { request: RecordedRequest & { body: AgentEvent & { EventId: string } } };
  const consult = JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/agent-stream/call-consult.json'), 'utf8'),
  ) as { steps: Step[] };

  it('pops nothing for the agent already on the call, should her own snapshot list it', async () => {
    const runtime = createRuntime(connector, { options: { apiKey: API_KEY } });
    for (const step of consult.steps.slice(0, 2)) {
      await handleRequest(runtime, toInboundRequest(step.request), 'agent-stream');
    }
    // Maria's hold event, with Tom's TRANSFER contact ringing in her own snapshot as well.
    const hold = structuredClone(consult.steps[2]!.request);
    const tomsLeg = consult.steps[3]!.request.body.CurrentAgentSnapshot.Contacts[0]!;
    hold.body.CurrentAgentSnapshot.Contacts.push(tomsLeg);
    const outcome = await handleRequest(runtime, toInboundRequest(hold), 'agent-stream');
    expect(
      outcome.kind === 'accepted' ? outcome.messages.map((m) => [m.agentid, m.lifecycle]) : outcome.kind,
    ).toEqual([['maria.lopez', 'held']]);
  });
});

describe('an agent whose connected contact fails', () => {
  it('is off the call afterwards: the next agent on it gets a transfer, not a consult', async () => {
    const file = (name: string) =>
      JSON.parse(readFileSync(join(import.meta.dirname, `../fixtures/agent-stream/${name}`), 'utf8')) as {
        steps: { request: RecordedRequest & { body: AgentEvent } }[];
      };
    const consult = file('call-consult.json');
    const runtime = createRuntime(connector, { options: { apiKey: API_KEY } });
    for (const step of consult.steps.slice(0, 2)) {
      await handleRequest(runtime, toInboundRequest(step.request), 'agent-stream');
    }
    // Maria's connected contact goes to ERROR (her line dropped) before Tom's leg rings.
    const dropped = structuredClone(consult.steps[2]!.request);
    dropped.body.CurrentAgentSnapshot.Contacts[0]!.State = 'ERROR';
    await handleRequest(runtime, toInboundRequest(dropped), 'agent-stream');
    const outcome = await handleRequest(runtime, toInboundRequest(consult.steps[3]!.request), 'agent-stream');
    expect(outcome.kind === 'accepted' ? outcome.messages.map((m) => m.props.leg) : outcome.kind).toEqual([
      'transfer',
    ]);
  });
});

/** One decoded AgentEvent or Kinesis event, sent to the agent-stream source. */
async function send(body: unknown) {
  const runtime = createRuntime(connector, { options: { apiKey: API_KEY } });
  const request = toInboundRequest({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: body as Record<string, unknown>,
  });
  return handleRequest(runtime, request, 'agent-stream');
}

type Status = { ARN: string; Name: string };
type StatusEvent = {
  EventId: string;
  CurrentAgentSnapshot: { AgentStatus: Status; Contacts: unknown[] };
  PreviousAgentSnapshot: { AgentStatus: Status; Contacts: unknown[] };
};
/** Aisha going from Available to Break, with no contact. */
const statusChange = () =>
  (
    JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/agent-stream/decoded-status-change.json'), 'utf8'),
    ) as { request: { body: StatusEvent } }
  ).request.body;
const kinesis = (events: unknown[]) => ({
  Records: events.map((event, n) => ({
    kinesis: { data: Buffer.from(JSON.stringify(event)).toString('base64'), sequenceNumber: `${n + 1}` },
  })),
});

describe('an agent status change', () => {
  it('counts when only the status ARN changed, or only its name', async () => {
    const arnOnly = statusChange();
    arnOnly.CurrentAgentSnapshot.AgentStatus.Name = arnOnly.PreviousAgentSnapshot.AgentStatus.Name;
    const nameOnly = statusChange();
    nameOnly.CurrentAgentSnapshot.AgentStatus.ARN = nameOnly.PreviousAgentSnapshot.AgentStatus.ARN;
    for (const event of [arnOnly, nameOnly]) {
      const outcome = await send(event);
      expect(outcome.kind === 'accepted' ? outcome.messages.map((m) => m.lifecycle) : outcome.kind).toEqual([
        'agent_state',
      ]);
    }
  });

  it('shares the record with a contact that starts ringing: each message keyed EventId#n', async () => {
    const event = statusChange();
    event.CurrentAgentSnapshot.Contacts.push({ ContactId: 'c-9', State: 'CONNECTING', Channel: 'VOICE' });
    const outcome = await send(event);
    expect(
      outcome.kind === 'accepted' ? outcome.messages.map((m) => [m.lifecycle, m.dedupeKey]) : outcome.kind,
    ).toEqual([
      ['offered', `amazon-connect/agent-stream/${event.EventId}#0`],
      ['agent_state', `amazon-connect/agent-stream/${event.EventId}#1`],
    ]);
  });
});

describe('a Kinesis batch', () => {
  it('is keyed by a digest of its records’ EventIds', async () => {
    const first = statusChange();
    const second = { ...statusChange(), EventId: 'e-2' };
    const outcome = await send(kinesis([first, second]));
    // sha256("e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a08,e-2"), its first 32 hex digits.
    expect('eventId' in outcome && outcome.eventId).toBe('batch-836c4f6fbb6d589b099073298ac12590');
  });

  it('is ignored with every record’s reason when it holds nothing to send', async () => {
    const heartBeat = (id: string) => ({ ...statusChange(), EventId: id, EventType: 'HEART_BEAT' });
    const outcome = await send(kinesis([heartBeat('hb-1'), heartBeat('hb-2')]));
    expect(outcome).toMatchObject({
      kind: 'ignored',
      reason: 'HEART_BEAT hb-1 only says the stream is alive; HEART_BEAT hb-2 only says the stream is alive',
    });
  });

  it('is refused naming the record and its sequence number when kinesis.data is not base64', async () => {
    const batch = { Records: [{ kinesis: { data: 'not base64 at all!', sequenceNumber: '4959' } }] };
    expect(await send(batch)).toMatchObject({
      kind: 'invalid',
      reason: 'Records.0 (sequence 4959): kinesis.data is not base64',
    });
  });

  it('is refused naming the record when kinesis.data is base64 of something other than JSON', async () => {
    const batch = { Records: [{ kinesis: { data: Buffer.from('not json').toString('base64') } }] };
    expect(await send(batch)).toMatchObject({
      kind: 'invalid',
      reason: 'Records.0: kinesis.data does not decode to an AgentEvent JSON document',
    });
  });

  it('is refused naming the record whose JSON is no AgentEvent', async () => {
    const batch = kinesis([statusChange(), { a: 1 }]);
    expect(await send(batch)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/^the AgentEvent in Records\.1 is not as expected at EventId/),
    });
  });
});

describe('an agent event the connector cannot use', () => {
  it('is refused when the Kinesis event holds no record', async () => {
    expect(await send({ Records: [] })).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('Records is empty'),
    });
  });

  it('is read whatever the case of its EventType', async () => {
    const event = { ...statusChange(), EventType: 'state_change' };
    const outcome = await send(event);
    expect(
      outcome.kind === 'accepted'
        ? outcome.messages.map((m) => [m.lifecycle, m.props.agentEventType])
        : outcome.kind,
    ).toEqual([['agent_state', 'STATE_CHANGE']]);
  });

  it('is ignored, saying where the login would be, when it names no agent (no Username, or an empty one)', async () => {
    for (const username of [undefined, '']) {
      const event = statusChange() as StatusEvent & { CurrentAgentSnapshot: { Configuration?: unknown } };
      event.CurrentAgentSnapshot.Configuration = username === undefined ? null : { Username: username };
      expect(await send(event)).toMatchObject({
        kind: 'ignored',
        reason: `STATE_CHANGE ${event.EventId} names no agent (CurrentAgentSnapshot.Configuration.Username)`,
      });
    }
  });

  it('is ignored naming its type when the type is none this connector maps, or nothing changed', async () => {
    const skills = { ...statusChange(), EventType: 'SKILLS_CHANGED' };
    expect(await send(skills)).toMatchObject({
      kind: 'ignored',
      reason: 'agent event type SKILLS_CHANGED is not one this connector maps',
    });
    const unchanged = statusChange();
    unchanged.CurrentAgentSnapshot.AgentStatus = unchanged.PreviousAgentSnapshot.AgentStatus;
    expect(await send(unchanged)).toMatchObject({
      kind: 'ignored',
      reason: `STATE_CHANGE ${unchanged.EventId} changes no contact state and no agent status (a configuration change)`,
    });
  });
});

describe('the customer number on an agent-stream pop (customerEndpoint on)', () => {
  const CONTACT = 'e5c3a7b9-2d4f-4081-8c3e-5a7b9c1d3f42';
  let api: FakeConnectApi;
  beforeAll(async () => {
    api = await startFakeConnectApi();
    api.contacts.set(`${INSTANCE_ID}/${CONTACT}`, { customer: '+4915112345678', system: '+498912345600' });
  });
  afterAll(() => api.close());

  /** The ringing contact of decoded-connecting.json, for an agent the directory lists as `agentArn`. */
  async function offered(agentArn: string, change: (body: Record<string, unknown>) => void = () => {}) {
    const file = JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/agent-stream/decoded-connecting.json'), 'utf8'),
    ) as { request: RecordedRequest & { body: Record<string, unknown> } };
    file.request.body.AgentARN = agentArn;
    change(file.request.body);
    const services = createConnectLookups({
      region: TEST_REGION,
      endpoint: api.url,
      credentials: TEST_CREDENTIALS,
      lookupMaxAttempts: 1,
    });
    const runtime = createRuntime(
      connector,
      { options: { apiKey: API_KEY, customerEndpoint: true }, directory: { [agentArn]: 'aisha.khan' } },
      { services },
    );
    api.calls.length = 0;
    const outcome = await handleRequest(runtime, toInboundRequest(file.request), 'agent-stream');
    return outcome.kind === 'accepted'
      ? outcome.messages.map((m) => [m.props.ani, m.props.dnis])
      : outcome.kind;
  }

  it('is asked of the instance the agent ARN names', async () => {
    expect(await offered(AGENT_ARN(USER_ID.aisha))).toEqual([['+4915112345678', '+498912345600']]);
    expect(api.calls).toEqual([`GET /contacts/${INSTANCE_ID}/${CONTACT}`]);
  });

  it('is asked of the InstanceARN when the agent id is no ARN', async () => {
    expect(await offered('agent-7')).toEqual([['+4915112345678', '+498912345600']]);
    expect(api.calls).toEqual([`GET /contacts/${INSTANCE_ID}/${CONTACT}`]);
  });

  it('is not asked for on a chat', async () => {
    const chat = (body: Record<string, unknown>) => {
      (body.CurrentAgentSnapshot as { Contacts: { Channel: string }[] }).Contacts[0]!.Channel = 'CHAT';
    };
    expect(await offered(AGENT_ARN(USER_ID.aisha), chat)).toEqual([[undefined, undefined]]);
    expect(api.calls).toEqual([]);
  });

  it('is not asked for when nothing names the instance', async () => {
    expect(await offered('agent-7', (body) => delete body.InstanceARN)).toEqual([[undefined, undefined]]);
    expect(api.calls).toEqual([]);
  });
});

/** The body of decoded-missed.json with its contact moving from `before` (absent: new) to `after`. */
function missed(before: string | undefined, after: string) {
  const file = JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/agent-stream/decoded-missed.json'), 'utf8'),
  ) as { request: { body: AgentEvent & Record<string, unknown> } };
  const body = file.request.body;
  if (before === undefined) body.PreviousAgentSnapshot.Contacts = [];
  else body.PreviousAgentSnapshot.Contacts[0]!.State = before;
  body.CurrentAgentSnapshot.Contacts[0]!.State = after;
  return body;
}
const kinds = (outcome: Awaited<ReturnType<typeof send>>) =>
  outcome.kind === 'accepted' ? outcome.messages.map((m) => [m.lifecycle, m.props.agentState]) : outcome.kind;

describe('contact states beyond the fixtures', () => {
  it('pops offered for a contact that comes in INCOMING (a callback)', async () => {
    expect(kinds(await send(missed(undefined, 'INCOMING')))).toEqual([['offered', undefined]]);
  });

  it('pops nothing when a PENDING contact starts CONNECTING (its offered pop is open already)', async () => {
    expect(await send(missed('PENDING', 'CONNECTING'))).toMatchObject({ kind: 'ignored' });
  });

  it('pops nothing for a contact first seen MISSED (no offered pop to end), nor for one in an unknown state', async () => {
    expect(await send(missed(undefined, 'MISSED'))).toMatchObject({ kind: 'ignored' });
    expect(await send(missed(undefined, 'PARKED'))).toMatchObject({ kind: 'ignored' });
  });

  it('pops nothing again for a contact whose state did not change, when the agent status did', async () => {
    const event = missed('CONNECTED', 'CONNECTED');
    event.CurrentAgentSnapshot = {
      ...event.CurrentAgentSnapshot,
      AgentStatus: { ARN: 'arn:x/agent-state/b', Name: 'Break' },
    } as never;
    expect(kinds(await send(event))).toEqual([['agent_state', 'Break']]);
  });

  it('maps a contact of an event without a previous snapshot, and no status change then', async () => {
    const event = missed(undefined, 'CONNECTING') as Record<string, unknown>;
    event.PreviousAgentSnapshot = null;
    expect(kinds(await send(event))).toEqual([['offered', undefined]]);
  });

  it('is ignored as no change when the current snapshot is missing, for an agent the directory names', async () => {
    const event = missed(undefined, 'CONNECTING') as Record<string, unknown>;
    event.CurrentAgentSnapshot = null;
    const runtime = createRuntime(connector, {
      options: { apiKey: API_KEY },
      directory: { [String(event.AgentARN)]: 'aisha.khan' },
    });
    const request = toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: event,
    });
    expect(await handleRequest(runtime, request, 'agent-stream')).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('changes no contact state and no agent status'),
    });
  });
});

describe('LOGIN and LOGOUT', () => {
  const login = () =>
    (
      JSON.parse(
        readFileSync(join(import.meta.dirname, '../fixtures/agent-stream/decoded-login.json'), 'utf8'),
      ) as { request: { body: Record<string, unknown> & { CurrentAgentSnapshot: Record<string, unknown> } } }
    ).request.body;

  it('gives a LOGIN no state when its snapshot names none', async () => {
    const event = login();
    event.CurrentAgentSnapshot.AgentStatus = null;
    expect(kinds(await send(event))).toEqual([['agent_state', undefined]]);
  });

  it('gives a LOGOUT the state Offline when no snapshot names one', async () => {
    const event = { ...login(), EventType: 'LOGOUT', PreviousAgentSnapshot: { Contacts: [] } };
    event.CurrentAgentSnapshot = { Configuration: { Username: 'aisha.khan' }, AgentStatus: null };
    const outcome = await send(event);
    expect(kinds(outcome)).toEqual([['agent_state', 'Offline']]);
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.previousAgentState).toBeUndefined();
  });
});

describe('the detection of agent-stream requests', () => {
  it('claims a Kinesis event when any of its records is a Kinesis record', async () => {
    const source = connector.sources.find((s) => s.id === 'agent-stream')!;
    const request = (body: unknown) =>
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body as never,
      });
    const record = { eventSource: 'aws:kinesis', kinesis: { data: 'e30=', sequenceNumber: '1' } };
    expect(source.detect!(request({ Records: [null, record] }))).toBe(true);
    expect(source.detect!(request({ Records: [{ eventSource: 'aws:sqs', body: '{}' }, record] }))).toBe(true);
  });
});

describe('the own consult leg', () => {
  it('is the reason an event that holds only that leg is ignored', async () => {
    type Step = { request: RecordedRequest & { body: AgentEvent & { EventId: string } } };
    const consult = JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/agent-stream/call-consult.json'), 'utf8'),
    ) as { steps: Step[] };
    const runtime = createRuntime(connector, { options: { apiKey: API_KEY } });
    for (const step of consult.steps.slice(0, 2)) {
      await handleRequest(runtime, toInboundRequest(step.request), 'agent-stream');
    }
    const still = structuredClone(consult.steps[2]!.request);
    still.body.CurrentAgentSnapshot.Contacts[0]!.State = 'CONNECTED';
    still.body.CurrentAgentSnapshot.Contacts.push(
      consult.steps[3]!.request.body.CurrentAgentSnapshot.Contacts[0]!,
    );
    const outcome = await handleRequest(runtime, toInboundRequest(still), 'agent-stream');
    expect(outcome).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('1b8e4fa2') });
  });

  it('keeps an agent whose contact moves to a state with no moment (PAUSED) on the call', async () => {
    type Step = { request: RecordedRequest & { body: AgentEvent } };
    const consult = JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/agent-stream/call-consult.json'), 'utf8'),
    ) as { steps: Step[] };
    const runtime = createRuntime(connector, { options: { apiKey: API_KEY } });
    for (const step of consult.steps.slice(0, 2)) {
      await handleRequest(runtime, toInboundRequest(step.request), 'agent-stream');
    }
    const paused = structuredClone(consult.steps[2]!.request);
    paused.body.CurrentAgentSnapshot.Contacts[0]!.State = 'PAUSED';
    await handleRequest(runtime, toInboundRequest(paused), 'agent-stream');
    const outcome = await handleRequest(runtime, toInboundRequest(consult.steps[3]!.request), 'agent-stream');
    expect(outcome.kind === 'accepted' ? outcome.messages.map((m) => m.props.leg) : outcome.kind).toEqual([
      'consult',
    ]);
  });
});

describe('a Kinesis batch whose record gives two messages', () => {
  it('keys them by that record’s EventId and their number, not by the batch', async () => {
    const first = statusChange();
    first.CurrentAgentSnapshot.Contacts.push({ ContactId: 'c-9', State: 'CONNECTING', Channel: 'VOICE' });
    const second = { ...statusChange(), EventId: 'e-2' };
    const outcome = await send(kinesis([first, second]));
    expect(outcome.kind === 'accepted' ? outcome.messages.map((m) => m.dedupeKey) : outcome.kind).toEqual([
      `amazon-connect/agent-stream/${first.EventId}#0`,
      `amazon-connect/agent-stream/${first.EventId}#1`,
      'amazon-connect/agent-stream/e-2',
    ]);
  });
});

describe('a refused agent-stream body', () => {
  it('names what it was read as: the Kinesis event, or the AgentEvent', async () => {
    expect(await send({ Records: [] })).toMatchObject({ reason: expect.stringMatching(/Kinesis event/) });
    expect(await send({ AgentARN: 'arn:x' })).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/^the AgentEvent is not as expected/),
    });
  });

  it('says "not base64" for data with characters base64 has none of, wherever they are', async () => {
    const batch = { Records: [{ kinesis: { data: 'bm90 anNvbg', sequenceNumber: '7' } }] };
    expect(await send(batch)).toMatchObject({ reason: 'Records.0 (sequence 7): kinesis.data is not base64' });
  });
});
