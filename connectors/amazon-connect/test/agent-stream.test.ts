// Contact states that end a ringing contact without an answer, beyond the fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntime, handleRequest, type RecordedRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { API_KEY } from './values.js';

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
