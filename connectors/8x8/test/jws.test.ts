// The Chat Gateway key and signature checks, one refusal each: what an admin configured wrong (a private
// key, text that is no key) and what a request got wrong, each named so the operator knows what to fix.
import { exportJWK, exportPKCS8, exportSPKI, FlattenedSign, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { JWS_ALGORITHMS, loadVerificationKey, verifyDetachedJws } from '../src/jws.js';
import { es256, es256Jwk } from './webhook-helpers.js';

const body = Buffer.from('{"eventType":"CONVERSATION_UPDATE","conversationId":"CONV-1"}');
const key = loadVerificationKey(es256Jwk);
const algorithms = [...JWS_ALGORITHMS];

async function detached(header: Record<string, unknown> = { alg: 'ES256', b64: false, crit: ['b64'] }) {
  const jws = await new FlattenedSign(new Uint8Array(body))
    .setProtectedHeader(header as { alg: string })
    .sign(es256.privateKey);
  return { protected: jws.protected, signature: jws.signature };
}
const check = (signature: string | undefined, options: { algorithms?: string[] } = {}) =>
  verifyDetachedJws({ signature, body, key, algorithms: options.algorithms ?? algorithms });
const reasonOf = (result: Awaited<ReturnType<typeof check>>) =>
  'reason' in result ? result.reason : 'verified';

describe('loadVerificationKey', () => {
  const notAKey = 'publicKey must be a PEM public key, a JWK or a JWK Set';

  it('reads a JWK given as JSON text, with spaces around it', () => {
    const loaded = loadVerificationKey(`  ${JSON.stringify(es256Jwk)}\n`);
    expect(typeof loaded).toBe('object');
  });

  it('reads a PEM public key with a leading newline', async () => {
    expect(typeof loadVerificationKey(`\n${await exportSPKI(es256.publicKey)}`)).toBe('object');
  });

  it('refuses a PEM private key, naming the mistake', async () => {
    const pem = await exportPKCS8(es256.privateKey);
    expect(() => loadVerificationKey(pem)).toThrow('this is a private key; configure the public key only');
  });

  it('refuses text that is neither PEM nor JSON, and JSON that is no object', () => {
    expect(() => loadVerificationKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI')).toThrow(notAKey);
    expect(() => loadVerificationKey('[]')).toThrow(notAKey);
    expect(() => loadVerificationKey('null')).toThrow(notAKey);
    expect(() => loadVerificationKey('"key"')).toThrow(notAKey);
  });

  it('refuses a JWK Set that holds a private key, even next to public ones', async () => {
    const privateJwk = await exportJWK(es256.privateKey);
    expect(() => loadVerificationKey({ keys: [es256Jwk, privateJwk] })).toThrow(
      'the JWK holds a private key; configure the public key only',
    );
    // Entries that are no object are left to jose, which calls the set malformed.
    expect(() => loadVerificationKey({ keys: [null, es256Jwk] })).toThrow('JSON Web Key Set malformed');
    expect(() => loadVerificationKey({ keys: ['d', es256Jwk] })).toThrow('JSON Web Key Set malformed');
  });

  it('takes a JWK Set as a key set (chosen by kid), a single JWK as one key', () => {
    expect(typeof loadVerificationKey({ keys: [es256Jwk] })).toBe('function');
    expect(typeof loadVerificationKey(es256Jwk)).toBe('object');
  });
});

describe('verifyDetachedJws', () => {
  it('verifies a detached unencoded JWS over the raw body, with spaces around the header value', async () => {
    const jws = await detached();
    expect(reasonOf(await check(` ${jws.protected}..${jws.signature} `))).toBe('verified');
  });

  it('refuses a JWS that is not header..signature', async () => {
    const jws = await detached();
    const notDetached = 'x-8x8-signature is not a detached JWS (<header>..<signature>)';
    expect(reasonOf(await check(`${jws.protected}..`))).toBe(notDetached);
    expect(reasonOf(await check(`..${jws.signature}`))).toBe(notDetached);
    expect(reasonOf(await check(`${jws.protected}.${jws.signature}`))).toBe(notDetached);
    expect(reasonOf(await check(`${jws.protected}...${jws.signature}`))).toBe(notDetached);
    expect(reasonOf(await check(`${jws.protected}..${jws.signature}.${jws.signature}`))).toBe(notDetached);
  });

  it('refuses a protected header that does not decode', async () => {
    const jws = await detached();
    expect(reasonOf(await check(`bm90LWpzb24..${jws.signature}`))).toBe(
      'the JWS protected header in x-8x8-signature is not readable',
    );
  });

  it('accepts b64:false when crit lists b64 among others', async () => {
    const jws = await detached({ alg: 'ES256', b64: false, crit: ['b64'] });
    expect(reasonOf(await check(`${jws.protected}..${jws.signature}`))).toBe('verified');
  });

  it('refuses b64:false with a crit that is not a list', async () => {
    const protectedHeader = Buffer.from(JSON.stringify({ alg: 'ES256', b64: false, crit: 'b64' })).toString(
      'base64url',
    );
    const jws = await detached();
    expect(reasonOf(await check(`${protectedHeader}..${jws.signature}`))).toBe(
      'the JWS header sets b64:false without listing "b64" in crit, as RFC 7797 requires',
    );
  });

  it('names the algorithm and the allowed ones when the algorithm is not allowed', async () => {
    const jws = await detached();
    expect(
      reasonOf(await check(`${jws.protected}..${jws.signature}`, { algorithms: ['RS256', 'PS256'] })),
    ).toBe('the JWS algorithm ES256 is not allowed (allowed: RS256, PS256)');
  });

  it('keeps to the allowed algorithms with a JWK Set too', async () => {
    const jws = await detached({ alg: 'ES256', kid: 'test-key-1', b64: false, crit: ['b64'] });
    const set = loadVerificationKey({ keys: [es256Jwk] });
    const result = await verifyDetachedJws({
      signature: `${jws.protected}..${jws.signature}`,
      body,
      key: set,
      algorithms: ['RS256'],
    });
    expect(reasonOf(result)).toBe('the JWS algorithm ES256 is not allowed (allowed: RS256)');
  });

  it("passes on jose's reason for any other failure (a key of another type)", async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const rsaKey = loadVerificationKey(await exportJWK(rsa.publicKey));
    const jws = await detached();
    const result = await verifyDetachedJws({
      signature: `${jws.protected}..${jws.signature}`,
      body,
      key: rsaKey,
      algorithms,
    });
    expect(reasonOf(result)).toMatch(/^the signature could not be verified: .+/);
  });
});
