// The README's relay contract is what a relay writer copies: its payload example, and the same payload
// wrapped in a Pulsar frame, must both map to the answered call for the agent in the directory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';

const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
const rest = readme.slice(readme.indexOf('or the decoded payload itself'));
const payload = rest.slice(rest.indexOf('{'), rest.indexOf('\n```', rest.indexOf('{')));

const settings = {
  options: { relaySecret: 'relay-test-secret-0123456789' },
  directory: { agb7CaTIXvQPWmPKmTu1rJjw: 'jdoe' },
};
const relay = (body: unknown) =>
  handleRequest(
    createRuntime(connector, settings),
    toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-relay-token': settings.options.relaySecret },
      body,
    }),
    'event-streaming',
  );
const summary = (outcome: Awaited<ReturnType<typeof relay>>) =>
  outcome.kind === 'accepted'
    ? outcome.messages.map((m) => [
        m.agentid,
        m.lifecycle,
        m.props.ani,
        m.props.queue,
        m.props.queueId,
        m.props.channel,
      ])
    : outcome;

describe('8x8 README relay contract', () => {
  it('maps the decoded payload example to the answered call for the agent', async () => {
    expect(summary(await relay(payload))).toEqual([
      ['jdoe', 'answered', '15551230001', 'Support', '1012', 'voice'],
    ]);
  });

  it('maps the same payload inside a frame like the frame example', async () => {
    const frame = {
      messageId: 'CAEQAQ==',
      payload: Buffer.from(payload).toString('base64'),
      properties: {},
      publishTime: '2026-11-25T10:15:02.412Z',
      redeliveryCount: 0,
    };
    expect(summary(await relay(frame))).toEqual([
      ['jdoe', 'answered', '15551230001', 'Support', '1012', 'voice'],
    ]);
  });
});
