// The leg rules of aes-calls one event at a time (issue 17): each test plays the few CSTA events a rule reads,
// as the AES bridge or the DMCC session reduces them (placeEvent's CallView), against a fresh state store, and
// pins what the next event is told: its leg, its parent call, the customer's numbers, or why it makes no pop.
import { createMemoryStateStore, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { type CallView, placeEvent } from '../src/aes-calls.js';
import { looksLikeAes, parseAesEvent } from '../src/aes.js';
import { looksLikeAxp } from '../src/axp.js';
import { placeAgent } from '../src/axp-legs.js';
import { findLeaf, leaves } from '../src/json-leaves.js';
import { aes, axp, props, reason, runtime } from './leg-helpers.js';
import { AXP_TOKEN } from './settings.js';

type View = Partial<CallView> & { eventType: string; party: string };

/** A fresh state: events placed at stations 40xx (the directory's), the monitored station being the party. */
function calls() {
  const state = createMemoryStateStore();
  return (v: View) =>
    placeEvent({ station: v.party, isStation: (n: string) => n.startsWith('40'), ...v }, state);
}

const outboundPop = (ani: string) => ({
  props: { leg: 'primary', direction: 'outbound' },
  ani,
  dnis: null,
  outbound: true,
});

describe('aes-calls: what a HeldEvent remembers', () => {
  it('takes a hold at the station with no holdingDevice as its own: its next call out is a consult', async () => {
    const place = calls();
    await place({ eventType: 'HeldEvent', party: '4001', callId: '10' });
    expect(
      await place({ eventType: 'OriginatedEvent', party: '4001', callId: '11', called: '5551234' }),
    ).toEqual({
      ignored:
        'OriginatedEvent: 4001 dials 5551234 on a consult leg of call 10: the agent who consults gets no second pop',
    });
  });

  it('forgets nothing for a hold made by another device: the next call out is an outbound pop', async () => {
    const place = calls();
    await place({ eventType: 'HeldEvent', party: '4001', callId: '10', holding: '4009' });
    expect(
      await place({ eventType: 'OriginatedEvent', party: '4001', callId: '11', called: '5551234' }),
    ).toEqual(outboundPop('5551234'));
  });

  it("keeps one station's hold to that station: another station's call out is not a consult", async () => {
    const place = calls();
    await place({ eventType: 'HeldEvent', party: '4001', callId: '10', holding: '4001' });
    expect(
      await place({ eventType: 'OriginatedEvent', party: '4002', callId: '11', called: '5551234' }),
    ).toEqual(outboundPop('5551234'));
  });

  it('answers a hold on an unknown call with no props', async () => {
    const place = calls();
    expect(await place({ eventType: 'HeldEvent', party: '4001', callId: '10' })).toEqual({ props: {} });
  });

  it('marks a hold on an outbound call outbound, with the number dialed as the customer', async () => {
    const place = calls();
    await place({
      eventType: 'OriginatedEvent',
      party: '4001',
      callId: '10',
      calling: '4001',
      called: '5551234',
    });
    expect(await place({ eventType: 'HeldEvent', party: '4001', callId: '10' })).toEqual({
      props: { direction: 'outbound' },
      ani: '5551234',
      dnis: null,
      outbound: true,
    });
  });
});

describe('aes-calls: a later leg names its first', () => {
  it('names the first leg on a hold of the call a transfer made', async () => {
    const place = calls();
    await place({ eventType: 'DeliveredEvent', party: '4001', callId: '10', calling: '5551234' });
    await place({ eventType: 'TransferredEvent', party: '4001', callId: '20', primaryOldCall: '10' });
    expect(await place({ eventType: 'HeldEvent', party: '4002', callId: '20' })).toEqual({
      props: { parentInteractionId: '10' },
    });
  });
});

describe('aes-calls: a retrieve or a clear ends the hold', () => {
  it.each(['RetrievedEvent', 'ConnectionClearedEvent'])(
    'makes the next call out after a %s of the held call an outbound pop, not a consult',
    async (eventType) => {
      const place = calls();
      await place({ eventType: 'HeldEvent', party: '4001', callId: '10' });
      await place({ eventType, party: '4001', callId: '10' });
      expect(
        await place({ eventType: 'OriginatedEvent', party: '4001', callId: '11', called: '5551234' }),
      ).toEqual(outboundPop('5551234'));
    },
  );

  it.each(['RetrievedEvent', 'ConnectionClearedEvent'])(
    'keeps the hold after a %s of another call',
    async (eventType) => {
      const place = calls();
      await place({ eventType: 'HeldEvent', party: '4001', callId: '10' });
      await place({ eventType, party: '4001', callId: '12' });
      expect(
        await place({ eventType: 'OriginatedEvent', party: '4001', callId: '11', called: '5551234' }),
      ).toHaveProperty('ignored', expect.stringContaining('consult leg of call 10'));
    },
  );

  it('answers every RetrievedEvent of a call (a retrieve is not an end, which comes once)', async () => {
    const place = calls();
    await place({ eventType: 'HeldEvent', party: '4001', callId: '10' });
    expect(await place({ eventType: 'RetrievedEvent', party: '4001', callId: '10' })).toEqual({ props: {} });
    expect(await place({ eventType: 'RetrievedEvent', party: '4001', callId: '10' })).toEqual({ props: {} });
  });

  it('answers each ConnectionClearedEvent that names no call (nothing to end once)', async () => {
    const place = calls();
    expect(await place({ eventType: 'ConnectionClearedEvent', party: '4001' })).toEqual({ props: {} });
    expect(await place({ eventType: 'ConnectionClearedEvent', party: '4001' })).toEqual({ props: {} });
  });

  it('ends a consult leg that is its own first leg (dialed with cause consultation, nothing held)', async () => {
    const place = calls();
    await place({
      eventType: 'OriginatedEvent',
      party: '4001',
      callId: '11',
      called: '4002',
      cause: 'consultation',
    });
    expect(await place({ eventType: 'ConnectionClearedEvent', party: '4001', callId: '11' })).toEqual({
      props: {},
    });
  });
});

describe('aes-calls: OriginatedEvent', () => {
  it('ignores one that names no call', async () => {
    const place = calls();
    expect(await place({ eventType: 'OriginatedEvent', party: '4001', called: '5551234' })).toEqual({
      ignored: 'OriginatedEvent names no call',
    });
  });

  it('ignores a call another device dials', async () => {
    const place = calls();
    expect(
      await place({
        eventType: 'OriginatedEvent',
        party: '4001',
        callId: '10',
        calling: '4009',
        called: '5551234',
      }),
    ).toEqual({ ignored: 'OriginatedEvent: 4009 dials, not the monitored station 4001' });
  });

  it('pops a call the station itself dials, and one that names no calling device', async () => {
    const place = calls();
    expect(
      await place({
        eventType: 'OriginatedEvent',
        party: '4001',
        callId: '10',
        calling: '4001',
        called: '5551234',
      }),
    ).toEqual(outboundPop('5551234'));
    expect(
      await place({ eventType: 'OriginatedEvent', party: '4002', callId: '20', called: '5559876' }),
    ).toEqual(outboundPop('5559876'));
  });

  it('makes a call dialed with cause consultation a consult leg though nothing was held', async () => {
    const place = calls();
    expect(
      await place({ eventType: 'OriginatedEvent', party: '4001', callId: '11', cause: 'consultation' }),
    ).toEqual({
      ignored:
        'OriginatedEvent: 4001 dials out on a consult leg of call 11: the agent who consults gets no second pop',
    });
  });

  it("names the first leg of a held transferred call as the consult's parent, and carries its customer", async () => {
    const place = calls();
    // Call 10 reached 4001, was transferred to 4002 on call 20; 4002 holds it and consults 4003 on call 30.
    await place({
      eventType: 'DeliveredEvent',
      party: '4001',
      callId: '10',
      calling: '5551234',
      called: '8005550100',
    });
    await place({
      eventType: 'TransferredEvent',
      party: '4001',
      callId: '20',
      primaryOldCall: '10',
      secondaryOldCall: '15',
    });
    await place({ eventType: 'HeldEvent', party: '4002', callId: '20' });
    expect(
      await place({ eventType: 'OriginatedEvent', party: '4002', callId: '30', called: '4003' }),
    ).toEqual({
      ignored:
        'OriginatedEvent: 4002 dials 4003 on a consult leg of call 10: the agent who consults gets no second pop',
    });
    const consult = await place({
      eventType: 'DeliveredEvent',
      party: '4003',
      callId: '30',
      calling: '4002',
      called: '4003',
    });
    expect(consult).toEqual({
      props: { leg: 'consult', parentInteractionId: '10' },
      ani: '5551234',
      dnis: '8005550100',
    });
  });

  it('consults from a held call the state never saw: the held call is the parent', async () => {
    const place = calls();
    await place({ eventType: 'HeldEvent', party: '4001', callId: '10' });
    await place({ eventType: 'OriginatedEvent', party: '4001', callId: '11', called: '4002' });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4002', callId: '11', calling: '4001' }),
    ).toEqual({
      props: { leg: 'consult', parentInteractionId: '10' },
      ani: '4001',
    });
  });

  it('ignores one that names no calledDevice', async () => {
    const place = calls();
    expect(await place({ eventType: 'OriginatedEvent', party: '4001', callId: '10' })).toEqual({
      ignored: 'OriginatedEvent names no calledDevice: the number dialed is unknown',
    });
  });

  it('offers an outbound call once to the station that dials it', async () => {
    const place = calls();
    await place({ eventType: 'OriginatedEvent', party: '4001', callId: '10', called: '5551234' });
    expect(
      await place({ eventType: 'OriginatedEvent', party: '4001', callId: '10', called: '5551234' }),
    ).toEqual({
      ignored: 'OriginatedEvent: call 10 was offered to 4001 before',
    });
    expect(await place({ eventType: 'DeliveredEvent', party: '4001', callId: '10' })).toEqual({
      ignored: 'DeliveredEvent: call 10 was offered to 4001 before (one pop per agent per call)',
    });
  });

  it('answers the dialing station outbound, on the primary leg, when it establishes without a far end', async () => {
    const place = calls();
    await place({ eventType: 'OriginatedEvent', party: '4001', callId: '10', called: '5551234' });
    expect(await place({ eventType: 'EstablishedEvent', party: '4001', callId: '10' })).toEqual(
      outboundPop('5551234'),
    );
  });

  it('places an outbound call on the primary leg for another station that picks it up', async () => {
    const place = calls();
    await place({ eventType: 'OriginatedEvent', party: '4001', callId: '10', called: '5551234' });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4002', callId: '10', calling: '4001' }),
    ).toEqual(outboundPop('5551234'));
  });
});

describe('aes-calls: DeliveredEvent and EstablishedEvent', () => {
  it('puts each event that names no call on the primary leg (no call to pop once)', async () => {
    const place = calls();
    expect(await place({ eventType: 'DeliveredEvent', party: '4001' })).toEqual({
      props: { leg: 'primary' },
    });
    expect(await place({ eventType: 'DeliveredEvent', party: '4001' })).toEqual({
      props: { leg: 'primary' },
    });
  });

  it('offers a DeliveredEvent whatever answeringDevice it names (only an EstablishedEvent is answered elsewhere)', async () => {
    const place = calls();
    expect(
      await place({
        eventType: 'DeliveredEvent',
        party: '4002',
        callId: '10',
        calling: '5551234',
        answering: '4009',
      }),
    ).toEqual({ props: { leg: 'primary' }, ani: '5551234' });
  });

  it('answers an inbound call established at the station with no answeringDevice', async () => {
    const place = calls();
    expect(
      await place({ eventType: 'EstablishedEvent', party: '4001', callId: '10', calling: '5551234' }),
    ).toEqual({
      props: { leg: 'primary' },
      ani: '5551234',
    });
  });

  it('makes no pop for the far end answering a call the state never saw the station dial', async () => {
    const place = calls();
    expect(
      await place({ eventType: 'EstablishedEvent', party: '4001', callId: '10', answering: '4002' }),
    ).toEqual({
      ignored:
        'EstablishedEvent: 4002 answered the call 4001 placed (a consult or internal call): no pop for the agent who dialed',
    });
  });

  it('answers an outbound call once when the customer picks up', async () => {
    const place = calls();
    await place({ eventType: 'OriginatedEvent', party: '4001', callId: '10', called: '5551234' });
    const answer = { eventType: 'EstablishedEvent', party: '4001', callId: '10', answering: '5551234' };
    expect(await place(answer)).toEqual(outboundPop('5551234'));
    expect(await place(answer)).toEqual({
      ignored: 'EstablishedEvent: call 10 was answered for 4001 before',
    });
  });

  it('answers a consult on the leg it was offered on, naming no parent it did not see', async () => {
    const place = calls();
    const offered = await place({
      eventType: 'DeliveredEvent',
      party: '4002',
      callId: '11',
      calling: '4001',
      cause: 'consultation',
    });
    expect(offered).toEqual({ props: { leg: 'consult' }, ani: '4001' });
    expect(
      await place({ eventType: 'EstablishedEvent', party: '4002', callId: '11', calling: '4001' }),
    ).toEqual(offered);
  });

  it('offers a single-step transfer as a transfer leg where the call is known, then forgets the transfer', async () => {
    const place = calls();
    await place({ eventType: 'DeliveredEvent', party: '4001', callId: '10', calling: '5551234' });
    await place({ eventType: 'TransferredEvent', party: '4001', callId: '10', transferredTo: '4002' });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4002', callId: '10', calling: '4001' }),
    ).toEqual({
      props: { leg: 'transfer', parentInteractionId: '10' },
      ani: '5551234',
    });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4002', callId: '40', calling: '5550000' }),
    ).toEqual({
      props: { leg: 'primary' },
      ani: '5550000',
    });
  });

  it('keeps a transfer to one station from the calls of another', async () => {
    const place = calls();
    await place({ eventType: 'TransferredEvent', party: '4001', callId: '10', transferredTo: '4002' });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4003', callId: '40', calling: '5550000' }),
    ).toEqual({
      props: { leg: 'primary' },
      ani: '5550000',
    });
  });
});

describe('aes-calls: TransferredEvent', () => {
  it('drops the hold on a call merged away', async () => {
    const place = calls();
    await place({ eventType: 'HeldEvent', party: '4001', callId: '10' });
    await place({ eventType: 'TransferredEvent', party: '4001', callId: '20', primaryOldCall: '10' });
    expect(
      await place({ eventType: 'OriginatedEvent', party: '4001', callId: '30', called: '5551234' }),
    ).toEqual(outboundPop('5551234'));
  });

  it('keeps the hold on a call the transfer does not name', async () => {
    const place = calls();
    await place({ eventType: 'HeldEvent', party: '4001', callId: '10' });
    await place({ eventType: 'TransferredEvent', party: '4001', callId: '20', primaryOldCall: '15' });
    expect(
      await place({ eventType: 'OriginatedEvent', party: '4001', callId: '30', called: '5551234' }),
    ).toHaveProperty('ignored', expect.stringContaining('consult leg of call 10'));
  });

  it('answers a transfer that names no call with no props', async () => {
    const place = calls();
    expect(await place({ eventType: 'TransferredEvent', party: '4001' })).toEqual({ props: {} });
  });

  it("takes the call's first leg from the primary old call, not from the resulting call's own record", async () => {
    const place = calls();
    await place({ eventType: 'DeliveredEvent', party: '4001', callId: '10', calling: '5551234' });
    await place({ eventType: 'DeliveredEvent', party: '4002', callId: '20', calling: '5559876' });
    expect(
      await place({ eventType: 'TransferredEvent', party: '4001', callId: '20', primaryOldCall: '10' }),
    ).toEqual({ props: { parentInteractionId: '10' } });
  });

  it("takes the resulting call's own record where the old calls are unknown", async () => {
    const place = calls();
    await place({ eventType: 'DeliveredEvent', party: '4002', callId: '20', calling: '5559876' });
    expect(await place({ eventType: 'TransferredEvent', party: '4001', callId: '20' })).toEqual({
      props: {},
    });
    expect(
      await place({ eventType: 'TransferredEvent', party: '4001', callId: '21', primaryOldCall: '20' }),
    ).toEqual({ props: { parentInteractionId: '20' } });
  });

  it('marks the leg transfer for the station the call was transferred to', async () => {
    const place = calls();
    await place({ eventType: 'DeliveredEvent', party: '4001', callId: '10', calling: '5551234' });
    expect(
      await place({
        eventType: 'TransferredEvent',
        party: '4002',
        callId: '20',
        primaryOldCall: '10',
        secondaryOldCall: '15',
        transferredTo: '4002',
      }),
    ).toEqual({ props: { parentInteractionId: '10', leg: 'transfer' } });
  });

  it("carries the customer's numbers to the resulting call: its next station is offered the customer", async () => {
    const place = calls();
    await place({
      eventType: 'DeliveredEvent',
      party: '4001',
      callId: '10',
      calling: '5551234',
      called: '8005550100',
    });
    await place({ eventType: 'TransferredEvent', party: '4001', callId: '20', primaryOldCall: '10' });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4002', callId: '20', calling: '4001' }),
    ).toEqual({
      props: { leg: 'transfer', parentInteractionId: '10' },
      ani: '5551234',
      dnis: '8005550100',
    });
  });

  it("does not rewrite a call's own record, nor the first leg's", async () => {
    const place = calls();
    await place({ eventType: 'DeliveredEvent', party: '4001', callId: '10', calling: '5551234' });
    await place({ eventType: 'DeliveredEvent', party: '4001', callId: '20', calling: '5559876' });
    await place({ eventType: 'DeliveredEvent', party: '4001', callId: '15', calling: '5557777' });
    await place({
      eventType: 'TransferredEvent',
      party: '4001',
      callId: '10',
      primaryOldCall: '10',
      secondaryOldCall: '20',
    });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4003', callId: '10', calling: '4001' }),
    ).toEqual({
      props: { leg: 'primary' },
      ani: '5551234',
    });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4003', callId: '20', calling: '4001' }),
    ).toEqual({
      props: { leg: 'primary' },
      ani: '5559876',
    });
  });

  it('leaves the first leg unrecorded when the transfer names it alone', async () => {
    const place = calls();
    await place({ eventType: 'TransferredEvent', party: '4001', callId: '10', primaryOldCall: '10' });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4003', callId: '10', calling: '5551234' }),
    ).toEqual({
      props: { leg: 'primary' },
      ani: '5551234',
    });
  });

  it('expects no station after a consult transfer (the consulted station already has the call)', async () => {
    const place = calls();
    await place({
      eventType: 'TransferredEvent',
      party: '4001',
      callId: '20',
      primaryOldCall: '10',
      secondaryOldCall: '15',
      transferredTo: '4002',
    });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4002', callId: '40', calling: '5550000' }),
    ).toEqual({
      props: { leg: 'primary' },
      ani: '5550000',
    });
  });
});

describe('aes-calls: ConferencedEvent', () => {
  it('adds no pop for a party that answered the call', async () => {
    const place = calls();
    await place({ eventType: 'EstablishedEvent', party: '4002', callId: '10', calling: '5551234' });
    expect(
      await place({
        eventType: 'ConferencedEvent',
        party: '4002',
        callId: '10',
        primaryOldCall: '10',
        added: '4002',
      }),
    ).toEqual({ ignored: 'ConferencedEvent: 4002 is already on call 10: a conference adds no pop' });
  });

  it('adds no pop for a party the call was offered to', async () => {
    const place = calls();
    await place({ eventType: 'DeliveredEvent', party: '4002', callId: '10', calling: '5551234' });
    expect(
      await place({
        eventType: 'ConferencedEvent',
        party: '4002',
        callId: '10',
        primaryOldCall: '10',
        added: '4002',
      }),
    ).toEqual({ ignored: 'ConferencedEvent: 4002 is already on call 10: a conference adds no pop' });
  });

  it('adds no pop for the station when another party joins', async () => {
    const place = calls();
    expect(
      await place({
        eventType: 'ConferencedEvent',
        party: '4001',
        callId: '10',
        primaryOldCall: '10',
        added: '4009',
      }),
    ).toEqual({ ignored: 'ConferencedEvent: 4009 joins call 10, not 4001' });
    expect(
      await place({ eventType: 'ConferencedEvent', party: '4001', callId: '10', primaryOldCall: '10' }),
    ).toEqual({
      ignored: 'ConferencedEvent: a party joins call 10, not 4001',
    });
  });

  it('pops the station added to a call it never saw, once: its next EstablishedEvent on the call is no second answer', async () => {
    const place = calls();
    expect(
      await place({
        eventType: 'ConferencedEvent',
        party: '4003',
        callId: '10',
        primaryOldCall: '10',
        added: '4003',
      }),
    ).toEqual({ props: { leg: 'conference' } });
    expect(await place({ eventType: 'EstablishedEvent', party: '4003', callId: '10' })).toEqual({
      ignored: 'EstablishedEvent: call 10 was answered to 4003 before (one pop per agent per call)',
    });
  });

  it('puts the call a conference makes on the conference leg of the first call, for whoever it reaches next', async () => {
    const place = calls();
    await place({ eventType: 'DeliveredEvent', party: '4001', callId: '10', calling: '5551234' });
    await place({
      eventType: 'ConferencedEvent',
      party: '4001',
      callId: '20',
      primaryOldCall: '10',
      added: '4003',
    });
    expect(
      await place({ eventType: 'DeliveredEvent', party: '4004', callId: '20', calling: '4001' }),
    ).toEqual({
      props: { leg: 'conference', parentInteractionId: '10' },
      ani: '5551234',
    });
  });

  it('names the first leg and the customer for a station added to a known call', async () => {
    const place = calls();
    await place({ eventType: 'DeliveredEvent', party: '4001', callId: '10', calling: '5551234' });
    expect(
      await place({
        eventType: 'ConferencedEvent',
        party: '4003',
        callId: '10',
        primaryOldCall: '10',
        added: '4003',
      }),
    ).toEqual({ props: { leg: 'conference', parentInteractionId: '10' }, ani: '5551234' });
  });
});

describe('aes bridge: what reaches placeEvent', () => {
  const dev = (n: string) => `${n}:CM1:0.0.0.0:0`;

  it('answers a body that is null with the contract error, not a crash', () => {
    expect(() => parseAesEvent(null)).toThrow(/^the AES bridge event is not as expected/);
  });

  it('answers a body that is a number or a text as no object, not as an object missing its eventType', () => {
    for (const body of [42, 'HeldEvent']) {
      expect(() => parseAesEvent(body)).toThrow(/^the AES bridge event is not as expected: /);
      expect(() => parseAesEvent(body)).not.toThrow(/at eventType/);
    }
  });

  it('offers an EstablishedEvent that names an alertingDevice other than the station (only Delivered alerts elsewhere)', async () => {
    const outcome = await aes(runtime(), {
      eventType: 'EstablishedEvent',
      monitoredDevice: dev('4001'),
      alertingDevice: dev('4002'),
      callID: '10',
    });
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.lifecycle])).toEqual([
      ['jdoe', 'answered'],
    ]);
  });

  it('reads the secondaryOldCall of a consult transfer: the consulted station waits for no transferred call', async () => {
    const rt = runtime();
    await aes(rt, {
      eventType: 'TransferredEvent',
      monitoredDevice: dev('4001'),
      primaryOldCall: { callID: '10' },
      secondaryOldCall: { callID: '15' },
      transferredToDevice: dev('4002'),
      callID: '20',
    });
    const next = await aes(rt, {
      eventType: 'DeliveredEvent',
      monitoredDevice: dev('4002'),
      alertingDevice: dev('4002'),
      callingDevice: '5550000',
      callID: '40',
    });
    expect(props(next)).toEqual([expect.objectContaining({ leg: 'primary', interactionId: '40' })]);
  });

  const detect = (body: unknown) =>
    looksLikeAes(
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body as never,
      }),
    );

  it('detects only a string eventType that is a whole CSTA event name', () => {
    expect(detect({ eventType: 'HeldEvent' })).toBe(true);
    expect(detect({ event: 'HeldEvent' })).toBe(true);
    expect(detect({ eventType: ['HeldEvent'] })).toBe(false);
    expect(detect({ eventType: 'callHeldEvent' })).toBe(false);
    expect(detect({ eventType: 'HeldEvents' })).toBe(false);
    expect(detect(null)).toBe(false);
  });
});

describe('axp: context parameters, entry by entry', () => {
  const ctx = async (contextParameters: unknown) => {
    const outcome = await axp(runtime(), {
      eventType: 'AgentParticipantAdded',
      agentId: 'ag-7f3a91',
      engagementId: 'e-1',
      contextParameters,
    });
    if (outcome.kind !== 'accepted') throw new Error(`not accepted: ${outcome.kind}`);
    return Object.fromEntries(
      Object.entries(outcome.messages[0]!.props).filter(([k]) => k.startsWith('ctx.')),
    );
  };

  it('reads name/value pairs only from list entries: an object member holding a name and a value is kept as it is', async () => {
    expect(
      await ctx({
        b: { name: 'n', value: 'v' },
        a1: { name: 'x', value: 'y' },
        '1a': { key: 'k', value: 'w' },
      }),
    ).toEqual({
      'ctx.b.name': 'n',
      'ctx.b.value': 'v',
      'ctx.a1.name': 'x',
      'ctx.a1.value': 'y',
      'ctx.1a.key': 'k',
      'ctx.1a.value': 'w',
    });
  });

  it('reads the pairs of a list of more than ten entries', async () => {
    const list = Array.from({ length: 12 }, (_, i) => ({ name: `p${i}`, value: `v${i}` }));
    expect(await ctx(list)).toEqual(Object.fromEntries(list.map((e) => [`ctx.${e.name}`, e.value])));
  });

  it('takes no name from deeper inside an entry, and none for an entry with a value alone', async () => {
    expect(await ctx([{ meta: { name: 'm' }, value: 'v' }, { value: 'lonely' }])).toEqual({
      'ctx.0.meta.name': 'm',
      'ctx.0.value': 'v',
      'ctx.1.value': 'lonely',
    });
  });
});

describe('axp: bodies that are not AXP notifications', () => {
  const detect = (body: unknown) =>
    looksLikeAxp(
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body as never,
      }),
    );

  it('takes an event object, alone, in a list or under events', () => {
    expect(detect({ eventType: 'AgentReady' })).toBe(true);
    expect(detect([{ eventType: 'AgentReady' }])).toBe(true);
    expect(detect({ events: [{ eventType: 'AgentReady' }] })).toBe(true);
  });

  it('takes no number, no text and no list nested in a list', () => {
    expect(detect(42)).toBe(false);
    expect(detect('AgentReady')).toBe(false);
    expect(detect([[{ eventType: 'AgentReady' }]])).toBe(false);
    expect(detect({ events: [[{ eventType: 'AgentReady' }]] })).toBe(false);
  });
});

describe('findLeaf: the rules of a match', () => {
  it('matches no leaf shallower than the dotted name, though it is its start', () => {
    expect(findLeaf(leaves({ queue: 'Sales' }), ['queue.name'])).toBeUndefined();
  });

  it('skips blank text', () => {
    expect(findLeaf(leaves({ agentId: '   ' }), ['agentId'])).toBeUndefined();
  });

  it('keeps the first of two matches at the same depth', () => {
    expect(findLeaf(leaves({ a: { agentId: 'x' }, b: { agentId: 'y' } }), ['agentId'])?.value).toBe('x');
  });
});

describe('placeAgent: who was first on an engagement', () => {
  it('keeps the first agent first: a later agent does not take their place', async () => {
    const state = createMemoryStateStore();
    const event = { type: 'AgentParticipantAdded', engagementId: 'e-1' };
    expect(await placeAgent(event, 'jdoe', 'offered', state, 'transfer')).toEqual({ leg: 'primary' });
    expect(await placeAgent(event, 'asmith', 'offered', state, 'transfer')).toEqual({
      leg: 'transfer',
      parentInteractionId: 'e-1',
    });
    expect(await placeAgent(event, 'jdoe', 'answered', state, 'transfer')).toEqual({ leg: 'primary' });
  });
});

describe('axp: state follows the outbox', () => {
  it('keeps an answer untaken until its batch is stored: a batch retried before that pops again, one after it does not', async () => {
    const rt = runtime();
    const post = () =>
      handleRequest(
        rt,
        toInboundRequest({
          method: 'POST',
          headers: { 'content-type': 'application/json', 'auth-token': AXP_TOKEN },
          body: { eventType: 'AgentParticipantAdded', agentId: 'ag-7f3a91', engagementId: 'e-1' },
        }),
        'axp',
        { deferState: true },
      );
    const first = await post();
    const retried = await post();
    expect([first.kind, retried.kind]).toEqual(['accepted', 'accepted']);
    await (first as { commitState?: () => Promise<void> }).commitState?.();
    expect(reason(await post())).toMatch(/engagement e-1 was answered to jdoe before/);
  });
});
