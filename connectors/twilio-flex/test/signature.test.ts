// Only Twilio, holding the Auth Token, can make a request this connector accepts.
import { toInboundRequest } from '@openconnect/core';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { outcomeOf, recorded, signedRequest } from './fixtures.js';
import { TEST_TOKEN } from './sign.js';

const OTHER_TOKEN = 'fedcba9876543210fedcba9876543210';
const FORM = 'taskrouter/reservation-accepted.json';
const JSON_BATCH = 'event-streams/reservation-accepted.json';

async function statusAndReason(req: Parameters<typeof outcomeOf>[0]) {
  const outcome = await outcomeOf(req);
  return { status: outcome.answer.status, reason: 'reason' in outcome ? outcome.reason : '' };
}

describe('TaskRouter callback signature', () => {
  it('accepts a request signed with the Auth Token over the public URL and the form parameters', async () => {
    expect((await outcomeOf(signedRequest(FORM))).kind).toBe('accepted');
  });

  it('refuses a request whose form field was changed after signing', async () => {
    const req = signedRequest(FORM);
    const body = new URLSearchParams(req.rawBody.toString('utf8'));
    body.set('WorkerName', 'mallory@example.com');
    const result = await statusAndReason({ ...req, rawBody: Buffer.from(body.toString()) });
    expect(result.status).toBe(401);
    expect(result.reason).toMatch(/X-Twilio-Signature does not match the URL and form parameters/);
  });

  it('refuses a request signed with another token', async () => {
    expect((await statusAndReason(signedRequest(FORM, undefined, OTHER_TOKEN))).status).toBe(401);
  });

  it('refuses a request without the X-Twilio-Signature header, saying so', async () => {
    const req = signedRequest(FORM);
    const { 'x-twilio-signature': _, ...headers } = req.headers;
    expect(await statusAndReason({ ...req, headers })).toEqual({
      status: 401,
      reason: 'the X-Twilio-Signature header is missing',
    });
  });

  it('refuses a request signed for another URL (PUBLIC_URL must be the URL pasted in Twilio)', async () => {
    const req = signedRequest(FORM);
    expect(
      (await statusAndReason({ ...req, url: 'https://oc.example.com/webhooks/twilio-flex' })).status,
    ).toBe(401);
  });

  it('accepts a signature Twilio made over the URL with the default port written out', async () => {
    const req = toInboundRequest(recorded(FORM));
    const signature = twilio.getExpectedTwilioSignature(
      TEST_TOKEN,
      'https://oc.example.com:443/webhooks/twilio-flex/taskrouter',
      Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8'))),
    );
    const outcome = await outcomeOf({ ...req, headers: { ...req.headers, 'x-twilio-signature': signature } });
    expect(outcome.kind).toBe('accepted');
  });

  it('signs repeated form keys with all their values, as Twilio does', async () => {
    const req = toInboundRequest(recorded(FORM));
    const params = {
      ...Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8'))),
      Tag: ['b', 'a'],
    };
    const signature = twilio.getExpectedTwilioSignature(TEST_TOKEN, req.url, params);
    const rawBody = Buffer.from(`${req.rawBody.toString('utf8')}&Tag=b&Tag=a`);
    const outcome = await outcomeOf({
      ...req,
      rawBody,
      headers: { ...req.headers, 'x-twilio-signature': signature },
    });
    expect(outcome.kind).toBe('accepted');
  });

  it('never puts the Auth Token in a refusal', async () => {
    const outcome = await outcomeOf(signedRequest(FORM, undefined, OTHER_TOKEN));
    expect(JSON.stringify(outcome)).not.toContain(TEST_TOKEN);
  });
});

describe('Event Streams signature (bodySHA256)', () => {
  it('accepts a JSON body whose hash is in the signed URL', async () => {
    expect((await outcomeOf(signedRequest(JSON_BATCH))).kind).toBe('accepted');
  });

  it('refuses a body changed after signing', async () => {
    const req = signedRequest(JSON_BATCH);
    const changed = req.rawBody
      .toString('utf8')
      .replace('"worker_name":"ann.veal@example.com"', '"worker_name":"mallory"');
    expect(changed).not.toBe(req.rawBody.toString('utf8'));
    const result = await statusAndReason({ ...req, rawBody: Buffer.from(changed) });
    expect(result.status).toBe(401);
    expect(result.reason).toMatch(/does not match the URL and the body hash/);
  });

  it('refuses a request signed with another token', async () => {
    expect((await statusAndReason(signedRequest(JSON_BATCH, undefined, OTHER_TOKEN))).status).toBe(401);
  });

  it('refuses a request without the X-Twilio-Signature header', async () => {
    const req = signedRequest(JSON_BATCH);
    const { 'x-twilio-signature': _, ...headers } = req.headers;
    expect(await statusAndReason({ ...req, headers })).toEqual({
      status: 401,
      reason: 'the X-Twilio-Signature header is missing',
    });
  });

  it('refuses a signed URL that lost its bodySHA256 parameter, saying what is missing', async () => {
    const req = toInboundRequest(recorded(JSON_BATCH));
    const signature = twilio.getExpectedTwilioSignature(TEST_TOKEN, req.url, {});
    const result = await statusAndReason({
      ...req,
      headers: { ...req.headers, 'x-twilio-signature': signature },
    });
    expect(result.status).toBe(401);
    expect(result.reason).toMatch(/no bodySHA256 parameter/);
  });
});
