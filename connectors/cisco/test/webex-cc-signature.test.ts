// X-WebexCC-Signature and the V2 timestamp: good, tampered, stale, missing, mismatched, unconfigured.
import { createRuntime, handleRequest, type InboundRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector, { createServices } from '../src/index.js';
import { AGENT_UUID, NOW, settings, sign, WEBEX_SECRET } from './helpers.js';

const runtime = (now = NOW, options: Record<string, unknown> = settings.options ?? {}) =>
  createRuntime(connector, { ...settings, options }, { services: createServices({ now: () => now }) });

function event(
  stamp: number | string | undefined,
  headerStamp: string | undefined = stamp?.toString(),
): InboundRequest {
  const body = JSON.stringify({
    id: 'b3d7c1e2-0000-4000-8000-000000000001',
    specversion: '1.0',
    type: 'agent:channel_state_change',
    source: '/com/cisco/wxcc/fdcac25f-c5e3-43ba-8455-67c44cf4936c',
    comciscoorgid: '3eb3c4b5-6c60-4893-8bd8-8454537324e4',
    ...(stamp !== undefined ? { comciscotimestamp: stamp } : {}),
    datacontenttype: 'application/json',
    data: { agentId: AGENT_UUID, currentState: 'available', channelType: 'telephony' },
  });
  return toInboundRequest({
    url: 'http://localhost/webhooks/cisco/webex-cc',
    headers: {
      'content-type': 'application/json',
      ...(headerStamp ? { 'x-webexcc-timestamp': headerStamp } : {}),
    },
    body,
  });
}

const outcomeOf = (request: InboundRequest, rt = runtime()) => handleRequest(rt, request, 'webex-cc');

describe('Webex CC signature', () => {
  it('accepts a body signed with the subscription secret and a fresh timestamp', async () => {
    const outcome = await outcomeOf(sign(event(NOW - 4_000)));
    expect(outcome.kind).toBe('accepted');
  });

  it('refuses a body changed after signing with 401', async () => {
    const signed = sign(event(NOW - 4_000));
    const tampered = {
      ...signed,
      rawBody: Buffer.from(signed.rawBody.toString().replace('available', 'idle')),
    };
    const outcome = await outcomeOf(tampered);
    expect([outcome.kind, outcome.answer.status]).toEqual(['rejected', 401]);
  });

  it('refuses a signature made with another secret with 401', async () => {
    const outcome = await outcomeOf(sign(event(NOW - 4_000), 'some-other-secret-value'));
    expect(outcome.answer.status).toBe(401);
  });

  it('refuses a request without X-WebexCC-Signature with 401, naming the header', async () => {
    const outcome = await outcomeOf(event(NOW - 4_000));
    expect(outcome.answer.status).toBe(401);
    expect(outcome.answer.body).toContain('X-WebexCC-Signature');
  });

  it('refuses a stale timestamp (over 5 minutes old) with 401 even when signed', async () => {
    const outcome = await outcomeOf(sign(event(NOW - 300_001)));
    expect(outcome.answer.status).toBe(401);
    expect(outcome.answer.body).toContain('replayed');
  });

  it('accepts a timestamp exactly 5 minutes old', async () => {
    expect((await outcomeOf(sign(event(NOW - 300_000)))).kind).toBe('accepted');
  });

  it('refuses a timestamp from the future beyond the window', async () => {
    expect((await outcomeOf(sign(event(NOW + 301_000)))).answer.status).toBe(401);
  });

  it('refuses a timestamp header that differs from the body comciscotimestamp', async () => {
    const outcome = await outcomeOf(sign(event(NOW - 4_000, String(NOW - 3_000))));
    expect(outcome.answer.status).toBe(401);
    expect(outcome.answer.body).toContain('does not equal the body comciscotimestamp');
  });

  it('accepts a V2 event whose body has no comciscotimestamp on a fresh X-WebExCC-Timestamp alone', async () => {
    const outcome = await outcomeOf(sign(event(undefined, String(NOW - 4_000))));
    expect(outcome.kind, 'reason' in outcome ? outcome.reason : '').toBe('accepted');
  });

  it('refuses a V2 event whose body has no comciscotimestamp when X-WebExCC-Timestamp is stale', async () => {
    const outcome = await outcomeOf(sign(event(undefined, String(NOW - 300_001))));
    expect(outcome.answer.status).toBe(401);
    expect(outcome.answer.body).toContain('X-WebexCC-Timestamp is more than 300 s from now');
  });

  it('refuses an X-WebExCC-Timestamp that is not a number, whatever the body says', async () => {
    const outcome = await outcomeOf(sign(event(undefined, 'yesterday')));
    expect(outcome.answer.status).toBe(401);
    expect(outcome.answer.body).toContain('not a time');
  });

  it('accepts a comciscotimestamp sent as a string', async () => {
    expect((await outcomeOf(sign(event(String(NOW - 4_000))))).kind).toBe('accepted');
  });

  it('accepts a V1 delivery (no timestamp header) whatever its age, on the signature alone', async () => {
    expect((await outcomeOf(sign(event(undefined)))).kind).toBe('accepted');
  });

  it('refuses a stale signed comciscotimestamp with 401 when the timestamp header was stripped', async () => {
    const outcome = await outcomeOf(sign(event(NOW - 300_001, '')));
    expect(outcome.answer.status).toBe(401);
    expect(outcome.answer.body).toContain('comciscotimestamp is more than 300 s from now');
  });

  it('accepts a fresh signed comciscotimestamp without the timestamp header', async () => {
    expect((await outcomeOf(sign(event(NOW - 4_000, '')))).kind).toBe('accepted');
  });

  it('reads the clock from services, so the window moves with it', async () => {
    const request = sign(event(NOW - 4_000));
    expect((await outcomeOf(request, runtime(NOW + 600_000))).answer.status).toBe(401);
  });

  it('honours webexCcToleranceMs', async () => {
    const rt = runtime(NOW, { ...settings.options, webexCcToleranceMs: 10_000 });
    expect((await outcomeOf(sign(event(NOW - 20_000)), rt)).answer.status).toBe(401);
  });

  it('refuses everything when no webexCcSecret is configured', async () => {
    const rt = runtime(NOW, { finesseToken: 'test-finesse-token-0123456789' });
    const outcome = await outcomeOf(sign(event(NOW - 4_000)), rt);
    expect(outcome.answer.status).toBe(401);
    expect(outcome.answer.body).toContain('no webexCcSecret is configured');
  });

  it('never puts the secret in the answer', async () => {
    const outcome = await outcomeOf(sign(event(NOW - 4_000), 'wrong-secret-value'));
    expect(outcome.answer.body).not.toContain(WEBEX_SECRET);
  });
});
