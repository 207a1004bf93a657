// What the runner relies on beyond the fixtures: the API-key header, de-duplication keys for retried
// deliveries, and unordered EventBridge events mapping each on their own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConnectorSettingsInput,
  createRuntime,
  handleRequest,
  type RecordedRequest,
  toInboundRequest,
} from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector, { config, createConnectLookups } from '../src/index.js';
import { TEST_CREDENTIALS, TEST_REGION } from './fake-connect-api.js';
import { AGENT_ARN, API_KEY, USER_ID } from './values.js';

const recorded = (path: string) =>
  (
    JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures', path), 'utf8')) as {
      request: RecordedRequest;
    }
  ).request;

// Every agent here is in the directory, so the look-ups (pointed at a closed port) are never used.
const services = createConnectLookups({
  region: TEST_REGION,
  endpoint: 'http://127.0.0.1:9',
  credentials: TEST_CREDENTIALS,
});
const directory = {
  [AGENT_ARN(USER_ID.maria)]: 'maria.lopez',
  [USER_ID.tom]: 'tom.becker',
  [USER_ID.aisha]: 'aisha.khan',
};
const runtime = (settings: ConnectorSettingsInput = {}) =>
  createRuntime(connector, { directory, options: { apiKey: API_KEY }, ...settings }, { services });

function withHeaders(request: RecordedRequest, headers: Record<string, string>): RecordedRequest {
  return { ...request, headers: { 'content-type': 'application/json', ...headers } };
}

describe('API key', () => {
  it('is read from the header named by apiKeyHeader', async () => {
    const rt = runtime({ options: { apiKey: API_KEY, apiKeyHeader: 'X-Connect-Secret' } });
    const request = toInboundRequest(
      withHeaders(recorded('eventbridge/completed.json'), { 'x-connect-secret': API_KEY }),
    );
    expect((await handleRequest(rt, request)).kind).toBe('accepted');
  });

  it('is refused with 401 in the default header once another header is configured', async () => {
    const rt = runtime({ options: { apiKey: API_KEY, apiKeyHeader: 'X-Connect-Secret' } });
    const outcome = await handleRequest(rt, toInboundRequest(recorded('eventbridge/completed.json')));
    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: 'the credential (header X-Connect-Secret) is missing',
    });
    expect(outcome.answer.status).toBe(401);
  });

  it('is refused with 401 when it differs, for every source', async () => {
    for (const path of [
      'eventbridge/completed.json',
      'contact-flow/whisper-answered.json',
      'agent-stream/kinesis-batch.json',
    ]) {
      const request = toInboundRequest(
        withHeaders(recorded(path), { 'x-api-key': 'test-api-key-0123456780' }),
      );
      const outcome = await handleRequest(runtime(), request);
      expect(outcome).toMatchObject({ kind: 'rejected', reason: 'the credential does not match' });
    }
  });

  it('names the configured header as the credential, for the conformance kit and the dashboard', () => {
    const options = config.parse({ apiKey: API_KEY, apiKeyHeader: 'X-Connect-Secret' });
    expect(connector.sources.map((s) => s.auth.credentialsFor?.(options))).toEqual(
      Array(3).fill([{ in: 'header', name: 'X-Connect-Secret' }]),
    );
  });

  it('refuses a key shorter than 16 characters in the configuration', () => {
    expect(() => createRuntime(connector, { options: { apiKey: 'short' } })).toThrow(
      'apiKey: apiKey must be at least 16 characters',
    );
  });
});

describe('odd input', () => {
  it('answers 400, not a retryable 503, for a contact event nested deeper than any Connect event', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const body = `{"source":"aws.connect","id":"evt-deep","detail":{"eventType":"DISCONNECTED","contactId":"c-1","agentInfo":${deep}}}`;
    const request = toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body,
    });
    const outcome = await handleRequest(runtime(), request, 'eventbridge');
    expect([outcome.kind, outcome.answer.status]).toEqual(['invalid', 400]);
  });
});

describe('de-duplication', () => {
  it('gives a redelivered EventBridge event the same dedupe key, from the envelope id', async () => {
    const rt = runtime();
    const keys = [];
    for (let i = 0; i < 2; i += 1) {
      const outcome = await handleRequest(
        rt,
        toInboundRequest(recorded('eventbridge/connected-to-agent.json')),
      );
      keys.push(outcome.kind === 'accepted' ? outcome.messages.map((m) => m.dedupeKey) : outcome.kind);
    }
    expect(keys).toEqual([
      ['amazon-connect/eventbridge/0b7f3a52-91c4-4d2e-a6f8-3c5d7e9f1a01'],
      ['amazon-connect/eventbridge/0b7f3a52-91c4-4d2e-a6f8-3c5d7e9f1a01'],
    ]);
  });

  it('keys each message of a Kinesis batch by the EventId of its own record', async () => {
    const outcome = await handleRequest(
      runtime(),
      toInboundRequest(recorded('agent-stream/kinesis-batch.json')),
    );
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey)).toEqual([
      'amazon-connect/agent-stream/e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a01',
      'amazon-connect/agent-stream/e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a08',
    ]);
  });

  it('gives a record the same key when it comes again in another batch', async () => {
    const batch = recorded('agent-stream/kinesis-batch.json');
    const records = (batch.body as { Records: unknown[] }).Records;
    const alone = { ...batch, body: { Records: records.slice(1, 2) } };
    const keys = [];
    for (const request of [batch, alone]) {
      const outcome = await handleRequest(runtime(), toInboundRequest(request));
      keys.push(outcome.kind === 'accepted' ? outcome.messages[0]!.dedupeKey : outcome.kind);
    }
    expect(keys[1]).toBe(keys[0]);
  });

  it('keys a single agent event by its EventId', async () => {
    const outcome = await handleRequest(
      runtime(),
      toInboundRequest(recorded('agent-stream/decoded-ended.json')),
    );
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey)).toEqual([
      'amazon-connect/agent-stream/e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a02',
    ]);
  });
});

describe('unordered EventBridge delivery', () => {
  const ANSWERED = 'eventbridge/connected-to-agent.json';
  const CONTACT = 'c3a1e5f7-0b2d-4e6f-8a1c-3e5f7a9b1d20';
  /** A recorded event, moved onto the contact of connected-to-agent.json with its own envelope id. */
  function event(path: string, id: string) {
    const request = recorded(path);
    const body = request.body as { id: string; detail: Record<string, unknown> };
    body.id = id;
    body.detail.contactId = CONTACT;
    body.detail.initialContactId = CONTACT;
    return toInboundRequest(request);
  }
  const lifecycles = (outcome: Awaited<ReturnType<typeof handleRequest>>) =>
    outcome.kind === 'accepted' ? outcome.messages.map((m) => m.lifecycle) : outcome.kind;

  it("maps a contact's events that arrive in order, each once", async () => {
    const rt = runtime();
    const outcomes = [
      await handleRequest(rt, toInboundRequest(recorded(ANSWERED))),
      await handleRequest(rt, event('eventbridge/disconnected.json', 'evt-ended')),
      await handleRequest(rt, toInboundRequest(recorded('eventbridge/completed.json'))),
    ];
    expect(outcomes.map(lifecycles)).toEqual([['answered'], ['ended'], ['completed']]);
  });

  it('ignores a CONNECTED_TO_AGENT that arrives after its DISCONNECTED, saying why', async () => {
    const rt = runtime();
    await handleRequest(rt, event('eventbridge/disconnected.json', 'evt-ended'));
    expect(await handleRequest(rt, toInboundRequest(recorded(ANSWERED)))).toMatchObject({
      kind: 'ignored',
      reason: `contact event CONNECTED_TO_AGENT for contact ${CONTACT} arrived after its DISCONNECTED; no pop for a finished contact`,
    });
  });

  it('ignores a DISCONNECTED that arrives after its COMPLETED', async () => {
    const rt = runtime();
    await handleRequest(rt, toInboundRequest(recorded('eventbridge/completed.json')));
    const late = await handleRequest(rt, event('eventbridge/disconnected.json', 'evt-ended'));
    expect(late).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('after its COMPLETED') });
  });

  it('ignores an INITIATED that arrives after its CONNECTED_TO_AGENT', async () => {
    const rt = runtime();
    await handleRequest(rt, toInboundRequest(recorded(ANSWERED)));
    expect(
      await handleRequest(rt, event('eventbridge/initiated-outbound.json', 'evt-initiated')),
    ).toMatchObject({
      kind: 'ignored',
      reason: `contact event INITIATED for contact ${CONTACT} arrived after its CONNECTED_TO_AGENT; the contact is past that moment`,
    });
  });

  it('maps hold and resume in any order, as often as they come', async () => {
    const rt = runtime();
    const outcomes = [];
    for (const [path, id] of [
      ['eventbridge/task-paused.json', 'p-1'],
      ['eventbridge/task-resumed.json', 'r-1'],
      ['eventbridge/task-paused.json', 'p-2'],
    ] as const) {
      outcomes.push(lifecycles(await handleRequest(rt, event(path, id))));
    }
    expect(outcomes).toEqual([['held'], ['resumed'], ['held']]);
  });

  it('names, for a late event, the first moment of the stage the contact reached (hold and resume share one)', async () => {
    const rt = runtime();
    await handleRequest(rt, toInboundRequest(recorded(ANSWERED)));
    await handleRequest(rt, event('eventbridge/task-paused.json', 'p-1'));
    await handleRequest(rt, event('eventbridge/task-resumed.json', 'r-1'));
    expect(
      await handleRequest(rt, event('eventbridge/initiated-outbound.json', 'evt-initiated')),
    ).toMatchObject({
      kind: 'ignored',
      reason: `contact event INITIATED for contact ${CONTACT} arrived after its PAUSED; the contact is past that moment`,
    });
  });

  it('still maps a DISCONNECTED delivered again (a retry is de-duplicated by its id, not dropped)', async () => {
    const rt = runtime();
    const first = await handleRequest(rt, event('eventbridge/disconnected.json', 'evt-ended'));
    const again = await handleRequest(rt, event('eventbridge/disconnected.json', 'evt-ended'));
    expect([first, again].map(lifecycles)).toEqual([['ended'], ['ended']]);
  });

  it('keeps other contacts apart: the end of one does not silence another', async () => {
    const rt = runtime();
    await handleRequest(rt, toInboundRequest(recorded('eventbridge/disconnected.json')));
    expect(lifecycles(await handleRequest(rt, toInboundRequest(recorded(ANSWERED))))).toEqual(['answered']);
  });
});

describe('event names', () => {
  it('lets a deployment name a native agent-stream state (CONNECTED) apart from the lifecycle', async () => {
    const rt = runtime({ events: { CONNECTED: 'Agent Answered', agent_state: null } });
    const outcome = await handleRequest(rt, toInboundRequest(recorded('agent-stream/kinesis-batch.json')));
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.event)).toEqual(['Agent Answered']);
  });
});
