// The options a deployment gives: the Auth Token is required and treated as a secret.
import { ConfigError, createRuntime } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { outcomeOf, signedRequest } from './fixtures.js';
import { TEST_SHARED_KEY, TEST_TOKEN } from './sign.js';

describe('config', () => {
  it('refuses a deployment without authToken, saying what it is', () => {
    expect(() => createRuntime(connector, { options: {} })).toThrow(ConfigError);
    expect(() => createRuntime(connector, { options: {} })).toThrow(
      /authToken is required: the Twilio Auth Token/,
    );
  });

  it('defaults agentFrom to WorkerName, the attribute prefix to task. and the leg beliefs to the names Flex uses', () => {
    expect(createRuntime(connector, { options: { authToken: TEST_TOKEN } }).config).toEqual({
      authToken: TEST_TOKEN,
      sharedKeySecrets: [],
      agentFrom: 'WorkerName',
      agentAttributes: ['agentid'],
      eventAttributes: ['popEvent', 'event'],
      attributePrefix: 'task.',
      transferAttribute: 'transferTargetType',
      parentAttribute: 'conversations.conversation_id',
      warmTransferLeg: 'consult',
    });
  });

  it('registers the Auth Token as a secret, so the pipeline redacts it', () => {
    expect(createRuntime(connector, { options: { authToken: TEST_TOKEN } }).secrets).toEqual([TEST_TOKEN]);
  });

  it('never sends the Auth Token in a message, even when a task attribute holds it', async () => {
    const req = signedRequest('taskrouter/reservation-accepted.json', (body) => {
      body.TaskAttributes = JSON.stringify({ from: '+15035550142', note: TEST_TOKEN });
    });
    const outcome = await outcomeOf(req);
    if (outcome.kind !== 'accepted') throw new Error(outcome.kind);
    expect(JSON.stringify(outcome)).not.toContain(TEST_TOKEN);
    expect(outcome.messages[0]!.props).toMatchObject({ 'task.from': '+15035550142' });
    expect(outcome.messages[0]!.props).not.toHaveProperty('task.note');
  });

  it('never sends a SharedKey secret in a message either, and registers it as a secret', async () => {
    const options = { sharedKeySecrets: [TEST_SHARED_KEY] };
    const req = signedRequest('taskrouter/reservation-accepted.json', (body) => {
      body.TaskAttributes = JSON.stringify({ from: '+15035550142', note: `key ${TEST_SHARED_KEY}` });
    });
    const outcome = await outcomeOf(req, options);
    if (outcome.kind !== 'accepted') throw new Error(outcome.kind);
    expect(outcome.messages[0]!.props).not.toHaveProperty('task.note');
    expect(createRuntime(connector, { options: { authToken: TEST_TOKEN, ...options } }).secrets).toEqual([
      TEST_TOKEN,
      TEST_SHARED_KEY,
    ]);
  });
});
