import { join } from 'node:path';
import { createRuntime, handleRequest, type InboundRequest, type RecordedRequest, toInboundRequest } from '@openconnect/core';
import { runConformance } from '@openconnect/core/testing';
import { exportJWK, exportSPKI, FlattenedSign, type GenerateKeyPairResult, generateKeyPair, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';

const RELAY_SECRET = 'relay-test-secret-0123456789';
const AGENT = 'agb7CaTIXvQPWmPKmTu1rJjw';
const es256 = await generateKeyPair('ES256', { extractable: true });
const es256Jwk = { ...(await exportJWK(es256.publicKey)), kid: 'test-key-1' };
const settings = { options: { relaySecret: RELAY_SECRET, publicKey: es256Jwk }, directory: { [AGENT]: 'jdoe' } };

/** Signs like 8x8: detached, unencoded payload (RFC 7797), the header in x-8x8-signature as `header..signature`. */
async function sign(
  request: InboundRequest,
  keys: GenerateKeyPairResult = es256,
  header: Record<string, unknown> = { alg: 'ES256', kid: 'test-key-1', b64: false, crit: ['b64'] },
): Promise<InboundRequest> {
  const jws = await new FlattenedSign(new Uint8Array(request.rawBody)).setProtectedHeader(header as { alg: string }).sign(keys.privateKey);
  return { ...request, headers: { ...request.headers, 'x-8x8-signature': `${jws.protected}..${jws.signature}` } };
}

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings,
  prepare: (request) => (request.headers['x-relay-token'] ? request : sign(request)),
});

const assigned = {
  eventType: 'CONVERSATION_UPDATE',
  conversationId: 'CONV-1',
  timestamp: 1764065702412,
  data: { state: 'active', assignment: { type: 'agent', id: AGENT } },
};
const chatRequest = (body: unknown = assigned, headers: Record<string, string> = {}): InboundRequest =>
  toInboundRequest({ method: 'POST', headers: { 'content-type': 'application/json', 'x-8x8-event-id': 'evt-1', ...headers }, body });

async function run(request: InboundRequest, options: Record<string, unknown> = settings.options, source?: string) {
  return handleRequest(createRuntime(connector, { ...settings, options }), request, source);
}
const reason = (outcome: Awaited<ReturnType<typeof run>>) => ('reason' in outcome ? outcome.reason : undefined);

describe('chat-gateway: detached JWS in x-8x8-signature', () => {
  it('accepts a body signed with the configured key and dedupes on x-8x8-event-id', async () => {
    const outcome = await run(await sign(chatRequest()), undefined, 'chat-gateway');
    expect(outcome.kind).toBe('accepted');
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.dedupeKey).toBe('8x8/chat-gateway/evt-1');
  });

  it('refuses a body changed after signing with 401', async () => {
    const signed = await sign(chatRequest());
    const tampered = { ...signed, rawBody: Buffer.from(signed.rawBody.toString().replace('CONV-1', 'CONV-2')) };
    const outcome = await run(tampered, undefined, 'chat-gateway');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe('the signature does not match the body');
  });

  it('refuses a signature made with another key with 401', async () => {
    const other = await generateKeyPair('ES256');
    const outcome = await run(await sign(chatRequest(), other), undefined, 'chat-gateway');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe('the signature does not match the body');
  });

  it('refuses a request without x-8x8-signature with 401', async () => {
    const outcome = await run(chatRequest(), undefined, 'chat-gateway');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe('the x-8x8-signature header is missing');
  });

  it('refuses a compact JWS that carries the payload instead of detaching it', async () => {
    const signed = await sign(chatRequest());
    const [head, , sig] = signed.headers['x-8x8-signature']!.split('.');
    const attached = { ...signed, headers: { ...signed.headers, 'x-8x8-signature': `${head}.e30.${sig}` } };
    expect(reason(await run(attached, undefined, 'chat-gateway'))).toBe('x-8x8-signature is not a detached JWS (<header>..<signature>)');
  });

  it('refuses an algorithm outside the configured allow-list', async () => {
    const outcome = await run(await sign(chatRequest()), { ...settings.options, algorithms: ['RS256'] }, 'chat-gateway');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe('the JWS algorithm ES256 is not allowed (allowed: RS256)');
  });

  it('refuses b64:false that is not declared critical, as RFC 7797 requires', async () => {
    const signed = await sign(chatRequest(), es256, { alg: 'ES256', b64: false });
    expect(reason(await run(signed, undefined, 'chat-gateway'))).toBe(
      'the JWS header sets b64:false without listing "b64" in crit, as RFC 7797 requires',
    );
  });

  it('also accepts a detached JWS over the base64url-encoded body (b64 left at its default)', async () => {
    const request = chatRequest();
    const jws = await new FlattenedSign(new TextEncoder().encode(request.rawBody.toString()))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(es256.privateKey);
    const signed = { ...request, headers: { ...request.headers, 'x-8x8-signature': `${jws.protected}..${jws.signature}` } };
    expect((await run(signed, undefined, 'chat-gateway')).kind).toBe('accepted');
  });

  it('verifies RS256 with a PEM public key', async () => {
    const rs256 = await generateKeyPair('RS256', { extractable: true });
    const options = { ...settings.options, publicKey: await exportSPKI(rs256.publicKey) };
    const signed = await sign(chatRequest(), rs256, { alg: 'RS256', b64: false, crit: ['b64'] });
    expect((await run(signed, options, 'chat-gateway')).kind).toBe('accepted');
  });

  it('picks the key by kid from a configured JWK Set, and names an unknown kid', async () => {
    const other = await generateKeyPair('ES256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(other.publicKey)), kid: 'old' }, es256Jwk] };
    const options = { ...settings.options, publicKey: JSON.stringify(jwks) };
    expect((await run(await sign(chatRequest()), options, 'chat-gateway')).kind).toBe('accepted');
    const unknownKid = await sign(chatRequest(), es256, { alg: 'ES256', kid: 'next', b64: false, crit: ['b64'] });
    expect(reason(await run(unknownKid, options, 'chat-gateway'))).toBe(
      "no configured key matches the JWS kid next; add 8x8's current key to publicKey",
    );
  });

  it('refuses every signed request when no public key is configured', async () => {
    const outcome = await run(await sign(chatRequest()), { relaySecret: RELAY_SECRET }, 'chat-gateway');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe('no 8x8 public key is configured (publicKey), so every signed request is refused');
  });

  it('refuses a private key in the config, naming the mistake', async () => {
    const privateJwk: JWK = await exportJWK(es256.privateKey);
    expect(() => createRuntime(connector, { options: { publicKey: privateJwk } })).toThrow(/private key; configure the public key only/);
  });
});

describe('event-streaming: relay secret in x-relay-token', () => {
  const frame: RecordedRequest = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: { AgentStatusChange: { agentId: AGENT, newState: 2, msgInfo: { instanceId: 'vcc', sequenceId: 1 } } },
  };
  const withSecret = (secret?: string) =>
    toInboundRequest({ ...frame, headers: { ...frame.headers, ...(secret ? { 'x-relay-token': secret } : {}) } });

  it('accepts the configured secret', async () => {
    expect((await run(withSecret(RELAY_SECRET), undefined, 'event-streaming')).kind).toBe('accepted');
  });

  it('refuses a wrong secret with 401', async () => {
    const outcome = await run(withSecret(`${RELAY_SECRET}-wrong`), undefined, 'event-streaming');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe('the credential does not match');
  });

  it('refuses a request without the header with 401', async () => {
    const outcome = await run(withSecret(), undefined, 'event-streaming');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe('the credential (header x-relay-token) is missing');
  });

  it('refuses a payload with several top-level keys with 400', async () => {
    const request = toInboundRequest({
      ...frame,
      headers: { ...frame.headers, 'x-relay-token': RELAY_SECRET },
      body: { AgentStatusChange: {}, InteractionAccepted: {} },
    });
    const outcome = await run(request, undefined, 'event-streaming');
    expect(outcome.answer.status).toBe(400);
    expect(reason(outcome)).toBe('the event payload must have one top-level key naming the event type; it has 2');
  });
});

describe('source detection', () => {
  it('sends a signed Chat Gateway body to chat-gateway and a relayed payload to event-streaming', async () => {
    const chat = await run(await sign(chatRequest()));
    const stream = await run(
      toInboundRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-relay-token': RELAY_SECRET },
        body: { AgentStatusChange: { agentId: AGENT, newState: 2 } },
      }),
    );
    expect(['source' in chat && chat.source, 'source' in stream && stream.source]).toEqual(['chat-gateway', 'event-streaming']);
  });
});

describe('event-streaming attachedData', () => {
  const accepted = (attachedData: unknown) =>
    toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-relay-token': RELAY_SECRET },
      body: { InteractionAccepted: { interactionGUID: 'int-1', agentId: AGENT, attachedData } },
    });

  it("reads 8x8's attachedDataKey/attachedDataValue list exactly as the attribute/value list", async () => {
    const props = async (attachedData: unknown) => {
      const outcome = await run(accepted(attachedData));
      return outcome.kind === 'accepted' ? outcome.messages[0]!.props : outcome.kind;
    };
    const documented = await props({
      attachedDatum: [
        { attachedDataKey: 'phoneNum', attachedDataValue: 447700900123 },
        { attachedDataKey: 'tenantSkillName', attachedDataValue: 'Sales Queue' },
      ],
    });
    expect(documented).toMatchObject({ ani: '447700900123', queue: 'Sales Queue', 'attachedData.phoneNum': 447700900123 });
    expect(
      await props({ attachedDatum: [{ attribute: 'phoneNum', value: 447700900123 }, { attribute: 'tenantSkillName', value: 'Sales Queue' }] }),
    ).toEqual(documented);
  });

  it('reads a wrapped attribute/value list and skips entries that are not objects', async () => {
    const outcome = await run(accepted({ attachedDatum: [null, 'x', { attribute: 'phoneNum', value: '15551230001' }] }));
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props).toMatchObject({
      ani: '15551230001',
      'attachedData.phoneNum': '15551230001',
    });
  });
});
