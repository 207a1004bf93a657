import { type RecordedRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { AGENT, chatRequest, RELAY_SECRET, reason, run, sign } from './webhook-helpers.js';

describe('event-streaming: relay secret in x-relay-token', () => {
  const frame: RecordedRequest = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: {
      AgentStatusChange: { agentId: AGENT, newState: 2, msgInfo: { instanceId: 'vcc', sequenceId: 1 } },
    },
  };
  const withSecret = (secret?: string) =>
    toInboundRequest({
      ...frame,
      headers: { ...frame.headers, ...(secret ? { 'x-relay-token': secret } : {}) },
    });

  it('accepts the configured secret', async () => {
    expect((await run(withSecret(RELAY_SECRET), undefined, 'event-streaming')).kind).toBe('accepted');
  });

  it('refuses a wrong secret with 401', async () => {
    const outcome = await run(withSecret(`${RELAY_SECRET}-wrong`), undefined, 'event-streaming');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe('the credential does not match');
  });

  it('refuses a request without the header with 401', async () => {
    const outcome = await run(withSecret(), undefined, 'event-streaming');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe('the credential (header x-relay-token) is missing');
  });

  it('refuses a payload with several top-level keys with 400', async () => {
    const request = toInboundRequest({
      ...frame,
      headers: { ...frame.headers, 'x-relay-token': RELAY_SECRET },
      body: { AgentStatusChange: {}, InteractionAccepted: {} },
    });
    const outcome = await run(request, undefined, 'event-streaming');
    expect(outcome.answer.status).toBe(400);
    expect(reason(outcome)).toBe(
      'the event payload must have one top-level key naming the event type; it has 2',
    );
  });
});

describe('source detection', () => {
  it('sends a signed Chat Gateway body to chat-gateway and a relayed payload to event-streaming', async () => {
    const chat = await run(await sign(chatRequest()));
    const stream = await run(
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-relay-token': RELAY_SECRET },
        body: { AgentStatusChange: { agentId: AGENT, newState: 2 } },
      }),
    );
    expect(['source' in chat && chat.source, 'source' in stream && stream.source]).toEqual([
      'chat-gateway',
      'event-streaming',
    ]);
  });
});

describe('event-streaming attachedData', () => {
  const accepted = (attachedData: unknown) =>
    toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-relay-token': RELAY_SECRET },
      body: { InteractionAccepted: { interactionGUID: 'int-1', agentId: AGENT, attachedData } },
    });

  it("reads 8x8's attachedDataKey/attachedDataValue list exactly as the attribute/value list", async () => {
    const props = async (attachedData: unknown) => {
      const outcome = await run(accepted(attachedData));
      return outcome.kind === 'accepted' ? outcome.messages[0]!.props : outcome.kind;
    };
    const documented = await props({
      attachedDatum: [
        { attachedDataKey: 'phoneNum', attachedDataValue: 447700900123 },
        { attachedDataKey: 'tenantSkillName', attachedDataValue: 'Sales Queue' },
      ],
    });
    expect(documented).toMatchObject({
      ani: '447700900123',
      queue: 'Sales Queue',
      'attachedData.phoneNum': 447700900123,
    });
    expect(
      await props({
        attachedDatum: [
          { attribute: 'phoneNum', value: 447700900123 },
          { attribute: 'tenantSkillName', value: 'Sales Queue' },
        ],
      }),
    ).toEqual(documented);
  });

  it('reads a wrapped attribute/value list and skips entries that are not objects', async () => {
    const outcome = await run(
      accepted({ attachedDatum: [null, 'x', { attribute: 'phoneNum', value: '15551230001' }] }),
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props).toMatchObject({
      ani: '15551230001',
      'attachedData.phoneNum': '15551230001',
    });
  });
});
