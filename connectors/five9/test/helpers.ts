import {
  type HandleOptions,
  type ConnectorSettingsInput,
  createRuntime,
  handleRequest,
  type RecordedRequest,
  toInboundRequest,
} from '@openconnect/core';
import connector from '../src/index.js';

export const TOKEN = 'test-token-0123456789';

/** Runs one recorded request through the real pipeline with the given options. */
export function run(
  request: RecordedRequest,
  options: Record<string, unknown> = {},
  settings: ConnectorSettingsInput = {},
  sourceId?: string,
) {
  const runtime = createRuntime(connector, { ...settings, options: { token: TOKEN, ...options } });
  return handleRequest(runtime, toInboundRequest(request, 'https://runner.example/webhooks/five9'), sourceId);
}

export const accepted = {
  trigger: 'OnCallAccepted',
  agent: 'jdoe@acme.example',
  call_id: '300000000012345',
  ani: '9255550143',
};

/** One runtime (one state store) for several requests, as the agents' desktops of one call reach the runner. */
/**
 * One runtime's requests in order. `handle.deferState`: as the runner does, the source's state writes wait for
 * the host's commitState (called once the messages are stored; never called, the store failed).
 */
export function desk(options: Record<string, unknown> = {}, handle: HandleOptions = {}) {
  const runtime = createRuntime(connector, { options: { token: TOKEN, ...options } });
  return (query: Record<string, string>) =>
    handleRequest(
      runtime,
      toInboundRequest(
        { method: 'GET', query: { ...query, token: TOKEN } },
        'https://runner.example/webhooks/five9',
      ),

      undefined,
      handle,
    );
}
