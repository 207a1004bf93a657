// Connector options from the environment alone (CONNECTOR_<ID>_<OPTION>), read by loadConfig with the real
// registry's connectors: ids with dashes and digits, options typed by each connector's own schema.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConnector } from '@openconnect/core';
import { connectors as registry } from '@openconnect/registry';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigProblems, loadConfig } from '../src/config.js';
import { screamingSnake } from '../src/connector-env.js';
import { acme } from './helpers/acme.js';

const dir = mkdtempSync(path.join(tmpdir(), 'runner-connector-env-'));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
const TOKEN = 'five9-token-from-env-0123456789';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

const options = (config: ReturnType<typeof loadConfig>, id: string) =>
  config.connectors.find((c) => c.connector.id === id)?.runtime.config as Record<string, unknown> | undefined;

describe('CONNECTOR_<ID>_<OPTION> environment variables', () => {
  it('name ids and options in SCREAMING_SNAKE', () => {
    expect(['amazon-connect', '8x8', 'twilio-flex', 'five9'].map(screamingSnake)).toEqual([
      'AMAZON_CONNECT',
      '8X8',
      'TWILIO_FLEX',
      'FIVE9',
    ]);
    expect(['apiKey', 'streamNegativeAckRedeliveryDelayMs', 'token'].map(screamingSnake)).toEqual([
      'API_KEY',
      'STREAM_NEGATIVE_ACK_REDELIVERY_DELAY_MS',
      'TOKEN',
    ]);
  });

  it('configure and enable a connector with no config file at all', () => {
    const config = loadConfig({ available: registry, env: { CONNECTOR_FIVE9_TOKEN: TOKEN } });
    expect(config.connectors.map((c) => c.connector.id)).toEqual(['five9']);
    expect(options(config, 'five9')).toMatchObject({ token: TOKEN, tokenParam: 'token' });
    // A connector secret set this way is scrubbed like any other.
    expect(config.secrets).toContain(TOKEN);
  });

  it('map ids with dashes and digits, and type values by the option schema', () => {
    const config = loadConfig({
      available: registry,
      env: {
        CONNECTOR_AMAZON_CONNECT_API_KEY: 'amazon-key-0123456789abcdef',
        CONNECTOR_AMAZON_CONNECT_LOOKUP_TIMEOUT_MS: '2500',
        CONNECTOR_AMAZON_CONNECT_CONTACT_ATTRIBUTES: 'no',
        CONNECTOR_TWILIO_FLEX_AUTH_TOKEN: 'twilio-auth-token-0123456789',
        CONNECTOR_8X8_RELAY_SECRET: 'relay-secret-0123456789abcdef',
        CONNECTOR_FIVE9_TOKEN: TOKEN,
        CONNECTOR_FIVE9_PARAMS: '{"trigger": "trigger", "agent_login": "agent"}',
      },
    });
    expect(config.connectors.map((c) => c.connector.id).sort()).toEqual([
      '8x8',
      'amazon-connect',
      'five9',
      'twilio-flex',
    ]);
    expect(options(config, 'amazon-connect')).toMatchObject({
      apiKey: 'amazon-key-0123456789abcdef',
      lookupTimeoutMs: 2500,
      contactAttributes: false,
    });
    expect(options(config, 'twilio-flex')).toMatchObject({ authToken: 'twilio-auth-token-0123456789' });
    expect(options(config, '8x8')).toMatchObject({ relaySecret: 'relay-secret-0123456789abcdef' });
    expect(options(config, 'five9')?.params).toEqual({ trigger: 'trigger', agent_login: 'agent' });
  });

  it('read a secret from the file in <NAME>_FILE, without its trailing newline', () => {
    const secret = file('five9-token', `${TOKEN}\n`);
    const config = loadConfig({ available: registry, env: { CONNECTOR_FIVE9_TOKEN_FILE: secret } });
    expect(options(config, 'five9')?.token).toBe(TOKEN);
  });

  it('win over the same option in the file and keep the file’s others', () => {
    const at = file(
      'five9.yaml',
      'connectors:\n  five9:\n    events:\n      answered: IncomingCall\n    options:\n      token: file-token-0123456789abcdef\n      tokenParam: secret\n',
    );
    const config = loadConfig({ available: registry, env: { CONFIG: at, CONNECTOR_FIVE9_TOKEN: TOKEN } });
    expect(options(config, 'five9')).toMatchObject({ token: TOKEN, tokenParam: 'secret' });
    expect(config.connectors[0]!.runtime.settings.events).toMatchObject({ answered: 'IncomingCall' });
  });

  it('leave the choice to CONNECTORS when it is set', () => {
    const config = loadConfig({
      available: registry,
      env: {
        CONNECTORS: 'talkdesk',
        CONNECTOR_FIVE9_TOKEN: TOKEN,
        CONNECTOR_TALKDESK_TOKEN: 'talkdesk-token-0123456789',
      },
    });
    expect(config.connectors.map((c) => c.connector.id)).toEqual(['talkdesk']);
  });

  it('go one level down with __ into an option that is a mapping', () => {
    const nested = defineConnector({
      ...acme,
      id: 'acme-relay',
      config: z.object({
        secret: z.string().min(16),
        relay: z.object({ headerName: z.string(), retries: z.number().int() }).optional(),
      }),
    } as unknown as Parameters<typeof defineConnector>[0]);
    const config = loadConfig({
      available: [nested],
      env: {
        CONNECTOR_ACME_RELAY_SECRET: 'acme-relay-secret-0123456789',
        CONNECTOR_ACME_RELAY_RELAY__HEADER_NAME: 'x-relay',
        CONNECTOR_ACME_RELAY_RELAY__RETRIES: '3',
      },
    });
    expect(options(config, 'acme-relay')).toEqual({
      secret: 'acme-relay-secret-0123456789',
      relay: { headerName: 'x-relay', retries: 3 },
    });
  });

  it('name every mistake in one pass: unknown connector, unknown option (listing the options), bad value, unreadable file', () => {
    const problems = problemsOf(() =>
      loadConfig({
        available: registry,
        env: {
          CONNECTOR_FIVE_NINE_TOKEN: TOKEN,
          CONNECTOR_TALKDESK_TOKN: 'talkdesk-token-0123456789',
          CONNECTOR_AMAZON_CONNECT_API_KEY: 'amazon-key-0123456789abcdef',
          CONNECTOR_AMAZON_CONNECT_LOOKUP_TIMEOUT_MS: 'soon',
          CONNECTOR_TWILIO_FLEX_AUTH_TOKEN_FILE: path.join(dir, 'missing'),
          PORT: 'abc',
        },
      }),
    );
    expect(problems).toEqual([
      'PORT: "abc" is not a port number (1-65535)',
      'CONNECTOR_AMAZON_CONNECT_LOOKUP_TIMEOUT_MS: "soon" is not a whole number (connectors.amazon-connect.options.lookupTimeoutMs)',
      'CONNECTOR_FIVE_NINE_TOKEN: no connector matches; name it CONNECTOR_<ID>_<OPTION> with one of 8X8, AMAZON_CONNECT, AVAYA, CISCO, FIVE9, GENESYS, INCONTACT, TALKDESK, TWILIO_FLEX',
      'CONNECTOR_TALKDESK_TOKN: talkdesk has no option TOKN; its options are TOKEN (token), TOKEN_HEADER (tokenHeader), OPEN_CONNECT_NAMES (openConnectNames)',
      'CONNECTOR_TWILIO_FLEX_AUTH_TOKEN_FILE: cannot read the file (ENOENT)',
    ]);
  });
});
