// Where the aes source (the bridge contract, and the built-in DMCC session through it) finds each field:
// every connection that may carry the call id, every device that may name the station, the device shapes
// DMCC uses, the private data, and what else travels as `aes.*` props.
import { describe, expect, it } from 'vitest';
import { aes, reason, runtime } from './leg-helpers.js';

let n = 0;
const sent = (body: Record<string, unknown>) => {
  n += 1;
  return aes(runtime(), { eventId: `a-${n}`, ...body });
};
const first = async (body: Record<string, unknown>) => {
  const outcome = await sent(body);
  if (outcome.kind !== 'accepted') throw new Error(`not accepted: ${reason(outcome)}`);
  return outcome.messages[0]!;
};

describe('aes: the call id', () => {
  it.each([
    'connection',
    'establishedConnection',
    'heldConnection',
    'retrievedConnection',
    'droppedConnection',
    'originatedConnection',
    'primaryOldCall',
    'secondaryOldCall',
  ])('is read from %s.callID', async (name) => {
    const message = await first({
      eventType: 'HeldEvent',
      agentId: 'jdoe',
      [name]: { callID: '1021', deviceID: '4001:CM1::0' },
    });
    expect(message.props.interactionId).toBe('1021');
  });

  it('is read from callID first, then the connections in order', async () => {
    expect(
      (await first({ eventType: 'HeldEvent', agentId: 'jdoe', callID: 9, connection: { callID: '1' } })).props
        .interactionId,
    ).toBe('9');
    expect(
      (
        await first({
          eventType: 'HeldEvent',
          agentId: 'jdoe',
          connection: {},
          heldConnection: { callID: '2' },
          primaryOldCall: { callID: '3' },
        })
      ).props.interactionId,
    ).toBe('2');
  });
});

describe('aes: the station', () => {
  it.each([
    'alertingDevice',
    'answeringDevice',
    'holdingDevice',
    'retrievingDevice',
    'releasingDevice',
    'transferringDevice',
    'conferencingDevice',
  ])('is read from %s when no monitoredDevice is given', async (name) => {
    const message = await first({ eventType: 'HeldEvent', callID: '1', [name]: '4002:CM1:0.0.0.0:0' });
    expect([message.agentid, message.props.extension]).toEqual(['asmith', '4002']);
  });

  it('is the monitoredDevice first, as a number, a {deviceIdentifier} or a {deviceID}', async () => {
    for (const monitoredDevice of [
      4002,
      '4002:CM1::0',
      { deviceIdentifier: '4002:CM1::0' },
      { deviceID: 4002 },
    ]) {
      const message = await first({
        eventType: 'HeldEvent',
        callID: '1',
        monitoredDevice,
        holdingDevice: '4001',
      });
      expect(message.props.extension).toBe('4002');
    }
  });

  it('ignores an event at a station the directory does not know, saying what to add', async () => {
    expect(reason(await sent({ eventType: 'HeldEvent', callID: '1', monitoredDevice: '4999:CM1::0' }))).toBe(
      'HeldEvent: station extension 4999 is not in the directory; add "4999": "<agent login>" to the avaya directory, or have the bridge send agentId',
    );
  });

  it('takes an agentId the directory maps to a login, naming the AES agent id as agentPlatformId', async () => {
    const message = await first({ eventType: 'HeldEvent', callID: '1', agentId: '4003' });
    expect([message.agentid, message.props.agentPlatformId, message.props.extension]).toEqual([
      'bwong',
      '4003',
      undefined,
    ]);
    expect((await first({ eventType: 'HeldEvent', callID: '1', agentId: 'jdoe' })).props).not.toHaveProperty(
      'agentPlatformId',
    );
  });
});

describe('aes: what the message carries', () => {
  it('names devices by their number: lastRedirectionDevice, transferredToDevice, addedParty', async () => {
    const message = await first({
      eventType: 'HeldEvent',
      agentId: 'jdoe',
      callID: '1',
      lastRedirectionDevice: { deviceIdentifier: '6000:CM1::0' },
      transferredToDevice: '4002:CM1::0',
      addedParty: '4003:CM1::0',
      cause: 'normal',
    });
    expect(message.props).toMatchObject({
      lastRedirectionDevice: '6000',
      transferredToDevice: '4002',
      addedParty: '4003',
      cause: 'normal',
    });
  });

  it('reads the queue from splitName, else split; the queue id from split', async () => {
    expect(
      (await first({ eventType: 'HeldEvent', agentId: 'jdoe', callID: '1', privateData: { split: 3001 } }))
        .props,
    ).toMatchObject({
      queue: '3001',
      queueId: '3001',
    });
    const named = await first({
      eventType: 'HeldEvent',
      agentId: 'jdoe',
      callID: '1',
      privateData: { splitName: 'Support' },
    });
    expect([named.props.queue, named.props.queueId]).toEqual(['Support', undefined]);
  });

  it('reads user-to-user info as text or as DMCC {data}, and keeps other private data as aes.privateData.*', async () => {
    const message = await first({
      eventType: 'HeldEvent',
      agentId: 'jdoe',
      callID: '1',
      privateData: { ucid: '0001', userToUserInfo: { data: 'ACCT=1', type: 'ascii' }, trunkGroup: '12' },
    });
    expect(message.props).toMatchObject({ ucid: '0001', uui: 'ACCT=1', 'aes.privateData.trunkGroup': '12' });
  });

  it('keeps fields outside the contract as aes.* props, and none of the contract fields', async () => {
    const message = await first({
      eventType: 'HeldEvent',
      agentId: 'jdoe',
      callID: '1',
      distributingVDN: '6000',
      trunk: { group: 12 },
    });
    expect(Object.keys(message.props).filter((k) => k.startsWith('aes.'))).toEqual([
      'aes.distributingVDN',
      'aes.trunk.group',
    ]);
  });

  it('is voice on call events and names no channel on agent events', async () => {
    expect((await first({ eventType: 'HeldEvent', agentId: 'jdoe', callID: '1' })).props.channel).toBe(
      'voice',
    );
    expect((await first({ eventType: 'AgentReadyEvent', agentId: 'jdoe' })).props).not.toHaveProperty(
      'channel',
    );
  });
});

describe('aes: agent state events', () => {
  it.each([
    ['AgentLoggedOnEvent', 'LoggedOn'],
    ['AgentReadyEvent', 'Ready'],
    ['AgentNotReadyEvent', 'NotReady'],
    ['AgentWorkingAfterCallEvent', 'WorkingAfterCall'],
  ])('maps %s to agent_state %s', async (eventType, state) => {
    const message = await first({ eventType, agentId: 'jdoe' });
    expect([message.lifecycle, message.props.agentState]).toEqual(['agent_state', state]);
  });

  it("takes the bridge's agentState over the event name", async () => {
    expect(
      (await first({ eventType: 'AgentNotReadyEvent', agentId: 'jdoe', agentState: 'Lunch' })).props
        .agentState,
    ).toBe('Lunch');
  });

  it('ignores a CSTA event it does not map, naming it', async () => {
    expect(reason(await sent({ eventType: 'DivertedEvent', agentId: 'jdoe', callID: '1' }))).toBe(
      'CSTA DivertedEvent is not one this connector maps',
    );
    expect(reason(await sent({ eventType: 'AgentEvent', agentId: 'jdoe' }))).toBe(
      'CSTA AgentEvent is not one this connector maps',
    );
  });

  it.each([
    ['DeliveredEvent', 'offered'],
    ['EstablishedEvent', 'answered'],
    ['HeldEvent', 'held'],
    ['RetrievedEvent', 'resumed'],
    ['TransferredEvent', 'transferred'],
    ['ConnectionClearedEvent', 'ended'],
  ])('maps %s to %s', async (eventType, lifecycle) => {
    expect((await first({ eventType, agentId: 'jdoe', callID: '1' })).lifecycle).toBe(lifecycle);
  });
});

describe('aes: a call alerting elsewhere', () => {
  it('is not offered to the monitored station, saying where it alerts', async () => {
    expect(
      reason(
        await sent({
          eventType: 'DeliveredEvent',
          monitoredDevice: '4001:CM1::0',
          alertingDevice: { deviceIdentifier: '4002:CM1::0' },
          connection: { callID: '1' },
        }),
      ),
    ).toBe(
      'DeliveredEvent: the call alerts at 4002, not at the monitored station 4001 (its own outbound call, or a call it passed on)',
    );
  });

  it('is offered when it alerts at the monitored station, or when the bridge names no monitored station', async () => {
    expect(
      (
        await first({
          eventType: 'DeliveredEvent',
          monitoredDevice: '4001',
          alertingDevice: '4001:CM1::0',
          callID: '1',
        })
      ).agentid,
    ).toBe('jdoe');
    expect(
      (
        await first({
          eventType: 'DeliveredEvent',
          agentId: 'jdoe',
          alertingDevice: '4002:CM1::0',
          callID: '1',
        })
      ).agentid,
    ).toBe('jdoe');
  });
});
