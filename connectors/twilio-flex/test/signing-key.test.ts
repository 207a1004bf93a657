// The Webhooks Rules' signing settings header as Twilio writes it, and the SHA-256 signature computed here
// the way the twilio package builds its string (the URL forms its validateRequest accepts, the sorted params).
import type { InboundRequest } from '@openconnect/core';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { expectedSignature, matchesAny, signingSettings } from '../src/signing-key.js';

const SECRET = 'shared-key-secret-for-tests-7f3a9c';

const withSettings = (value?: string): InboundRequest => ({
  method: 'POST',
  url: 'https://oc.example.com/webhooks/twilio-flex/taskrouter',
  headers: value === undefined ? {} : { 'x-twilio-webhooks-signature-settings': value },
  query: {},
  rawBody: Buffer.alloc(0),
});

describe('the signature settings header', () => {
  it('means the Auth Token and HMAC-SHA1 when absent', () => {
    expect(signingSettings(withSettings())).toEqual({ by: 'authToken' });
  });

  it('means the Auth Token when it holds only spaces', () => {
    expect(signingSettings(withSettings('   '))).toEqual({ by: 'authToken' });
  });

  it('reads key and algorithm in either order', () => {
    expect(signingSettings(withSettings('algorithm=HMAC_SHA256,key=KS01'))).toEqual({
      by: 'sharedKey',
      key: 'KS01',
      algorithm: 'sha256',
    });
  });

  it('reads names in any case, spaces around the parts, and the algorithm written with a hyphen', () => {
    expect(signingSettings(withSettings(' Key = KS01 , ALGORITHM = hmac-sha1 '))).toEqual({
      by: 'sharedKey',
      key: 'KS01',
      algorithm: 'sha1',
    });
  });

  it('leaves the key unnamed when the header gives none or an empty one', () => {
    expect([
      signingSettings(withSettings('algorithm=HMAC_SHA256')),
      signingSettings(withSettings('key=,algorithm=HMAC_SHA256')),
    ]).toEqual([
      { by: 'sharedKey', key: undefined, algorithm: 'sha256' },
      { by: 'sharedKey', key: undefined, algorithm: 'sha256' },
    ]);
  });

  it('ignores a part without =', () => {
    expect(signingSettings(withSettings('key=KS01,algorithm=HMAC_SHA256,algorithms'))).toEqual({
      by: 'sharedKey',
      key: 'KS01',
      algorithm: 'sha256',
    });
  });

  it('names an empty algorithm when the header gives none', () => {
    expect(signingSettings(withSettings('key=KS01'))).toEqual({
      by: 'unknown',
      reason:
        'the x-twilio-webhooks-signature-settings header names the algorithm "", not one of HMAC_SHA1, HMAC_SHA256',
    });
  });

  it('quotes at most 40 characters of an unknown algorithm', () => {
    const named = `HMAC_${'X'.repeat(60)}`;
    expect(signingSettings(withSettings(`key=KS01,algorithm=${named}`))).toEqual({
      by: 'unknown',
      reason: `the x-twilio-webhooks-signature-settings header names the algorithm "${named.slice(0, 40)}", not one of HMAC_SHA1, HMAC_SHA256`,
    });
  });
});

describe('the signed string', () => {
  it('is built as the twilio package builds it: sorted keys, repeated values de-duplicated and sorted', () => {
    const url = 'https://oc.example.com/webhooks/twilio-flex/taskrouter';
    const params = { WorkerName: 'ann', EventType: 'reservation.accepted', Tag: ['b', 'a', 'b'] };
    expect(expectedSignature(SECRET, 'sha1', url, params)).toBe(
      twilio.getExpectedTwilioSignature(SECRET, url, params),
    );
  });
});

/** Does a SHA-256 signature made over `signedUrl` match a request received at `url`? */
const accepts = (signedUrl: string, url: string) =>
  matchesAny([SECRET], 'sha256', expectedSignature(SECRET, 'sha256', signedUrl, {}), url, {});

describe('the URL forms a SHA-256 signature may cover', () => {
  it('takes a signature over the URL with the default HTTPS port written out', () => {
    expect(accepts('https://oc.example.com:443/webhooks?a=1', 'https://oc.example.com/webhooks?a=1')).toBe(
      true,
    );
  });

  it('takes a signature over the URL without the port the request was received with', () => {
    expect(accepts('https://oc.example.com/webhooks', 'https://oc.example.com:443/webhooks')).toBe(true);
  });

  it('writes port 80 out for plain HTTP', () => {
    expect(accepts('http://oc.example.com:80/webhooks', 'http://oc.example.com/webhooks')).toBe(true);
    expect(accepts('http://oc.example.com:443/webhooks', 'http://oc.example.com/webhooks')).toBe(false);
  });

  it('writes port 443 out for HTTPS only', () => {
    expect(accepts('https://oc.example.com:80/webhooks', 'https://oc.example.com/webhooks')).toBe(false);
  });

  it('keeps the user info of the URL', () => {
    expect(accepts('https://u:p@oc.example.com:443/webhooks', 'https://u:p@oc.example.com/webhooks')).toBe(
      true,
    );
  });

  it('takes a signature over a URL with another port, as received or without the port', () => {
    expect([
      accepts('https://oc.example.com:8443/webhooks', 'https://oc.example.com:8443/webhooks'),
      accepts('https://oc.example.com/webhooks', 'https://oc.example.com:8443/webhooks'),
      accepts('https://u:p@oc.example.com/webhooks', 'https://u:p@oc.example.com:8443/webhooks'),
    ]).toEqual([true, true, true]);
  });

  it('finds the port of an IPv6 host after its closing bracket', () => {
    expect(accepts('https://[2001:db8::1]/webhooks', 'https://[2001:db8::1]:443/webhooks')).toBe(true);
    expect(accepts('https://[2001:db8::1]:443/webhooks', 'https://[2001:db8::1]/webhooks')).toBe(true);
    expect(accepts('https://[::]:443/webhooks', 'https://[::]/webhooks')).toBe(true);
  });

  it('takes a URL with no authority as it is, even when its query holds a URL', () => {
    expect(
      accepts(
        'urn:twilio:flex?u=https://oc.example.com:443/x',
        'urn:twilio:flex?u=https://oc.example.com:443/x',
      ),
    ).toBe(true);
  });

  it('refuses a signature over another path', () => {
    expect(accepts('https://oc.example.com/other', 'https://oc.example.com/webhooks')).toBe(false);
  });

  it('tries every secret listed', () => {
    const signature = expectedSignature(SECRET, 'sha256', 'https://oc.example.com/webhooks', {});
    expect(
      matchesAny(
        ['an-old-shared-key-secret', SECRET],
        'sha256',
        signature,
        'https://oc.example.com/webhooks',
        {},
      ),
    ).toBe(true);
  });

  it('throws on a URL it cannot read', () => {
    expect(() => matchesAny([SECRET], 'sha256', 'x', 'not a url', {})).toThrow();
  });
});
