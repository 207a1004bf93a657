// The README's samples are what an Avaya admin and a bridge writer copy: the subscription must ask only for
// events the connector maps, and the bridge contract example must map to the offered call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { AXP_MAPPED_EVENTS } from '../src/axp-events.js';
import { config } from '../src/config.js';
import connector from '../src/index.js';

const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
/** The JSON object in the first code block after `after`: from the first line that is only `{`. */
const json = (after: string) => {
  const rest = readme.slice(readme.indexOf(after));
  const open = rest.search(/^ *\{$/m);
  return JSON.parse(rest.slice(open, rest.indexOf('```', open))) as Record<string, unknown>;
};
const subscription = json('Create the subscription') as {
  family: string;
  events: string[];
  transport: Record<string, string>;
};
const bridgeEvent = json('### The bridge contract');

const settings = {
  options: { authToken: 'axp-test-token-0123456789', bridgeToken: 'aes-test-token-0123456789' },
  directory: { '5001': 'jdoe' },
};
const post = (source: string, headers: Record<string, string>, body: unknown) =>
  handleRequest(
    createRuntime(connector, settings),
    toInboundRequest({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }),
    source,
  );

describe('avaya README', () => {
  it('subscribes to AGENT_ENGAGEMENT over WEBHOOK with the token in auth-token', () => {
    expect([
      subscription.family,
      subscription.transport.type,
      subscription.transport.authTokenHeader,
    ]).toEqual(['AGENT_ENGAGEMENT', 'WEBHOOK', 'auth-token']);
  });

  for (const name of subscription.events) {
    it(`subscribes to ${name}, which the connector maps to a message`, async () => {
      const outcome = await post(
        'axp',
        { 'auth-token': settings.options.authToken },
        { eventType: name, agentId: 'jdoe' },
      );
      expect(outcome.kind, 'reason' in outcome ? outcome.reason : '').toBe('accepted');
    });
  }

  it('asks, in the manual example, for exactly the events the built-in upkeep subscribes to by default', () => {
    expect([...subscription.events].sort()).toEqual([...AXP_MAPPED_EVENTS].sort());
  });

  for (const option of Object.keys(config.shape)) {
    it(`documents the option ${option}`, () => {
      expect(readme).toContain(`\`${option}\``);
    });
  }

  it('maps the bridge contract example to the offered call for the agent login it names', async () => {
    const outcome = await post(
      'aes',
      { authorization: `Bearer ${settings.options.bridgeToken}` },
      bridgeEvent,
    );
    expect(
      outcome.kind === 'accepted' &&
        outcome.messages.map((m) => [
          m.agentid,
          m.lifecycle,
          m.props.interactionId,
          m.props.ucid,
          m.props.queue,
        ]),
    ).toEqual([['jdoe', 'offered', '1021', '00001010211732529700', 'Support']]);
  });
});
