import { describe, expect, it } from 'vitest';
import { hmacAuth, tokenAuth } from '../src/auth.js';
import { addVendorProps } from '../src/props.js';
import { detectJson, type InboundRequest } from '../src/request.js';
import { hmacDigest } from '../src/verify.js';

interface Config {
  token?: string;
  shared?: string;
  tokenHeader: string;
  tokenParam: string;
}

const request = (extra: Partial<InboundRequest> = {}): InboundRequest => ({
  method: 'POST',
  url: 'https://runner.example.com/webhooks/acme',
  headers: { 'content-type': 'application/json' },
  query: {},
  rawBody: Buffer.from('{"call":"c-1"}'),
  ...extra,
});
const config: Config = { token: 'token-0123456789abcdef', tokenHeader: 'x-acme-token', tokenParam: 'key' };
const verify = (auth: ReturnType<typeof tokenAuth<Config>>, req: InboundRequest, c: Config = config) =>
  auth.verify(req, { config: c, services: undefined });

describe('tokenAuth: one declaration gives the description, the credentials, the verifier and the signer', () => {
  const auth = tokenAuth<Config>({
    scheme: 'api-key',
    secret: 'token',
    in: [
      { header: { option: 'tokenHeader', default: 'x-openconnect-token' } },
      { query: { option: 'tokenParam', default: 'token' } },
    ],
    setBy: 'set on the vendor console',
  });

  it('describes itself from the declaration', () => {
    expect(auth.auth).toMatchObject({
      scheme: 'api-key',
      summary:
        'header x-openconnect-token (renamed by option tokenHeader) or parameter token (renamed by option tokenParam) = option token, set on the vendor console',
      credentials: [
        { in: 'header', name: 'x-openconnect-token' },
        { in: 'query', name: 'token' },
      ],
    });
    expect(auth.auth.credentialsFor?.(config)).toEqual([
      { in: 'header', name: 'x-acme-token' },
      { in: 'query', name: 'key' },
    ]);
  });

  it("verifies what it signs, in the deployment's renamed header", async () => {
    const signed = auth.sign!(request(), config);
    expect(signed.headers['x-acme-token']).toBe(config.token);
    expect(await verify(auth, signed)).toEqual({ ok: true });
  });

  it('takes the token from the second place when the first is empty', async () => {
    const url = 'https://runner.example.com/webhooks/acme?key=token-0123456789abcdef';
    expect(await verify(auth, request({ url, query: { key: config.token! } }))).toEqual({ ok: true });
  });

  it('refuses a wrong, a missing, and an unconfigured token, naming where it must travel', async () => {
    expect(await verify(auth, request({ headers: { 'x-acme-token': 'token-0123456789abcdeX' } }))).toEqual({
      ok: false,
      reason: 'the credential does not match',
    });
    expect(await verify(auth, request())).toEqual({
      ok: false,
      reason: 'the credential is missing: send header x-acme-token or parameter key',
    });
    expect(await verify(auth, auth.sign!(request(), config), { ...config, token: undefined })).toEqual({
      ok: false,
      reason: 'no secret is configured (option token), so every request is refused',
    });
  });

  it('reads Authorization as "Bearer <token>", from the first secret option set', async () => {
    const bearer = tokenAuth<Config>({ secret: ['shared', 'token'], in: [{ bearer: true }] });
    expect(bearer.auth.scheme).toBe('bearer-token');
    expect(bearer.auth.summary).toBe('header Authorization: Bearer <token> = option shared (else token)');
    const signed = bearer.sign!(request(), config);
    expect(signed.headers.authorization).toBe(`Bearer ${config.token}`);
    expect(await verify(bearer, signed)).toEqual({ ok: true });
    expect(
      await verify(bearer, request({ headers: { authorization: `Basic ${config.token}` } })),
    ).toMatchObject({ ok: false });
    expect(await verify(bearer, signed, { ...config, shared: 'another-secret-0123' })).toEqual({
      ok: false,
      reason: 'the credential does not match',
    });
  });

  it('reads a form field of a form body only', async () => {
    const form = tokenAuth<Config>({ secret: 'token', in: [{ form: 'token' }] });
    const body = request({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: Buffer.from('a=1'),
    });
    const signed = form.sign!(body, config);
    expect(signed.rawBody.toString()).toBe(`a=1&token=${config.token}`);
    expect(await verify(form, signed)).toEqual({ ok: true });
    expect(await verify(form, { ...signed, headers: { 'content-type': 'application/json' } })).toMatchObject({
      ok: false,
    });
  });
});

describe('hmacAuth', () => {
  const auth = hmacAuth<Config>({ secret: 'token', header: 'x-acme-signature', prefix: 'sha256=' });

  it('signs the raw body as it verifies it, and a changed body fails', async () => {
    const signed = auth.sign!(request(), config);
    expect(signed.headers['x-acme-signature']).toBe(`sha256=${hmacDigest(config.token!, '{"call":"c-1"}')}`);
    expect(await auth.verify(signed, { config, services: undefined })).toEqual({ ok: true });
    const changed = { ...signed, rawBody: Buffer.from('{"call":"c-2"}') };
    expect(await auth.verify(changed, { config, services: undefined })).toEqual({
      ok: false,
      reason: 'the signature does not match the body',
    });
    expect(auth.auth).toMatchObject({
      scheme: 'hmac-signature',
      signsBody: true,
      credentials: [{ in: 'header', name: 'x-acme-signature' }],
    });
  });
});

describe('addVendorProps: one rule for vendor fields', () => {
  it('keeps a vendor name unless it clashes with a reserved field, a canonical prop or a prop already set', () => {
    const props = addVendorProps(
      { interactionId: 'c-1', queue: 'Sales' },
      [
        ['AccountNumber', 'A-1'],
        ['Event', 'x'],
        ['JWT', 'y'],
        ['nativeEvent', 'z'],
        ['queue', 'Billing'],
        ['queue', 'Escalations'],
        ['', 'empty'],
        ['skipped', undefined],
      ],
      'acme',
    );
    expect(props).toEqual({
      interactionId: 'c-1',
      queue: 'Sales',
      AccountNumber: 'A-1',
      'acme.Event': 'x',
      'acme.JWT': 'y',
      'acme.nativeEvent': 'z',
      'acme.queue': 'Billing',
    });
  });
});

describe('detectJson', () => {
  it('claims JSON bodies its test recognises, and never throws', () => {
    const detect = detectJson((body) => (body as { kind: string }).kind === 'call');
    expect(detect(request({ rawBody: Buffer.from('{"kind":"call"}') }))).toBe(true);
    expect(detect(request({ rawBody: Buffer.from('{"kind":"chat"}') }))).toBe(false);
    expect(detect(request({ rawBody: Buffer.from('<xml/>') }))).toBe(false);
    expect(detect(request({ rawBody: Buffer.from('null') }))).toBe(false);
  });
});

describe('createTokenKeeper', () => {
  it('fetches once for concurrent callers, again near expiry, and after invalidate', async () => {
    const { createTokenKeeper } = await import('../src/token.js');
    let clock = 0;
    let fetches = 0;
    const keeper = createTokenKeeper(
      async () => {
        fetches += 1;
        await new Promise((r) => setTimeout(r, 5));
        return { token: `t${fetches}`, expiresAt: clock + 10_000 };
      },
      { now: () => clock, marginMs: 1_000 },
    );
    expect(await Promise.all([keeper.token(), keeper.token(), keeper.token()])).toEqual(['t1', 't1', 't1']);
    clock = 8_000;
    expect(await keeper.token()).toBe('t1');
    clock = 9_500; // within the margin of its expiry
    expect(await keeper.token()).toBe('t2');
    keeper.invalidate();
    expect(await keeper.token()).toBe('t3');
    expect(await keeper.refresh()).toBe(clock + 10_000);
    expect(fetches).toBe(4);
  });

  it('lets a failed fetch be tried again', async () => {
    const { createTokenKeeper } = await import('../src/token.js');
    let fail = true;
    const keeper = createTokenKeeper(async () => {
      if (fail) throw new Error('login host down');
      return { token: 'ok', expiresAt: Date.now() + 60_000 * 5 };
    });
    await expect(keeper.token()).rejects.toThrow('login host down');
    fail = false;
    expect(await keeper.token()).toBe('ok');
  });
});

describe('tokenAuth refusals and spelling', () => {
  it('words refusals as the connector asks, and keeps a header name as configured', async () => {
    const auth = tokenAuth<Config>({
      secret: 'token',
      in: [{ header: { option: 'tokenHeader', default: 'X-OpenConnect-Token' } }],
      refusals: {
        missing: (c) => `add the header ${c.tokenHeader} to the custom integration`,
        mismatch: 'the token does not match',
      },
    });
    const mixed = { ...config, tokenHeader: 'X-Acme-Token' };
    expect(auth.auth.credentials).toEqual([{ in: 'header', name: 'X-OpenConnect-Token' }]);
    expect(auth.auth.credentialsFor?.(mixed)).toEqual([{ in: 'header', name: 'X-Acme-Token' }]);
    const signed = auth.sign!(request(), mixed);
    expect(signed.headers['x-acme-token']).toBe(config.token);
    expect(await verify(auth, signed, mixed)).toEqual({ ok: true });
    expect(await verify(auth, request(), mixed)).toEqual({
      ok: false,
      reason: 'add the header X-Acme-Token to the custom integration',
    });
    expect(
      await verify(auth, request({ headers: { 'x-acme-token': 'nope-nope-nope-nope' } }), mixed),
    ).toEqual({ ok: false, reason: 'the token does not match' });
  });
});

describe('a token header renamed to Authorization', () => {
  it('takes "Bearer <token>" or the token alone (a sender that puts it verbatim), and nothing else', async () => {
    const auth = tokenAuth<Config>({
      secret: 'token',
      in: [{ header: { option: 'tokenHeader', default: 'x-openconnect-token' } }],
    });
    const renamed = { ...config, tokenHeader: 'Authorization' };
    expect(
      await verify(auth, request({ headers: { authorization: `Bearer ${config.token}` } }), renamed),
    ).toEqual({ ok: true });
    expect(await verify(auth, request({ headers: { authorization: config.token! } }), renamed)).toEqual({
      ok: true,
    });
    expect(
      await verify(auth, request({ headers: { authorization: `Basic ${config.token}` } }), renamed),
    ).toMatchObject({ ok: false });
  });
});

describe('tokenAuth and hmacAuth, carrier by carrier (issue 17)', () => {
  interface Two {
    own?: string;
    shared?: string;
    hmacKey?: string;
  }
  const two = (c: Two) => ({ config: c, services: undefined });
  const bearerOrForm = tokenAuth<Two>({
    secret: ['own', 'shared'],
    in: [{ bearer: true }, { form: 'token' }],
  });
  const form = (body: string): InboundRequest =>
    request({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: Buffer.from(body) });

  it('describes a bearer token, a form field and a secret with a fallback option', () => {
    expect(bearerOrForm.auth).toEqual({
      scheme: 'bearer-token',
      summary: 'header Authorization: Bearer <token> or form field token = option own (else shared)',
      credentials: [
        { in: 'header', name: 'authorization' },
        { in: 'form', name: 'token' },
      ],
      credentialsFor: expect.any(Function),
    });
    expect(tokenAuth<Two>({ secret: 'own', in: [{ query: 'key' }] }).auth).toMatchObject({
      scheme: 'shared-secret',
      summary: 'parameter key = option own',
    });
  });

  it('takes the first secret option that is set and not empty', async () => {
    const signed = bearerOrForm.sign!(request(), { own: '', shared: 'shared-secret-42' });
    expect(signed.headers.authorization).toBe('Bearer shared-secret-42');
    expect(await bearerOrForm.verify(signed, two({ own: '', shared: 'shared-secret-42' }))).toEqual({
      ok: true,
    });
  });

  it('reads "Bearer <token>" in any case and spacing, and nothing with more words or another scheme', async () => {
    const c = two({ own: 'own-secret-42' });
    expect(
      await bearerOrForm.verify(request({ headers: { authorization: '  bearer   own-secret-42 ' } }), c),
    ).toEqual({ ok: true });
    for (const value of ['Bearer own-secret-42 extra', 'Basic own-secret-42', 'own-secret-42']) {
      expect(await bearerOrForm.verify(request({ headers: { authorization: value } }), c)).toEqual({
        ok: false,
        reason: 'the credential is missing: send header Authorization: Bearer <token> or form field token',
      });
    }
  });

  it('signs into a form body or a query string as it reads them', async () => {
    const c = { own: 'own-secret-42' };
    const formOnly = tokenAuth<Two>({ secret: 'own', in: [{ form: 'token' }] });
    const signedForm = formOnly.sign!(form('call=c-1'), c);
    expect(signedForm.rawBody.toString()).toBe('call=c-1&token=own-secret-42');
    expect(await formOnly.verify(signedForm, two(c))).toEqual({ ok: true });
    const queryOnly = tokenAuth<Two>({ secret: 'own', in: [{ query: 'key' }] });
    const signedQuery = queryOnly.sign!(request(), c);
    expect(signedQuery.url).toBe('https://runner.example.com/webhooks/acme?key=own-secret-42');
    expect(signedQuery.query).toEqual({ key: 'own-secret-42' });
    expect(await queryOnly.verify(signedQuery, two(c))).toEqual({ ok: true });
    expect(await queryOnly.verify(request({ query: { key: ' own-secret-42 ' } }), two(c))).toEqual({
      ok: true,
    });
  });

  it('signs nothing without a secret', () => {
    const req = request();
    expect(bearerOrForm.sign!(req, {})).toBe(req);
    const hmac = hmacAuth<Two>({ secret: 'hmacKey', header: 'x-signature' });
    expect(hmac.sign!(req, {})).toBe(req);
  });

  it('describes an HMAC and refuses every request while its secret is unset', async () => {
    const hmac = hmacAuth<Two>({
      secret: 'hmacKey',
      header: 'x-acme-signature',
      prefix: 'sha256=',
      digest: 'base64',
      algorithm: 'sha512',
      setBy: 'shown once in the console',
    });
    expect(hmac.auth).toMatchObject({
      scheme: 'hmac-signature',
      summary:
        'header x-acme-signature: sha256=base64 HMAC-SHA512 of the body with option hmacKey, shown once in the console',
      credentials: [{ in: 'header', name: 'x-acme-signature' }],
      signsBody: true,
    });
    expect(await hmac.verify(request(), two({}))).toEqual({
      ok: false,
      reason: 'no secret is configured (option hmacKey), so every request is refused',
    });
    const signed = hmac.sign!(request(), { hmacKey: 'hmac-key-42' });
    expect(signed.headers['x-acme-signature']).toBe(
      `sha256=${hmacDigest('hmac-key-42', request().rawBody, 'sha512', 'base64')}`,
    );
    expect(await hmac.verify(signed, two({ hmacKey: 'hmac-key-42' }))).toEqual({ ok: true });
  });
});
