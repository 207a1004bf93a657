import { describe, expect, it } from 'vitest';
import { post, starts, TOKEN } from './helpers.js';

describe('talkdesk token header', () => {
  it('accepts the configured token in x-openconnect-token', async () => {
    expect((await post(starts)).kind).toBe('accepted');
  });
  it('refuses a wrong token with 401', async () => {
    const outcome = await post(starts, { 'x-openconnect-token': 'test-token-9999999999' });
    expect([outcome.kind, outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
      'rejected',
      401,
      'the token does not match',
    ]);
  });
  it('refuses a missing token with 401 naming the header to add', async () => {
    const outcome = await post(starts, {});
    expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
      401,
      'the token header x-openconnect-token is missing: add it to the custom integration',
    ]);
  });
});

describe('talkdesk token in Authorization: Bearer', () => {
  const options = { tokenHeader: 'authorization' };
  it('accepts Bearer <token>', async () => {
    expect((await post(starts, { authorization: `Bearer ${TOKEN}` }, options)).kind).toBe('accepted');
  });
  it('refuses a wrong bearer token with 401', async () => {
    expect(
      (await post(starts, { authorization: 'Bearer test-token-9999999999' }, options)).answer.status,
    ).toBe(401);
  });
  it('refuses the right token without the Bearer scheme with 401', async () => {
    expect((await post(starts, { authorization: `Basic ${TOKEN}` }, options)).answer.status).toBe(401);
  });
  it('refuses a missing Authorization header with 401', async () => {
    expect((await post(starts, {}, options)).answer.status).toBe(401);
  });
});

describe('talkdesk token configuration', () => {
  it('refuses a token shorter than 16 characters at start-up', () => {
    expect(() => post(starts, {}, { token: 'short' })).toThrow('token: token must be at least 16 characters');
  });
  it('keeps the token out of the refusal reason', async () => {
    const outcome = await post(starts, { 'x-openconnect-token': `${TOKEN}x` });
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
});
