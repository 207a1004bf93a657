// Reading an Event Streaming frame or payload, one behaviour each: the event type from the single key or
// from `event`, the frame's id, unreadable payloads refused with what is wrong, and attachedData in every
// spelling 8x8 material shows.
import { InputError } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { attachedData, parseStreamValue, streamEventId } from '../src/stream-parse.js';

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const refusal = (value: unknown) => {
  try {
    parseStreamValue(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('parseStreamValue', () => {
  it("reads a frame's payload and keeps its messageId", () => {
    const frame = {
      messageId: 'CAcQFQ==',
      payload: base64({ AgentStatusChange: { agentId: 'ag1', newState: 2 } }),
    };
    expect(parseStreamValue(frame)).toEqual({
      type: 'AgentStatusChange',
      messageId: 'CAcQFQ==',
      fields: { agentId: 'ag1', newState: 2 },
    });
  });

  it('reads a base64url payload and one with spaces around it', () => {
    const text = JSON.stringify({ AgentStatusChange: { agentId: 'ag1?>' } });
    const url = Buffer.from(text).toString('base64url');
    expect(parseStreamValue({ messageId: 'm1', payload: url }).fields).toEqual({ agentId: 'ag1?>' });
    expect(parseStreamValue({ messageId: 'm1', payload: ` ${base64({ X: {} }).trim()}\n` }).type).toBe('X');
  });

  it('reads a payload given without a frame, with no messageId', () => {
    expect(parseStreamValue({ InteractionAccepted: { interactionGUID: 'int-1' } })).toEqual({
      type: 'InteractionAccepted',
      fields: { interactionGUID: 'int-1' },
    });
  });

  it('takes the type from `event` when the key names the family, not when `event` is no type name', () => {
    expect(parseStreamValue({ Interaction: { event: 'InteractionAssigned' } }).type).toBe(
      'InteractionAssigned',
    );
    expect(parseStreamValue({ Interaction: { event: 'interactionAssigned' } }).type).toBe('Interaction');
    expect(parseStreamValue({ Interaction: { event: 'Interaction Assigned' } }).type).toBe('Interaction');
    expect(parseStreamValue({ Interaction: { event: 'I' } }).type).toBe('Interaction');
    expect(parseStreamValue({ Interaction: { event: 7 } }).type).toBe('Interaction');
  });

  it('refuses a payload that is not base64, naming the field', () => {
    const error = (() => {
      try {
        parseStreamValue({ messageId: 'm1', payload: 'not base64!' });
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(error?.message).toBe('payload is not base64');
    expect(refusal({ messageId: 'm1', payload: `!${base64({ X: {} })}` })).toBe('payload is not base64');
    expect(refusal({ messageId: 'm1', payload: `${base64({ X: {} })}!` })).toBe('payload is not base64');
    expect(refusal({ messageId: 'm1', payload: 'eyJ9===' })).toBe('payload is not base64');
  });

  it('refuses a payload that decodes to something that is not JSON', () => {
    expect(refusal({ messageId: 'm1', payload: Buffer.from('not json').toString('base64') })).toBe(
      'payload does not decode to JSON',
    );
  });

  it('refuses a payload with no top-level key', () => {
    expect(refusal({})).toBe('the event payload must have one top-level key naming the event type; it has 0');
    expect(refusal({ messageId: 'm1', payload: base64({}) })).toBe(
      'the event payload must have one top-level key naming the event type; it has 0',
    );
  });
});

describe('streamEventId', () => {
  it("is the frame's messageId, else instance and sequence, else none", () => {
    expect(
      streamEventId({
        type: 'X',
        messageId: 'm1',
        fields: { msgInfo: { instanceId: 'vcc', sequenceId: 3 } },
      }),
    ).toBe('m1');
    expect(streamEventId({ type: 'X', fields: { msgInfo: { instanceId: 'vcc', sequenceId: 0 } } })).toBe(
      'vcc:0',
    );
    expect(streamEventId({ type: 'X', fields: { msgInfo: { instanceId: 'vcc' } } })).toBeUndefined();
    expect(streamEventId({ type: 'X', fields: { msgInfo: { sequenceId: 3 } } })).toBeUndefined();
    expect(streamEventId({ type: 'X', fields: {} })).toBeUndefined();
  });
});

describe('attachedData', () => {
  it('reads the list under name/value and key/value too', () => {
    expect(
      attachedData({
        attachedData: [
          { key: 'phoneNum', value: '15551230001' },
          { name: 'tenantSkillName', value: 'Support' },
        ],
      }),
    ).toEqual({ phoneNum: '15551230001', tenantSkillName: 'Support' });
  });

  it('prefers attachedDataKey and attachedDataValue to the other spellings in one entry', () => {
    expect(
      attachedData({
        attachedData: [{ attachedDataKey: 'med', attribute: 'x', attachedDataValue: 'T', value: 'C' }],
      }),
    ).toEqual({ med: 'T' });
    expect(attachedData({ attachedData: [{ attribute: 'med', key: 'x', name: 'y', value: 'C' }] })).toEqual({
      med: 'C',
    });
    expect(attachedData({ attachedData: [{ key: 'med', name: 'y', value: 'C' }] })).toEqual({ med: 'C' });
  });

  it('skips entries without a name, or whose value is not a scalar', () => {
    expect(
      attachedData({
        attachedData: [
          { attribute: '', value: 'x' },
          { attribute: 7, value: 'x' },
          { attribute: 'nested', value: { a: 1 } },
          { attribute: 'none' },
          { attribute: 'flag', value: false },
        ],
      }),
    ).toEqual({ flag: false });
  });

  it('reads a flat map, flattening nested values, and a map of one list as that list', () => {
    expect(attachedData({ attachedData: { phoneNum: '15551230001', caller: { name: 'Ada' } } })).toEqual({
      phoneNum: '15551230001',
      'caller.name': 'Ada',
    });
    expect(attachedData({ attachedData: { attachedDatum: [{ attribute: 'med', value: 'T' }] } })).toEqual({
      med: 'T',
    });
  });

  it('reads a map with a list beside other keys as a flat map', () => {
    expect(attachedData({ attachedData: { med: 'T', tags: ['a', 'b'] } })).toMatchObject({ med: 'T' });
    expect(attachedData({ attachedData: { med: 'T', tags: ['a', 'b'] } })).not.toHaveProperty('attribute');
  });

  it('is empty without attachedData', () => {
    expect(attachedData({})).toEqual({});
  });
});
