// The notification session's options: when it runs, what is a config error, and that a relay posting the
// same notification to the webhook `cloud` source gets the same messages as the built-in session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  createRuntime,
  handleFrame,
  handleRequest,
  type InboundRequest,
} from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { spreadOverChannels } from '../src/cloud-notifications/topics.js';
import connector, { type GenesysConfig } from '../src/index.js';
import { JANE, offlineSettings, QUEUE_ID } from './cloud-notifications-harness.js';
import { CLOUD_KEY } from './settings.js';

const subscription = connector.subscriptions!.find((s) => s.id === 'cloud-notifications')!;
const client = { cloudClientId: 'oc-client', cloudClientSecret: 'oc-client-secret-0123' };
const configError = (options: Record<string, unknown>) => {
  try {
    createRuntime(connector, { options });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
};
const guid = (i: number) => `${String(i).padStart(8, '0')}-aaaa-4bbb-8ccc-000000000000`;

describe('cloud-notifications options', () => {
  it('runs only when client credentials and something to watch are set', () => {
    const enabled = (options: Record<string, unknown>) =>
      subscription.enabled(createRuntime(connector, { options }).config as GenesysConfig);
    expect(enabled({ ...client })).toBe(false);
    expect(enabled({ ...client, cloudNotifyQueues: ['Billing'] })).toBe(true);
    expect(enabled({ ...client, cloudNotifyUsers: [JANE] })).toBe(true);
  });

  it('is a config error to watch queues without client credentials, naming the missing option', () => {
    const message = configError({ cloudNotifyQueues: [QUEUE_ID], cloudClientId: 'oc-client' });
    expect(message).toContain('cloudClientSecret: cloudNotifyQueues/cloudNotifyUsers need cloudClientSecret');
    expect(message).not.toContain('cloudClientId:');
  });

  it('is a config error to watch more topics than one OAuth client can hold (20 channels of 1,000)', () => {
    const users = Array.from({ length: 10_001 }, (_, i) => guid(i));
    const message = configError({ ...client, cloudNotifyUsers: users, cloudNotifyMedia: ['calls', 'chats'] });
    expect(message).toContain('cloudNotifyUsers: 20002 topics');
  });

  it('accepts exactly as many topics as one OAuth client holds (20 channels of 1,000)', () => {
    const users = Array.from({ length: 10_000 }, (_, i) => guid(i));
    const options = { ...client, cloudNotifyUsers: users, cloudNotifyMedia: ['calls', 'chats'] };
    expect(subscription.enabled(createRuntime(connector, { options }).config as GenesysConfig)).toBe(true);
  });

  it('spreads topics over full channels first, with no empty channel after them', () => {
    expect(spreadOverChannels(['t1', 't2', 't3', 't4', 't5'], 2)).toEqual([
      ['t1', 't2'],
      ['t3', 't4'],
      ['t5'],
    ]);
    expect(spreadOverChannels(['t1', 't2', 't3', 't4'], 2)).toEqual([
      ['t1', 't2'],
      ['t3', 't4'],
    ]);
  });

  it('refuses a user that is not a Genesys Cloud user id', () => {
    expect(configError({ ...client, cloudNotifyUsers: ['jane.doe'] })).toContain(
      'must be a Genesys Cloud user id',
    );
  });

  it('maps a notification exactly as the webhook cloud source maps it from a relay', async () => {
    const file = join(import.meta.dirname, '../fixtures/cloud-notifications/queue-call-lifecycle.json');
    const [alerting] = JSON.parse(readFileSync(file, 'utf8')).steps as { frame: unknown }[];
    const fromSession = await handleFrame(
      createRuntime(connector, offlineSettings),
      subscription,
      alerting!.frame,
    );
    const request: InboundRequest = {
      method: 'POST',
      url: 'http://127.0.0.1/webhooks/genesys/cloud',
      headers: { 'content-type': 'application/json', 'x-api-key': CLOUD_KEY },
      query: {},
      rawBody: Buffer.from(JSON.stringify(alerting!.frame)),
    };
    const fromRelay = await handleRequest(createRuntime(connector, offlineSettings), request, 'cloud');
    const messages = (outcome: typeof fromRelay) =>
      outcome.kind === 'accepted' ? outcome.messages.map(({ source: _, ...rest }) => rest) : outcome.kind;
    expect(messages(fromSession)).toEqual(messages(fromRelay));
    expect(messages(fromRelay)).toHaveLength(1);
  });
});
