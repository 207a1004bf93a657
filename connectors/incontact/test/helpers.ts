import {
  type ConnectorSettingsInput,
  createRuntime,
  handleRequest,
  toInboundRequest,
} from '@openconnect/core';
import connector from '../src/index.js';

export const TOKEN = 'test-token-0123456789';
export const BEARER = { authorization: `Bearer ${TOKEN}` };

export const studioBody = {
  event: 'answered',
  ContactID: '389712045611',
  AgentUserName: 'mreyes@acme.example',
  ANI: '6025550143',
};
export const contactEvent = (Status: string, extra: Record<string, string> = {}) => ({
  Type: 'CallContactEvent',
  ContactID: '389712045611',
  Status,
  IsInbound: 'True',
  FinalState: 'False',
  ...extra,
});
export const agentBatch = (...events: unknown[]) => ({
  agentUserName: 'mreyes@acme.example',
  agentId: '23045871',
  events,
});

/** A runtime with test settings; `post` sends JSON bodies through the real pipeline on it. */
export function runtime(options: Record<string, unknown> = {}, settings: ConnectorSettingsInput = {}) {
  const rt = createRuntime(connector, { ...settings, options: { token: TOKEN, ...options } });
  return {
    post: (body: unknown, headers: Record<string, string> = BEARER, source?: string) =>
      handleRequest(
        rt,
        toInboundRequest({
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        }),
        source,
      ),
  };
}
