// What the connector declares to the runner: its name on the banner and the admin API, the platforms it
// serves, the options that are secrets, and how each source authenticates.
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';

describe('the connector declaration', () => {
  it('names the connector and the platforms it serves', () => {
    expect([connector.id, connector.displayName, connector.platforms]).toEqual([
      'twilio-flex',
      'Twilio Flex',
      ['Twilio Flex', 'Twilio TaskRouter'],
    ]);
  });

  it('declares the Auth Token and every SharedKey secret as secrets', () => {
    expect(connector.secrets).toEqual(['authToken', 'sharedKeySecrets.*']);
  });

  it('has the TaskRouter callback and Event Streams as sources, each signed over its body by X-Twilio-Signature', () => {
    expect(
      connector.sources.map(({ id, auth }) => ({
        id,
        scheme: auth?.scheme,
        credentials: auth?.credentials,
        signsBody: auth?.signsBody,
      })),
    ).toEqual([
      {
        id: 'taskrouter',
        scheme: 'twilio-signature',
        credentials: [{ in: 'header', name: 'x-twilio-signature' }],
        signsBody: true,
      },
      {
        id: 'event-streams',
        scheme: 'twilio-signature',
        credentials: [{ in: 'header', name: 'x-twilio-signature' }],
        signsBody: true,
      },
    ]);
  });
});
