import { describe, expect, it } from 'vitest';
import { runtime, studioBody } from './helpers.js';

describe('incontact studio', () => {
  it('is picked without a source in the URL when the body has ContactID and no events', async () => {
    const outcome = await runtime().post(studioBody);
    expect('source' in outcome && outcome.source).toBe('studio');
  });
  it('reads a lifecycle word in any case', async () => {
    const outcome = await runtime().post({ ...studioBody, event: 'Answered' }, undefined, 'studio');
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.lifecycle, m.event])).toEqual([
      ['answered', 'answered'],
    ]);
  });
  it('maps the user name through the directory when it has an entry', async () => {
    const outcome = await runtime({}, { directory: { 'mreyes@acme.example': 'mreyes' } }).post(studioBody);
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.agentid).toBe('mreyes');
  });
  it('reads a non-numeric Skill as the queue name', async () => {
    const outcome = await runtime().post({ ...studioBody, Skill: 'Billing_Inbound' });
    expect(
      outcome.kind === 'accepted' && [
        outcome.messages[0]!.props.queue,
        'queueId' in outcome.messages[0]!.props,
      ],
    ).toEqual(['Billing_Inbound', false]);
  });
  it('flattens a nested variables object into props', async () => {
    const outcome = await runtime().post({ ...studioBody, vars: { Tier: 'Gold', Balance: 120.5 } });
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props).toMatchObject({
      'vars.Tier': 'Gold',
      'vars.Balance': '120.5',
    });
  });
  it('keeps a script field named like a prop the connector sets under the incontact. prefix (core rule), so it cannot pick the event', async () => {
    const body = { ...studioBody, nativeEvent: 'ended', lifecycle: 'ended', queue: 'x' };
    const outcome = await runtime({}, { events: { ended: 'hangup' } }).post(body, undefined, 'studio');
    expect(outcome.kind === 'accepted' && [outcome.messages[0]!.event, outcome.messages[0]!.props]).toEqual([
      'answered',
      {
        lifecycle: 'answered',
        nativeEvent: 'answered',
        interactionId: '389712045611',
        ani: '6025550143',
        leg: 'primary',
        'incontact.nativeEvent': 'ended',
        'incontact.lifecycle': 'ended',
        'incontact.queue': 'x',
      },
    ]);
  });
  it('pops a contact handed to a second agent for that agent too (the agent is part of the event id)', async () => {
    const rt = runtime();
    const first = await rt.post(studioBody, undefined, 'studio');
    const second = await rt.post({ ...studioBody, AgentUserName: 'tkim@acme.example' }, undefined, 'studio');
    expect([first, second].map((o) => o.kind === 'accepted' && o.messages[0]!.dedupeKey)).toEqual([
      'incontact/studio/389712045611/answered/mreyes@acme.example',
      'incontact/studio/389712045611/answered/tkim@acme.example',
    ]);
  });
  it('refuses a body without ContactID with 400 naming it', async () => {
    const { ContactID: _, ...rest } = studioBody;
    const outcome = await runtime().post(rest, undefined, 'studio');
    expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
      400,
      'the Studio body has no "ContactID": set body.ContactID = "{ContactID}"',
    ]);
  });
  it('answers 400 when no source recognises the body and the URL names none', async () => {
    const outcome = await runtime().post({ hello: 'world' });
    expect(outcome.answer.status).toBe(400);
  });
});
