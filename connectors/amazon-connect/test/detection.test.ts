// Which source a request is, when the webhook URL names none: each source's detect reads the body's shape.
import { createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { API_KEY } from './values.js';

/** The source the runtime detected for a body, or 'none' when no source claims it. */
async function sourceOf(body: unknown): Promise<string> {
  const runtime = createRuntime(connector, { options: { apiKey: API_KEY } });
  const request = toInboundRequest({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: body as Record<string, unknown>,
  });
  const outcome = await handleRequest(runtime, request);
  return 'source' in outcome && outcome.source ? outcome.source : 'none';
}

describe('source detection', () => {
  it('takes an aws.connect event with a detail object for EventBridge, and one without for nothing', async () => {
    expect(await sourceOf({ source: 'aws.connect', detail: {} })).toBe('eventbridge');
    expect(await sourceOf({ source: 'aws.connect', detail: null })).toBe('none');
    expect(await sourceOf({ source: 'aws.connect' })).toBe('none');
    expect(await sourceOf({ source: 'aws.events', detail: {} })).toBe('none');
  });

  it('takes a ContactFlowEvent, or a body with Details.ContactData, for the contact flow', async () => {
    expect(await sourceOf({ Name: 'ContactFlowEvent' })).toBe('contact-flow');
    expect(await sourceOf({ Details: { ContactData: {} } })).toBe('contact-flow');
    expect(await sourceOf({ Name: 'Other', Details: { ContactData: null } })).toBe('none');
    expect(await sourceOf({ Details: {} })).toBe('none');
  });

  it('takes Kinesis records, or an AgentEvent with an AgentARN or a snapshot, for the agent stream', async () => {
    expect(await sourceOf({ Records: [{ eventSource: 'aws:kinesis' }] })).toBe('agent-stream');
    expect(await sourceOf({ Records: [{ kinesis: { data: 'e30=' } }] })).toBe('agent-stream');
    expect(await sourceOf({ Records: [{ eventSource: 'aws:sqs' }, null] })).toBe('none');
    expect(await sourceOf({ AgentARN: 'arn:aws:connect:r:1:instance/i/agent/u' })).toBe('agent-stream');
    expect(await sourceOf({ CurrentAgentSnapshot: {} })).toBe('agent-stream');
    expect(await sourceOf({ AgentARN: 7 })).toBe('none');
  });

  it('claims no body that is not a JSON object', async () => {
    for (const body of [null, 'text', 42, []]) expect(await sourceOf(body)).toBe('none');
  });
});

describe('the sources', () => {
  it('are EventBridge, the contact flow and the agent stream, each on Amazon Connect, with what sends it', () => {
    expect(connector.sources.map((s) => [s.id, s.platforms, s.description])).toEqual([
      [
        'eventbridge',
        ['Amazon Connect'],
        'Amazon Connect contact events from an EventBridge rule with an API destination target',
      ],
      [
        'contact-flow',
        ['Amazon Connect'],
        'The contact-flow "Invoke AWS Lambda function" event (Name: ContactFlowEvent), forwarded as JSON',
      ],
      [
        'agent-stream',
        ['Amazon Connect'],
        'Agent event stream records: a Kinesis Lambda event (base64 AgentEvents) or one decoded AgentEvent',
      ],
    ]);
  });
});
