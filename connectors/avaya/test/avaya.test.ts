import { createRuntime, handleRequest, type RecordedRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { AXP_TOKEN, BRIDGE_TOKEN, settings } from './settings.js';

const axpEvent = {
  eventType: 'AgentParticipantAdded',
  eventId: 'evt-1',
  engagementId: 'e-1',
  agentId: 'jdoe',
};
const aesEvent = { eventType: 'EstablishedEvent', eventId: 'cm1-1', agentId: 'jdoe', callID: '1021' };

async function run(
  request: RecordedRequest,
  options: Record<string, unknown> = settings.options,
  source?: string,
) {
  const runtime = createRuntime(connector, { ...settings, options });
  return handleRequest(runtime, toInboundRequest(request), source);
}
const post = (headers: Record<string, string>, body: unknown): RecordedRequest => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

describe('axp auth: the subscription authToken in its header', () => {
  it('accepts the configured token in the default auth-token header', async () => {
    const outcome = await run(post({ 'auth-token': AXP_TOKEN }, axpEvent), undefined, 'axp');
    expect(outcome.kind).toBe('accepted');
  });

  it('refuses a wrong token with 401', async () => {
    const outcome = await run(post({ 'auth-token': `${AXP_TOKEN}x` }, axpEvent), undefined, 'axp');
    expect(outcome.answer.status).toBe(401);
    expect(outcome.kind === 'rejected' && outcome.reason).toBe('the credential does not match');
  });

  it('refuses a request without the header with 401', async () => {
    const outcome = await run(post({}, axpEvent), undefined, 'axp');
    expect(outcome.answer.status).toBe(401);
    expect(outcome.kind === 'rejected' && outcome.reason).toBe(
      'the credential (header auth-token) is missing',
    );
  });

  it('reads the token from the header named by authTokenHeader, whatever its case', async () => {
    const options = { ...settings.options, authTokenHeader: 'My-Custom-Header' };
    expect((await run(post({ 'my-custom-header': AXP_TOKEN }, axpEvent), options, 'axp')).kind).toBe(
      'accepted',
    );
    expect((await run(post({ 'auth-token': AXP_TOKEN }, axpEvent), options, 'axp')).answer.status).toBe(401);
  });

  it('refuses every request when no authToken is configured', async () => {
    const outcome = await run(
      post({ 'auth-token': AXP_TOKEN }, axpEvent),
      { bridgeToken: BRIDGE_TOKEN },
      'axp',
    );
    expect(outcome.answer.status).toBe(401);
  });

  it('rejects a configured header name that is not a valid HTTP header name', () => {
    expect(() =>
      createRuntime(connector, { options: { authToken: AXP_TOKEN, authTokenHeader: 'bad header' } }),
    ).toThrow(/authTokenHeader must be a valid HTTP header name/);
  });
});

describe('aes auth: Authorization: Bearer <bridgeToken>', () => {
  it('accepts the configured bearer token', async () => {
    const outcome = await run(post({ authorization: `Bearer ${BRIDGE_TOKEN}` }, aesEvent), undefined, 'aes');
    expect(outcome.kind).toBe('accepted');
  });

  it('refuses a wrong bearer token with 401', async () => {
    const outcome = await run(
      post({ authorization: 'Bearer aes-wrong-token-0123456789' }, aesEvent),
      undefined,
      'aes',
    );
    expect(outcome.answer.status).toBe(401);
  });

  it('refuses the right token under another scheme with 401', async () => {
    const outcome = await run(post({ authorization: `Basic ${BRIDGE_TOKEN}` }, aesEvent), undefined, 'aes');
    expect(outcome.answer.status).toBe(401);
  });

  it('refuses a request without Authorization with 401', async () => {
    const outcome = await run(post({}, aesEvent), undefined, 'aes');
    expect(outcome.answer.status).toBe(401);
  });

  it('does not accept the AXP token on the AES source', async () => {
    const outcome = await run(post({ authorization: `Bearer ${AXP_TOKEN}` }, aesEvent), undefined, 'aes');
    expect(outcome.answer.status).toBe(401);
  });
});

describe('source detection', () => {
  it('answers 400 naming both sources when a body is neither AXP nor AES', async () => {
    const outcome = await run(post({ 'auth-token': AXP_TOKEN }, { hello: 'world' }));
    expect(outcome.answer.status).toBe(400);
    expect(outcome.kind === 'invalid' && outcome.reason).toContain('one of aes, axp');
  });

  it('sends a CSTA-named event to aes and an AXP-named event to axp', async () => {
    const toAes = await run(post({ authorization: `Bearer ${BRIDGE_TOKEN}` }, aesEvent));
    const toAxp = await run(post({ 'auth-token': AXP_TOKEN }, axpEvent));
    expect(['source' in toAes && toAes.source, 'source' in toAxp && toAxp.source]).toEqual(['aes', 'axp']);
  });
});

describe('aes mapping details', () => {
  it('uses the agentId the bridge sends as the login when the directory does not know it', async () => {
    const outcome = await run(
      post({ authorization: `Bearer ${BRIDGE_TOKEN}` }, { ...aesEvent, agentId: '7002' }),
      undefined,
      'aes',
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.agentid).toBe('7002');
  });

  it('ignores an event that names neither an agent nor a station', async () => {
    const { agentId: _a, ...anonymous } = aesEvent;
    const outcome = await run(post({ authorization: `Bearer ${BRIDGE_TOKEN}` }, anonymous), undefined, 'aes');
    expect(outcome.kind === 'ignored' && outcome.reason).toBe(
      'EstablishedEvent names neither an agentId nor a monitored station',
    );
  });

  it('refuses an eventType that is not a CSTA event name with 400', async () => {
    const outcome = await run(
      post({ authorization: `Bearer ${BRIDGE_TOKEN}` }, { ...aesEvent, eventType: 'ringing' }),
      undefined,
      'aes',
    );
    expect(outcome.answer.status).toBe(400);
    expect(outcome.kind === 'invalid' && outcome.reason).toContain('eventType must be a CSTA event name');
  });
});

describe('axp mapping details', () => {
  it('ignores a batch in which no event is mappable, giving every reason', async () => {
    const body = [
      { eventType: 'InboundEngagementCreated', engagementId: 'e-1' },
      { eventType: 'AgentParticipantAdded', engagementId: 'e-1' },
    ];
    const outcome = await run(post({ 'auth-token': AXP_TOKEN }, body), undefined, 'axp');
    expect(outcome.kind).toBe('ignored');
    if (outcome.kind !== 'ignored') return;
    expect(outcome.reason).toBe(
      'AXP event InboundEngagementCreated is not one this connector maps (engagement events without an agent, such as InboundEngagementCreated, carry nothing to pop); ' +
        'AXP event AgentParticipantAdded names no agent (looked for agentId, agent.id, agent.agentId, agentLoginId, loginId, agentHandle, agent.handle)',
    );
  });

  it('dedupes a batch on the joined event ids, one key per message', async () => {
    const body = { events: [axpEvent, { ...axpEvent, eventId: 'evt-2', agentId: 'msmith' }] };
    const outcome = await run(post({ 'auth-token': AXP_TOKEN }, body), undefined, 'axp');
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.agentid)).toEqual(['jdoe', 'msmith']);
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey)).toEqual([
      'avaya/axp/evt-1+evt-2#0',
      'avaya/axp/evt-1+evt-2#1',
    ]);
  });

  it('refuses an empty batch with 400', async () => {
    const outcome = await run(post({ 'auth-token': AXP_TOKEN }, []), undefined, 'axp');
    expect(outcome.answer.status).toBe(400);
    expect(outcome.kind === 'invalid' && outcome.reason).toBe(
      'the AXP notification is not as expected: an event batch must not be empty',
    );
  });

  it('refuses an empty {events: []} batch with 400 too, not as one event ignored without a reason', async () => {
    const outcome = await run(post({ 'auth-token': AXP_TOKEN }, { events: [] }), undefined, 'axp');
    expect(outcome.answer.status).toBe(400);
    expect(outcome.kind === 'invalid' && outcome.reason).toBe(
      'the AXP notification is not as expected: an event batch must not be empty',
    );
  });
});
