// EventBridge contact events carry no customer number. With customerEndpoint on, DescribeContact's
// Contact.CustomerEndpoint gives it (the caller, or the number dialled outbound), once per contact.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntime, handleRequest, type RecordedRequest, toInboundRequest } from '@openconnect/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import connector, { createConnectLookups } from '../src/index.js';
import {
  type FakeConnectApi,
  startFakeConnectApi,
  TEST_CREDENTIALS,
  TEST_REGION,
} from './fake-connect-api.js';
import { AGENT_ARN, API_KEY, INSTANCE_ID, USER_ID } from './values.js';

let api: FakeConnectApi;
beforeAll(async () => {
  api = await startFakeConnectApi();
});
afterAll(() => api.close());
afterEach(() => {
  api.contacts.clear();
  api.calls.length = 0;
  api.failWith = undefined;
});

type Body = { id: string; detail: { channel: string; contactId: string } };
const outbound = () =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/eventbridge/call-outbound.json'), 'utf8'),
  ) as {
    steps: { request: RecordedRequest & { body: Body } }[];
  };
const CONTACT = '3da061c4-8e5f-429b-a047-61be9d5f4ca3';
const describePath = `GET /contacts/${INSTANCE_ID}/${CONTACT}`;

function runtime(customerEndpoint: boolean) {
  const services = createConnectLookups({
    region: TEST_REGION,
    endpoint: api.url,
    credentials: TEST_CREDENTIALS,
    lookupMaxAttempts: 1,
  });
  return createRuntime(
    connector,
    { options: { apiKey: API_KEY, customerEndpoint }, directory: { [AGENT_ARN(USER_ID.tom)]: 'tom.becker' } },
    { services },
  );
}

async function send(rt: ReturnType<typeof runtime>, request: RecordedRequest) {
  return handleRequest(rt, toInboundRequest(request), 'eventbridge');
}

describe('the customer number of an EventBridge contact', () => {
  it('is the CustomerEndpoint DescribeContact gives, as ani, and the SystemEndpoint as dnis', async () => {
    api.contacts.set(`${INSTANCE_ID}/${CONTACT}`, { customer: '+4930901820', system: '+498912345699' });
    const outcome = await send(runtime(true), outbound().steps[0]!.request);
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props).toMatchObject({
      ani: '+4930901820',
      dnis: '+498912345699',
      direction: 'outbound',
    });
    expect(api.calls).toEqual([describePath]);
  });

  it('is not asked for when customerEndpoint is off (the default)', async () => {
    const outcome = await send(runtime(false), outbound().steps[0]!.request);
    expect(outcome.kind === 'accepted' && Object.keys(outcome.messages[0]!.props)).not.toContain('ani');
    expect(api.calls).toEqual([]);
  });

  it('is asked for once per contact, however many events it has', async () => {
    api.contacts.set(`${INSTANCE_ID}/${CONTACT}`, { customer: '+4930901820' });
    const rt = runtime(true);
    for (const step of outbound().steps) await send(rt, step.request);
    expect(api.calls).toEqual([describePath]);
  });

  it('is not asked for on a chat, task or email contact', async () => {
    const request = outbound().steps[0]!.request;
    request.body.detail.channel = 'CHAT';
    await send(runtime(true), request);
    expect(api.calls).toEqual([]);
  });

  it('is asked for on a contact that names no channel (a voice call)', async () => {
    api.contacts.set(`${INSTANCE_ID}/${CONTACT}`, { customer: '+4930901820' });
    const request = outbound().steps[0]!.request;
    delete (request.body.detail as Partial<Body['detail']>).channel;
    const outcome = await send(runtime(true), request);
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.ani).toBe('+4930901820');
  });

  it('is left out when Connect does not know the contact (404)', async () => {
    const outcome = await send(runtime(true), outbound().steps[0]!.request);
    expect(outcome.kind).toBe('accepted');
    expect(outcome.kind === 'accepted' && Object.keys(outcome.messages[0]!.props)).not.toContain('ani');
  });

  it('makes the event fail with 503 when Connect cannot answer, so EventBridge delivers it again', async () => {
    api.failWith = 500;
    const outcome = await send(runtime(true), outbound().steps[0]!.request);
    expect(outcome.kind).toBe('failed');
    expect(outcome.answer.status).toBe(503);
  });

  it('is asked for again after Connect failed to answer, and then delivered', async () => {
    const rt = runtime(true);
    api.failWith = 500;
    expect((await send(rt, outbound().steps[0]!.request)).kind).toBe('failed');
    api.failWith = undefined;
    api.contacts.set(`${INSTANCE_ID}/${CONTACT}`, { customer: '+4930901820' });
    const retried = await send(rt, outbound().steps[0]!.request);
    expect(retried.kind === 'accepted' && retried.messages[0]!.props.ani).toBe('+4930901820');
    expect(api.calls).toEqual([describePath, describePath]);
  });

  it('gives only the number Connect knows: dnis without ani, or ani without dnis', async () => {
    api.contacts.set(`${INSTANCE_ID}/${CONTACT}`, { system: '+498912345699' });
    const systemOnly = await send(runtime(true), outbound().steps[0]!.request);
    expect(systemOnly.kind === 'accepted' && systemOnly.messages[0]!.props).toMatchObject({
      dnis: '+498912345699',
    });
    expect(systemOnly.kind === 'accepted' && Object.keys(systemOnly.messages[0]!.props)).not.toContain('ani');
    api.contacts.set(`${INSTANCE_ID}/${CONTACT}`, { customer: '+4930901820' });
    const customerOnly = await send(runtime(true), outbound().steps[0]!.request);
    expect(customerOnly.kind === 'accepted' && Object.keys(customerOnly.messages[0]!.props)).not.toContain(
      'dnis',
    );
  });
});
