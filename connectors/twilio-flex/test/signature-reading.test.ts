// How the X-Twilio-Signature, the request URL and the form are read before a signature is checked, and
// what the signers (for fixtures and tests) put on a request.
import { createHash } from 'node:crypto';
import { type InboundRequest, toInboundRequest } from '@openconnect/core';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import type { TwilioFlexConfig } from '../src/config.js';
import {
  formParams,
  signBody,
  signForm,
  verifyBodySignature,
  verifyFormSignature,
} from '../src/signature.js';
import { recorded } from './fixtures.js';
import { TEST_SHARED_KEY, TEST_TOKEN } from './sign.js';

const FORM = 'taskrouter/reservation-accepted.json';
const JSON_BATCH = 'event-streams/reservation-accepted.json';
const SETTINGS = 'x-twilio-webhooks-signature-settings';
const TOKEN_ONLY = { authToken: TEST_TOKEN, sharedKeySecrets: [] } as unknown as TwilioFlexConfig;
const WITH_SHARED_KEY = {
  authToken: TEST_TOKEN,
  sharedKeySecrets: [TEST_SHARED_KEY],
} as unknown as TwilioFlexConfig;
const UNREADABLE_URL = 'the request URL could not be read, so the X-Twilio-Signature cannot be checked';

const form = (headers: Record<string, string> = {}): InboundRequest => {
  const req = toInboundRequest(recorded(FORM));
  return { ...req, headers: { ...req.headers, ...headers } };
};
const batch = (headers: Record<string, string> = {}): InboundRequest => {
  const req = toInboundRequest(recorded(JSON_BATCH));
  return { ...req, headers: { ...req.headers, ...headers } };
};

describe('form parameters', () => {
  it('keeps every value of a key repeated three times, in order', () => {
    expect(formParams(Buffer.from('a=1&b=2&b=3&b=4'))).toEqual({ a: '1', b: ['2', '3', '4'] });
  });
});

describe('reading the signature', () => {
  it('takes a signature with spaces around it', () => {
    const signed = signForm(form(), TOKEN_ONLY);
    const spaced = {
      ...signed,
      headers: { ...signed.headers, 'x-twilio-signature': ` ${signed.headers['x-twilio-signature']} ` },
    };
    expect(verifyFormSignature(spaced, TOKEN_ONLY)).toEqual({ ok: true });
  });

  it('takes a header of spaces for no signature', () => {
    expect(verifyFormSignature(form({ 'x-twilio-signature': '  ' }), TOKEN_ONLY)).toEqual({
      ok: false,
      reason: 'the X-Twilio-Signature header is missing',
    });
  });

  it('names the SharedKey "(unnamed)" when the settings header gives no key and none is configured', () => {
    const req = form({ 'x-twilio-signature': 'c2lnbmF0dXJl', [SETTINGS]: 'algorithm=HMAC_SHA256' });
    expect(verifyFormSignature(req, TOKEN_ONLY)).toEqual({
      ok: false,
      reason: `the request was signed under a Twilio Webhooks Rule with the SharedKey (unnamed) (${SETTINGS}), not the Auth Token: add that key's secret to sharedKeySecrets`,
    });
  });

  it('refuses a settings header naming an unknown algorithm on Event Streams too', () => {
    const req = batch({ 'x-twilio-signature': 'c2lnbmF0dXJl', [SETTINGS]: 'key=KS01,algorithm=MD5' });
    expect(verifyBodySignature(req, WITH_SHARED_KEY)).toEqual({
      ok: false,
      reason: `the ${SETTINGS} header names the algorithm "MD5", not one of HMAC_SHA1, HMAC_SHA256`,
    });
  });
});

describe('a request URL that cannot be read', () => {
  it('refuses a TaskRouter callback signed with the Auth Token, saying why', () => {
    const req = { ...form({ 'x-twilio-signature': 'c2lnbmF0dXJl' }), url: 'not a url' };
    expect(verifyFormSignature(req, TOKEN_ONLY)).toEqual({ ok: false, reason: UNREADABLE_URL });
  });

  it('refuses a TaskRouter callback signed with a SharedKey, saying why', () => {
    const headers = { 'x-twilio-signature': 'c2lnbmF0dXJl', [SETTINGS]: 'key=KS01,algorithm=HMAC_SHA256' };
    const req = { ...form(headers), url: 'not a url' };
    expect(verifyFormSignature(req, WITH_SHARED_KEY)).toEqual({ ok: false, reason: UNREADABLE_URL });
  });

  it('refuses an Event Streams batch, saying why', () => {
    const req = { ...batch({ 'x-twilio-signature': 'c2lnbmF0dXJl' }), url: 'not a url' };
    expect(verifyBodySignature(req, TOKEN_ONLY)).toEqual({ ok: false, reason: UNREADABLE_URL });
  });
});

describe('the signers', () => {
  it('put the body hash in both the URL and the query of an Event Streams request', () => {
    const req = batch();
    const hash = createHash('sha256').update(req.rawBody).digest('hex');
    const signed = signBody(req, TOKEN_ONLY);
    expect([signed.url, signed.query]).toEqual([
      `https://oc.example.com/webhooks/twilio-flex?bodySHA256=${hash}`,
      { bodySHA256: hash },
    ]);
  });

  it('sign with the first SharedKey secret when the request carries the settings header', () => {
    const req = form({ [SETTINGS]: 'key=KS01,algorithm=HMAC_SHA256' });
    const signed = signForm(req, WITH_SHARED_KEY);
    expect([
      verifyFormSignature(signed, WITH_SHARED_KEY),
      verifyFormSignature(signed, TOKEN_ONLY).ok,
    ]).toEqual([{ ok: true }, false]);
  });

  it('leave a request unsigned when the settings header names no known algorithm', () => {
    const req = form({ [SETTINGS]: 'key=KS01,algorithm=MD5' });
    expect(Object.keys(signForm(req, WITH_SHARED_KEY).headers)).toEqual(['content-type', SETTINGS]);
  });

  it('leave a request unsigned when it names a SharedKey and none is configured', () => {
    const req = form({ [SETTINGS]: 'key=KS01,algorithm=HMAC_SHA256' });
    expect(Object.keys(signForm(req, TOKEN_ONLY).headers)).toEqual(['content-type', SETTINGS]);
  });
});

describe('HMAC-SHA1, checked by the twilio package', () => {
  it('accepts an Auth Token signature over the query written the legacy way (a + as %20), as the package does', () => {
    const req = { ...form(), url: 'https://oc.example.com/webhooks/twilio-flex/taskrouter?note=b+c' };
    const params = Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8')));
    const signature = twilio.getExpectedTwilioSignature(
      TEST_TOKEN,
      'https://oc.example.com/webhooks/twilio-flex/taskrouter?note=b%20c',
      params,
    );
    expect(
      verifyFormSignature(
        { ...req, headers: { ...req.headers, 'x-twilio-signature': signature } },
        TOKEN_ONLY,
      ),
    ).toEqual({
      ok: true,
    });
  });

  it('accepts the second SharedKey listed under HMAC-SHA1, as during a key rotation', () => {
    const config = {
      authToken: TEST_TOKEN,
      sharedKeySecrets: ['the-old-shared-key-secret-0001', TEST_SHARED_KEY],
    };
    const req = form({ [SETTINGS]: 'key=KS01,algorithm=HMAC_SHA1' });
    const params = Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8')));
    const signature = twilio.getExpectedTwilioSignature(TEST_SHARED_KEY, req.url, params);
    expect(
      verifyFormSignature(
        { ...req, headers: { ...req.headers, 'x-twilio-signature': signature } },
        config as TwilioFlexConfig,
      ),
    ).toEqual({ ok: true });
  });
});
