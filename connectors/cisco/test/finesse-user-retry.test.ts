// A retried User notification gets its first answer back, as a retried dialog notification does.
import { createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { finesseRequest, update } from './finesse-helpers.js';
import { FINESSE_TOKEN, services } from './helpers.js';

describe('Finesse user retries', () => {
  it('answers a byte-identical retry of a User update with the first agent_state message', async () => {
    const rt = createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN } }, { services });
    const ready = update(
      '<user><loginId>1001006</loginId><state>READY</state></user>',
      'PUT',
      '/finesse/api/User/1001006',
    );
    const sent = async () => {
      const outcome = await handleRequest(rt, finesseRequest(ready));
      return outcome.kind === 'accepted'
        ? outcome.messages.map((m) => [m.agentid, m.lifecycle, m.dedupeKey])
        : outcome.kind;
    };
    const first = await sent();
    expect([first, await sent()]).toEqual([first, first]);
    expect(first).toHaveLength(1);
  });
});
