// What the runner banner and the dashboard show of the connector, and the secret they keep out of messages.
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { post, starts, TOKEN } from './helpers.js';

describe('talkdesk connector', () => {
  it('presents itself as Talkdesk (the name the runner banner and the dashboard show)', () => {
    expect([connector.id, connector.displayName, connector.platforms]).toEqual([
      'talkdesk',
      'Talkdesk',
      ['Talkdesk'],
    ]);
  });
  it('has one source, connections (the URL /webhooks/talkdesk/connections), described for the dashboard', () => {
    expect(connector.sources.map((s) => [s.id, s.description])).toEqual([
      [
        'connections',
        'Talkdesk Connections custom-integration triggers (JSON from the recommended templates)',
      ],
    ]);
  });
  it('describes its auth for the runner banner and the dashboard: where the token travels and who sets it', () => {
    expect(connector.sources[0]!.auth.summary).toBe(
      'header x-openconnect-token (renamed by option tokenHeader) = option token, set on the custom integration',
    );
  });
  it('redacts the token where a template field carries it', async () => {
    const outcome = await post({ ...starts, note: TOKEN });
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.note).toBe('[redacted]');
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
});
