// mapStream one field at a time: which events are mapped and why the others are ignored, how the agent is
// found, and each OpenConnect property read from the places 8x8 puts it (top-level fields first, then
// attachedData), on single events against a fresh state store.
import { createMemoryStateStore, type StateStore } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { mapStream, type StreamEvent } from '../src/stream.js';

const AGENT = 'agb7CaTIXvQPWmPKmTu1rJjw';
const directory = new Map([[AGENT, 'jdoe']]);

async function map(
  type: string,
  fields: Record<string, unknown>,
  state: StateStore = createMemoryStateStore(),
) {
  const result = await mapStream({ type, fields } as StreamEvent, { directory, state });
  return 'ignored' in result ? result.ignored : result;
}
/** The props of an InteractionAccepted of AGENT with these fields. */
async function props(fields: Record<string, unknown>, type = 'InteractionAccepted') {
  const result = await map(type, { interactionGUID: 'int-1', agentId: AGENT, ...fields });
  if (typeof result === 'string') throw new Error(result);
  return result.props;
}

describe('which 8x8 events are mapped', () => {
  it.each([
    ['InteractionCreated', 'offered'],
    ['InteractionQueued', 'offered'],
    ['InteractionAssigned', 'offered'],
    ['InteractionAccepted', 'answered'],
    ['InteractionTransferRequest', 'transferred'],
    ['InteractionPostProcess', 'wrapup'],
    ['InteractionEndPostProcess', 'completed'],
    ['InteractionDeleted', 'ended'],
  ])('%s is %s', async (type, lifecycle) => {
    expect(await map(type, { interactionGUID: 'int-1', agentId: AGENT })).toMatchObject({
      agentid: 'jdoe',
      lifecycle,
    });
  });

  it('AgentStatusChange is agent_state, with the new state as 8x8 numbers it', async () => {
    expect(await map('AgentStatusChange', { agentId: AGENT, newState: 2, oldState: 1 })).toEqual({
      agentid: 'jdoe',
      lifecycle: 'agent_state',
      props: {
        nativeEvent: 'AgentStatusChange',
        platform: '8x8 Contact Center',
        agentState: '2',
        agentPlatformId: AGENT,
        '8x8.newState': 2,
        '8x8.oldState': 1,
      },
    });
  });

  it('a newState that is not a scalar is no agentState', async () => {
    const result = await map('AgentStatusChange', { agentId: AGENT, newState: { code: 2 } });
    expect(typeof result !== 'string' && result.props.agentState).toBeUndefined();
  });

  it('agentState only on agent_state', async () => {
    expect(await props({ newState: 2 })).not.toHaveProperty('agentState');
  });

  it('LineHoldStatus is held on CS_HOLD, resumed on CS_CONNECTED, else ignored naming the callState', async () => {
    expect(
      await map('LineHoldStatus', { interactionGUID: 'int-1', agentId: AGENT, callState: 'CS_HOLD' }),
    ).toMatchObject({
      lifecycle: 'held',
    });
    expect(
      await map('LineHoldStatus', { interactionGUID: 'int-1', agentId: AGENT, callState: 'CS_CONNECTED' }),
    ).toMatchObject({ lifecycle: 'resumed' });
    expect(
      await map('LineHoldStatus', { interactionGUID: 'int-1', agentId: AGENT, callState: 'CS_DISCONNECTED' }),
    ).toBe('8x8 LineHoldStatus with callState CS_DISCONNECTED is not an event this connector maps');
    expect(await map('LineHoldStatus', { interactionGUID: 'int-1', agentId: AGENT })).toBe(
      '8x8 LineHoldStatus with callState (none) is not an event this connector maps',
    );
  });

  it('a party change other than joining is ignored naming the callState', async () => {
    expect(
      await map('InteractionParticipantChange', {
        interactionGUID: 'int-1',
        agentId: AGENT,
        callState: 'CS_DISCONNECTED',
      }),
    ).toBe(
      '8x8 InteractionParticipantChange with callState CS_DISCONNECTED is not an event this connector maps',
    );
  });

  it('any other event is ignored, naming it', async () => {
    expect(
      await map('RecordingReady', { interactionGUID: 'int-1', agentId: AGENT, callState: 'CS_HOLD' }),
    ).toBe('8x8 RecordingReady is not an event this connector maps');
  });
});

describe('the agent', () => {
  it('is agentId, else agentGUID, else agentGuid', async () => {
    expect(await map('InteractionDeleted', { interactionGUID: 'int-1', agentGUID: AGENT })).toMatchObject({
      agentid: 'jdoe',
    });
    expect(await map('InteractionDeleted', { interactionGUID: 'int-1', agentGuid: AGENT })).toMatchObject({
      agentid: 'jdoe',
    });
    expect(
      await map('InteractionDeleted', {
        interactionGUID: 'int-1',
        agentId: AGENT,
        agentGUID: 'acme01-other-guid',
      }),
    ).toMatchObject({ agentid: 'jdoe', props: { agentPlatformId: AGENT } });
  });

  it('an empty agent id names no agent', async () => {
    expect(await map('InteractionAccepted', { interactionGUID: 'int-1', agentId: '' })).toBe(
      '8x8 InteractionAccepted names no agent (interactions carry agentId from InteractionAssigned on)',
    );
  });

  it('an agent missing from the directory, with no Agent Status API, is ignored with the line to add', async () => {
    expect(await map('InteractionAccepted', { interactionGUID: 'int-1', agentId: 'agUnknown' })).toBe(
      '8x8 agent agUnknown is not in the directory; add "agUnknown": "<agent login>" to the 8x8 directory',
    );
  });

  it('a numeric agent id is looked up as text', async () => {
    const result = await mapStream(
      { type: 'InteractionDeleted', fields: { interactionGUID: 'int-1', agentId: 4021 } },
      { directory: new Map([['4021', 'kchan']]), state: createMemoryStateStore() },
    );
    expect(result).toMatchObject({ agentid: 'kchan', props: { agentPlatformId: '4021' } });
  });
});

describe('event properties', () => {
  it('queue, queue id and the customer from the que attachedData (name~~queue~~?~~id)', async () => {
    expect(
      await props({ attachedData: { que: 'acme01~~Sales~~1~~1130', pho: '15551230001' } }),
    ).toMatchObject({
      queue: 'Sales',
      queueId: '1130',
      ani: '15551230001',
    });
  });

  it('tenantSkillName over que for the queue, top-level queueId over que for the id', async () => {
    const p = await props({
      queueId: 1131,
      attachedData: { que: 'acme01~~Sales~~1~~1130', tenantSkillName: 'Support' },
    });
    expect([p.queue, p.queueId]).toEqual(['Support', '1131']);
  });

  it('a queueId that is not a scalar is not read', async () => {
    const p = await props({ queueId: { id: 1 } });
    expect(p.queueId).toBeUndefined();
  });

  it('ani from phoneNum, then callerId, then pho', async () => {
    expect((await props({ attachedData: { callerId: '15551230002', pho: '15551230003' } })).ani).toBe(
      '15551230002',
    );
    expect((await props({ attachedData: { phoneNum: '15551230001', callerId: '15551230002' } })).ani).toBe(
      '15551230001',
    );
  });

  it('dnis is the number dialed inbound; "N/A" and other text are not', async () => {
    expect((await props({ inboundChannelid: '+15551239999' })).dnis).toBe('+15551239999');
    expect((await props({ inboundChannelid: 15551239999 })).dnis).toBe('15551239999');
    expect(await props({ inboundChannelid: 'N/A' })).not.toHaveProperty('dnis');
    expect(await props({ inboundChannelid: '1555 123' })).not.toHaveProperty('dnis');
    expect(await props({ inboundChannelid: 'x15551239999' })).not.toHaveProperty('dnis');
    expect(await props({ inboundChannelid: '15551239999x' })).not.toHaveProperty('dnis');
    expect(await props({})).not.toHaveProperty('dnis');
  });

  it('direction from queueDirection, else the top-level direction, else isOutboundCall', async () => {
    expect((await props({ direction: 'out', attachedData: { queueDirection: 'in' } })).direction).toBe(
      'inbound',
    );
    expect((await props({ direction: 'out' })).direction).toBe('outbound');
    expect((await props({ isOutboundCall: true })).direction).toBe('outbound');
    expect(await props({ isOutboundCall: 'false' })).not.toHaveProperty('direction');
    expect(await props({ isOutboundCall: 1 })).not.toHaveProperty('direction');
  });

  it('channel from resourceType, then the med letter, then mediaType', async () => {
    expect((await props({ resourceType: 4, mediaType: 'phone' })).channel).toBe('video');
    expect((await props({ resourceType: 0 })).channel).toBe('voice');
    expect((await props({ attachedData: { med: 'C' }, mediaType: 'phone' })).channel).toBe('chat');
    expect((await props({ attachedData: { med: 'E' } })).channel).toBe('email');
    expect((await props({ attachedData: { med: 'V' } })).channel).toBe('voicemail');
    expect((await props({ attachedData: { med: 'Social' } })).channel).toBe('social');
    expect((await props({ mediaType: 'voicemail' })).channel).toBe('voicemail');
    expect((await props({ mediaType: 'phone' })).channel).toBe('voice');
    expect((await props({ mediaType: 'Web Chat' })).channel).toBe('chat');
    expect(await props({ mediaType: '' })).not.toHaveProperty('channel');
    expect(await props({ mediaType: 3 })).not.toHaveProperty('channel');
  });

  it('customerName from callingName, callState as sent', async () => {
    expect(
      await props({ callState: 'CS_CONNECTED', attachedData: { callingName: 'Ada Lovelace' } }),
    ).toMatchObject({
      customerName: 'Ada Lovelace',
      callState: 'CS_CONNECTED',
    });
  });

  it('eventTime: interactionEventTS in seconds, else msgInfo.timestamp in ms; zero or negative is none', async () => {
    expect((await props({ interactionEventTS: 1764065702 })).eventTime).toBe('2025-11-25T10:15:02.000Z');
    expect((await props({ interactionEventTS: 0, msgInfo: { timestamp: 1764065702412 } })).eventTime).toBe(
      '2025-11-25T10:15:02.412Z',
    );
    expect(await props({ interactionEventTS: -5 })).not.toHaveProperty('eventTime');
    expect(await props({ msgInfo: { timestamp: 0 } })).not.toHaveProperty('eventTime');
    expect(await props({ msgInfo: { timestamp: 8.64e15 } })).not.toHaveProperty('eventTime');
    expect((await props({ msgInfo: { timestamp: 8.64e15 - 1 } })).eventTime).toBe(
      '+275760-09-12T23:59:59.999Z',
    );
  });

  it('other fields as 8x8.<field>, nested ones flattened, attachedData as attachedData.<key>; read fields not repeated', async () => {
    const p = await props({
      agentGUID: 'acme01-agb7-guid',
      callState: 'CS_CONNECTED',
      event: 'InteractionAccepted',
      msgInfo: { instanceId: 'vcc', sequenceId: 1 },
      hangupReason: { code: 16, by: 'customer' },
      attachedData: { phoneNum: '15551230001' },
    });
    expect(Object.keys(p).filter((key) => key.startsWith('8x8.') || key.startsWith('attachedData.'))).toEqual(
      ['attachedData.phoneNum', '8x8.hangupReason.code', '8x8.hangupReason.by'],
    );
  });
});

describe('one pop per interaction and agent', () => {
  it('events without any id (no frame, no msgInfo) pop once, and a re-offer after a rejection pops again', async () => {
    const state = createMemoryStateStore();
    const fields = { interactionGUID: 'int-1', agentId: AGENT };
    expect(await map('InteractionAssigned', fields, state)).toMatchObject({ lifecycle: 'offered' });
    expect(await map('InteractionAssigned', fields, state)).toBe(
      `8x8 InteractionAssigned: interaction int-1 was already offered to agent ${AGENT}`,
    );
    expect(await map('InteractionRejected', fields, state)).toBe(
      '8x8 InteractionRejected is not an event this connector maps',
    );
    expect(await map('InteractionAssigned', fields, state)).toMatchObject({ lifecycle: 'offered' });
  });

  it('a rejection naming no agent or no interaction forgets no offer', async () => {
    const state = createMemoryStateStore();
    const fields = { interactionGUID: 'int-1', agentId: AGENT };
    await map('InteractionAssigned', fields, state);
    await map('InteractionRejected', { interactionGUID: 'int-1' }, state);
    await map('InteractionRejected', { agentId: AGENT }, state);
    expect(await map('InteractionAssigned', fields, state)).toMatch(/was already offered/);
  });
});

describe('a consult line takes the customer of its call', () => {
  it('names the customer of the call it was dialed from, not when it has its own', async () => {
    const state = createMemoryStateStore();
    await map(
      'InteractionAccepted',
      {
        interactionGUID: 'int-call',
        agentId: AGENT,
        attachedData: { phoneNum: '15551230001', callingName: 'Ada' },
      },
      state,
    );
    const line = (extra: Record<string, unknown> = {}) => ({
      interactionGUID: 'int-line',
      agentId: 'agB',
      isAgentInitiated: true,
      attachedData: { originalInteractionGuid: 'int-call', ...extra },
    });
    const withB = new Map([...directory, ['agB', 'asmith']]);
    const consult = await mapStream({ type: 'InteractionAssigned', fields: line() } as StreamEvent, {
      directory: withB,
      state,
    });
    expect(consult).toMatchObject({
      props: { ani: '15551230001', customerName: 'Ada', leg: 'consult', parentInteractionId: 'int-call' },
    });
    const own = await mapStream(
      { type: 'InteractionAccepted', fields: line({ phoneNum: '15551230009' }) } as StreamEvent,
      { directory: withB, state },
    );
    expect(own).toMatchObject({ props: { ani: '15551230009' } });
    expect(own).not.toHaveProperty('props.customerName');
  });

  it('remembers a call whose customer has only a name', async () => {
    const state = createMemoryStateStore();
    await map(
      'InteractionAccepted',
      { interactionGUID: 'int-call', agentId: AGENT, attachedData: { callingName: 'Ada' } },
      state,
    );
    expect(await state.get('customer:int-call')).toEqual({ customerName: 'Ada' });
  });
});
