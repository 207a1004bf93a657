import { describe, expect, it } from 'vitest';
import { agentBatch, BEARER, contactEvent, runtime } from './helpers.js';

const lifecycles = (outcome: Awaited<ReturnType<ReturnType<typeof runtime>['post']>>) =>
  outcome.kind === 'accepted' ? outcome.messages.map((m) => m.lifecycle) : outcome.kind;

describe('incontact agent-events: status transitions', () => {
  it('keeps each agent own memory of a contact', async () => {
    const rt = runtime();
    await rt.post(agentBatch(contactEvent('Active')));
    const other = await rt.post({ agentUserName: 'tkim@acme.example', events: [contactEvent('Active')] });
    expect(lifecycles(other)).toEqual(['answered']);
  });
  it('pops nothing more for a contact once its final Disconnected is sent (a late repeat, as polling can list)', async () => {
    const rt = runtime();
    await rt.post(agentBatch(contactEvent('Active'), contactEvent('Disconnected', { FinalState: 'True' })));
    const late = await rt.post(
      agentBatch(contactEvent('Disconnected', { FinalState: 'True', LastStateChangeTimeUTC: 'x' })),
    );
    expect(late.kind === 'ignored' && late.reason).toBe(
      'contact 389712045611: Disconnected after the contact was over (FinalState True)',
    );
  });
  it('sends a repeated Holding once', async () => {
    const rt = runtime();
    const outcome = await rt.post(
      agentBatch(contactEvent('Active'), contactEvent('Holding'), contactEvent('Holding')),
    );
    expect(lifecycles(outcome)).toEqual(['answered', 'held']);
  });
  it('reads Status in any case', async () => {
    expect(lifecycles(await runtime().post(agentBatch(contactEvent('ACTIVE'))))).toEqual(['answered']);
  });
});

describe('incontact agent-events: agent state, once per change', () => {
  const state = (CurrentState: string, CurrentOutReason = '') => ({
    Type: 'AgentState',
    CurrentState,
    CurrentOutReason,
    IsAcw: 'False',
  });
  const states = (outcome: Awaited<ReturnType<ReturnType<typeof runtime>['post']>>) =>
    outcome.kind === 'accepted'
      ? outcome.messages.map((m) => `${m.props.agentState}/${m.props.outReason ?? ''}`)
      : outcome.kind;

  it('sends a state that repeats the last one (a session joined again replays it) once', async () => {
    const rt = runtime();
    expect(states(await rt.post(agentBatch(state('Unavailable', 'Lunch'))))).toEqual(['Unavailable/Lunch']);
    expect(states(await rt.post(agentBatch(state('Unavailable', 'Lunch'))))).toBe('ignored');
    expect(states(await rt.post(agentBatch(state('Unavailable', 'Meeting'))))).toEqual([
      'Unavailable/Meeting',
    ]);
  });

  it('sends AgentSessionStart once while the agent stays logged in, and again after AgentSessionEnd', async () => {
    const rt = runtime();
    const start = { Type: 'AgentSessionStart', AgentId: '23045871', SessionId: 'e4b1d2c3f4a5' };
    expect(states(await rt.post(agentBatch(start, state('Available'))))).toEqual(['LoggedIn/', 'Available/']);
    expect(states(await rt.post(agentBatch(start, state('Available'))))).toBe('ignored');
    expect(states(await rt.post(agentBatch({ Type: 'AgentSessionEnd' }, start)))).toEqual([
      'LoggedOut/',
      'LoggedIn/',
    ]);
  });
});

describe('incontact agent-events: a batch re-sent by the relay', () => {
  const keys = (outcome: Awaited<ReturnType<ReturnType<typeof runtime>['post']>>) =>
    outcome.kind === 'accepted' ? outcome.messages.map((m) => [m.lifecycle, m.dedupeKey]) : outcome.kind;

  it('gets the same messages with the same dedupe keys, so a retry after a 503 does not lose the pop', async () => {
    const rt = runtime();
    const body = agentBatch(contactEvent('Ringing'), contactEvent('Active'));
    const first = await rt.post(body);
    const again = await rt.post(body);
    expect(keys(again)).toEqual(keys(first));
    expect((keys(again) as string[][]).map(([lifecycle]) => lifecycle)).toEqual(['offered', 'answered']);
  });
  it('is told apart from the same content after the contact moved on (an Active after a hold is a resume)', async () => {
    const rt = runtime();
    const active = agentBatch(contactEvent('Active'));
    await rt.post(active);
    await rt.post(agentBatch(contactEvent('Holding')));
    expect(lifecycles(await rt.post(active))).toEqual(['resumed']);
  });
  it('gives a batch of agent events only no event id (nothing to replay)', async () => {
    const outcome = await runtime().post(agentBatch({ Type: 'AgentState', CurrentState: 'Available' }));
    expect([outcome.kind, 'eventId' in outcome]).toEqual(['accepted', false]);
  });
});

describe('incontact agent-events: the relay contract', () => {
  it('accepts a single event object with the agent in x-incontact-agent-username', async () => {
    const outcome = await runtime().post(contactEvent('Active'), {
      ...BEARER,
      'x-incontact-agent-username': 'tkim@acme.example',
    });
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.agentid)).toEqual([
      'tkim@acme.example',
    ]);
  });
  it('prefers the agent named in the body over the header', async () => {
    const outcome = await runtime().post(agentBatch(contactEvent('Active')), {
      ...BEARER,
      'x-incontact-agent-username': 'tkim@acme.example',
    });
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.agentid).toBe('mreyes@acme.example');
  });
  it('ignores a call event whose agent id is not in the directory, naming the id', async () => {
    const outcome = await runtime().post({ agentId: '23099999', events: [contactEvent('Active')] });
    expect(outcome.kind === 'ignored' && outcome.reason).toContain(
      'AgentID 23099999 is not in the directory',
    );
  });
  it('refuses a CallContactEvent without Status with 400', async () => {
    const outcome = await runtime().post(agentBatch({ Type: 'CallContactEvent', ContactID: '1' }));
    expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
      400,
      'events.0: a CallContactEvent needs ContactID and Status',
    ]);
  });
  it('lets the event map name a status by its native event', async () => {
    const rt = runtime({}, { events: { 'CallContactEvent.Active': 'cxone_pop' } });
    const outcome = await rt.post(agentBatch(contactEvent('Active')));
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.event).toBe('cxone_pop');
  });
});

describe('incontact platform names', () => {
  it('lists both inContact Central and inContact Hub', async () => {
    const { default: connector } = await import('../src/index.js');
    expect(connector.platforms).toEqual(['inContact Central', 'inContact Hub']);
  });
  it('adds the configured platform name to every message', async () => {
    const outcome = await runtime({ platform: 'inContact Hub' }).post(agentBatch(contactEvent('Active')));
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.platform).toBe('inContact Hub');
  });
  it('refuses a platform name that is neither', () => {
    expect(() => runtime({ platform: 'CXone Mpower' })).toThrow('platform');
  });
});
