// PureConnect deltas carry only what changed: the interaction's attributes are kept in the host's state
// store for stateTtlMs, and forgotten after it.
import { createMemoryStateStore, createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { PURECONNECT_TOKEN, settings } from './settings.js';

const message = (kind: 'interactionsAdded' | 'interactionsChanged', attributes: Record<string, string>) =>
  toInboundRequest({
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PURECONNECT_TOKEN}` },
    body: {
      __type: 'urn:inin.com:queues:queueContentsMessage',
      subscriptionId: 'openconnect-users',
      isDelta: true,
      [kind]: [{ interactionId: '1001234567', attributes }],
    },
  });

const connected = { Eic_State: 'C', Eic_RemoteAddress: '+13175550142', Eic_UserName: 'jdoe' };

function runtime() {
  let now = 1_000_000;
  const state = createMemoryStateStore(() => now);
  const rt = createRuntime(
    connector,
    { ...settings, options: { ...settings.options, stateTtlMs: 60_000 } },
    { state },
  );
  return { rt, advance: (ms: number) => (now += ms) };
}

describe('PureConnect interaction state', () => {
  it('answers a later delta with the caller and agent kept from the first message, within stateTtlMs', async () => {
    const { rt, advance } = runtime();
    await handleRequest(rt, message('interactionsAdded', connected), 'pureconnect');
    advance(59_000);
    const held = await handleRequest(rt, message('interactionsChanged', { Eic_State: 'H' }), 'pureconnect');
    expect(
      held.kind === 'accepted' && held.messages.map((m) => [m.agentid, m.lifecycle, m.props.ani]),
    ).toEqual([['jdoe', 'held', '+13175550142']]);
  });

  it('forgets the interaction once stateTtlMs has passed without a message', async () => {
    const { rt, advance } = runtime();
    await handleRequest(rt, message('interactionsAdded', connected), 'pureconnect');
    advance(61_000);
    const held = await handleRequest(rt, message('interactionsChanged', { Eic_State: 'H' }), 'pureconnect');
    expect(held.kind === 'ignored' && held.reason).toContain('no agent yet');
  });
});
