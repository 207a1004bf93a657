// What Five9 does its own way, each with the behaviour the connector gives it.
import { describe, expect, it } from 'vitest';
import { accepted, run, TOKEN } from './helpers.js';

const get = (query: Record<string, string>) => ({ method: 'GET', query: { ...query, token: TOKEN } });
const numbers = (outcome: Awaited<ReturnType<typeof run>>) =>
  outcome.kind === 'accepted'
    ? outcome.messages.map((m) => [m.props.direction, m.props.ani, m.props.dnis])
    : outcome.kind;

describe('five9 outbound numbers', () => {
  // Five9's Call.ANI on an outbound call is the caller id presented, Call.DNIS the number dialed.
  const outbound = { ...accepted, ani: '8005550100', dnis: '4155550187', call_type: 'OUTBOUND' };
  it('sends the number dialed (Call.DNIS) as ani and the caller id presented as dnis', async () => {
    expect(numbers(await run(get(outbound)))).toEqual([['outbound', '4155550187', '8005550100']]);
  });
  it('keeps them as received with outboundNumbers: as-sent', async () => {
    expect(numbers(await run(get(outbound), { outboundNumbers: 'as-sent' }))).toEqual([
      ['outbound', '8005550100', '4155550187'],
    ]);
  });
  it('leaves an inbound call numbers as they are', async () => {
    expect(numbers(await run(get({ ...outbound, call_type: 'INBOUND' })))).toEqual([
      ['inbound', '8005550100', '4155550187'],
    ]);
  });
  it('sends only ani when an outbound call carries the number dialed alone', async () => {
    const { ani: _, ...dialedOnly } = outbound;
    expect(numbers(await run(get(dialedOnly)))).toEqual([['outbound', '4155550187', undefined]]);
  });
  it('swaps them with outboundNumbers: swap spelled out, as by default', async () => {
    expect(numbers(await run(get(outbound), { outboundNumbers: 'swap' }))).toEqual([
      ['outbound', '4155550187', '8005550100'],
    ]);
  });
  it('sends only dnis when an outbound call carries the caller id alone', async () => {
    const { dnis: _, ...callerIdOnly } = outbound;
    expect(numbers(await run(get(callerIdOnly)))).toEqual([['outbound', undefined, '8005550100']]);
  });
});

describe('five9 POST connector', () => {
  it('reads the constants from the URL and the variables from the body (Five9 passes a POST connector constants in the URL)', async () => {
    const outcome = await run({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      query: { trigger: 'OnCallAccepted', token: TOKEN },
      body: { agent: 'jdoe@acme.example', call_id: '300000000012345' },
    });
    expect(
      outcome.kind === 'accepted' &&
        outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.interactionId]),
    ).toEqual([['jdoe@acme.example', 'answered', '300000000012345']]);
  });
});

describe('five9 OpenConnect parameter names', () => {
  const { agent, trigger, ...rest } = accepted;
  const pop = (outcome: Awaited<ReturnType<typeof run>>) =>
    outcome.kind === 'accepted'
      ? outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.nativeEvent])
      : outcome.kind;

  it('reads agentid as the agent and event as the trigger by default', async () => {
    expect(pop(await run(get({ ...rest, agentid: agent, event: trigger })))).toEqual([
      ['jdoe@acme.example', 'answered', 'OnCallAccepted'],
    ]);
  });
  it('reads them beside a configured map too', async () => {
    const params = { evt: 'trigger', user: 'agent' } as const;
    expect(pop(await run(get({ agentid: 'mlopez', event: 'OnCallDisconnected' }), { params }))).toEqual([
      ['mlopez', 'ended', 'OnCallDisconnected'],
    ]);
  });
  it('prefers the map name when a request carries both', async () => {
    const outcome = await run(get({ ...accepted, agentid: 'someone.else', event: 'OnCallDisconnected' }));
    expect(pop(outcome)).toEqual([['jdoe@acme.example', 'answered', 'OnCallAccepted']]);
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props['five9.agentid']).toBe('someone.else');
  });
  it('keeps a map meaning for event when the map names it', async () => {
    const params = { trigger: 'trigger', agent: 'agent', event: 'campaign' } as const;
    const outcome = await run(get({ ...accepted, event: 'Spring_Sale' }), { params });
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.campaign).toBe('Spring_Sale');
  });
  it('reads neither with openConnectNames: false, naming only the map parameter when the trigger is missing', async () => {
    const outcome = await run(get({ ...rest, agentid: agent, event: trigger }), { openConnectNames: false });
    expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
      400,
      'the trigger parameter "trigger" is missing: add it to the Web Connector as a constant, e.g. trigger=OnCallAccepted',
    ]);
  });
});

describe('five9 chat and e-mail triggers', () => {
  const session = { agent: 'jdoe@acme.example', session_id: 'C7A1E5F0B2D94C8E8F3A6D1B0E9C2F47' };
  it.each([
    ['OnChatArrival', 'answered', 'chat'],
    ['OnChatTransfer', 'transferred', 'chat'],
    ['OnChatTermination', 'ended', 'chat'],
    ['OnChatClose', 'completed', 'chat'],
    ['OnEmailArrival', 'answered', 'email'],
    ['OnEmailTransfer', 'transferred', 'email'],
    ['OnEmailClose', 'completed', 'email'],
  ])('maps %s to %s with channel %s', async (trigger, lifecycle, channel) => {
    const outcome = await run(get({ ...session, trigger }));
    expect(
      outcome.kind === 'accepted' && outcome.messages.map((m) => [m.lifecycle, m.props.channel]),
    ).toEqual([[lifecycle, channel]]);
  });
  it('sends no channel for a manually started connector, which may run during any interaction', async () => {
    const outcome = await run(get({ ...session, trigger: 'ManuallyStarted' }));
    expect(outcome.kind === 'accepted' && Object.hasOwn(outcome.messages[0]!.props, 'channel')).toBe(false);
  });
});

describe('five9 eventTime', () => {
  it('sends a parameter the map names eventTime as the eventTime prop (Five9 has no time variable we know of)', async () => {
    const params = { trigger: 'trigger', agent: 'agent', ended_at: 'eventTime' } as const;
    const outcome = await run(
      get({ trigger: 'OnCallDisconnected', agent: 'jdoe@acme.example', ended_at: '2026-11-25T14:01:18Z' }),
      { params },
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.eventTime).toBe('2026-11-25T14:01:18Z');
  });
});
