import { describe, expect, it } from 'vitest';
import connector, { config } from '../src/index.js';
import { accepted, run, TOKEN } from './helpers.js';

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: fields,
});

describe('five9 token in the query string (GET)', () => {
  it('accepts the configured token', async () => {
    const outcome = await run({ method: 'GET', query: { ...accepted, token: TOKEN } });
    expect(outcome.kind).toBe('accepted');
  });
  it('refuses a wrong token with 401', async () => {
    const outcome = await run({ method: 'GET', query: { ...accepted, token: 'test-token-9999999999' } });
    expect([outcome.kind, outcome.answer.status]).toEqual(['rejected', 401]);
    expect('reason' in outcome && outcome.reason).toBe('the token does not match');
  });
  it('refuses a missing token with 401 naming the parameter to add', async () => {
    const outcome = await run({ method: 'GET', query: accepted });
    expect(outcome.answer.status).toBe(401);
    expect('reason' in outcome && outcome.reason).toContain('add the constant parameter token');
  });
});

describe('five9 token in the POST form body', () => {
  it('accepts the configured token', async () => {
    const outcome = await run(form({ ...accepted, token: TOKEN }));
    expect(outcome.kind).toBe('accepted');
  });
  it('refuses a wrong token with 401', async () => {
    const outcome = await run(form({ ...accepted, token: 'test-token-9999999999' }));
    expect([outcome.kind, outcome.answer.status]).toEqual(['rejected', 401]);
  });
  it('refuses a missing token with 401', async () => {
    const outcome = await run(form(accepted));
    expect([outcome.kind, outcome.answer.status]).toEqual(['rejected', 401]);
  });
});

describe('five9 token in a flat JSON body (posted through a proxy)', () => {
  const json = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: fields,
  });
  it('accepts the configured token', async () => {
    expect((await run(json({ ...accepted, token: TOKEN }))).kind).toBe('accepted');
  });
  it('refuses a wrong token with 401', async () => {
    const outcome = await run(json({ ...accepted, token: 'test-token-9999999999' }));
    expect([outcome.kind, outcome.answer.status]).toEqual(['rejected', 401]);
  });
});

describe('five9 token in a header', () => {
  it('accepts the configured token in x-openconnect-token', async () => {
    const outcome = await run({ method: 'GET', headers: { 'x-openconnect-token': TOKEN }, query: accepted });
    expect(outcome.kind).toBe('accepted');
  });
  it('refuses a wrong header token even when the parameter is right (the header wins)', async () => {
    const outcome = await run({
      method: 'GET',
      headers: { 'x-openconnect-token': 'test-token-9999999999' },
      query: { ...accepted, token: TOKEN },
    });
    expect(outcome.answer.status).toBe(401);
  });
});

describe('five9 token names are configurable', () => {
  it('reads the token from the configured parameter', async () => {
    const outcome = await run({ method: 'GET', query: { ...accepted, k: TOKEN } }, { tokenParam: 'k' });
    expect(outcome.kind).toBe('accepted');
  });
  it('no longer reads the default parameter once another is configured', async () => {
    const outcome = await run({ method: 'GET', query: { ...accepted, token: TOKEN } }, { tokenParam: 'k' });
    expect(outcome.answer.status).toBe(401);
  });
  it('reads the token from the configured header', async () => {
    const outcome = await run(
      { method: 'GET', headers: { 'x-five9-key': TOKEN }, query: accepted },
      { tokenHeader: 'x-five9-key' },
    );
    expect(outcome.kind).toBe('accepted');
  });
});

describe('five9 credentials for one deployment', () => {
  it('are the configured header, query parameter and form field, for the conformance kit and the dashboard', () => {
    const options = config.parse({ token: TOKEN, tokenParam: 'k', tokenHeader: 'x-five9-key' });
    expect(connector.sources[0]!.auth.credentialsFor?.(options)).toEqual([
      { in: 'header', name: 'x-five9-key' },
      { in: 'query', name: 'k' },
      { in: 'form', name: 'k' },
    ]);
  });
});

describe('five9 token secrecy', () => {
  it('never sends the token parameter on as a prop, not even redacted', async () => {
    const outcome = await run({ method: 'GET', query: { ...accepted, token: TOKEN } });
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props).toEqual({
      lifecycle: 'answered',
      nativeEvent: 'OnCallAccepted',
      channel: 'voice',
      leg: 'primary',
      interactionId: '300000000012345',
      ani: '9255550143',
    });
  });
  it('redacts the token where another parameter carries it (an old Web Connector after tokenParam was renamed)', async () => {
    const outcome = await run(
      { method: 'GET', query: { ...accepted, k: TOKEN, token: TOKEN } },
      { tokenParam: 'k' },
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.token).toBe('[redacted]');
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
  it('redacts the token from the reason and the page when a trigger constant swallowed it', async () => {
    // The admin pasted "OnCallAccepted&token=<secret>" as the value of the trigger constant: Five9 encodes it whole.
    const outcome = await run({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { ...accepted, trigger: `OnCallAccepted&token=${TOKEN}`, token: TOKEN },
    });
    expect(outcome.kind).toBe('ignored');
    expect('reason' in outcome && outcome.reason).toMatch(
      /^trigger "OnCallAccepted&token=\[redacted\]" is not a Five9/,
    );
    expect(outcome.answer.body).toContain('OnCallAccepted&#38;token=[redacted]');
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
  it('redacts the token from the agent id and the event name too', async () => {
    const outcome = await run(
      {
        method: 'GET',
        query: { ...accepted, trigger: `Pop_${TOKEN}`, agent: `jdoe+${TOKEN}`, token: TOKEN },
      },
      { unknownTriggers: 'custom' },
    );
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.event])).toEqual([
      ['jdoe+[redacted]', 'Pop_[redacted]'],
    ]);
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
  it('refuses a token shorter than 16 characters at configuration time', () => {
    expect(() => run({ method: 'GET', query: accepted }, { token: 'short' })).toThrow(
      'token: token must be at least 16 characters',
    );
  });
});
