// The API destinations as EventBridge would call them, against a real runner on loopback: the endpoint is
// the published template's (RunnerUrl + path; template.test.ts proves the file is what the stack makes),
// the header its connection's API key name, the body a connector fixture. What the runner accepts reaches
// the OpenConnect emulator; the wrong key is refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amazonConnect from '@openconnect/amazon-connect';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import genesys from '@openconnect/genesys';
import { type Runner, startRunner } from '@openconnect/runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_FILE } from '../lib/template.js';
import { type Json, ofType, type TemplateJson } from './template-checks.js';

const repo = join(import.meta.dirname, '../../..');
const JWT = 'deploy-aws-test-jwt-0123456789abcdef';
const CONNECT_KEY = 'connect-api-key-0123456789abcdef';
const GENESYS_KEY = 'genesys-cloud-key-0123456789abcdef';
/** A `${NAME}` reference, as a config file holds a secret. */
const ref = (name: string) => `\${${name}}`;
const fixture = (path: string) =>
  (JSON.parse(readFileSync(join(repo, path), 'utf8')) as { request: { body: Json } }).request.body;
const contactEvent = fixture('connectors/amazon-connect/fixtures/eventbridge/connected-to-agent.json');
const genesysEvent = fixture('connectors/genesys/fixtures/cloud/user-start-offered.json');
const agentArn = ((contactEvent.detail as Json).agentInfo as Json).agentArn as string;
const genesysUser = ((genesysEvent.detail as Json).eventBody as Json).userId as string;

let template: TemplateJson;
let emulator: Emulator;
let runner: Runner;
let dir: string;

beforeAll(async () => {
  template = JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as TemplateJson;
  emulator = await startEmulator({ jwts: [JWT] });
  dir = mkdtempSync(join(tmpdir(), 'deploy-aws-runner-'));
  runner = await startRunner({
    config: {
      host: '127.0.0.1',
      port: 0,
      openconnect: { url: emulator.endpoint, jwt: ref('JWT'), crmid: 'crm.example.com', timeoutMs: 2000 },
      connectors: {
        'amazon-connect': {
          options: { apiKey: ref('CONNECT_KEY') },
          directory: { [agentArn]: 'maria.lopez' },
        },
        genesys: { options: { cloudApiKey: ref('GENESYS_KEY') }, directory: { [genesysUser]: 'jane.doe' } },
      },
    },
    env: { JWT, CONNECT_KEY, GENESYS_KEY, OUTBOX: `sqlite:${join(dir, 'outbox.db')}` },
    connectors: [amazonConnect, genesys],
    logDestination: { write: () => true },
  });
});

afterAll(async () => {
  await runner?.close();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What an API destination of the template sends: POST to its endpoint with its connection's header. */
function destination(prefix: string): { url: string; header: string } {
  const [, api] = ofType(template, 'AWS::Events::ApiDestination').find(([id]) => id.startsWith(prefix))!;
  const [, connection] = ofType(template, 'AWS::Events::Connection').find(([id]) => id.startsWith(prefix))!;
  const [, parts] = (api.Properties!.InvocationEndpoint as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  // RunnerUrl is the one parameter in the endpoint; the rest is text.
  const url = parts.map((p) => (typeof p === 'string' ? p : runner.url)).join('');
  expect(parts).toContainEqual({ Ref: 'RunnerUrl' });
  const auth = (connection.Properties!.AuthParameters as Json).ApiKeyAuthParameters as Json;
  return { url, header: String(auth.ApiKeyName) };
}

const post = (url: string, headers: Record<string, string>, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('the API destinations against a runner', () => {
  it('contact events: the runner takes the event on the template endpoint and header, and OpenConnect gets the pop', async () => {
    const { url, header } = destination('ContactEventsToRunner');
    expect((await post(url, { [header]: 'not-the-key-0123456789abcdef' }, contactEvent)).status).toBe(401);
    const answer = await post(url, { [header]: CONNECT_KEY }, contactEvent);
    expect(answer.status).toBeLessThan(300);
    const [message] = await emulator.waitFor(1, 10_000);
    expect(message).toMatchObject({ agentid: 'maria.lopez', event: 'answered' });
  });

  it('Genesys Cloud: the same for the partner bus destination', async () => {
    const { url, header } = destination('Genesys');
    expect((await post(url, { [header]: 'not-the-key-0123456789abcdef' }, genesysEvent)).status).toBe(401);
    const answer = await post(url, { [header]: GENESYS_KEY }, genesysEvent);
    expect(answer.status).toBeLessThan(300);
    const messages = await emulator.waitFor(2, 10_000);
    expect(messages[1]).toMatchObject({ agentid: 'jane.doe', event: 'offered' });
  });
});
