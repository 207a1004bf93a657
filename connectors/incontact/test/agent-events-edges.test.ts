// The relay source at its edges, one behaviour per test: what is refused with 400 and the reason the relay
// writer reads, what is ignored and why, the agent state's tolerated field names, and the status words that
// repeat a moment already sent.
import { createMemoryStateStore, createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { agentBatch, BEARER, contactEvent, runtime, TOKEN } from './helpers.js';

type Outcome = Awaited<ReturnType<ReturnType<typeof runtime>['post']>>;
const refusal = (outcome: Outcome) => [outcome.answer.status, 'reason' in outcome && outcome.reason];
const ignored = (outcome: Outcome) => (outcome.kind === 'ignored' ? outcome.reason : outcome.kind);
const lifecycles = (outcome: Outcome) =>
  outcome.kind === 'accepted' ? outcome.messages.map((m) => m.lifecycle) : ignored(outcome);
const props = (outcome: Outcome) => (outcome.kind === 'accepted' ? outcome.messages[0]!.props : outcome.kind);

describe('incontact agent-events: refused with 400', () => {
  it('refuses an event without Type, naming its place in the batch', async () => {
    const outcome = await runtime().post(agentBatch(contactEvent('Active'), { CurrentState: 'Available' }));
    expect(refusal(outcome)).toEqual([400, 'events.1 has no Type']);
  });
  it('refuses a batch that names no agent in the body nor in a header, saying where to name it', async () => {
    const outcome = await runtime().post({ events: [contactEvent('Active')] });
    expect(refusal(outcome)).toEqual([
      400,
      'the relay named no agent: add "agentUserName" or "agentId" to the body, or the header x-incontact-agent-username or x-incontact-agent-id',
    ]);
  });
  it('refuses a contact event without ContactID', async () => {
    const outcome = await runtime().post(agentBatch({ Type: 'CallContactEvent', Status: 'Active' }));
    expect(refusal(outcome)).toEqual([400, 'events.0: a CallContactEvent needs ContactID and Status']);
  });
});

describe('incontact agent-events: ignored, with the reason', () => {
  it('ignores an empty batch (a get-next-event answer with no events)', async () => {
    expect(ignored(await runtime().post(agentBatch()))).toBe('the batch has no events');
  });
  it('gives each reason once when several events are ignored alike', async () => {
    const outcome = await runtime().post(agentBatch({ Type: 'Heartbeat' }, { Type: 'Heartbeat' }));
    expect(ignored(outcome)).toBe('Heartbeat is not an event this connector maps');
  });
  it('ignores an agent state of an agent id missing from the directory, naming the id', async () => {
    const outcome = await runtime().post({
      agentId: '23099999',
      events: [{ Type: 'AgentState', CurrentState: 'Available' }],
    });
    expect(ignored(outcome)).toBe(
      'AgentState: AgentID 23099999 is not in the directory: add it (AgentID → user name) or send the agent user name',
    );
  });
  it('ignores a call event of an agent id missing from the directory though the call moved on', async () => {
    const outcome = await runtime().post({ agentId: '23099999', events: [contactEvent('Incoming')] });
    expect(ignored(outcome)).toBe(
      'contact 389712045611: AgentID 23099999 is not in the directory: add it (AgentID → user name) or send the agent user name',
    );
  });
  it('ignores a second AgentSessionEnd of an agent already logged out', async () => {
    const rt = runtime();
    expect(lifecycles(await rt.post(agentBatch({ Type: 'AgentSessionEnd' })))).toEqual(['agent_state']);
    expect(ignored(await rt.post(agentBatch({ Type: 'AgentSessionEnd' })))).toBe(
      'AgentSessionEnd of an agent already logged out',
    );
  });
  it('ignores AgentSessionStart of an agent whose state is already known and not logged out', async () => {
    const rt = runtime();
    await rt.post(agentBatch({ Type: 'AgentState', CurrentState: 'Available' }));
    expect(ignored(await rt.post(agentBatch({ Type: 'AgentSessionStart' })))).toBe(
      'AgentSessionStart of an agent already logged in (a session joined again)',
    );
  });
  it('names the repeated state and its reason', async () => {
    const rt = runtime();
    const lunch = { Type: 'AgentState', CurrentState: 'Unavailable', CurrentOutReason: 'Lunch' };
    await rt.post(agentBatch(lunch));
    expect(ignored(await rt.post(agentBatch(lunch)))).toBe(
      'AgentState repeats the agent state Unavailable (Lunch)',
    );
  });
});

describe('incontact agent-events: a repeated state without a reason', () => {
  it('names the repeated state alone', async () => {
    const rt = runtime();
    const available = agentBatch({ Type: 'AgentState', CurrentState: 'Available' });
    await rt.post(available);
    expect(ignored(await rt.post(available))).toBe('AgentState repeats the agent state Available');
  });
});

describe('incontact agent-events: agent state fields', () => {
  it('reads the tolerated names State and OutStateDescription', async () => {
    const outcome = await runtime().post(
      agentBatch({ Type: 'AgentState', State: 'Unavailable', OutStateDescription: 'Training' }),
    );
    expect(props(outcome)).toMatchObject({ agentState: 'Unavailable', outReason: 'Training' });
  });
  it('sends Unknown for a state event that names no state, without outReason, eventTime or isAcw', async () => {
    const named = await runtime().post(agentBatch({ Type: 'AgentState' }));
    expect(props(named)).toEqual({
      lifecycle: 'agent_state',
      nativeEvent: 'AgentState',
      agentState: 'Unknown',
      agentPlatformId: '23045871',
    });
  });
  it('reads IsACW (either spelling) False as isAcw false', async () => {
    const outcome = await runtime().post(
      agentBatch({ Type: 'AgentState', CurrentState: 'Available', IsACW: 'False' }),
    );
    expect(props(outcome)).toMatchObject({ isAcw: false });
  });
  it('sends AgentSessionStart as LoggedIn and AgentSessionEnd as LoggedOut, with no reason', async () => {
    const outcome = await runtime().post(
      agentBatch({ Type: 'AgentSessionStart' }, { Type: 'AgentSessionEnd' }),
    );
    expect(
      outcome.kind === 'accepted' && outcome.messages.map((m) => [m.props.agentState, m.props.outReason]),
    ).toEqual([
      ['LoggedIn', undefined],
      ['LoggedOut', undefined],
    ]);
  });
});

describe('incontact agent-events: status words that repeat a moment', () => {
  it('sends one offer for Incoming then Ringing', async () => {
    const rt = runtime();
    expect(lifecycles(await rt.post(agentBatch(contactEvent('Incoming'))))).toEqual(['offered']);
    expect(ignored(await rt.post(agentBatch(contactEvent('Ringing'))))).toBe(
      'contact 389712045611: Ringing repeats an offer already sent',
    );
  });
  it('sends no offer after the contact was answered', async () => {
    const rt = runtime();
    await rt.post(agentBatch(contactEvent('Active')));
    expect(ignored(await rt.post(agentBatch(contactEvent('Preview'))))).toBe(
      'contact 389712045611: Preview repeats an offer already sent',
    );
  });
  it('sends one end for two Disconnected before after-call work is over', async () => {
    const rt = runtime();
    expect(
      lifecycles(await rt.post(agentBatch(contactEvent('Active'), contactEvent('Disconnected')))),
    ).toEqual(['answered', 'ended']);
    expect(ignored(await rt.post(agentBatch(contactEvent('Disconnected'))))).toBe(
      'contact 389712045611: Disconnected repeats an end already sent',
    );
  });
  it('sends one hold for two Holding, naming the repeat', async () => {
    const rt = runtime();
    await rt.post(agentBatch(contactEvent('Active'), contactEvent('Holding')));
    expect(ignored(await rt.post(agentBatch(contactEvent('Holding'))))).toBe(
      'contact 389712045611: Holding repeats a hold already sent',
    );
  });
  it('ends a callback contact on CallbackDisconnected', async () => {
    const outcome = await runtime().post(
      agentBatch(contactEvent('CallbackDisconnected', { FinalState: 'True' })),
    );
    expect(lifecycles(outcome)).toEqual(['ended', 'completed']);
  });
  it('completes a contact already ended once FinalState True arrives', async () => {
    const rt = runtime();
    await rt.post(agentBatch(contactEvent('Active'), contactEvent('Disconnected')));
    expect(
      lifecycles(await rt.post(agentBatch(contactEvent('Disconnected', { FinalState: 'True' })))),
    ).toEqual(['completed']);
  });
  it('ignores a status that is no lifecycle change, naming it', async () => {
    expect(ignored(await runtime().post(agentBatch(contactEvent('Dialing'))))).toBe(
      'contact 389712045611: status Dialing is not a lifecycle change',
    );
  });
});

describe('incontact agent-events: a re-sent batch told apart from the contact moving on', () => {
  it('is no re-send once the contact was completed since (FinalState True)', async () => {
    const rt = runtime();
    const first = agentBatch(contactEvent('Active'), contactEvent('Disconnected'));
    await rt.post(first);
    await rt.post(agentBatch(contactEvent('Disconnected', { FinalState: 'True' })));
    expect(ignored(await rt.post(first))).toMatch(/after the contact was over \(FinalState True\)$/);
  });
  it('is no re-send once the contact ended since, though its last status is the same again', async () => {
    const rt = runtime();
    const first = agentBatch(contactEvent('Active'));
    await rt.post(first);
    await rt.post(agentBatch(contactEvent('Disconnected'), contactEvent('Active')));
    expect(ignored(await rt.post(first))).toBe(
      'contact 389712045611: Active again without a hold in between',
    );
  });
  it('is no re-send once the contact was answered since, though its last status is the same again', async () => {
    const rt = runtime();
    const first = agentBatch(contactEvent('Incoming'));
    await rt.post(first);
    await rt.post(agentBatch(contactEvent('Active'), contactEvent('Incoming')));
    expect(ignored(await rt.post(first))).toBe(
      'contact 389712045611: Incoming repeats an offer already sent',
    );
  });
});

describe('incontact agent-events: a batch re-sent, offered since', () => {
  it('is no re-send once the contact was offered since, though its last status is the same again', async () => {
    const rt = runtime();
    const dialing = contactEvent('Dialing', { IsInbound: 'False' });
    const first = agentBatch({ Type: 'AgentState', CurrentState: 'Available' }, dialing);
    await rt.post(first);
    await rt.post(agentBatch(contactEvent('Incoming'), dialing));
    expect(ignored(await rt.post(first))).toBe(
      'AgentState repeats the agent state Available; contact 389712045611: status Dialing is not a lifecycle change',
    );
  });
  it('keys a batch of call events by 32 characters of its content digest', async () => {
    const outcome = await runtime().post(agentBatch(contactEvent('Active')));
    expect('eventId' in outcome && outcome.eventId).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('incontact agent-events: how long memory lasts', () => {
  const HOUR = 3_600_000;
  const clocked = () => {
    const clock = { now: Date.parse('2026-11-25T08:00:00.000Z') };
    const rt = createRuntime(
      connector,
      { options: { token: TOKEN } },
      { state: createMemoryStateStore(() => clock.now) },
    );
    const post = (body: unknown) =>
      handleRequest(
        rt,
        toInboundRequest({
          method: 'POST',
          headers: { 'content-type': 'application/json', ...BEARER },
          body,
        }),
      );
    return { clock, post };
  };
  it('remembers an agent state through a working day (a repeat 23 h later is still a repeat), not beyond 24 h', async () => {
    const { clock, post } = clocked();
    const available = agentBatch({ Type: 'AgentState', CurrentState: 'Available' });
    await post(available);
    clock.now += 23 * HOUR;
    expect((await post(available)).kind).toBe('ignored');
    clock.now += 24 * HOUR + 1;
    expect(lifecycles(await post(available))).toEqual(['agent_state']);
  });
  it('answers a relay re-send with the first messages for an hour, then reads it as a repeat', async () => {
    const { clock, post } = clocked();
    const batch = agentBatch(contactEvent('Active'));
    await post(batch);
    clock.now += HOUR - 60_000;
    expect(lifecycles(await post(batch))).toEqual(['answered']);
    clock.now += 2 * 60_000;
    expect(ignored(await post(batch))).toBe('contact 389712045611: Active again without a hold in between');
  });
});
