// EventBridge contact events beyond the fixtures: how long a contact's progress is remembered, what a
// refused event says, and an agent ARN that is none.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMemoryStateStore,
  createRuntime,
  handleRequest,
  type RecordedRequest,
  toInboundRequest,
} from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { AGENT_ARN, API_KEY, USER_ID } from './values.js';

type Body = {
  id: string;
  source: string;
  time?: string;
  detail: Record<string, unknown> & { agentInfo?: { agentArn: string } };
};
const recorded = (path: string) =>
  (
    JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures', path), 'utf8')) as {
      request: RecordedRequest & { body: Body };
    }
  ).request;

const CONTACT = 'c3a1e5f7-0b2d-4e6f-8a1c-3e5f7a9b1d20';
const HOUR = 60 * 60 * 1000;

/** A runtime whose state store runs on the test's clock; every agent is in the directory. */
function runtime(clock: { now: number }) {
  return createRuntime(
    connector,
    {
      options: { apiKey: API_KEY },
      directory: { [AGENT_ARN(USER_ID.maria)]: 'maria.lopez', [USER_ID.aisha]: 'aisha.khan' },
    },
    { state: createMemoryStateStore(() => clock.now) },
  );
}

/** disconnected.json moved onto the contact of connected-to-agent.json. */
function disconnected() {
  const request = recorded('eventbridge/disconnected.json');
  request.body.detail.contactId = CONTACT;
  request.body.detail.initialContactId = CONTACT;
  return toInboundRequest(request);
}

describe("a contact's progress", () => {
  it('is remembered for an hour: a late CONNECTED_TO_AGENT is ignored until then, and mapped after', async () => {
    const clock = { now: 1_000_000 };
    const rt = runtime(clock);
    await handleRequest(rt, disconnected(), 'eventbridge');
    const answered = () =>
      handleRequest(rt, toInboundRequest(recorded('eventbridge/connected-to-agent.json')), 'eventbridge');
    clock.now += HOUR - 1;
    expect((await answered()).kind).toBe('ignored');
    clock.now += 1;
    const late = await answered();
    expect(late.kind === 'accepted' ? late.messages.map((m) => m.lifecycle) : late.kind).toEqual([
      'answered',
    ]);
  });
});

describe('a refused contact event', () => {
  it('says the source must be aws.connect when it is another', async () => {
    const request = recorded('eventbridge/completed.json');
    request.body.source = 'aws.events';
    const outcome = await handleRequest(runtime({ now: 0 }), toInboundRequest(request), 'eventbridge');
    expect(outcome).toMatchObject({
      kind: 'invalid',
      reason: 'the Amazon Connect contact event is not as expected at source: source must be aws.connect',
    });
    expect(outcome.answer.status).toBe(400);
  });
});

describe('an agentInfo.agentArn that is not an agent ARN', () => {
  it('is ignored, naming it, when the directory does not list it either', async () => {
    const request = recorded('eventbridge/completed.json');
    request.body.detail.agentInfo = { agentArn: 'agent-7' };
    const outcome = await handleRequest(runtime({ now: 0 }), toInboundRequest(request), 'eventbridge');
    expect(outcome).toMatchObject({
      kind: 'ignored',
      reason: 'agentInfo.agentArn "agent-7" is not an Amazon Connect agent ARN',
    });
  });
});

describe("a contact event's user data", () => {
  it('is not walked: attributes, segment attributes and tags nested past the depth limit still map', async () => {
    const deep = (depth: number): unknown => (depth === 0 ? 'leaf' : { Level: deep(depth - 1) });
    const request = recorded('eventbridge/completed.json');
    Object.assign(request.body.detail, { attributes: deep(40), segmentAttributes: deep(40) });
    (request.body.detail as { tags?: Record<string, unknown> }).tags = { nested: deep(40) };
    const outcome = await handleRequest(runtime({ now: 0 }), toInboundRequest(request), 'eventbridge');
    expect(outcome.kind === 'accepted' ? outcome.messages.map((m) => m.lifecycle) : outcome.kind).toEqual([
      'completed',
    ]);
  });
});

type Step = { request: RecordedRequest & { body: Body } };
const consultSteps = () =>
  (
    JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/eventbridge/call-consult.json'), 'utf8'),
    ) as {
      steps: Step[];
    }
  ).steps;

describe('the consult leg an agent dials out on, from EventBridge', () => {
  it('pops nothing for the agent already on the call, and says why', async () => {
    const rt = runtime({ now: 0 });
    const [answered, , consult] = consultSteps();
    await handleRequest(rt, toInboundRequest(answered!.request), 'eventbridge');
    // Maria's own TRANSFER contact (the one she dials out on) reaching her.
    consult!.request.body.detail.agentInfo = { agentArn: AGENT_ARN(USER_ID.maria) };
    expect(await handleRequest(rt, toInboundRequest(consult!.request), 'eventbridge')).toMatchObject({
      kind: 'ignored',
      reason:
        'contact 1b8e4fa2-6c3d-4079-8e25-4f9c7b3d2a81 is the consult leg maria.lopez dials out on (already on call 0a7d3e91-5b2c-4f68-9d14-3e8b6a2c1f70)',
    });
  });
});

describe("a contact's progress, moment by moment", () => {
  it('moves on with each later moment: a CONNECTED_TO_AGENT after hold, resume and DISCONNECTED is ignored', async () => {
    const rt = runtime({ now: 0 });
    const answered = () => toInboundRequest(recorded('eventbridge/connected-to-agent.json'));
    const onContact = (path: string, id: string) => {
      const request = recorded(path);
      request.body.id = id;
      request.body.detail.contactId = CONTACT;
      request.body.detail.initialContactId = CONTACT;
      return toInboundRequest(request);
    };
    await handleRequest(rt, answered(), 'eventbridge');
    await handleRequest(rt, onContact('eventbridge/task-paused.json', 'p-1'), 'eventbridge');
    await handleRequest(rt, onContact('eventbridge/disconnected.json', 'd-1'), 'eventbridge');
    expect(await handleRequest(rt, answered(), 'eventbridge')).toMatchObject({
      kind: 'ignored',
      reason: `contact event CONNECTED_TO_AGENT for contact ${CONTACT} arrived after its DISCONNECTED; no pop for a finished contact`,
    });
  });
});

describe("a contact event's time", () => {
  it('is the event time for a PAUSED, though the event carries an after-contact-work end', async () => {
    const request = recorded('eventbridge/task-paused.json');
    request.body.detail.agentInfo = {
      ...request.body.detail.agentInfo!,
      afterContactWorkEndTimestamp: '2026-11-25T11:59:00Z',
    } as { agentArn: string };
    const outcome = await handleRequest(runtime({ now: 0 }), toInboundRequest(request), 'eventbridge');
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.eventTime).toBe(request.body.time);
  });
});
