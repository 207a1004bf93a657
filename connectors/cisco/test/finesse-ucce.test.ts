// UCCE specifics: the CCE router call key and CVP ECC variables, agents known by a numeric peripheral id,
// and consult calls where two agent legs share one dialog.
import { createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { dialogs, finesseRequest, update } from './finesse-helpers.js';
import { FINESSE_TOKEN, services } from './helpers.js';

const runtime = (options: Record<string, unknown> = {}, directory: Record<string, string> = {}) =>
  createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN, ...options }, directory }, { services });

const ucceMedia = {
  callType: 'PREROUTE_ACD_IN',
  DNIS: '8005550100',
  callKeyCallId: '23498',
  callKeySequenceNum: '2',
  callKeyPrefix: '151234',
  queueName: 'Billing',
  queueNumber: '5012',
};

async function propsOf(outcome: Awaited<ReturnType<typeof handleRequest>>) {
  expect(outcome.kind, 'reason' in outcome ? outcome.reason : '').toBe('accepted');
  return outcome.kind === 'accepted' ? outcome.messages.map((m) => m.props) : [];
}

describe('Finesse on UCCE', () => {
  it('keeps the CCE router call key under its Finesse names and marks the platform UCCE', async () => {
    const body = update(
      dialogs({
        state: 'ALERTING',
        from: '6125550142',
        media: ucceMedia,
        legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'ALERTING' }],
      }),
      'POST',
      '/finesse/api/User/1001001/Dialogs',
    );
    const [props] = await propsOf(await handleRequest(runtime(), finesseRequest(body)));
    expect(props).toMatchObject({
      callKeyCallId: '23498',
      callKeySequenceNum: '2',
      callKeyPrefix: '151234',
      platform: 'UCCE',
      direction: 'inbound',
    });
  });

  it('keeps CVP ECC variables with their user. prefix', async () => {
    const body = update(
      dialogs({
        state: 'ALERTING',
        media: ucceMedia,
        variables: [
          ['user.microapp.caller_input', '4'],
          ['user.microapp.ToExtVXML[0]', 'x'],
        ],
        legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'ALERTING' }],
      }),
      'POST',
      '/finesse/api/User/1001001/Dialogs',
    );
    const [props] = await propsOf(await handleRequest(runtime(), finesseRequest(body)));
    expect(props?.['user.microapp.caller_input']).toBe('4');
    expect(props?.['user.microapp.ToExtVXML[0]']).toBe('x');
  });

  it('sends the login the directory gives for the numeric loginId, with the loginId as agentPlatformId', async () => {
    const body = update(
      dialogs({ state: 'ACTIVE', media: ucceMedia }),
      'POST',
      '/finesse/api/User/1001001/Dialogs',
    );
    const outcome = await handleRequest(runtime({}, { '1001001': 'agent1' }), finesseRequest(body));
    expect(outcome.kind).toBe('accepted');
    if (outcome.kind !== 'accepted') return;
    expect(outcome.messages[0]?.agentid).toBe('agent1');
    expect(outcome.messages[0]?.props.agentPlatformId).toBe('1001001');
  });

  it("in a consult, follows the agent's own leg found by the extension a User update gave", async () => {
    const rt = runtime();
    const user = update(
      '<user><loginId>1001001</loginId><extension>1001</extension><state>TALKING</state></user>',
      'PUT',
      '/finesse/api/User/1001001',
    );
    await handleRequest(rt, finesseRequest(user));
    // Dialog ACTIVE (the other agent talks to the caller) while this agent's leg still rings.
    const consult = dialogs({
      state: 'ACTIVE',
      media: { ...ucceMedia, callType: 'CONSULT' },
      legs: [
        { address: '1002', type: 'AGENT_DEVICE', state: 'ACTIVE' },
        { address: '1001', type: 'AGENT_DEVICE', state: 'ALERTING' },
      ],
    });
    const outcome = await handleRequest(
      rt,
      finesseRequest(update(consult, 'POST', '/finesse/api/User/1001001/Dialogs')),
    );
    expect(
      outcome.kind === 'accepted' && outcome.messages.map((m) => [m.lifecycle, m.props.nativeEvent]),
    ).toEqual([['offered', 'ALERTING']]);
  });

  it('uses the dialog state when two agent legs exist and the extension is unknown', async () => {
    const consult = dialogs({
      state: 'ACTIVE',
      legs: [
        { address: '1002', type: 'AGENT_DEVICE', state: 'ACTIVE' },
        { address: '1001', type: 'AGENT_DEVICE', state: 'ALERTING' },
      ],
    });
    const outcome = await handleRequest(
      runtime(),
      finesseRequest(update(consult, 'POST', '/finesse/api/User/1001001/Dialogs')),
    );
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.lifecycle)).toEqual(['answered']);
  });

  it('prefers the x-finesse-extension header of the gadget to find the leg', async () => {
    const consult = dialogs({
      state: 'ACTIVE',
      legs: [
        { address: '1002', type: 'AGENT_DEVICE', state: 'ACTIVE' },
        { address: '1001', type: 'AGENT_DEVICE', state: 'HELD' },
      ],
    });
    const request = finesseRequest(update(consult, 'POST', '/finesse/api/User/1001001/Dialogs'), {
      'x-finesse-extension': '1001',
    });
    const outcome = await handleRequest(runtime(), request);
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.lifecycle)).toEqual(['held']);
  });

  it('sends an outbound INITIATED dialog as offered when finesseOutboundInitiated is offered', async () => {
    const out = dialogs({ state: 'INITIATED', to: '6125550199', media: { callType: 'OUT' } });
    const outcome = await handleRequest(
      runtime({ finesseOutboundInitiated: 'offered' }),
      finesseRequest(update(out, 'POST', '/finesse/api/User/1001001/Dialogs')),
    );
    expect(
      outcome.kind === 'accepted' && outcome.messages.map((m) => [m.lifecycle, m.props.direction]),
    ).toEqual([['offered', 'outbound']]);
  });

  it("sends a dialog's secondaryId, associatedDialogUri and the direct-preview callbackNumber", async () => {
    const dialog =
      '<Dialog><associatedDialogUri>/finesse/api/Dialog/16810</associatedDialogUri><id>16817</id>' +
      '<secondaryId>16818</secondaryId><mediaType>Voice</mediaType><fromAddress>1001</fromAddress>' +
      '<toAddress>96125550199</toAddress><callbackNumber>6125550199</callbackNumber>' +
      '<mediaProperties><callType>OUTBOUND_DIRECT_PREVIEW</callType></mediaProperties>' +
      '<participants><Participant><mediaAddress>1001</mediaAddress><mediaAddressType>AGENT_DEVICE</mediaAddressType>' +
      '<state>ACTIVE</state></Participant></participants><state>ACTIVE</state></Dialog>';
    const outcome = await handleRequest(
      runtime(),
      finesseRequest(update(`<dialogs>${dialog}</dialogs>`, 'POST', '/finesse/api/User/1001001/Dialogs')),
    );
    const [props] = await propsOf(outcome);
    expect([props?.secondaryId, props?.associatedDialogUri, props?.callbackNumber, props?.direction]).toEqual(
      ['16818', '/finesse/api/Dialog/16810', '6125550199', 'outbound'],
    );
  });

  it('maps every dialog of one update, each with its own lifecycle', async () => {
    const body = update(
      dialogs({ id: '1', state: 'ALERTING' }, { id: '2', state: 'HELD' }),
      'POST',
      '/finesse/api/User/1001001/Dialogs',
    );
    const outcome = await handleRequest(runtime(), finesseRequest(body));
    expect(
      outcome.kind === 'accepted' && outcome.messages.map((m) => [m.props.interactionId, m.lifecycle]),
    ).toEqual([
      ['1', 'offered'],
      ['2', 'held'],
    ]);
  });

  it('takes the platform from finessePlatform when the dialog does not show it', async () => {
    const body = update(dialogs({ state: 'ACTIVE' }), 'POST', '/finesse/api/User/1001001/Dialogs');
    const [props] = await propsOf(
      await handleRequest(runtime({ finessePlatform: 'UCCE' }), finesseRequest(body)),
    );
    expect(props?.platform).toBe('UCCE');
  });
});
