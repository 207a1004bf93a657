import { createDirectory } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { arnId, fromDirectory, parseAgentArn } from '../src/arns.js';

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

  it('refuses text around an agent ARN: a prefix, a trailing slash or a further segment', () => {
    expect(parseAgentArn(`x${ARN}`)).toBeUndefined();
    expect(parseAgentArn(`${ARN}/`)).toBeUndefined();
    expect(parseAgentArn(`${ARN}/contact/c-1`)).toBeUndefined();
  });

  it('reads an ARN sent with surrounding whitespace, and keeps it without', () => {
    expect(parseAgentArn(` ${ARN}\n`)).toEqual({
      arn: ARN,
      instanceId: '5f0e0c8a',
      userId: '8c2f4b1e',
      region: 'eu-central-1',
    });
  });

  it('names no region when the ARN has none', () => {
    expect(parseAgentArn('arn:aws:connect::1:instance/i/agent/u')).toEqual({
      arn: 'arn:aws:connect::1:instance/i/agent/u',
      instanceId: 'i',
      userId: 'u',
    });
  });
});

describe('fromDirectory', () => {
  it('finds a login by the full ARN first, then by the user id', () => {
    expect(fromDirectory(createDirectory({ [ARN]: 'by-arn', '8c2f4b1e': 'by-id' }), ARN)).toBe('by-arn');
    expect(fromDirectory(createDirectory({ '8c2f4b1e': 'by-id' }), ARN)).toBe('by-id');
    expect(fromDirectory(createDirectory({ other: 'x' }), ARN)).toBeUndefined();
  });

  it('finds nothing for an event without an agent ARN', () => {
    const directory = createDirectory({ '8c2f4b1e': 'by-id' });
    expect(fromDirectory(directory, undefined)).toBeUndefined();
    expect(fromDirectory(directory, null)).toBeUndefined();
    expect(fromDirectory(directory, '')).toBeUndefined();
  });
});

describe('arnId', () => {
  it('is the segment after the last slash, or nothing for a value without one', () => {
    expect(arnId('arn:aws:connect:r:1:instance/i/queue/q1')).toBe('q1');
    expect(arnId('queue-name')).toBeUndefined();
    expect(arnId(null)).toBeUndefined();
    expect(arnId('arn:aws:connect:r:1:instance/i/queue/')).toBeUndefined();
  });
});
