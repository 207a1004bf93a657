import {
  type HandleOptions,
  type ConnectorSettingsInput,
  createRuntime,
  handleRequest,
  toInboundRequest,
} from '@openconnect/core';
import connector from '../src/index.js';

export const TOKEN = 'test-token-0123456789';

export const starts = {
  event: 'inbound_call_starts',
  call_id: 'c8e4f2a19b7d4e0f8a6b5c4d3e2f1a09',
  agent_id: '6021a7c4e9b8d7f6a5b4c3d2',
  agent_email: 'dana.whitfield@acme.example',
  contact_phone_number: '+14155550143',
};

/** Posts a JSON body through the real pipeline with the given headers, options and settings. */
export function post(
  body: unknown,
  headers: Record<string, string> = { 'x-openconnect-token': TOKEN },
  options: Record<string, unknown> = {},
  settings: ConnectorSettingsInput = {},
) {
  const runtime = createRuntime(connector, { ...settings, options: { token: TOKEN, ...options } });
  return handleRequest(
    runtime,
    toInboundRequest({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }),
  );
}

/** One runtime (one state store) for several triggers of the same call. */
/**
 * One runtime's requests in order. `handle.deferState`: as the runner does, the source's state writes wait for
 * the host's commitState (called once the messages are stored; never called, the store failed).
 */
export function session(options: Record<string, unknown> = {}, handle: HandleOptions = {}) {
  const runtime = createRuntime(connector, { options: { token: TOKEN, ...options } });
  return (body: unknown) =>
    handleRequest(
      runtime,
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-openconnect-token': TOKEN },
        body,
      }),

      undefined,
      handle,
    );
}
