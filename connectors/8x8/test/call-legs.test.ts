// 8x8's call legs, one behaviour each, through the relay source (the event-stream subscription maps the
// same way): which leg a pop is, who gets no second pop, and the fields that tell the legs apart.
import { createMemoryStateStore, createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { AGENT, AGENT_B, AGENT_C, RELAY_SECRET, settings } from './webhook-helpers.js';

const CALL = 'int-call-1';
const LINE = 'int-line-2';

/** One runtime (one state store) per test, as one call's events share it. */
function stream() {
  const runtime = createRuntime(connector, settings, { state: createMemoryStateStore() });
  let sequence = 0;
  return async (
    event: string,
    interactionGUID: string,
    agentId: string | undefined,
    fields: Record<string, unknown> = {},
  ) => {
    sequence += 1;
    const body = {
      Interaction: {
        event,
        interactionGUID,
        ...(agentId ? { agentId } : {}),
        msgInfo: { instanceId: 'vcc', sequenceId: sequence },
        ...fields,
      },
    };
    const outcome = await handleRequest(
      runtime,
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-relay-token': RELAY_SECRET },
        body,
      }),
      'event-streaming',
    );
    if (outcome.kind === 'ignored') return `ignored: ${outcome.reason}`;
    if (outcome.kind !== 'accepted') return `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
    const [m] = outcome.messages;
    return [m!.agentid, m!.lifecycle, m!.props.leg ?? null, m!.props.parentInteractionId ?? null];
  };
}

const dialedFrom = (call: string, agentInitiated: unknown = true) => ({
  isAgentInitiated: agentInitiated,
  attachedData: { attachedDatum: [{ attachedDataKey: 'originalInteractionGuid', attachedDataValue: call }] },
});

describe('8x8 call legs', () => {
  it('a call with no other line is the primary leg and names no parent', async () => {
    const send = stream();
    expect(await send('InteractionAssigned', CALL, AGENT)).toEqual(['jdoe', 'offered', 'primary', null]);
    expect(await send('InteractionAccepted', CALL, AGENT)).toEqual(['jdoe', 'answered', 'primary', null]);
  });

  it('a line an agent dialed from a call is the consult leg of that call for the agent it rings', async () => {
    const send = stream();
    await send('InteractionAccepted', CALL, AGENT);
    await send('InteractionCreated', LINE, undefined, dialedFrom(CALL));
    expect(await send('InteractionAssigned', LINE, AGENT_B)).toEqual(['asmith', 'offered', 'consult', CALL]);
  });

  it('reads isAgentInitiated spelled as the text "true" (8x8 sends both)', async () => {
    const send = stream();
    await send('InteractionAccepted', CALL, AGENT);
    expect(await send('InteractionAssigned', LINE, AGENT_B, dialedFrom(CALL, 'true'))).toEqual([
      'asmith',
      'offered',
      'consult',
      CALL,
    ]);
  });

  it('the agent who dialed the consult gets no pop for the line, nor its end', async () => {
    const send = stream();
    await send('InteractionAccepted', CALL, AGENT);
    await send('InteractionAssigned', LINE, AGENT_B, dialedFrom(CALL));
    expect(await send('InteractionAccepted', LINE, AGENT)).toMatch(
      /^ignored: .*is on call int-call-1 and dialed line int-line-2 from it; no second pop/,
    );
    expect(await send('InteractionDeleted', LINE, AGENT)).toMatch(
      /^ignored: .*line int-line-2 is the one agent .* dialed from call int-call-1/,
    );
  });

  it("the consulted agent's own end of the line is ended, naming the call", async () => {
    const send = stream();
    await send('InteractionAccepted', CALL, AGENT);
    await send('InteractionAssigned', LINE, AGENT_B, dialedFrom(CALL));
    expect(await send('InteractionDeleted', LINE, AGENT_B)).toEqual(['asmith', 'ended', null, CALL]);
  });

  it('a line routed after InteractionTransferRequest is the transfer leg', async () => {
    const send = stream();
    await send('InteractionAccepted', CALL, AGENT);
    expect(await send('InteractionTransferRequest', CALL, AGENT)).toEqual([
      'jdoe',
      'transferred',
      null,
      null,
    ]);
    expect(await send('InteractionAssigned', LINE, AGENT_B, dialedFrom(CALL))).toEqual([
      'asmith',
      'offered',
      'transfer',
      CALL,
    ]);
  });

  it('a line no agent dialed (isAgentInitiated false) is the transfer leg', async () => {
    const send = stream();
    expect(await send('InteractionAssigned', LINE, AGENT_B, dialedFrom(CALL, false))).toEqual([
      'asmith',
      'offered',
      'transfer',
      CALL,
    ]);
  });

  it('a call carrying oqu (the queue before a transfer) is the transfer leg of itself', async () => {
    const send = stream();
    const moved = { attachedData: { oqu: 'acme01~~1094~~phone~~6a1d' } };
    expect(await send('InteractionAssigned', CALL, AGENT_B, moved)).toEqual([
      'asmith',
      'offered',
      'transfer',
      CALL,
    ]);
  });

  it('the line keeps the leg it had when it was first seen, when later events drop attachedData', async () => {
    const send = stream();
    await send('InteractionAccepted', CALL, AGENT);
    await send('InteractionCreated', LINE, undefined, dialedFrom(CALL));
    await send('InteractionTransferRequest', CALL, AGENT);
    expect(await send('InteractionAccepted', LINE, AGENT_B)).toEqual(['asmith', 'answered', 'consult', CALL]);
  });

  it('a party joining the call (InteractionParticipantChange, CS_CONNECTED) is answered on the conference leg once', async () => {
    const send = stream();
    await send('InteractionAccepted', CALL, AGENT);
    const joined = { callState: 'CS_CONNECTED' };
    expect(await send('InteractionParticipantChange', CALL, AGENT_C, joined)).toEqual([
      'mlee',
      'answered',
      'conference',
      CALL,
    ]);
    expect(await send('InteractionParticipantChange', CALL, AGENT_C, joined)).toMatch(
      /^ignored: .*already on call int-call-1; no second pop/,
    );
  });

  it('a redelivered party-joined event (same id) is answered again, so a pop lost to a 503 is not lost', async () => {
    const send = stream();
    await send('InteractionAccepted', CALL, AGENT);
    const joined = { callState: 'CS_CONNECTED', msgInfo: { instanceId: 'vcc', sequenceId: 77 } };
    expect(await send('InteractionParticipantChange', CALL, AGENT_C, joined)).toEqual([
      'mlee',
      'answered',
      'conference',
      CALL,
    ]);
    expect(await send('InteractionParticipantChange', CALL, AGENT_C, joined)).toEqual([
      'mlee',
      'answered',
      'conference',
      CALL,
    ]);
  });

  it('the lines joining adds no pop for an agent already on the call', async () => {
    const send = stream();
    await send('InteractionAccepted', CALL, AGENT);
    await send('InteractionAssigned', LINE, AGENT_B, dialedFrom(CALL));
    const joined = { callState: 'CS_CONNECTED' };
    expect(await send('InteractionParticipantChange', CALL, AGENT, joined)).toMatch(
      /^ignored: .*already on call int-call-1; no second pop/,
    );
    expect(await send('InteractionParticipantChange', CALL, AGENT_B, joined)).toMatch(
      /joined through line int-line-2\); no second pop/,
    );
    expect(await send('InteractionDeleted', LINE, AGENT_B)).toMatch(
      /closed after agent .* joined call int-call-1, which goes on/,
    );
  });

  it('an answer while ringing and another when connected pop once', async () => {
    const send = stream();
    expect(await send('InteractionAccepted', CALL, AGENT, { callState: 'CS_INPROGRESS' })).toEqual([
      'jdoe',
      'answered',
      'primary',
      null,
    ]);
    expect(await send('InteractionAccepted', CALL, AGENT, { callState: 'CS_CONNECTED' })).toMatch(
      /^ignored: .*was already answered to agent/,
    );
  });
});

/** One event on a fresh runtime: its first message's props, or the outcome's kind. */
async function propsOf(fields: Record<string, unknown>) {
  const body = { Interaction: { interactionGUID: 'int-o', agentId: AGENT, ...fields } };
  const outcome = await handleRequest(
    createRuntime(connector, settings),
    toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-relay-token': RELAY_SECRET },
      body,
    }),
    'event-streaming',
  );
  return outcome.kind === 'accepted' ? outcome.messages[0]!.props : outcome.kind;
}

describe('8x8 outbound and event time', () => {
  it('isOutboundCall marks the call outbound when no direction is sent', async () => {
    expect(await propsOf({ event: 'InteractionAssigned', isOutboundCall: 'true' })).toMatchObject({
      direction: 'outbound',
      leg: 'primary',
    });
  });

  it('an interactionEventTS beyond what a date can hold is no eventTime, not a crash', async () => {
    const props = await propsOf({ event: 'InteractionDeleted', interactionEventTS: 1e300 });
    expect(props).toMatchObject({ lifecycle: 'ended' });
    expect((props as Record<string, unknown>).eventTime).toBeUndefined();
  });

  it('eventTime falls back to msgInfo.timestamp (ms) when the event has no interactionEventTS', async () => {
    const props = await propsOf({
      event: 'InteractionDeleted',
      msgInfo: { instanceId: 'vcc', sequenceId: 9, timestamp: 1764497100215 },
    });
    expect(props).toMatchObject({ eventTime: '2025-11-30T10:05:00.215Z' });
  });

  it('eventTime on agent_state is statusEventTS (seconds)', async () => {
    const body = { AgentStatusChange: { agentId: AGENT, newState: 5, statusEventTS: 1764497100 } };
    const outcome = await handleRequest(
      createRuntime(connector, settings),
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-relay-token': RELAY_SECRET },
        body,
      }),
      'event-streaming',
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.eventTime).toBe(
      '2025-11-30T10:05:00.000Z',
    );
  });
});
