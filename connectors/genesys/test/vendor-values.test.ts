import { addVendorProps } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { flattenUserData } from '../src/pureengage.js';
import { plainNumber } from '../src/vendor-values.js';

describe('plainNumber', () => {
  it('strips the tel: scheme', () => expect(plainNumber('tel:+13175550142')).toBe('+13175550142'));
  it('keeps the user part of a SIP address', () =>
    expect(plainNumber('sip:+13175550142@10.0.0.5;user=phone')).toBe('+13175550142'));
  it('leaves a plain number alone', () => expect(plainNumber('3175550142')).toBe('3175550142'));
});

describe('addVendorProps (core), as the Genesys sources use it', () => {
  it('prefixes names that would shadow reserved fields or props already set', () => {
    const props = { ani: '+1317' };
    addVendorProps(
      props,
      [
        ['jwt', 'x'],
        ['ani', 'other'],
        ['Account', 'A-1'],
        ['', 'skipped'],
      ],
      'attributes',
    );
    expect(props).toEqual({ ani: '+1317', 'attributes.jwt': 'x', 'attributes.ani': 'other', Account: 'A-1' });
  });
});

describe('flattenUserData', () => {
  it('flattens kvlists as key.subkey and keeps ints as numbers', () => {
    const flat = flattenUserData([
      { key: 'Segment', type: 'str', value: 'Gold' },
      { key: 'Tries', type: 'int', value: 3 },
      { key: 'Order', type: 'kvlist', value: [{ key: 'Id', type: 'str', value: 'O-9' }] },
      { key: 'Odd', type: 'str', value: { not: 'a kv value' } },
    ]);
    expect(flat).toEqual([
      ['Segment', 'Gold'],
      ['Tries', 3],
      ['Order.Id', 'O-9'],
    ]);
  });
});
