// The block parameters that name the agent and the event: ours (agentParameter, lifecycleParameter) and
// OpenConnect's own (agentid, event), read in that order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntime, handleRequest, type RecordedRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { API_KEY } from './values.js';

type Body = { Details: { Parameters: Record<string, string> } };

async function mapWith(parameters: Record<string, string>, options: Record<string, unknown> = {}) {
  const file = JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/contact-flow/whisper-answered.json'), 'utf8'),
  ) as { request: RecordedRequest & { body: Body } };
  file.request.body.Details.Parameters = parameters;
  const runtime = createRuntime(connector, { options: { apiKey: API_KEY, ...options } });
  const outcome = await handleRequest(runtime, toInboundRequest(file.request), 'contact-flow');
  if (outcome.kind !== 'accepted') return outcome.kind === 'ignored' ? outcome.reason : outcome.kind;
  return outcome.messages.map((m) => ({ agentid: m.agentid, event: m.event, leg: m.props.leg }));
}

describe('contact-flow block parameters', () => {
  it('takes the agent from agentid and the event from event, OpenConnect’s own names', async () => {
    expect(await mapWith({ agentid: 'tom.becker', event: 'wrapup' })).toEqual([
      { agentid: 'tom.becker', event: 'wrapup', leg: undefined },
    ]);
  });

  it('prefers the configured parameters when a block sets both', async () => {
    expect(
      await mapWith({
        agentLogin: 'maria.lopez',
        agentid: 'tom.becker',
        lifecycle: 'answered',
        event: 'On End',
      }),
    ).toEqual([{ agentid: 'maria.lopez', event: 'answered', leg: 'primary' }]);
  });

  it('trims the login and the event, and passes over a parameter that holds only blanks', async () => {
    expect(await mapWith({ agentLogin: '  ', agentid: ' tom.becker ', lifecycle: ' offered ' })).toEqual([
      { agentid: 'tom.becker', event: 'offered', leg: 'primary' },
    ]);
  });

  it('names the leg on an offered, never on other moments', async () => {
    expect(await mapWith({ agentLogin: 'maria.lopez', lifecycle: 'offered' })).toEqual([
      { agentid: 'maria.lopez', event: 'offered', leg: 'primary' },
    ]);
    expect(await mapWith({ agentLogin: 'maria.lopez', lifecycle: 'ended' })).toEqual([
      { agentid: 'maria.lopez', event: 'ended', leg: undefined },
    ]);
  });

  it('leaves agentid and event as plain props when openConnectParameters is off', async () => {
    expect(await mapWith({ agentid: 'tom.becker' }, { openConnectParameters: false })).toContain(
      'set the block parameter "agentLogin"',
    );
  });
});

describe('a queue the flow hands over as a plain string', () => {
  it('is read trimmed: a name as the queue, an ARN as the queue id', async () => {
    const props = [];
    for (const queue of ['  Support DE  ', ' arn:aws:connect:eu-central-1:1:instance/i/queue/q-7 ']) {
      const file = JSON.parse(
        readFileSync(join(import.meta.dirname, '../fixtures/contact-flow/whisper-answered.json'), 'utf8'),
      ) as { request: RecordedRequest & { body: { Details: { ContactData: { Queue: unknown } } } } };
      file.request.body.Details.ContactData.Queue = queue;
      const runtime = createRuntime(connector, { options: { apiKey: API_KEY } });
      const outcome = await handleRequest(runtime, toInboundRequest(file.request), 'contact-flow');
      props.push(
        outcome.kind === 'accepted'
          ? [outcome.messages[0]!.props.queue, outcome.messages[0]!.props.queueId]
          : outcome.kind,
      );
    }
    expect(props).toEqual([
      ['Support DE', undefined],
      [undefined, 'q-7'],
    ]);
  });
});

describe('an invocation event that is not a contact-flow event', () => {
  it('is refused with 400, telling the admin the Name it must carry', async () => {
    const file = JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/contact-flow/whisper-answered.json'), 'utf8'),
    ) as { request: RecordedRequest & { body: { Name: string } } };
    file.request.body.Name = 'ContactFlowExecution';
    const runtime = createRuntime(connector, { options: { apiKey: API_KEY } });
    const outcome = await handleRequest(runtime, toInboundRequest(file.request), 'contact-flow');
    expect(outcome).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('Name must be ContactFlowEvent'),
    });
    expect(outcome.answer.status).toBe(400);
  });
});
