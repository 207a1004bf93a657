// The lifecycle already sent to each agent is kept per agent login, and a login is whatever CIC calls the
// user: one named like an Object.prototype member (toString, constructor, __proto__) pops as any other.
import { createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { customerCall as callOf } from './pureconnect-calls.js';
import { PURECONNECT_TOKEN, settings } from './settings.js';

const QUEUE = 'urn:inin.com:queues:queueContentsMessage';
const ID = '1001234701';

const queueMessage = (extra: Record<string, unknown>) => ({
  __type: QUEUE,
  subscriptionId: 'openconnect-users',
  isDelta: true,
  ...extra,
});
const added = (attributes: Record<string, string>) =>
  queueMessage({ interactionsAdded: [{ interactionId: ID, attributes }] });
const changed = (attributes: Record<string, string>) =>
  queueMessage({ interactionsChanged: [{ interactionId: ID, attributes }] });
const removed = () => queueMessage({ interactionsRemoved: [ID] });

const customerCall = (agent: string, state: string) => callOf(ID, agent, state);

/** One runtime's state across requests: who got which lifecycle, or why nothing popped. */
function session(relayHeaders: Record<string, string> = {}) {
  const rt = createRuntime(connector, settings);
  return async (body: unknown) => {
    const request = toInboundRequest({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${PURECONNECT_TOKEN}`,
        ...relayHeaders,
      },
      body,
    });
    const outcome = await handleRequest(rt, request, 'pureconnect');
    if (outcome.kind === 'accepted') return outcome.messages.map((m) => [m.agentid, m.lifecycle]);
    if (outcome.kind === 'ignored') return { ignored: outcome.reason };
    return { status: outcome.answer.status };
  };
}

// jdoe is the ordinary login every other one must match.
const LOGINS = ['jdoe', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('PureConnect agent logins named like Object.prototype members', () => {
  it.each(LOGINS)(
    '%s: offered, answered once, held, resumed, ended, and nothing more on removal',
    async (login) => {
      const send = session();
      expect(await send(added(customerCall(login, 'A')))).toEqual([[login, 'offered']]);
      expect(await send(changed({ Eic_State: 'C' }))).toEqual([[login, 'answered']]);
      expect(await send(changed({ Eic_State: 'C' }))).toEqual({
        ignored: `interaction ${ID}: still answered`,
      });
      expect(await send(changed({ Eic_State: 'H' }))).toEqual([[login, 'held']]);
      expect(await send(changed({ Eic_State: 'C' }))).toEqual([[login, 'resumed']]);
      expect(await send(changed({ Eic_State: 'E' }))).toEqual([[login, 'ended']]);
      expect(await send(removed())).toEqual({ ignored: `interaction ${ID} removed; nothing more to send` });
    },
  );

  it.each(LOGINS)('%s: transferred the call to asmith gets its end; asmith is offered it', async (login) => {
    const send = session();
    await send(added(customerCall(login, 'C')));
    expect(await send(changed({ Eic_State: 'A', Eic_UserName: 'asmith' }))).toEqual([
      [login, 'ended'],
      ['asmith', 'offered'],
    ]);
  });

  it.each(LOGINS)(
    '%s: never popped, gets no end when the call moves on or leaves the queue',
    async (login) => {
      const send = session({ 'x-genesys-agent': login });
      await send(added(customerCall(login, 'R')));
      expect(await send(changed({ Eic_State: 'A', Eic_UserName: 'asmith' }))).toEqual([
        ['asmith', 'offered'],
      ]);
      const alone = session({ 'x-genesys-agent': login });
      await alone(added(customerCall(login, 'R')));
      expect(await alone(removed())).toEqual({ ignored: `interaction ${ID} removed; nothing more to send` });
    },
  );

  it.each(LOGINS)(
    '%s: handed the call by asmith is popped for it, and ends when it leaves the queue',
    async (login) => {
      const send = session();
      await send(added(customerCall('asmith', 'C')));
      expect(await send(changed({ Eic_State: 'A', Eic_UserName: login }))).toEqual([
        ['asmith', 'ended'],
        [login, 'offered'],
      ]);
      expect(await send(changed({ Eic_State: 'C' }))).toEqual([[login, 'answered']]);
      expect(await send(removed())).toEqual([[login, 'ended']]);
    },
  );
});
