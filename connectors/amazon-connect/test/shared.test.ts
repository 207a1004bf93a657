import { describe, expect, it } from 'vitest';
import { createDirectory, InputError } from '@openconnect/core';
import { arnId, fromDirectory, lowerKeys, MAX_DEPTH, parseAgentArn, vendorProps } from '../src/shared.js';

const ARN = 'arn:aws:connect:eu-central-1:210987654321:instance/5f0e0c8a/agent/8c2f4b1e';

describe('parseAgentArn', () => {
  it('splits an agent ARN into the instance id, the user id and the region', () => {
    expect(parseAgentArn(ARN)).toEqual({
      arn: ARN,
      instanceId: '5f0e0c8a',
      userId: '8c2f4b1e',
      region: 'eu-central-1',
    });
  });

  it('accepts the GovCloud and China partitions', () => {
    expect(parseAgentArn('arn:aws-us-gov:connect:us-gov-west-1:1:instance/i/agent/u')?.userId).toBe('u');
    expect(parseAgentArn('arn:aws-cn:connect:cn-north-1:1:instance/i/agent/u')?.instanceId).toBe('i');
  });

  it('refuses a queue ARN, a truncated ARN and plain text', () => {
    expect(parseAgentArn(ARN.replace('/agent/', '/queue/'))).toBeUndefined();
    expect(parseAgentArn('arn:aws:connect:eu-central-1:1:instance/i/agent/')).toBeUndefined();
    expect(parseAgentArn('arn')).toBeUndefined();
  });
});

describe('lowerKeys depth', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { Level: nested(depth - 1) });

  it('reads a body nested as deep as the limit', () => {
    expect(() => lowerKeys(nested(MAX_DEPTH - 1))).not.toThrow();
  });

  it('refuses a deeper body with an InputError instead of overflowing the stack', () => {
    expect(() => lowerKeys(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toThrow(
      new InputError(`the body is nested deeper than ${MAX_DEPTH} levels`),
    );
  });
});

describe('fromDirectory', () => {
  it('finds a login by the full ARN first, then by the user id', () => {
    expect(fromDirectory(createDirectory({ [ARN]: 'by-arn', '8c2f4b1e': 'by-id' }), ARN)).toBe('by-arn');
    expect(fromDirectory(createDirectory({ '8c2f4b1e': 'by-id' }), ARN)).toBe('by-id');
    expect(fromDirectory(createDirectory({ other: 'x' }), ARN)).toBeUndefined();
  });
});

describe('lowerKeys', () => {
  it('lower-cases keys at every depth but keeps the keys of verbatim maps', () => {
    const input = { Detail: { AgentInfo: { AgentArn: 'a' }, Tags: { 'aws:connect:instanceId': 'i' } } };
    expect(lowerKeys(input, new Set(['tags']))).toEqual({
      detail: { agentinfo: { agentarn: 'a' }, tags: { 'aws:connect:instanceId': 'i' } },
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

describe('vendorProps', () => {
  it('keeps scalar values and drops nested ones, empty names and reserved names in any case', () => {
    expect(
      vendorProps({
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
    ).toEqual({ a: 'x', n: 2, b: true });
  });

  it('skips the names it is told to', () => {
    expect(vendorProps({ agentLogin: 'maria', caseId: '42' }, ['agentLogin'])).toEqual({ caseId: '42' });
  });
});

describe('arnId', () => {
  it('is the segment after the last slash, or nothing for a value without one', () => {
    expect(arnId('arn:aws:connect:r:1:instance/i/queue/q1')).toBe('q1');
    expect(arnId('queue-name')).toBeUndefined();
    expect(arnId(null)).toBeUndefined();
  });
});
