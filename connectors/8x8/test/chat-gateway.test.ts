import { createRuntime } from '@openconnect/core';
import { exportJWK, exportSPKI, FlattenedSign, generateKeyPair, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import {
  chatRequest,
  es256,
  es256Jwk,
  RELAY_SECRET,
  reason,
  run,
  settings,
  sign,
} from './webhook-helpers.js';

describe('chat-gateway: detached JWS in x-8x8-signature', () => {
  it('accepts a body signed with the configured key and dedupes on x-8x8-event-id', async () => {
    const outcome = await run(await sign(chatRequest()), undefined, 'chat-gateway');
    expect(outcome.kind).toBe('accepted');
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.dedupeKey).toBe('8x8/chat-gateway/evt-1');
  });

  it('refuses a body changed after signing with 401', async () => {
    const signed = await sign(chatRequest());
    const tampered = {
      ...signed,
      rawBody: Buffer.from(signed.rawBody.toString().replace('CONV-1', 'CONV-2')),
    };
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
    expect(reason(await run(attached, undefined, 'chat-gateway'))).toBe(
      'x-8x8-signature is not a detached JWS (<header>..<signature>)',
    );
  });

  it('refuses an algorithm outside the configured allow-list', async () => {
    const outcome = await run(
      await sign(chatRequest()),
      { ...settings.options, algorithms: ['RS256'] },
      'chat-gateway',
    );
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
    const signed = {
      ...request,
      headers: { ...request.headers, 'x-8x8-signature': `${jws.protected}..${jws.signature}` },
    };
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
    const unknownKid = await sign(chatRequest(), es256, {
      alg: 'ES256',
      kid: 'next',
      b64: false,
      crit: ['b64'],
    });
    expect(reason(await run(unknownKid, options, 'chat-gateway'))).toBe(
      "no configured key matches the JWS kid next; add 8x8's current key to publicKey",
    );
  });

  it('refuses every signed request when no public key is configured', async () => {
    const outcome = await run(await sign(chatRequest()), { relaySecret: RELAY_SECRET }, 'chat-gateway');
    expect(outcome.answer.status).toBe(401);
    expect(reason(outcome)).toBe(
      'no 8x8 public key is configured (publicKey), so every signed request is refused',
    );
  });

  it('refuses a private key in the config, naming the mistake', async () => {
    const privateJwk: JWK = await exportJWK(es256.privateKey);
    expect(() => createRuntime(connector, { options: { publicKey: privateJwk } })).toThrow(
      /private key; configure the public key only/,
    );
  });
});
