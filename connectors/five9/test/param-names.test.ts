// The admin names every Web Connector parameter (the `params` map), and the request carries whichever the
// desktop sent: a name like an Object.prototype member (toString, constructor) is a parameter like any other.
import { describe, expect, it } from 'vitest';
import { run, TOKEN } from './helpers.js';

const get = (query: Record<string, string>) => ({ method: 'GET', query: { ...query, token: TOKEN } });

// user is the ordinary name every other one must match.
const NAMES = ['user', 'toString', 'constructor', 'valueOf', 'hasOwnProperty'];

describe('five9 parameters named like Object.prototype members', () => {
  it.each(NAMES)('the agent parameter %s, not sent: the agent is read from agentid', async (name) => {
    const params = { trigger: 'trigger', [name]: 'agent', call_id: 'interactionId' };
    const outcome = await run(
      get({ trigger: 'OnCallAccepted', agentid: 'mlopez@acme.example', call_id: '300000000099' }),
      { params },
    );
    expect(
      outcome.kind === 'accepted' ? outcome.messages.map((m) => [m.agentid, m.lifecycle]) : outcome,
    ).toEqual([['mlopez@acme.example', 'answered']]);
  });

  it.each(NAMES)(
    'the agent parameter %s, not sent and no agentid: ignored, naming the parameter',
    async (name) => {
      const params = { trigger: 'trigger', [name]: 'agent', call_id: 'interactionId' };
      const outcome = await run(get({ trigger: 'OnCallAccepted', call_id: '300000000099' }), {
        params,
        openConnectNames: false,
      });
      expect('reason' in outcome && outcome.reason).toBe(
        `OnCallAccepted names no agent: the parameter "${name}" (@Agent.user_name@) is empty or missing`,
      );
    },
  );

  it.each(NAMES)('the trigger parameter %s, not sent: the trigger is read from event', async (name) => {
    const params = { [name]: 'trigger', agent: 'agent', call_id: 'interactionId' };
    const outcome = await run(
      get({ event: 'OnCallDisconnected', agent: 'jdoe@acme.example', call_id: '300000000012345' }),
      { params },
    );
    expect(
      outcome.kind === 'accepted' ? outcome.messages.map((m) => [m.agentid, m.lifecycle]) : outcome,
    ).toEqual([['jdoe@acme.example', 'ended']]);
  });

  it.each(NAMES)(
    'the trigger parameter %s, not sent and no event: refused with 400 naming both',
    async (name) => {
      const params = { [name]: 'trigger', agent: 'agent' };
      const outcome = await run(get({ agent: 'jdoe@acme.example', call_id: '300000000012345' }), { params });
      expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
        400,
        expect.stringContaining(`the trigger parameter "${name}" or "event" is missing`),
      ]);
    },
  );

  it.each(NAMES)(
    'a parameter %s the map names ani is sent as ani; unmapped, by its own name',
    async (name) => {
      const mapped = await run(
        get({ trigger: 'OnCallAccepted', agent: 'jdoe@acme.example', [name]: '9255550143' }),
        {
          params: { trigger: 'trigger', agent: 'agent', [name]: 'ani' },
        },
      );
      expect(mapped.kind === 'accepted' && mapped.messages[0]!.props.ani).toBe('9255550143');
      const unmapped = await run(
        get({ trigger: 'OnCallAccepted', agent: 'jdoe@acme.example', [name]: 'x1' }),
      );
      const props = unmapped.kind === 'accepted' ? unmapped.messages[0]!.props : {};
      expect(Object.hasOwn(props, name) && props[name]).toBe('x1');
    },
  );

  it('refuses at configuration time a map whose field is no OpenConnect field, toString and constructor included', () => {
    for (const field of ['toString', 'constructor', '__proto__']) {
      expect(() => run(get({}), { params: { trigger: 'trigger', agent: 'agent', x: field } })).toThrow(
        'Invalid option',
      );
    }
  });
});
