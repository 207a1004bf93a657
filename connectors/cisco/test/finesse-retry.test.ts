// The gadget retries a 5xx. The runner answers 503 also when it mapped the notification but could not
// store the messages; the retry must then get the same messages again, under the same dedupe keys.
import { createRuntime, handleRequest, type Outcome } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { dialogs, finesseRequest, update } from './finesse-helpers.js';
import { FINESSE_TOKEN, services } from './helpers.js';

const runtime = () => createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN } }, { services });

// A dialog PUT names no agent in <source>: the gadget's header does, so two agents can send the same bytes.
const ringing = update(
  dialogs({
    state: 'ALERTING',
    from: '6125550142',
    legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'ALERTING' }],
  }),
  'PUT',
  '/finesse/api/Dialog/16817',
);

const sent = (outcome: Outcome) =>
  outcome.kind === 'accepted'
    ? outcome.messages.map((m) => [m.agentid, m.lifecycle, m.dedupeKey])
    : outcome.kind;

describe('Finesse retries', () => {
  it('answers a byte-identical retry with the first messages and the same dedupe key', async () => {
    const rt = runtime();
    const first = await handleRequest(rt, finesseRequest(ringing, { 'x-finesse-agent': '1001001' }));
    const retry = await handleRequest(rt, finesseRequest(ringing, { 'x-finesse-agent': '1001001' }));
    expect(sent(retry)).toEqual(sent(first));
    expect(sent(first)).toEqual([
      ['1001001', 'offered', expect.stringMatching(/^cisco\/finesse\/body-[0-9a-f]{40}$/)],
    ]);
  });

  it('gives the same bytes from two agents’ gadgets different dedupe keys', async () => {
    const rt = runtime();
    const a = await handleRequest(rt, finesseRequest(ringing, { 'x-finesse-agent': '1001001' }));
    const b = await handleRequest(rt, finesseRequest(ringing, { 'x-finesse-agent': '1001002' }));
    const keys = [a, b].map((o) => (o.kind === 'accepted' ? o.messages[0]?.dedupeKey : o.kind));
    expect([a.kind, b.kind, keys[0] === keys[1]]).toEqual(['accepted', 'accepted', false]);
  });

  it('still ignores a new notification that changes nothing for the agent', async () => {
    const rt = runtime();
    await handleRequest(rt, finesseRequest(ringing, { 'x-finesse-agent': '1001001' }));
    const again = update(
      dialogs({
        state: 'ALERTING',
        from: '6125550142',
        variables: [['callVariable1', 'set by IVR']],
        legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'ALERTING' }],
      }),
      'PUT',
      '/finesse/api/Dialog/16817',
    );
    const outcome = await handleRequest(rt, finesseRequest(again, { 'x-finesse-agent': '1001001' }));
    expect(outcome.kind === 'ignored' && outcome.reason).toContain('still offered');
  });
});
