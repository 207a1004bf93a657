import { describe, expect, it } from 'vitest';
import { agentBatch, contactEvent, runtime, studioBody, TOKEN } from './helpers.js';

const cases = [
  { source: 'studio', body: studioBody },
  { source: 'agent-events', body: agentBatch(contactEvent('Active')) },
] as const;

for (const { source, body } of cases) {
  describe(`incontact ${source}: Authorization Bearer`, () => {
    it('accepts the configured token', async () => {
      expect((await runtime().post(body, { authorization: `Bearer ${TOKEN}` }, source)).kind).toBe(
        'accepted',
      );
    });
    it('refuses a wrong token with 401', async () => {
      const outcome = await runtime().post(body, { authorization: 'Bearer test-token-9999999999' }, source);
      expect([outcome.kind, outcome.answer.status]).toEqual(['rejected', 401]);
    });
    it('refuses the token under another scheme with 401', async () => {
      expect((await runtime().post(body, { authorization: `Token ${TOKEN}` }, source)).answer.status).toBe(
        401,
      );
    });
    it('refuses a missing token with 401 saying how to send it', async () => {
      const outcome = await runtime().post(body, {}, source);
      expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
        401,
        'the token is missing: send "Authorization: Bearer <token>" (or the header x-openconnect-token)',
      ]);
    });
  });

  describe(`incontact ${source}: x-openconnect-token header`, () => {
    it('accepts the configured token', async () => {
      expect((await runtime().post(body, { 'x-openconnect-token': TOKEN }, source)).kind).toBe('accepted');
    });
    it('refuses a wrong token with 401', async () => {
      expect(
        (await runtime().post(body, { 'x-openconnect-token': 'test-token-9999999999' }, source)).answer
          .status,
      ).toBe(401);
    });
  });
}

describe('incontact token configuration', () => {
  it('refuses a token shorter than 16 characters at start-up', () => {
    expect(() => runtime({ token: 'short' })).toThrow('token: token must be at least 16 characters');
  });
});
