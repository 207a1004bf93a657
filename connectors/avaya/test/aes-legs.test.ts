// AES call legs and the CSTA quirks behind them, one behaviour per test (the call-shape fixtures play whole
// calls; these pin the single rules those calls rely on).
import {
  createMemoryStateStore,
  createRuntime,
  handleFrame,
  handleRequest,
  toInboundRequest,
} from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { dmcc } from './dmcc-helpers.js';
import { aes, props, reason, runtime } from './leg-helpers.js';
import { BRIDGE_TOKEN, settings } from './settings.js';

const NS = 'http://www.ecma-international.org/standards/ecma-323/csta/ed3';
const device = (tag: string, n: string) =>
  `<${tag}><deviceIdentifier>${n}:CM1::0</deviceIdentifier></${tag}>`;
const frame = (station: string, name: string, body: string) => ({
  monitoredDevice: station,
  xml: `<?xml version="1.0" encoding="UTF-8"?><${name} xmlns="${NS}"><monitorCrossRefID>7</monitorCrossRefID>${body}</${name}>`,
});

describe('aes bridge: field names and times', () => {
  it("accepts OpenConnect's own names agentid and event beside agentId and eventType", async () => {
    const outcome = await aes(runtime(), {
      event: 'EstablishedEvent',
      agentid: 'jdoe',
      callID: '1021',
      eventId: 'b-1',
    });
    expect(
      outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.leg]),
    ).toEqual([['jdoe', 'answered', 'primary']]);
  });

  it("keeps the contract's agentId and eventType when both spellings are sent", async () => {
    const outcome = await aes(runtime(), {
      eventType: 'HeldEvent',
      event: 'EstablishedEvent',
      agentId: 'msmith',
      agentid: 'jdoe',
      callID: '1021',
    });
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.lifecycle])).toEqual([
      ['msmith', 'held'],
    ]);
  });

  it("detects a body that names its CSTA event in `event` as the aes source's", async () => {
    const rt = runtime();
    const request = {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_TOKEN}` },
      body: { event: 'HeldEvent', agentid: 'jdoe', callID: '7' },
    };
    const outcome = await handleRequest(rt, toInboundRequest(request));
    expect('source' in outcome && outcome.source).toBe('aes');
  });

  it("puts the bridge's timestamp in eventTime on ended (DMCC events carry no time of their own)", async () => {
    const outcome = await aes(runtime(), {
      eventType: 'ConnectionClearedEvent',
      agentId: 'jdoe',
      callID: '1021',
      timestamp: '2026-11-25T10:21:07.500Z',
    });
    expect(props(outcome)).toEqual([
      expect.objectContaining({ eventTime: '2026-11-25T10:21:07.500Z', interactionId: '1021' }),
    ]);
  });
});

describe('aes legs', () => {
  it('makes a DeliveredEvent whose cause is consultation a consult leg, naming no parent it has not seen', async () => {
    const outcome = await aes(runtime(), {
      eventType: 'DeliveredEvent',
      monitoredDevice: '4002',
      alertingDevice: '4002',
      callingDevice: '4001',
      callID: '1102',
      cause: 'consultation',
    });
    const [first] = props(outcome) as Record<string, unknown>[];
    expect(first).toMatchObject({ leg: 'consult', interactionId: '1102', ani: '4001' });
    expect(first).not.toHaveProperty('parentInteractionId');
  });

  it('treats a call dialed to a station in the directory as internal: nothing for the caller, primary for the called', async () => {
    const rt = runtime();
    const dialed = await aes(rt, {
      eventType: 'OriginatedEvent',
      monitoredDevice: '4001',
      callingDevice: '4001',
      calledDevice: '4002',
      originatedConnection: { callID: '1601' },
    });
    expect(reason(dialed)).toContain('calls station 4002, an internal call');
    const rung = await aes(rt, {
      eventType: 'DeliveredEvent',
      monitoredDevice: '4002',
      alertingDevice: '4002',
      callingDevice: '4001',
      calledDevice: '4002',
      callID: '1601',
    });
    expect(props(rung)).toEqual([
      expect.objectContaining({ leg: 'primary', ani: '4001', interactionId: '1601' }),
    ]);
  });

  it('offers a call once per station: a DeliveredEvent repeated for the same call is ignored', async () => {
    const rt = runtime();
    const delivered = {
      eventType: 'DeliveredEvent',
      monitoredDevice: '4001',
      alertingDevice: '4001',
      callingDevice: '5551230001',
      callID: '1701',
    };
    expect((await aes(rt, { ...delivered, eventId: 'd-1' })).kind).toBe('accepted');
    expect(reason(await aes(rt, { ...delivered, eventId: 'd-2' }))).toContain(
      'call 1701 was offered to 4001 before',
    );
  });
});

describe('aes-dmcc legs', () => {
  it('makes the call that alerts at the destination of a single-step TransferedEvent a transfer leg of the old call, whatever its cause', async () => {
    const rt = createRuntime(
      connector,
      { directory: settings.directory },
      { state: createMemoryStateStore() },
    );
    await handleFrame(
      rt,
      dmcc,
      frame(
        '4001',
        'TransferedEvent',
        `<primaryOldCall><callID>1801</callID><deviceID>4001:CM1::0</deviceID></primaryOldCall>${device('transferringDevice', '4001')}${device('transferredToDevice', '4002')}<cause>singleStepTransfer</cause>`,
      ),
    );
    const rung = await handleFrame(
      rt,
      dmcc,
      frame(
        '4002',
        'DeliveredEvent',
        `<connection><callID>1802</callID><deviceID>4002:CM1::0</deviceID></connection>${device('alertingDevice', '4002')}${device('callingDevice', '5551230001')}<cause>newCall</cause>`,
      ),
    );
    expect(props(rung)).toEqual([
      expect.objectContaining({ leg: 'transfer', parentInteractionId: '1801', interactionId: '1802' }),
    ]);
  });
});

describe('aes events that name no call', () => {
  it('passes a TransferredEvent without any call id on as transferred, naming no parent', async () => {
    const outcome = await aes(runtime(), {
      eventType: 'TransferredEvent',
      agentId: 'jdoe',
      transferredToDevice: '4002',
    });
    const [first] = props(outcome) as Record<string, unknown>[];
    expect(first).toMatchObject({ nativeEvent: 'TransferredEvent', transferredToDevice: '4002' });
    expect(first).not.toHaveProperty('parentInteractionId');
  });

  it('ignores a ConferencedEvent without any call id, saying so', async () => {
    expect(
      reason(
        await aes(runtime(), { eventType: 'ConferencedEvent', monitoredDevice: '4003', addedParty: '4003' }),
      ),
    ).toBe('ConferencedEvent names no call');
  });
});

describe('aes after a consult', () => {
  it("forgets the held call once A's TransferredEvent merges it: A's next call out is outbound, not a consult", async () => {
    const rt = runtime();
    await aes(rt, {
      eventType: 'HeldEvent',
      monitoredDevice: '4001',
      holdingDevice: '4001',
      heldConnection: { callID: '1901' },
    });
    await aes(rt, {
      eventType: 'TransferredEvent',
      monitoredDevice: '4001',
      primaryOldCall: { callID: '1901' },
      secondaryOldCall: { callID: '1902' },
      transferringDevice: '4001',
      transferredToDevice: '4002',
    });
    const next = await aes(rt, {
      eventType: 'OriginatedEvent',
      monitoredDevice: '4001',
      callingDevice: '4001',
      calledDevice: '5551239999',
      originatedConnection: { callID: '1903' },
    });
    expect(props(next)).toEqual([
      expect.objectContaining({ leg: 'primary', direction: 'outbound', ani: '5551239999' }),
    ]);
  });
});
