// Shared test settings: the test secrets, a fixed clock near the fixtures' timestamps, and a signer.
import { type ConnectorSettingsInput, type InboundRequest, toInboundRequest } from '@openconnect/core';
import { type CiscoServices, config, createServices } from '../src/index.js';
import { webexCc } from '../src/webex-cc/index.js';

export const FINESSE_TOKEN = 'test-finesse-token-0123456789';
export const WEBEX_SECRET = 'test-webex-secret-0123456789';
/** 2026-11-25T12:00:00Z; the Webex fixtures are stamped a few seconds before it. */
export const NOW = 1_795_608_000_000;

export const AGENT_UUID = '5c3f2d6a-91e4-4b7a-a0c1-6e2f8d4b9a10';
export const AGENT_B_UUID = '8e1d4c2b-7f6a-4e3d-b2c1-0a9f8e7d6c5b';

export const settings: ConnectorSettingsInput = {
  options: { finesseToken: FINESSE_TOKEN, webexCcSecret: WEBEX_SECRET },
  directory: { [AGENT_UUID]: 'jdoe@example.com', [AGENT_B_UUID]: 'asmith@example.com' },
};

export const services: CiscoServices = createServices({ now: () => NOW });

/** Signs a request as Webex CC does, with the webex-cc source's own signer (default: the test secret). */
export function sign(request: InboundRequest, secret = WEBEX_SECRET): InboundRequest {
  return webexCc.sign!(request, config.parse({ webexCcSecret: secret }));
}

/**
 * Signed Webex CC deliveries about one task, each with an id of its own (`<prefix>-<n>`): `event(type, data)` and
 * `channel(agentId, state)` (the agent's channel state event for that task).
 */
export function webexTask(taskId: string, prefix: string) {
  let n = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    sign(
      toInboundRequest({
        url: 'http://localhost/webhooks/cisco/webex-cc',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: `${prefix}-${++n}`, specversion: '1.0', type, data: { taskId, ...data } }),
      }),
    );
  const channel = (agentId: string, currentState: string, extra: Record<string, unknown> = {}) =>
    event('agent:channel_state_change', { agentId, currentState, ...extra });
  return { event, channel };
}
