// The consumer's options: when it runs, what is a config error, where it connects, what is secret, and
// that a relay posting the same frame to the webhook source gets the same messages as the consumer.
import { ConfigError, createRuntime, handleFrame, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector, { type C8x8Config } from '../src/index.js';
import { consumerUrl } from '../src/pulsar/url.js';
import { AGENT, interaction, subscription } from './event-stream-harness.js';

const stream = { streamTenant: 'acme01', streamApiKey: 'eght_0123456789abcdefABCDEF', streamRegion: 'euw2' };
const configOf = (options: Record<string, unknown>) =>
  createRuntime(connector, { options }).config as C8x8Config;
const configError = (options: Record<string, unknown>) => {
  try {
    createRuntime(connector, { options });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
};

describe('event-stream options', () => {
  it('runs only when the tenant and the API key are set', () => {
    expect(subscription.enabled(configOf({}))).toBe(false);
    expect(subscription.enabled(configOf({ relaySecret: 'relay-test-secret-0123456789' }))).toBe(false);
    expect(subscription.enabled(configOf(stream))).toBe(true);
  });

  it('is a config error to set the tenant without the key, naming the missing option', () => {
    const message = configError({ streamTenant: 'acme01', streamRegion: 'euw2' });
    expect(message).toContain('streamApiKey: the event-stream consumer needs streamApiKey');
    expect(message).not.toContain('streamTenant:');
  });

  it('is a config error to set the key without a region or URL', () => {
    expect(configError({ streamTenant: 'acme01', streamApiKey: 'eght_x' })).toContain(
      'streamRegion: the event-stream consumer needs streamRegion (euw2, use1, usw2) or streamUrl',
    );
  });

  it('is a config error to half-configure the agent look-up', () => {
    expect(configError({ ...stream, agentApiUrl: 'https://vcc-eu3.8x8.com/api/v1' })).toContain(
      'agentApiToken: the agent look-up needs agentApiToken (agentApiUrl and agentApiToken come together)',
    );
    expect(configError({ agentApiUrl: 'https://vcc-eu3.8x8.com/api/v1', agentApiToken: 't' })).toContain(
      'agentApiUser: the agent look-up needs agentApiUser (or streamTenant, its default)',
    );
  });

  it('is a config error to name only a region or a URL, naming both missing options', () => {
    for (const options of [{ streamRegion: 'euw2' }, { streamUrl: 'wss://relay.example.com' }]) {
      const message = configError(options);
      expect(message).toContain(
        'streamTenant: the event-stream consumer needs streamTenant (with streamTenant, streamApiKey and streamRegion)',
      );
      expect(message).toContain('streamApiKey: the event-stream consumer needs streamApiKey');
      expect(message).not.toContain('streamRegion:');
    }
  });

  it('is a config error to set the agent token without the URL; the tenant stands in for the user', () => {
    const message = configError({ ...stream, agentApiToken: 'action-token-0123' });
    expect(message).toContain(
      'agentApiUrl: the agent look-up needs agentApiUrl (agentApiUrl and agentApiToken come together)',
    );
    expect(message).not.toContain('agentApiUser:');
    expect(message).not.toContain('agentApiToken:');
    expect(() =>
      configOf({ agentApiUrl: 'https://vcc-eu3.8x8.com/api/v1', agentApiToken: 't', agentApiUser: 'acme01' }),
    ).not.toThrow();
  });

  it('refuses an unknown region and a subscription name that is not one path segment', () => {
    expect(configError({ ...stream, streamRegion: 'apse2' })).toContain('streamRegion');
    expect(configError({ ...stream, streamSubscription: 'a/b' })).toContain(
      'streamSubscription may hold letters, digits, ".", "_" and "-"',
    );
  });

  it("connects to the region's host as a Failover consumer of the durable subscription, the key not in the URL", () => {
    expect(consumerUrl(configOf(stream))).toBe(
      'wss://pulsar-ws-euw2.8x8.com/ws/v2/consumer/persistent/acme01/event-v1/all/openconnect-runner?subscriptionType=Failover&receiverQueueSize=1000',
    );
    const custom = configOf({
      ...stream,
      streamRegion: 'use1',
      streamTopic: 'InteractionAccepted',
      streamSubscription: 'crm-pops',
      streamSubscriptionType: 'Shared',
      streamReceiverQueueSize: 200,
      streamNegativeAckRedeliveryDelayMs: 5_000,
    });
    expect(consumerUrl(custom)).toBe(
      'wss://pulsar-ws-use1.8x8.com/ws/v2/consumer/persistent/acme01/event-v1/InteractionAccepted/crm-pops?subscriptionType=Shared&receiverQueueSize=200&negativeAckRedeliveryDelay=5000',
    );
    expect(consumerUrl(configOf({ ...stream, streamUrl: 'ws://127.0.0.1:4100/' }))).toMatch(
      /^ws:\/\/127\.0\.0\.1:4100\/ws\/v2\/consumer\//,
    );
  });

  it('treats the API key and the agent API token as secrets', () => {
    const runtime = createRuntime(connector, {
      options: {
        ...stream,
        agentApiUrl: 'https://vcc-eu3.8x8.com/api/v1',
        agentApiToken: 'action-token-0123',
      },
    });
    expect(runtime.secrets).toEqual(['eght_0123456789abcdefABCDEF', 'action-token-0123']);
  });
});

describe('the consumer and a relay map a frame alike', () => {
  it('gives the same messages for the same frame through event-stream and the event-streaming webhook', async () => {
    const settings = {
      options: { relaySecret: 'relay-test-secret-0123456789' },
      directory: { [AGENT]: 'jdoe' },
    };
    const frame = {
      messageId: 'CAcQFQ==',
      payload: Buffer.from(JSON.stringify(interaction('InteractionAccepted', 'int-1'))).toString('base64'),
      properties: {},
      publishTime: '2026-11-25T10:15:02.412Z',
      redeliveryCount: 0,
    };
    const viaConsumer = await handleFrame(createRuntime(connector, settings), subscription, frame);
    const viaRelay = await handleRequest(
      createRuntime(connector, settings),
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-relay-token': settings.options.relaySecret },
        body: frame,
      }),
      'event-streaming',
    );
    const shown = (o: typeof viaConsumer) =>
      o.kind === 'accepted'
        ? o.messages.map(({ agentid, event, props }) => ({ agentid, event, props }))
        : o.kind;
    expect(shown(viaConsumer)).toEqual(shown(viaRelay));
    expect(shown(viaConsumer)).toHaveLength(1);
  });
});
