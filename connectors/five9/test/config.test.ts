import { describe, expect, it } from 'vitest';
import connector, { config, RECOMMENDED_PARAMS } from '../src/index.js';
import { paramMapSchema } from '../src/params.js';
import { accepted, run, TOKEN } from './helpers.js';

describe('five9 options', () => {
  it('take a token parameter name of any length, and refuse an empty one', async () => {
    const outcome = await run(
      { method: 'GET', query: { ...accepted, oc_token: TOKEN } },
      { tokenParam: 'oc_token' },
    );
    expect(outcome.kind).toBe('accepted');
    expect(() => run({ method: 'GET', query: accepted }, { tokenParam: '' })).toThrow('tokenParam');
  });
  it('take unknownTriggers: ignore spelled out, ignoring an unknown trigger as by default', async () => {
    const outcome = await run(
      { method: 'GET', query: { ...accepted, trigger: 'OpenBilling', token: TOKEN } },
      { unknownTriggers: 'ignore' },
    );
    expect(outcome.kind).toBe('ignored');
    expect(() => run({ method: 'GET', query: accepted }, { unknownTriggers: 'drop' })).toThrow(
      'unknownTriggers',
    );
  });
  it('refuse a map naming the agent twice, naming both parameters', () => {
    const params = { trigger: 'trigger', user: 'agent', agent: 'agent' };
    expect(() => run({ method: 'GET', query: accepted }, { params })).toThrow(
      'exactly one parameter must map to "agent" (found user, agent)',
    );
  });
  it('default to the recommended map, which is itself a valid map', () => {
    expect(config.parse({ token: TOKEN }).params).toEqual(RECOMMENDED_PARAMS);
    expect(paramMapSchema.parse(RECOMMENDED_PARAMS)).toEqual(RECOMMENDED_PARAMS);
  });
});

describe('five9 source', () => {
  it('presents itself as Five9 (the name the runner banner and the dashboard show)', () => {
    expect([connector.id, connector.displayName, connector.platforms]).toEqual(['five9', 'Five9', ['Five9']]);
  });
  it('is reached by its id, web-connector (the URL /webhooks/five9/web-connector)', async () => {
    const outcome = await run(
      { method: 'GET', query: { ...accepted, token: TOKEN } },
      {},
      {},
      'web-connector',
    );
    expect(outcome.kind).toBe('accepted');
  });
  it('describes itself for the dashboard', () => {
    expect(connector.sources[0]!.description).toBe(
      'Five9 Web Connector requests (GET query or POST form) sent from the agent desktop',
    );
  });
  it('describes its auth for the runner banner and the dashboard: where the token travels and who sets it', () => {
    expect(connector.sources[0]!.auth.summary).toBe(
      'header x-openconnect-token (renamed by option tokenHeader) or parameter token (renamed by option tokenParam) or form field token (renamed by option tokenParam) = option token, set as a constant of the Web Connector',
    );
  });
});
