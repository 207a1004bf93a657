// Talkdesk names no leg: the connector reads it from who answered the call_id before and who hung up.
import { describe, expect, it } from 'vitest';
import { post, session, starts } from './helpers.js';

type Outcome = Awaited<ReturnType<ReturnType<typeof session>>>;
const legOf = (outcome: Outcome) =>
  outcome.kind === 'accepted'
    ? outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.leg, m.props.parentInteractionId])
    : outcome.kind === 'ignored'
      ? outcome.reason
      : outcome.kind;

const omar = { ...starts, agent_email: 'omar.haddad@acme.example', agent_id: '6021a7c4e9b8d7f6a5b4c3e9' };
const ends = (body: typeof starts) => ({ ...body, event: 'inbound_call_ends' });
const CALL = starts.call_id;

describe('talkdesk legs', () => {
  it.each(['toString', '__proto__', 'constructor'])(
    'remembers an agent named %s like any other (no Object method found instead, no crash)',
    async (name) => {
      const send = session();
      const named = { ...starts, agent_email: name };
      expect(legOf(await send(named))).toEqual([[name, 'answered', 'primary', undefined]]);
      expect(legOf(await send(named))).toMatch(/one pop per agent per call/);
      await send(ends(named));
      expect(legOf(await send(omar))).toEqual([['omar.haddad@acme.example', 'answered', 'transfer', CALL]]);
    },
  );
  it('answers the first agent on the primary leg', async () => {
    expect(legOf(await session()(starts))).toEqual([
      ['dana.whitfield@acme.example', 'answered', 'primary', undefined],
    ]);
  });
  it('calls a second agent answering after the first hung up a transfer', async () => {
    const send = session();
    await send(starts);
    await send(ends(starts));
    expect(legOf(await send(omar))).toEqual([['omar.haddad@acme.example', 'answered', 'transfer', CALL]]);
  });
  it('calls a second agent answering while the first is on the call a consult', async () => {
    const send = session();
    await send(starts);
    expect(legOf(await send(omar))).toEqual([['omar.haddad@acme.example', 'answered', 'consult', CALL]]);
  });
  it('calls a third agent answering after the first left but while the second is on the call a consult', async () => {
    const send = session();
    await send(starts);
    await send(omar);
    await send(ends(starts));
    const lee = { ...starts, agent_email: 'lee.park@acme.example', agent_id: '6021a7c4e9b8d7f6a5b4c3f1' };
    expect(legOf(await send(lee))).toEqual([['lee.park@acme.example', 'answered', 'consult', CALL]]);
  });
  it('notes nothing when an agent never popped for the call hangs up: the next agent is still a consult', async () => {
    const send = session();
    await send(starts);
    expect(legOf(await send(ends(omar)))).toEqual([
      ['omar.haddad@acme.example', 'ended', undefined, undefined],
    ]);
    const lee = { ...starts, agent_email: 'lee.park@acme.example', agent_id: '6021a7c4e9b8d7f6a5b4c3f1' };
    expect(legOf(await send(lee))).toEqual([['lee.park@acme.example', 'answered', 'consult', CALL]]);
  });
  it('pops an agent no second time for the same call', async () => {
    const send = session();
    await send(starts);
    expect(legOf(await send(starts))).toBe(
      `dana.whitfield@acme.example already had answered for call ${CALL}: one pop per agent per call`,
    );
  });
  it('keeps an agent leg from offered to answered', async () => {
    const send = session();
    await send(starts);
    await send(ends(starts));
    await send({ ...omar, event: 'inbound_call_reaches_contact_center' });
    expect(legOf(await send(omar))).toEqual([['omar.haddad@acme.example', 'answered', 'transfer', CALL]]);
  });
  it('calls an answered call without call_id primary', async () => {
    const { call_id: _, ...noId } = starts;
    expect(legOf(await post(noId))).toEqual([
      ['dana.whitfield@acme.example', 'answered', 'primary', undefined],
    ]);
  });
  it('keeps another call apart', async () => {
    const send = session();
    await send(starts);
    expect(legOf(await send({ ...omar, call_id: 'ffffeeee000011112222333344445555' }))).toEqual([
      ['omar.haddad@acme.example', 'answered', 'primary', undefined],
    ]);
  });
});

describe('talkdesk legs and the store', () => {
  it('maps a retry again when the host could not store the first request: the pop is not taken for a second one', async () => {
    const send = session({}, { deferState: true });
    const first = await send(starts); // the runner answered 503: it never called commitState
    const retry = await send(starts);
    expect(legOf(retry)).toEqual([['dana.whitfield@acme.example', 'answered', 'primary', undefined]]);
    expect(legOf(retry)).toEqual(legOf(first));
    if (retry.kind === 'accepted') await retry.commitState?.(); // stored this time
    expect(legOf(await send(starts))).toEqual(expect.any(String));
  });
});
