// Finesse legs and the small facts around them that the call-shape fixtures do not isolate: how the agent
// who starts a consult is known, what a consult dialog's removal means, outbound numbers, channels, states.
import { createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { channelOf, directionOf } from '../src/finesse/dialog.js';
import { dialogs, finesseRequest, update } from './finesse-helpers.js';
import { FINESSE_TOKEN, services } from './helpers.js';

const runtime = () => createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN } }, { services });
const onFeed = (verb: string, data: string) =>
  finesseRequest(update(data, verb, '/finesse/api/User/1001001/Dialogs'));
const summary = (outcome: Awaited<ReturnType<typeof handleRequest>>) =>
  outcome.kind === 'accepted'
    ? outcome.messages.map((m) => [m.lifecycle, m.props.leg, m.props.nativeEvent])
    : outcome.kind === 'ignored'
      ? outcome.reason
      : outcome.kind;

describe('Finesse legs', () => {
  it('knows the agent started a consult from its own leg dialing, when no extension was ever sent', async () => {
    const rt = runtime();
    const dialing = dialogs({
      id: '16818',
      state: 'INITIATING',
      from: '1001',
      media: { callType: 'CONSULT' },
      legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'INITIATING' }],
    });
    expect(summary(await handleRequest(rt, onFeed('POST', dialing)))).toContain('started this consult call');
    // Later both agents' legs are in the dialog and neither is known to be this agent's: still not popped.
    const talking = dialogs({
      id: '16818',
      state: 'ACTIVE',
      from: '1001',
      media: { callType: 'CONSULT' },
      legs: [
        { address: '1001', type: 'AGENT_DEVICE', state: 'ACTIVE' },
        { address: '1002', type: 'AGENT_DEVICE', state: 'ACTIVE' },
      ],
    });
    expect(summary(await handleRequest(rt, onFeed('PUT', talking)))).toContain('started this consult call');
  });

  it("learns the agent's extension from their own call, so a consult they dial is never popped to them", async () => {
    const rt = runtime();
    const call = dialogs({
      id: '16817',
      state: 'ACTIVE',
      from: '6125550142',
      media: { callType: 'ACD_IN' },
      legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'ACTIVE' }],
    });
    expect(summary(await handleRequest(rt, onFeed('POST', call)))).toEqual([
      ['answered', 'primary', 'ACTIVE'],
    ]);
    // The consult's first updates were missed: both agents' legs are up, neither found by an extension header.
    const consult = dialogs({
      id: '16818',
      state: 'ACTIVE',
      from: '1001',
      media: { callType: 'CONSULT' },
      legs: [
        { address: '1001', type: 'AGENT_DEVICE', state: 'ACTIVE' },
        { address: '1002', type: 'AGENT_DEVICE', state: 'ACTIVE' },
      ],
    });
    expect(summary(await handleRequest(rt, onFeed('PUT', consult)))).toContain('started this consult call');
  });

  it('pops a consult dialog to the consulted agent, whose extension is not the fromAddress', async () => {
    const ringing = dialogs({
      id: '16818',
      state: 'ALERTING',
      from: '1002',
      media: { callType: 'CONSULT' },
      legs: [
        { address: '1002', type: 'AGENT_DEVICE', state: 'INITIATED' },
        { address: '1001', type: 'AGENT_DEVICE', state: 'ALERTING' },
      ],
    });
    const outcome = await handleRequest(
      runtime(),
      finesseRequest(update(ringing, 'POST', '/finesse/api/User/1001001/Dialogs'), {
        'x-finesse-extension': '1001',
      }),
    );
    expect(summary(outcome)).toEqual([['offered', 'consult', 'ALERTING']]);
  });

  it('ends a consult dialog removed after the agent dropped from it: only a removal while talking is a merge', async () => {
    const gone = dialogs({
      id: '16818',
      state: 'DROPPED',
      from: '1002',
      media: { callType: 'CONSULT' },
      legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'DROPPED' }],
    });
    expect(summary(await handleRequest(runtime(), onFeed('DELETE', gone)))).toEqual([
      ['ended', 'consult', 'DROPPED'],
    ]);
    const merged = dialogs({
      id: '16818',
      state: 'ACTIVE',
      from: '1002',
      media: { callType: 'CONSULT' },
      legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'ACTIVE' }],
    });
    expect(summary(await handleRequest(runtime(), onFeed('DELETE', merged)))).toContain(
      'merged into the surviving call',
    );
  });

  it('pops a conference dialog to an agent who was not consulted on the call, with leg conference', async () => {
    const joined = dialogs({
      id: '16817',
      state: 'ACTIVE',
      media: { callType: 'CONFERENCE' },
      legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'ACTIVE' }],
    });
    expect(summary(await handleRequest(runtime(), onFeed('POST', joined)))).toEqual([
      ['answered', 'conference', 'ACTIVE'],
    ]);
  });
});

describe('Finesse numbers, channels and states', () => {
  it("takes a direct-preview call's ani from callbackNumber, the number dialed without the dialer's prefix", async () => {
    const dialog =
      '<dialogs><Dialog><id>16950</id><fromAddress>1001</fromAddress><toAddress>96125550199</toAddress>' +
      '<callbackNumber>6125550199</callbackNumber><mediaType>Voice</mediaType>' +
      '<mediaProperties><callType>OUTBOUND_DIRECT_PREVIEW</callType></mediaProperties><participants><Participant>' +
      '<mediaAddress>1001</mediaAddress><mediaAddressType>AGENT_DEVICE</mediaAddressType><state>ACTIVE</state>' +
      '</Participant></participants><state>ACTIVE</state></Dialog></dialogs>';
    const outcome = await handleRequest(runtime(), onFeed('POST', dialog));
    expect(
      outcome.kind === 'accepted' && [outcome.messages[0]?.props.ani, outcome.messages[0]?.props.direction],
    ).toEqual(['6125550199', 'outbound']);
  });

  it('reads every Finesse outbound callType as outbound and OVERFLOW_IN as inbound', () => {
    expect(
      ['OUT', 'AGENT_OUT', 'AUTO_OUT', 'OUTBOUND', 'OUTBOUND_PREVIEW', 'PREVIEW_OUTBOUND', 'OVERFLOW_IN'].map(
        directionOf,
      ),
    ).toEqual(['outbound', 'outbound', 'outbound', 'outbound', 'outbound', 'outbound', 'inbound']);
  });

  it('names the channel from the MRD name: a channel word, else one found inside it, else the name', () => {
    expect(['Voice', 'Chat', 'ECE_Email', 'Cisco_Video', 'Claims MRD'].map(channelOf)).toEqual([
      'voice',
      'chat',
      'email',
      'video',
      'claims mrd',
    ]);
  });

  it('sends the state the agent left as previousAgentState, none on the first state seen', async () => {
    const rt = runtime();
    const user = (state: string) =>
      finesseRequest(
        update(
          `<user><loginId>1001001</loginId><state>${state}</state><stateChangeTime>2026-11-25T12:05:00.000Z</stateChangeTime></user>`,
          'PUT',
          '/finesse/api/User/1001001',
        ),
      );
    const first = await handleRequest(rt, user('READY'));
    const second = await handleRequest(rt, user('NOT_READY'));
    expect(
      [first, second].map(
        (o) =>
          o.kind === 'accepted' && [o.messages[0]?.props.previousAgentState, o.messages[0]?.props.eventTime],
      ),
    ).toEqual([
      [undefined, '2026-11-25T12:05:00.000Z'],
      ['READY', '2026-11-25T12:05:00.000Z'],
    ]);
  });
});
