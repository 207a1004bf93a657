// How the Web Connector's parameters arrive: query, form body, flat JSON through a proxy.
import { describe, expect, it } from 'vitest';
import { accepted, run, TOKEN } from './helpers.js';

const propsOf = (outcome: Awaited<ReturnType<typeof run>>) =>
  outcome.kind === 'accepted' ? outcome.messages.map((m) => m.props) : outcome;

describe('five9 request shapes', () => {
  it('reads a flat JSON body posted through a proxy', async () => {
    const outcome = await run({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: { token: TOKEN },
      body: { ...accepted, attempts: 2 },
    });
    expect(propsOf(outcome)).toEqual([
      {
        lifecycle: 'answered',
        nativeEvent: 'OnCallAccepted',
        channel: 'voice',
        leg: 'primary',
        interactionId: '300000000012345',
        ani: '9255550143',
        attempts: '2',
      },
    ]);
  });
  it('reads a JSON body and the query string together, the body winning a name both carry', async () => {
    // A proxy that keeps the Web Connector's URL (trigger and token as constants in the query) and posts the
    // variables as JSON.
    const outcome = await run({
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      query: { trigger: 'OnCallDispositioned', token: TOKEN, campaign: 'Inbound_Support', ani: '0000000000' },
      body: {
        agent: 'jdoe@acme.example',
        call_id: 300000000012345,
        ani: '9255550143',
        disposition: 'Resolved',
        dnis: null,
        callback_requested: false,
      },
    });
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.event, m.props])).toEqual(
      [
        [
          'jdoe@acme.example',
          'completed',
          {
            lifecycle: 'completed',
            nativeEvent: 'OnCallDispositioned',
            channel: 'voice',
            interactionId: '300000000012345',
            ani: '9255550143',
            campaign: 'Inbound_Support',
            disposition: 'Resolved',
            callback_requested: 'false',
          },
        ],
      ],
    );
  });
  it('reads a JSON content type on a GET as no body: the query carries everything', async () => {
    const outcome = await run({
      method: 'GET',
      headers: { 'content-type': 'application/json' },
      query: { ...accepted, token: TOKEN },
    });
    expect(propsOf(outcome)).toEqual([
      {
        lifecycle: 'answered',
        nativeEvent: 'OnCallAccepted',
        channel: 'voice',
        leg: 'primary',
        interactionId: '300000000012345',
        ani: '9255550143',
      },
    ]);
  });
  it('reads a POST form body and the query string together, the body winning a name both carry', async () => {
    const outcome = await run({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      query: { trigger: 'OnCallAccepted', token: TOKEN, ani: '0000000000' },
      body: { agent: 'jdoe@acme.example', call_id: '300000000012345', ani: '9255550143' },
    });
    expect(propsOf(outcome)).toEqual([
      {
        lifecycle: 'answered',
        nativeEvent: 'OnCallAccepted',
        channel: 'voice',
        leg: 'primary',
        interactionId: '300000000012345',
        ani: '9255550143',
      },
    ]);
  });
  it('refuses a nested JSON body with 400', async () => {
    const outcome = await run({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: { token: TOKEN },
      body: { ...accepted, call: { id: 1 } },
    });
    expect(outcome.answer.status).toBe(400);
  });
  it('refuses a nested JSON body with 400 naming it as the Five9 JSON body', async () => {
    const outcome = await run({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: { token: TOKEN },
      body: { ...accepted, call: { id: 1 } },
    });
    expect('reason' in outcome && outcome.reason).toContain('Five9 JSON body');
  });
  it('checks the token before reading the body: a nested or broken JSON body without the token is a 401', async () => {
    for (const rawBody of ['{"trigger":"OnCallAccepted","call":{"id":1}}', '{"trigger":']) {
      const outcome = await run({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: rawBody,
      });
      expect([outcome.kind, outcome.answer.status]).toEqual(['rejected', 401]);
    }
  });
  it('refuses PUT with 405', async () => {
    const outcome = await run({ method: 'PUT', query: { ...accepted, token: TOKEN } });
    expect(outcome.answer.status).toBe(405);
  });
});
