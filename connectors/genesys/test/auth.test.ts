// Each source's credential: accepted when right, 401 when wrong or missing, and refused when unset.
import { createRuntime, handleRequest, type InboundRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { CLOUD_KEY, PURECONNECT_TOKEN, PUREENGAGE_TOKEN, settings, WORKFLOW_KEY } from './settings.js';
import { userStart } from './requests.js';

const json = (body: unknown, headers: Record<string, string>): InboundRequest =>
  toInboundRequest({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const workflow = (headers: Record<string, string>) =>
  json({ event: 'answered', conversationId: 'c-1', agent: 'jane.doe@example.com' }, headers);
const pureconnect = (headers: Record<string, string>) =>
  json(
    {
      __type: 'urn:inin.com:status:userStatusMessage',
      userStatusList: [{ userId: 'jdoe', statusId: 'Available' }],
    },
    headers,
  );
const pureengage = (headers: Record<string, string>) =>
  json(
    { messageType: 'DnStateChanged', dn: { number: '5001', agentId: '1001', agentState: 'Ready' } },
    headers,
  );

const cases = [
  {
    source: 'cloud',
    build: (h: Record<string, string>) => userStart('9d8e7f6a-1111-4222-8333-444455556666', 'e-1', h),
    name: 'x-api-key',
    good: CLOUD_KEY,
    bearer: false,
  },
  { source: 'cloud-workflow', build: workflow, name: 'x-api-key', good: WORKFLOW_KEY, bearer: false },
  { source: 'pureconnect', build: pureconnect, name: 'authorization', good: PURECONNECT_TOKEN, bearer: true },
  { source: 'pureengage', build: pureengage, name: 'authorization', good: PUREENGAGE_TOKEN, bearer: true },
];

describe('authentication', () => {
  for (const c of cases) {
    const credential = (value: string) => ({ [c.name]: c.bearer ? `Bearer ${value}` : value });

    it(`${c.source}: accepts the configured secret`, async () => {
      const outcome = await handleRequest(
        createRuntime(connector, settings),
        c.build(credential(c.good)),
        c.source,
      );
      expect(outcome.kind).toBe('accepted');
    });

    it(`${c.source}: refuses a wrong secret with 401, without echoing it`, async () => {
      const outcome = await handleRequest(
        createRuntime(connector, settings),
        c.build(credential(`${c.good}x`)),
        c.source,
      );
      expect(outcome.kind).toBe('rejected');
      expect(outcome.answer.status).toBe(401);
      expect(outcome.answer.body).not.toContain(c.good);
    });

    it(`${c.source}: refuses a request without the credential with 401`, async () => {
      const outcome = await handleRequest(createRuntime(connector, settings), c.build({}), c.source);
      expect(outcome.answer.status).toBe(401);
    });
  }

  it('pureconnect: refuses the token without the Bearer scheme', async () => {
    const outcome = await handleRequest(
      createRuntime(connector, settings),
      pureconnect({ authorization: PURECONNECT_TOKEN }),
      'pureconnect',
    );
    expect(outcome.answer.status).toBe(401);
  });

  it('cloud: reads the API key from the header named in cloudApiKeyHeader', async () => {
    const custom = createRuntime(connector, {
      ...settings,
      options: { ...settings.options, cloudApiKeyHeader: 'X-Genesys-Key' },
    });
    const good = await handleRequest(
      custom,
      userStart('9d8e7f6a-1111-4222-8333-444455556666', 'e-2', { 'x-genesys-key': CLOUD_KEY }),
      'cloud',
    );
    const defaultName = await handleRequest(
      custom,
      userStart('9d8e7f6a-1111-4222-8333-444455556666', 'e-3'),
      'cloud',
    );
    expect(good.kind).toBe('accepted');
    expect(defaultName.answer.status).toBe(401);
  });

  it('cloud-workflow: falls back to cloudApiKey when workflowApiKey is not set', async () => {
    const { workflowApiKey: _, ...options } = settings.options;
    const outcome = await handleRequest(
      createRuntime(connector, { ...settings, options }),
      workflow({ 'x-api-key': CLOUD_KEY }),
      'cloud-workflow',
    );
    expect(outcome.kind).toBe('accepted');
  });

  it('refuses every request of a source whose secret is not configured', async () => {
    const { pureengageToken: _, ...options } = settings.options;
    const outcome = await handleRequest(
      createRuntime(connector, { ...settings, options }),
      pureengage({ authorization: `Bearer ${PUREENGAGE_TOKEN}` }),
      'pureengage',
    );
    expect(outcome.kind === 'rejected' && outcome.reason).toContain('no secret is configured');
  });

  it('registers every configured secret for redaction from logs and answers', async () => {
    const runtime = createRuntime(connector, settings);
    expect(runtime.secrets).toEqual(
      expect.arrayContaining([CLOUD_KEY, WORKFLOW_KEY, PURECONNECT_TOKEN, PUREENGAGE_TOKEN]),
    );
  });
});
