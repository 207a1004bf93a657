// What the connector says of itself: the words the runner banner, the dashboard and `openconnect sources` show an
// admin (which URL is which platform, where each secret travels and who sets it), and each path's state rule.
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';

describe('genesys presents itself', () => {
  it('as Genesys, for its three platforms', () => {
    expect([connector.id, connector.displayName, connector.platforms]).toEqual([
      'genesys',
      'Genesys',
      ['Genesys Cloud', 'PureConnect', 'PureEngage'],
    ]);
  });

  it('with one webhook source per way a platform pushes, each saying where its secret travels', () => {
    expect(
      connector.sources.map((s) => ({
        id: s.id,
        description: s.description,
        platforms: s.platforms,
        scheme: s.auth.scheme,
        summary: s.auth.summary,
      })),
    ).toEqual([
      {
        id: 'cloud',
        description:
          'Genesys Cloud conversation events from an EventBridge API destination, or notifications from a relay',
        platforms: ['Genesys Cloud'],
        scheme: 'api-key',
        summary:
          'header x-api-key (renamed by option cloudApiKeyHeader) = option cloudApiKey, set on the EventBridge connection (or by the relay)',
      },
      {
        id: 'cloud-workflow',
        description:
          'Genesys Cloud Process Automation workflows posting our JSON from a Web Services Data Action',
        platforms: ['Genesys Cloud'],
        scheme: 'api-key',
        summary:
          'header x-api-key (renamed by option cloudApiKeyHeader) = option workflowApiKey (else cloudApiKey), set in the data action',
      },
      {
        id: 'pureconnect',
        description: 'PureConnect ICWS queue and status messages forwarded by a relay',
        platforms: ['PureConnect'],
        scheme: 'bearer-token',
        summary: 'header Authorization: Bearer <token> = option pureconnectToken, set by the relay',
      },
      {
        id: 'pureengage',
        description:
          'PureEngage Workspace API CallStateChanged and DnStateChanged messages forwarded by a relay',
        platforms: ['PureEngage'],
        scheme: 'bearer-token',
        summary: 'header Authorization: Bearer <token> = option pureengageToken, set by the relay',
      },
    ]);
  });

  it('with one held session per platform that does not push over HTTP', () => {
    expect(
      (connector.subscriptions ?? []).map((s) => ({
        id: s.id,
        description: s.description,
        platforms: s.platforms,
      })),
    ).toEqual([
      {
        id: 'cloud-notifications',
        description:
          'Genesys Cloud notification channels the runner holds (OAuth client credentials): every agent participant change of the watched queues and users, answered included',
        platforms: ['Genesys Cloud'],
      },
      {
        id: 'pureconnect-icws',
        description:
          'PureConnect ICWS session held by the runner: user and workgroup queue subscriptions, no relay',
        platforms: ['PureConnect'],
      },
      {
        id: 'pureengage-workspace',
        description:
          'PureEngage Workspace API session held by the runner for each agent: its voice channel, no relay',
        platforms: ['PureEngage'],
      },
    ]);
  });

  // 'after-store': state written while mapping is applied only once the messages are stored, so a vendor retry
  // after a 503 sees the call as it was. The workflow path's one write (agents seen per conversation) is
  // idempotent, so it keeps the default, at once.
  it('applies call state after the store on the event paths, at once on the workflow path', () => {
    const rules = Object.fromEntries(
      [...connector.sources, ...(connector.subscriptions ?? [])].map((s) => [s.id, s.stateWrites]),
    );
    expect(rules).toEqual({
      cloud: 'after-store',
      'cloud-workflow': undefined,
      pureconnect: 'after-store',
      pureengage: 'after-store',
      'cloud-notifications': 'after-store',
      'pureconnect-icws': 'after-store',
      'pureengage-workspace': 'after-store',
    });
  });
});
