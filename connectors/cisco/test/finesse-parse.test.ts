// The finesse source's parse on its own: the typed event it reads from the XML and the gadget's headers,
// with only the fields the notification has.
import { describe, expect, it } from 'vitest';
import { finesse } from '../src/finesse/index.js';
import { dialogs, finesseRequest, update } from './finesse-helpers.js';

describe('Finesse parse', () => {
  it('reads an XMPP notification: verb, source, agent from the node, extension header, item id, digest, dialogs', () => {
    const inner = update(
      dialogs({
        id: '27',
        state: 'ALERTING',
        legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'ALERTING' }],
      }),
      'PUT',
      '/finesse/api/Dialog/27',
    );
    const body = `<message><event><items node="/finesse/api/User/1001001/Dialogs"><item id="item-27"><notification>${inner}</notification></item></items></event></message>`;
    expect(finesse.parse(finesseRequest(body, { 'x-finesse-extension': '1001' }))).toStrictEqual({
      verb: 'PUT',
      source: '/finesse/api/Dialog/27',
      agent: '1001001',
      extension: '1001',
      itemId: 'item-27',
      digest: '4c6efdb65f42345f6d8a94ba36dd658401458109',
      kind: 'dialogs',
      dialogs: [
        {
          id: '27',
          state: 'ALERTING',
          mediaType: 'Voice',
          mediaProperties: {},
          callVariables: [],
          participants: [{ mediaAddress: '1001', mediaAddressType: 'AGENT_DEVICE', state: 'ALERTING' }],
        },
      ],
    });
  });

  it('reads a bare update without verb, source or agent as an empty verb and nothing else', () => {
    expect(finesse.parse(finesseRequest('<Update><data></data></Update>'))).toStrictEqual({
      verb: '',
      digest: 'd52483d7019186279ff8777a6faa3411cc6b4446',
      kind: 'other',
      what: 'an update from an unknown source',
    });
  });
});
