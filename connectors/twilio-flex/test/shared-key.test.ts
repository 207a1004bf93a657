// Twilio Webhooks Rules: a request whose URL a rule matches is signed with the rule's SharedKey and the
// Setting's algorithm, announced by X-Twilio-Webhooks-Signature-Settings. It is verified, not refused.
import { createHash, createHmac } from 'node:crypto';
import { type InboundRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { outcomeOf, recorded } from './fixtures.js';
import { TEST_SHARED_KEY, TEST_TOKEN } from './sign.js';

const FORM = 'taskrouter/reservation-accepted.json';
const JSON_BATCH = 'event-streams/reservation-accepted.json';
const SETTINGS = 'x-twilio-webhooks-signature-settings';
const KEY = 'webhooks_sharedkey_01kbq7m2x9r4t6v8w3y5z0a1c2';
const OPTIONS = { sharedKeySecrets: [TEST_SHARED_KEY] };

/** Twilio's documented string (URL, then each sorted key and its value), hashed here without our code. */
function twilioSignature(
  secret: string,
  hash: 'sha1' | 'sha256',
  url: string,
  params: Record<string, string>,
) {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac(hash, secret).update(data, 'utf8').digest('base64');
}

/** The recorded callback signed as Twilio does under a rule with `algorithm`. */
function formSigned(secret: string, hash: 'sha1' | 'sha256', algorithm: string | undefined): InboundRequest {
  const req = toInboundRequest(recorded(FORM));
  const params = Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8')));
  const headers: Record<string, string> = {
    ...req.headers,
    'x-twilio-signature': twilioSignature(secret, hash, req.url, params),
  };
  if (algorithm) headers[SETTINGS] = `key=${KEY},algorithm=${algorithm}`;
  return { ...req, headers };
}

/** The recorded Event Streams batch signed as Twilio does under a rule: bodySHA256 in the URL, then the URL. */
function jsonSigned(secret: string, body?: string): InboundRequest {
  const req = toInboundRequest(recorded(JSON_BATCH));
  const text = body ?? req.rawBody.toString('utf8');
  const url = new URL(req.url);
  url.searchParams.set('bodySHA256', createHash('sha256').update(req.rawBody).digest('hex'));
  return {
    ...req,
    url: url.toString(),
    rawBody: Buffer.from(text),
    headers: {
      ...req.headers,
      'x-twilio-signature': twilioSignature(secret, 'sha256', url.toString(), {}),
      [SETTINGS]: `key=${KEY},algorithm=HMAC_SHA256`,
    },
  };
}

async function result(req: InboundRequest, options: Record<string, unknown> = OPTIONS) {
  const outcome = await outcomeOf(req, options);
  return {
    kind: outcome.kind,
    status: outcome.answer.status,
    reason: 'reason' in outcome ? outcome.reason : '',
  };
}

describe('Webhooks Rules signatures (X-Twilio-Webhooks-Signature-Settings)', () => {
  it('accepts a TaskRouter callback signed with the SharedKey and HMAC-SHA256', async () => {
    expect((await result(formSigned(TEST_SHARED_KEY, 'sha256', 'HMAC_SHA256'))).kind).toBe('accepted');
  });

  it('accepts a TaskRouter callback signed with the SharedKey and HMAC-SHA1', async () => {
    expect((await result(formSigned(TEST_SHARED_KEY, 'sha1', 'HMAC_SHA1'))).kind).toBe('accepted');
  });

  it('accepts an Event Streams batch whose URL the SharedKey signed with HMAC-SHA256', async () => {
    expect((await result(jsonSigned(TEST_SHARED_KEY))).kind).toBe('accepted');
  });

  it('accepts the second SharedKey listed, as during a key rotation', async () => {
    const options = { sharedKeySecrets: ['the-old-shared-key-secret-0001', TEST_SHARED_KEY] };
    expect((await result(formSigned(TEST_SHARED_KEY, 'sha256', 'HMAC_SHA256'), options)).kind).toBe(
      'accepted',
    );
  });

  it('refuses a body changed after signing, the body hash staying SHA-256', async () => {
    const changed = recorded(JSON_BATCH);
    const text = JSON.stringify(changed.body).replace('ann.veal@example.com', 'mallory@example.com');
    expect(await result(jsonSigned(TEST_SHARED_KEY, text))).toMatchObject({
      status: 401,
      reason: expect.stringMatching(/does not match the URL and the body hash/),
    });
  });

  it('refuses a SharedKey signature when the header says HMAC-SHA1 but SHA-256 was used', async () => {
    expect((await result(formSigned(TEST_SHARED_KEY, 'sha256', 'HMAC_SHA1'))).status).toBe(401);
  });

  it('refuses an Auth Token signature that claims the settings header (the rule names a SharedKey, not the token)', async () => {
    expect((await result(formSigned(TEST_TOKEN, 'sha256', 'HMAC_SHA256'))).status).toBe(401);
  });

  it('refuses a SharedKey signature without the settings header: the Auth Token is then the key', async () => {
    expect((await result(formSigned(TEST_SHARED_KEY, 'sha1', undefined))).status).toBe(401);
  });

  it('refuses, saying what to configure, when no SharedKey secret is configured', async () => {
    expect(await result(formSigned(TEST_SHARED_KEY, 'sha256', 'HMAC_SHA256'), {})).toEqual({
      kind: 'rejected',
      status: 401,
      reason: `the request was signed under a Twilio Webhooks Rule with the SharedKey ${KEY} (x-twilio-webhooks-signature-settings), not the Auth Token: add that key's secret to sharedKeySecrets`,
    });
  });

  it('refuses an algorithm Twilio does not document, naming it', async () => {
    expect(await result(formSigned(TEST_SHARED_KEY, 'sha256', 'HMAC_MD5'))).toMatchObject({
      status: 401,
      reason:
        'the x-twilio-webhooks-signature-settings header names the algorithm "HMAC_MD5", not one of HMAC_SHA1, HMAC_SHA256',
    });
  });

  it('keeps the SharedKey secret out of the refusal and the messages', async () => {
    const refusedOne = await outcomeOf(
      formSigned('another-shared-key-0002', 'sha256', 'HMAC_SHA256'),
      OPTIONS,
    );
    const accepted = await outcomeOf(formSigned(TEST_SHARED_KEY, 'sha256', 'HMAC_SHA256'), OPTIONS);
    expect(JSON.stringify([refusedOne, accepted])).not.toContain(TEST_SHARED_KEY);
  });
});
