// Options a deployment gets wrong, refused when the runtime is built with what to fix; and the leg a WARM
// transfer may be given.
import { createRuntime } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { outcomeOf, signedRequest } from './fixtures.js';
import { TEST_TOKEN } from './sign.js';

const build = (options: Record<string, unknown>) => () =>
  createRuntime(connector, { options: { authToken: TEST_TOKEN, ...options } });

describe('options refused', () => {
  it('refuses an authToken too short to be a Twilio Auth Token', () => {
    expect(build({ authToken: '0123456789abcde' })).toThrow(
      /authToken looks too short for a Twilio Auth Token \(32 characters\)/,
    );
  });

  it('takes an authToken of 16 characters', () => {
    expect(build({ authToken: '0123456789abcdef' })).not.toThrow();
  });

  it('refuses a sharedKeySecrets entry too short to be a SharedKey secret', () => {
    expect(build({ sharedKeySecrets: ['short-secret'] })).toThrow(
      /a sharedKeySecrets entry looks too short for a Twilio SharedKey secret/,
    );
  });

  it('refuses an attribute path of spaces', () => {
    expect(build({ agentAttributes: ['  '] })).toThrow(/an attribute path must not be empty/);
  });

  it('trims an attribute path', () => {
    expect(
      createRuntime(connector, { options: { authToken: TEST_TOKEN, parentAttribute: ' origin ' } }).config,
    ).toMatchObject({ parentAttribute: 'origin' });
  });
});

describe('warmTransferLeg', () => {
  it('may make a WARM transfer a conference leg', async () => {
    const req = signedRequest('taskrouter/reservation-accepted.json', (body) => {
      body.TransferMode = 'WARM';
    });
    const outcome = await outcomeOf(req, { warmTransferLeg: 'conference' });
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.leg).toBe('conference');
  });
});
