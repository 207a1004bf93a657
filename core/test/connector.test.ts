// defineConnector checks a definition when it is defined, so a mistake fails at import with every problem
// named at once, not at 3 a.m. on a vendor's request.
import { describe, expect, it } from 'vitest';
import {
  type ConnectorDefinition,
  defineConnector,
  type SourceDefinition,
  type SubscriptionDefinition,
} from '../src/index.js';

const source = (id: string, detect = true) =>
  ({
    id,
    description: `${id} events`,
    auth: { scheme: 'none', credentials: [] },
    ...(detect ? { detect: () => true } : {}),
    verify: () => ({ ok: true }),
    parse: () => ({}),
    map: () => ({ ignored: 'test' }),
  }) as unknown as SourceDefinition;
const subscription = (id: string) =>
  ({ id, description: `${id} session` }) as unknown as SubscriptionDefinition;
const connector = (over: Partial<ConnectorDefinition>) =>
  ({
    id: 'acme',
    displayName: 'Acme',
    platforms: ['Acme CC'],
    config: undefined,
    sources: [source('webhook', false)],
    ...over,
  }) as ConnectorDefinition;

describe('defineConnector', () => {
  it('gives back a sound definition as it is', () => {
    const sound = connector({});
    expect(defineConnector(sound)).toBe(sound);
    const sessionsOnly = connector({ sources: [], subscriptions: [subscription('stream')] });
    expect(defineConnector(sessionsOnly)).toBe(sessionsOnly);
    const several = connector({ sources: [source('calls'), source('agents')] });
    expect(defineConnector(several)).toBe(several);
  });

  it('names every problem of a definition at once', () => {
    expect(() =>
      defineConnector(
        connector({
          id: 'Acme CC',
          platforms: [],
          sources: [source('Calls'), source('Calls', false)],
          subscriptions: [subscription('calls_2'), subscription('Calls')],
        }),
      ),
    ).toThrow(
      new Error(
        'connector Acme CC: id "Acme CC" must be lower-case letters, digits and dashes; platforms must name at least one platform; ' +
          'source id "Calls" must be lower-case letters, digits and dashes; ' +
          'source id "Calls" must be lower-case letters, digits and dashes; source id "Calls" is used twice; source "Calls" needs detect(), since the connector has several sources; ' +
          'subscription id "calls_2" must be lower-case letters, digits and dashes; ' +
          'subscription id "Calls" must be lower-case letters, digits and dashes; subscription id "Calls" is used twice',
      ),
    );
  });

  it('refuses a connector with neither a source nor a subscription', () => {
    expect(() => defineConnector(connector({ sources: [] }))).toThrow(
      new Error('connector acme: sources must have at least one source (or subscriptions one subscription)'),
    );
    expect(() => defineConnector(connector({ sources: [], subscriptions: [] }))).toThrow(
      /at least one source/,
    );
  });

  it('takes an id that starts with a digit, and refuses one that starts with a dash', () => {
    expect(defineConnector(connector({ id: '8x8' })).id).toBe('8x8');
    expect(() => defineConnector(connector({ id: '-acme' }))).toThrow(
      'id "-acme" must be lower-case letters, digits and dashes',
    );
  });
});
