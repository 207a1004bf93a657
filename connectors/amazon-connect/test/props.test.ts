import { addVendorProps } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { defined, scalarEntries, VENDOR_PREFIX } from '../src/props.js';

describe('contact attributes and flow parameters as props', () => {
  it('keeps scalar values, drops nested ones and empty names, and names a reserved name (in any case) attributes.<name>', () => {
    expect(
      addVendorProps(
        {},
        scalarEntries({
          a: 'x',
          n: 2,
          b: true,
          nested: { x: 1 },
          '': 'e',
          JWT: 'k',
          AgentId: 'z',
          Lifecycle: 'l',
          nan: NaN,
        }),
        VENDOR_PREFIX,
      ),
    ).toEqual({ a: 'x', n: 2, b: true, 'attributes.JWT': 'k', 'attributes.AgentId': 'z', Lifecycle: 'l' });
  });

  it('skips the names it is told to', () => {
    expect(scalarEntries({ agentLogin: 'maria', caseId: '42' }, ['agentLogin'])).toEqual([['caseId', '42']]);
  });
});

describe('props that have a value', () => {
  it('leave out undefined, null and empty strings, and keep zero and false', () => {
    expect(defined({ a: 'x', none: undefined, nil: null, empty: '', zero: 0, no: false })).toEqual({
      a: 'x',
      zero: 0,
      no: false,
    });
  });
});
