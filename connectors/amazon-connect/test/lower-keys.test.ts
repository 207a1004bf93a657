import { InputError } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { lowerKeys, MAX_DEPTH } from '../src/lower-keys.js';

describe('lowerKeys depth', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { Level: nested(depth - 1) });

  it('reads a body nested as deep as the limit', () => {
    expect(() => lowerKeys(nested(MAX_DEPTH - 1))).not.toThrow();
  });

  it('reads objects at depth MAX_DEPTH - 1 and refuses one at depth MAX_DEPTH', () => {
    // nested(n): objects at depths 0 to n - 1, a string below them.
    expect(() => lowerKeys(nested(MAX_DEPTH))).not.toThrow();
    expect(() => lowerKeys(nested(MAX_DEPTH + 1))).toThrow(
      new InputError(`the body is nested deeper than ${MAX_DEPTH} levels`),
    );
  });

  it('refuses a deeper body with an InputError instead of overflowing the stack', () => {
    expect(() => lowerKeys(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toThrow(
      new InputError(`the body is nested deeper than ${MAX_DEPTH} levels`),
    );
  });
});

describe('lowerKeys', () => {
  it('lower-cases keys at every depth but keeps the keys of verbatim maps', () => {
    const input = { Detail: { AgentInfo: { AgentArn: 'a' }, Tags: { 'aws:connect:instanceId': 'i' } } };
    expect(lowerKeys(input, new Set(['tags']))).toEqual({
      detail: { agentinfo: { agentarn: 'a' }, tags: { 'aws:connect:instanceId': 'i' } },
    });
  });

  it('keeps arrays as arrays, lower-casing the keys of their items', () => {
    expect(lowerKeys({ Contacts: [{ ContactId: 'c-1' }, 'x'] })).toEqual({
      contacts: [{ contactid: 'c-1' }, 'x'],
    });
  });

  it('keeps the first of two spellings of one key', () => {
    expect(lowerKeys({ contactId: 'first', ContactId: 'second' })).toEqual({ contactid: 'first' });
  });

  it('drops a __proto__ key instead of changing the prototype', () => {
    const out = lowerKeys(JSON.parse('{"__proto__": {"id": "injected"}, "source": "aws.connect"}')) as object;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out).toEqual({ source: 'aws.connect' });
  });
});
