// Builders for the Genesys Cloud mapping tests (cloud-map, cloud-conversations-map, cloud-workflow-map): a runtime
// with the test directory, a POST to one source, and the outcome reduced to what the admin and PopFlow see.
import { createRuntime, handleRequest, type StateStore, toInboundRequest } from '@openconnect/core';
import connector from '../src/index.js';
import type { Services } from '../src/users-api.js';
import { CLOUD_KEY, settings, WORKFLOW_KEY } from './settings.js';

export const JANE = '9d8e7f6a-1111-4222-8333-444455556666'; // jane.doe@example.com in the directory
export const LI = '2c1f0e9d-aaaa-4bbb-8ccc-000000000002'; // li.wei
export const NOBODY = '0f0f0f0f-1111-4222-8333-999999999999'; // not in the directory
export const CONV = '3f5b9c1e-7a2d-4e8f-9b6a-0c1d2e3f4a5b';
export const QUEUE = '7e6d5c4b-aaaa-4bbb-8ccc-dddddddddddd';

export type Sent =
  | { agentid: string; event: string; lifecycle: string; props: Record<string, unknown> }[]
  | { ignored: string }
  | { status: number; reason: string | undefined };

export function session(options: Record<string, unknown> = {}, services?: Services, state?: StateStore) {
  const rt = createRuntime(
    connector,
    { ...settings, options: { ...settings.options, ...options } },
    { ...(services ? { services } : {}), ...(state ? { state } : {}) },
  );
  const send = async (body: unknown, source: 'cloud' | 'cloud-workflow' = 'cloud'): Promise<Sent> => {
    const key = source === 'cloud' ? CLOUD_KEY : WORKFLOW_KEY;
    const req = toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body,
    });
    const outcome = await handleRequest(rt, req, source);
    if (outcome.kind === 'accepted')
      return outcome.messages.map((m) => ({
        agentid: m.agentid,
        event: m.event,
        lifecycle: m.lifecycle,
        props: m.props,
      }));
    if (outcome.kind === 'ignored') return { ignored: outcome.reason };
    return { status: outcome.answer.status, reason: 'reason' in outcome ? outcome.reason : undefined };
  };
  const outcome = async (body: unknown, source: 'cloud' | 'cloud-workflow' = 'cloud') => {
    const key = source === 'cloud' ? CLOUD_KEY : WORKFLOW_KEY;
    const req = toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body,
    });
    return handleRequest(rt, req, source);
  };
  return { send, outcome, runtime: rt };
}

/** The messages of an accepted outcome (throws with the reason otherwise, so a failure says why). */
export function messages(sent: Sent) {
  if (!Array.isArray(sent)) throw new Error(`not accepted: ${JSON.stringify(sent)}`);
  return sent;
}

/** The one message of an accepted outcome. */
export function only(sent: Sent) {
  const list = messages(sent);
  if (list.length !== 1) throw new Error(`expected one message, got ${list.length}`);
  return list[0]!;
}

/** An EventBridge event of a detail topic (v2.detail.events.conversation.{id}.<suffix>). */
export function detailEvent(
  suffix: string,
  eventBody: Record<string, unknown>,
  id = `evt-${suffix}-${Math.random().toString(36).slice(2)}`,
  conversationId = CONV,
) {
  return {
    version: '0',
    id,
    'detail-type': `v2.detail.events.conversation.{id}.${suffix}`,
    source: 'aws.partner/genesys.com/cloud/5c0f3b1e-2d4a-4f6b-8c9d-0e1f2a3b4c5d/openconnect',
    time: '2026-11-25T10:15:02Z',
    detail: {
      topicName: `v2.detail.events.conversation.${conversationId}.${suffix}`,
      version: '2',
      eventBody: { conversationId, ...eventBody },
      metadata: { CorrelationId: 'c0ffee00-1234-4abc-9def-000000000001' },
    },
  };
}

/** A notification message a relay forwards: {topicName, eventBody}. */
export const note = (topicName: string, eventBody: unknown) => ({ topicName, version: '2', eventBody });
