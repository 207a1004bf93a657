// Five9 names no leg: the connector reads it from who was popped for the call and who left it (src/legs.ts).
import { describe, expect, it } from 'vitest';
import { accepted, desk } from './helpers.js';

type Outcome = Awaited<ReturnType<ReturnType<typeof desk>>>;
const legOf = (outcome: Outcome) =>
  outcome.kind === 'accepted'
    ? outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.leg, m.props.parentInteractionId])
    : outcome.kind === 'ignored'
      ? outcome.reason
      : outcome.kind;

const call = {
  call_id: '300000000012345',
  session_id: '8F3C1A2B9D7E4F60A1B2C3D4E5F60718',
  call_type: 'INBOUND',
};
const a = { ...accepted, ...call, agent: 'jdoe@acme.example' };
const b = { ...accepted, ...call, agent: 'mlopez@acme.example' };
const c = { ...accepted, ...call, agent: 'sdiaz@acme.example' };

describe('five9 legs', () => {
  it.each(['toString', '__proto__', 'constructor'])(
    'remembers an agent named %s like any other (no Object method found instead, no crash)',
    async (name) => {
      const send = desk();
      const named = { ...a, agent: name };
      expect(legOf(await send(named))).toEqual([[name, 'answered', 'primary', undefined]]);
      expect(legOf(await send(named))).toMatch(/one pop per agent per call/);
      await send({ ...named, trigger: 'OnCallDisconnected' });
      expect(legOf(await send(b))).toEqual([
        ['mlopez@acme.example', 'answered', 'transfer', '300000000012345'],
      ]);
    },
  );
  it('offers and answers the first agent on the primary leg, once each', async () => {
    const send = desk();
    expect(legOf(await send({ ...a, trigger: 'OnContactSelection' }))).toEqual([
      ['jdoe@acme.example', 'offered', 'primary', undefined],
    ]);
    expect(legOf(await send(a))).toEqual([['jdoe@acme.example', 'answered', 'primary', undefined]]);
  });

  it('calls a second agent accepting after the first one left a transfer', async () => {
    const send = desk();
    await send(a);
    await send({ ...a, trigger: 'OnCallDisconnected' });
    expect(legOf(await send(b))).toEqual([
      ['mlopez@acme.example', 'answered', 'transfer', '300000000012345'],
    ]);
  });

  it('calls a second agent accepting after a warm transfer started a consult', async () => {
    const send = desk();
    await send(a);
    await send({ ...a, trigger: 'OnWarmTransferInitiation' });
    expect(legOf(await send(b))).toEqual([['mlopez@acme.example', 'answered', 'consult', '300000000012345']]);
  });

  it('calls a second agent accepting while the first is still on the call, without a warm transfer, a conference', async () => {
    const send = desk();
    await send(a);
    expect(legOf(await send(b))).toEqual([
      ['mlopez@acme.example', 'answered', 'conference', '300000000012345'],
    ]);
  });

  it('joins legs on the session id: the consult leg has its own call id', async () => {
    const send = desk();
    await send(a);
    await send({ ...a, trigger: 'OnWarmTransferInitiation' });
    expect(legOf(await send({ ...b, call_id: '300000000012377', call_type: 'AGENT' }))).toEqual([
      ['mlopez@acme.example', 'answered', 'consult', '300000000012345'],
    ]);
  });

  it('calls a third agent a consult when one of the agents on the call started a warm transfer, though another did not', async () => {
    const send = desk();
    await send(a);
    await send(b);
    await send({ ...a, trigger: 'OnWarmTransferInitiation' });
    expect(legOf(await send(c))).toEqual([['sdiaz@acme.example', 'answered', 'consult', '300000000012345']]);
  });

  it('changes no leg for a connector the agent starts by hand during the call: the next agent is a conference', async () => {
    const send = desk();
    await send(a);
    await send({ ...a, trigger: 'ManuallyStarted' });
    expect(legOf(await send(b))).toEqual([
      ['mlopez@acme.example', 'answered', 'conference', '300000000012345'],
    ]);
  });

  it('marks no warm transfer for a hang-up that reached the runner before the agent pop: the next agent is a conference', async () => {
    const send = desk();
    await send({ ...a, trigger: 'OnCallDisconnected' });
    await send(a);
    expect(legOf(await send(b))).toEqual([
      ['mlopez@acme.example', 'answered', 'conference', '300000000012345'],
    ]);
  });

  it('keeps an agent who left the call off it when they select its contact afterwards: the next agent is a transfer', async () => {
    const send = desk();
    await send(a);
    await send({ ...a, trigger: 'OnCallDisconnected' });
    expect(legOf(await send({ ...a, trigger: 'OnContactSelection' }))).toEqual([
      ['jdoe@acme.example', 'offered', 'primary', undefined],
    ]);
    expect(legOf(await send(b))).toEqual([
      ['mlopez@acme.example', 'answered', 'transfer', '300000000012345'],
    ]);
  });

  it('names the call id of the first trigger seen as the parent, even a warm transfer before any pop', async () => {
    const send = desk({ callTypeLegs: { AGENT: 'consult' } });
    await send({ ...a, trigger: 'OnWarmTransferInitiation' });
    expect(legOf(await send({ ...b, call_id: '300000000012377', call_type: 'AGENT' }))).toEqual([
      ['mlopez@acme.example', 'answered', 'consult', '300000000012345'],
    ]);
  });

  it('pops an agent no second time for the same call', async () => {
    const send = desk();
    await send(a);
    expect(legOf(await send(a))).toBe(
      'jdoe@acme.example already had answered for call 8F3C1A2B9D7E4F60A1B2C3D4E5F60718: one pop per agent per call (their own consult leg, a conference they are in, or a repeated trigger)',
    );
  });

  it('keeps an agent leg from offered to answered', async () => {
    const send = desk();
    await send(a);
    await send({ ...a, trigger: 'OnCallDisconnected' });
    await send({ ...b, trigger: 'OnContactSelection' });
    expect(legOf(await send(b))).toEqual([
      ['mlopez@acme.example', 'answered', 'transfer', '300000000012345'],
    ]);
  });

  it('takes the leg from callTypeLegs when the domain call type names it, in any case', async () => {
    const send = desk({ callTypeLegs: { '3rd_party_conference': 'conference' } });
    await send(a);
    await send({ ...a, trigger: 'OnCallDisconnected' });
    expect(legOf(await send({ ...b, call_type: '3RD_PARTY_CONFERENCE' }))).toEqual([
      ['mlopez@acme.example', 'answered', 'conference', '300000000012345'],
    ]);
  });

  it('matches callTypeLegs by the trimmed call type on both sides, among several', async () => {
    const send = desk({ callTypeLegs: { '3rd_party_conference': 'conference', ' Agent ': 'consult' } });
    await send(a);
    expect(legOf(await send({ ...b, call_type: 'AGENT ' }))).toEqual([
      ['mlopez@acme.example', 'answered', 'consult', '300000000012345'],
    ]);
  });

  it('offers on the primary leg when the connector sends no call or session id', async () => {
    const { call_id: _, ...noId } = accepted;
    expect(legOf(await desk()({ ...noId, trigger: 'OnPreview' }))).toEqual([
      ['jdoe@acme.example', 'offered', 'primary', undefined],
    ]);
  });

  it('sends no leg on an ended call without call or session id', async () => {
    const { call_id: _, ...noId } = accepted;
    const outcome = await desk()({ ...noId, trigger: 'OnCallDisconnected' });
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.props)).toEqual([
      { lifecycle: 'ended', nativeEvent: 'OnCallDisconnected', channel: 'voice', ani: '9255550143' },
    ]);
  });

  it('calls every pop primary when the connector sends no call or session id', async () => {
    const send = desk();
    const { call_id: _, ...noId } = accepted;
    expect(legOf(await send(noId))).toEqual([['jdoe@acme.example', 'answered', 'primary', undefined]]);
    expect(legOf(await send(noId))).toEqual([['jdoe@acme.example', 'answered', 'primary', undefined]]);
  });

  it('keeps calls apart: another session is another call', async () => {
    const send = desk();
    await send(a);
    expect(
      legOf(await send({ ...b, session_id: '11112222333344445555666677778888', call_id: '300000000099999' })),
    ).toEqual([['mlopez@acme.example', 'answered', 'primary', undefined]]);
  });
});

describe('five9 legs and the store', () => {
  it('maps a retry again when the host could not store the first request: the pop is not taken for a second one', async () => {
    const send = desk({}, { deferState: true });
    const first = await send(a); // the runner answered 503: it never called commitState
    const retry = await send(a);
    expect(legOf(retry)).toEqual([['jdoe@acme.example', 'answered', 'primary', undefined]]);
    expect(legOf(retry)).toEqual(legOf(first));
    if (retry.kind === 'accepted') await retry.commitState?.(); // stored this time
    expect(legOf(await send(a))).toMatch(/already had answered/);
  });
});
