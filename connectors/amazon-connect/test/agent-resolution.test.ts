// EventBridge events name the agent only by ARN. These specify how the ARN becomes a login: the static
// directory first, then DescribeUser through the real SDK against a local Connect API, cached with a TTL.
import {
  type ConnectorSettingsInput,
  createRuntime,
  handleRequest,
  toInboundRequest,
} from '@openconnect/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import connector, {
  ConnectLookupError,
  type ConnectLookups,
  createConnectLookups,
  type LookupOptions,
} from '../src/index.js';
import {
  type FakeConnectApi,
  startFakeConnectApi,
  TEST_CREDENTIALS,
  TEST_REGION,
} from './fake-connect-api.js';
import { AGENT_ARN, API_KEY, INSTANCE_ARN, INSTANCE_ID, USER_ID } from './values.js';

let api: FakeConnectApi;
beforeAll(async () => {
  api = await startFakeConnectApi();
});
afterAll(() => api.close());
afterEach(() => {
  api.users.clear();
  api.attributes.clear();
  api.calls.length = 0;
  api.signedRegions.length = 0;
  api.failWith = undefined;
  api.delayMs = 0;
  api.maxInFlight = 0;
});

const CONTACT = 'c3a1e5f7-0b2d-4e6f-8a1c-3e5f7a9b1d20';
const userPath = (userId: string) => `GET /users/${INSTANCE_ID}/${userId}`;

type EventBody = { region: string; detail: Record<string, unknown> };

/** A CONNECTED_TO_AGENT for the user's agent ARN; `change` edits the body first. */
function connectedToAgent(userId: string, id = 'evt-1', change: (body: EventBody) => void = () => {}) {
  const body = {
    version: '0',
    id,
    'detail-type': 'Amazon Connect Contact Event',
    source: 'aws.connect',
    account: '210987654321',
    time: '2026-11-25T09:14:07Z',
    region: TEST_REGION,
    resources: [],
    detail: {
      eventType: 'CONNECTED_TO_AGENT',
      contactId: CONTACT,
      initialContactId: CONTACT,
      channel: 'VOICE',
      instanceArn: INSTANCE_ARN,
      initiationMethod: 'INBOUND',
      agentInfo: { agentArn: AGENT_ARN(userId) },
    },
  };
  change(body);
  return toInboundRequest({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body,
  });
}

function lookups(options: Partial<LookupOptions> = {}): ConnectLookups {
  return createConnectLookups({
    region: TEST_REGION,
    endpoint: api.url,
    credentials: TEST_CREDENTIALS,
    lookupMaxAttempts: 1,
    ...options,
  });
}

function runtime(settings: ConnectorSettingsInput = {}, services: ConnectLookups = lookups()) {
  return createRuntime(
    connector,
    { ...settings, options: { apiKey: API_KEY, ...(settings.options ?? {}) } },
    { services },
  );
}

async function agentOf(rt: ReturnType<typeof runtime>, userId: string, id?: string) {
  const outcome = await handleRequest(rt, connectedToAgent(userId, id), 'eventbridge');
  if (outcome.kind !== 'accepted')
    throw new Error(`${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome.messages.map((m) => m.agentid);
}

describe('agent resolution', () => {
  it('asks DescribeUser with the instance and user id from the ARN, signed with the configured credentials', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    expect(await agentOf(runtime(), USER_ID.aisha)).toEqual(['aisha.khan']);
    expect(api.calls).toEqual([userPath(USER_ID.aisha)]);
    expect(api.allSigned()).toBe(true);
  });

  it('asks the region the agent ARN names when no region is configured, whatever AWS_REGION says', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'us-east-1';
    try {
      const rt = runtime({}, lookups({ region: undefined }));
      expect(await agentOf(rt, USER_ID.aisha)).toEqual(['aisha.khan']);
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
    expect(api.signedRegions).toEqual(['eu-central-1']);
  });

  it('asks the configured region when one is set', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    await agentOf(runtime({}, lookups({ region: 'eu-west-2' })), USER_ID.aisha);
    expect(api.signedRegions).toEqual(['eu-west-2']);
  });

  it('answers a second event for the same agent from the cache, without a second call', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    const rt = runtime();
    await agentOf(rt, USER_ID.aisha, 'evt-1');
    expect(await agentOf(rt, USER_ID.aisha, 'evt-2')).toEqual(['aisha.khan']);
    expect(api.calls).toEqual([userPath(USER_ID.aisha)]);
  });

  it('shares one DescribeUser call between concurrent events for the same agent', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    const rt = runtime();
    const both = await Promise.all([
      agentOf(rt, USER_ID.aisha, 'evt-1'),
      agentOf(rt, USER_ID.aisha, 'evt-2'),
    ]);
    expect(both).toEqual([['aisha.khan'], ['aisha.khan']]);
    expect(api.calls).toEqual([userPath(USER_ID.aisha)]);
  });

  it('asks again once the cached login is older than userCacheTtlMs', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    let now = 1_000_000;
    const rt = runtime({}, lookups({ userCacheTtlMs: 60_000, now: () => now }));
    await agentOf(rt, USER_ID.aisha, 'evt-1');
    now += 59_999;
    await agentOf(rt, USER_ID.aisha, 'evt-2');
    expect(api.calls).toHaveLength(1);
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan2');
    now += 2;
    expect(await agentOf(rt, USER_ID.aisha, 'evt-3')).toEqual(['aisha.khan2']);
    expect(api.calls).toHaveLength(2);
  });

  it('uses a directory entry keyed by the agent ARN and never calls Connect', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.maria}`, 'name-in-connect');
    const rt = runtime({ directory: { [AGENT_ARN(USER_ID.maria)]: 'maria.lopez' } });
    expect(await agentOf(rt, USER_ID.maria)).toEqual(['maria.lopez']);
    expect(api.calls).toEqual([]);
  });

  it('uses a directory entry keyed by the user-id segment of the ARN and never calls Connect', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.tom}`, 'name-in-connect');
    const rt = runtime({ directory: { [USER_ID.tom]: 'tom.becker' } });
    expect(await agentOf(rt, USER_ID.tom)).toEqual(['tom.becker']);
    expect(api.calls).toEqual([]);
  });

  it('ignores an agent Connect does not know (404), naming the ARN, and remembers that for notFoundTtlMs', async () => {
    const rt = runtime();
    const first = await handleRequest(rt, connectedToAgent(USER_ID.gone, 'evt-1'), 'eventbridge');
    expect(first).toMatchObject({
      kind: 'ignored',
      reason: `Amazon Connect has no user for agent ${AGENT_ARN(USER_ID.gone)}; add the ARN or its user id to the directory, or check the instance`,
    });
    expect(first.answer.status).toBe(200);
    await handleRequest(rt, connectedToAgent(USER_ID.gone, 'evt-2'), 'eventbridge');
    expect(api.calls).toEqual([userPath(USER_ID.gone)]);
  });

  it('fails with 503 when the Connect API answers 500, so EventBridge delivers the event again', async () => {
    api.failWith = 500;
    const outcome = await handleRequest(runtime(), connectedToAgent(USER_ID.aisha), 'eventbridge');
    expect(outcome.kind).toBe('failed');
    expect(outcome.answer.status).toBe(503);
    expect('reason' in outcome && outcome.reason).toContain(
      `Amazon Connect DescribeUser for ${AGENT_ARN(USER_ID.aisha)} failed (InternalServiceException`,
    );
  });

  it('fails with 503 when the Connect API cannot be reached at all', async () => {
    const down = await startFakeConnectApi();
    await down.close();
    const outcome = await handleRequest(
      runtime({}, lookups({ endpoint: down.url, lookupTimeoutMs: 500 })),
      connectedToAgent(USER_ID.aisha),
      'eventbridge',
    );
    expect(outcome.kind).toBe('failed');
    expect(outcome.answer.status).toBe(503);
  });

  it('does not remember a failed look-up: the retried event asks again and maps', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    const rt = runtime();
    api.failWith = 503;
    expect((await handleRequest(rt, connectedToAgent(USER_ID.aisha), 'eventbridge')).kind).toBe('failed');
    api.failWith = undefined;
    expect(await agentOf(rt, USER_ID.aisha)).toEqual(['aisha.khan']);
    expect(api.calls).toEqual([userPath(USER_ID.aisha), userPath(USER_ID.aisha)]);
  });
});

describe('the Connect API look-ups', () => {
  const HINT =
    'check the region, the network path to the Connect API and the IAM permissions connect:DescribeUser / connect:GetContactAttributes / connect:DescribeContact';

  it('say in a failure what failed, as Connect answered, and what the admin should check', async () => {
    api.failWith = 500;
    const outcome = await handleRequest(runtime(), connectedToAgent(USER_ID.aisha), 'eventbridge');
    expect('reason' in outcome && outcome.reason).toBe(
      `amazon-connect/eventbridge could not process the request: Amazon Connect DescribeUser for ${AGENT_ARN(USER_ID.aisha)} failed (InternalServiceException: emulated outage); ${HINT}`,
    );
    expect(new ConnectLookupError('DescribeContact for contact c-1', 'socket hang up').message).toBe(
      `Amazon Connect DescribeContact for contact c-1 failed (Error: socket hang up); ${HINT}`,
    );
  });

  it('try a failing call twice by default, or as often as lookupMaxAttempts says', async () => {
    api.failWith = 500;
    await handleRequest(
      runtime({}, lookups({ lookupMaxAttempts: undefined })),
      connectedToAgent(USER_ID.aisha),
      'eventbridge',
    );
    expect(api.calls).toEqual([userPath(USER_ID.aisha), userPath(USER_ID.aisha)]);
    api.calls.length = 0;
    await handleRequest(
      runtime({}, lookups({ lookupMaxAttempts: 3 })),
      connectedToAgent(USER_ID.aisha),
      'eventbridge',
    );
    expect(api.calls).toHaveLength(3);
  });

  it('give up on a call Connect does not answer within lookupTimeoutMs (503, so the event comes again)', async () => {
    // A Connect API of its own: the request it still holds after the timeout must not count in the next test.
    const slow = await startFakeConnectApi();
    slow.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    slow.delayMs = 3000;
    try {
      const started = performance.now();
      const outcome = await handleRequest(
        runtime({}, lookups({ endpoint: slow.url, lookupTimeoutMs: 200 })),
        connectedToAgent(USER_ID.aisha),
        'eventbridge',
      );
      expect(outcome.kind).toBe('failed');
      expect(outcome.answer.status).toBe(503);
      expect('reason' in outcome && outcome.reason).toContain('200 ms requestTimeout');
      expect(performance.now() - started).toBeLessThan(2500);
    } finally {
      await slow.close();
    }
  });

  it('remember a login for an hour and an unknown agent for a minute by default', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    let now = 1_000_000;
    const rt = runtime({}, lookups({ now: () => now }));
    await agentOf(rt, USER_ID.aisha, 'evt-1');
    await handleRequest(rt, connectedToAgent(USER_ID.gone, 'evt-2'), 'eventbridge');
    now += 60_000 - 1;
    await handleRequest(rt, connectedToAgent(USER_ID.gone, 'evt-3'), 'eventbridge');
    expect(api.calls).toEqual([userPath(USER_ID.aisha), userPath(USER_ID.gone)]);
    now += 2;
    await handleRequest(rt, connectedToAgent(USER_ID.gone, 'evt-4'), 'eventbridge');
    expect(api.calls).toHaveLength(3);
    now = 1_000_000 + 3_600_000 - 1;
    await agentOf(rt, USER_ID.aisha, 'evt-5');
    expect(api.calls).toHaveLength(3);
    now += 2;
    await agentOf(rt, USER_ID.aisha, 'evt-6');
    expect(api.calls).toEqual([
      userPath(USER_ID.aisha),
      userPath(USER_ID.gone),
      userPath(USER_ID.gone),
      userPath(USER_ID.aisha),
    ]);
  });

  it('ask again for a login exactly when its time is up', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    let now = 1_000_000;
    const rt = runtime({}, lookups({ userCacheTtlMs: 1000, now: () => now }));
    await agentOf(rt, USER_ID.aisha, 'evt-1');
    now += 1000;
    await agentOf(rt, USER_ID.aisha, 'evt-2');
    expect(api.calls).toHaveLength(2);
  });
});

describe('contact attributes enrichment', () => {
  const directory = { [USER_ID.maria]: 'maria.lopez' };

  it('is off by default: no GetContactAttributes call, no attribute props', async () => {
    api.attributes.set(`${INSTANCE_ID}/${CONTACT}`, { customerNumber: 'K-100245' });
    const outcome = await handleRequest(
      runtime({ directory }),
      connectedToAgent(USER_ID.maria),
      'eventbridge',
    );
    expect(outcome.kind).toBe('accepted');
    if (outcome.kind !== 'accepted') return;
    expect(Object.keys(outcome.messages[0]!.props)).not.toContain('customerNumber');
    expect(api.calls).toEqual([]);
  });

  it('adds the attributes of the initial contact as props when contactAttributes is on', async () => {
    api.attributes.set(`${INSTANCE_ID}/${CONTACT}`, { customerNumber: 'K-100245', crmid: 'CRM-7734' });
    const rt = runtime({ directory, options: { contactAttributes: true } });
    const outcome = await handleRequest(rt, connectedToAgent(USER_ID.maria), 'eventbridge');
    expect(outcome.kind).toBe('accepted');
    if (outcome.kind !== 'accepted') return;
    expect(outcome.messages[0]!.props).toEqual({
      lifecycle: 'answered',
      customerNumber: 'K-100245',
      // A contact attribute named like a reserved field travels under core's rule, never as crmid.
      'attributes.crmid': 'CRM-7734',
      nativeEvent: 'CONNECTED_TO_AGENT',
      interactionId: CONTACT,
      channel: 'voice',
      direction: 'inbound',
      agentPlatformId: AGENT_ARN(USER_ID.maria),
      initialContactId: CONTACT,
      initiationMethod: 'INBOUND',
      eventTime: '2026-11-25T09:14:07Z',
      leg: 'primary',
    });
    expect(api.calls).toEqual([`GET /contact/attributes/${INSTANCE_ID}/${CONTACT}`]);
  });

  it('asks for the attributes while DescribeUser is still under way (an API destination waits 5 s)', async () => {
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    api.attributes.set(`${INSTANCE_ID}/${CONTACT}`, { customerNumber: 'K-100245' });
    api.delayMs = 150;
    const rt = runtime({ options: { contactAttributes: true } });
    expect(await agentOf(rt, USER_ID.aisha)).toEqual(['aisha.khan']);
    expect(api.maxInFlight).toBe(2);
  });

  it('maps without attributes when Connect no longer knows the contact (404)', async () => {
    const rt = runtime({ directory, options: { contactAttributes: true } });
    const outcome = await handleRequest(rt, connectedToAgent(USER_ID.maria), 'eventbridge');
    expect(outcome.kind).toBe('accepted');
    expect(api.calls).toEqual([`GET /contact/attributes/${INSTANCE_ID}/${CONTACT}`]);
  });

  it('asks for the attributes of the initial contact when the contact is a transfer of it', async () => {
    api.attributes.set(`${INSTANCE_ID}/${CONTACT}`, { customerNumber: 'K-100245' });
    const rt = runtime({ directory, options: { contactAttributes: true } });
    const request = connectedToAgent(USER_ID.maria, 'evt-1', (body) => {
      Object.assign(body.detail, { contactId: 'c-transfer', initiationMethod: 'TRANSFER' });
    });
    const outcome = await handleRequest(rt, request, 'eventbridge');
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props.customerNumber).toBe('K-100245');
    expect(api.calls).toEqual([`GET /contact/attributes/${INSTANCE_ID}/${CONTACT}`]);
  });

  describe('for an agent the directory lists under an id that is no agent ARN', () => {
    const listed = { 'agent-7': 'maria.lopez' };
    const asAgent7 = (change: (detail: Record<string, unknown>) => void) =>
      connectedToAgent(USER_ID.maria, 'evt-1', (body) => {
        body.detail.agentInfo = { agentArn: 'agent-7' };
        change(body.detail);
      });
    const propsOf = async (rt: ReturnType<typeof runtime>, request: ReturnType<typeof asAgent7>) => {
      const outcome = await handleRequest(rt, request, 'eventbridge');
      return outcome.kind === 'accepted' ? outcome.messages[0]!.props : outcome.kind;
    };

    it('asks the instance the instance ARN names, in the event region', async () => {
      api.attributes.set(`${INSTANCE_ID}/${CONTACT}`, { customerNumber: 'K-100245' });
      const rt = runtime(
        { directory: listed, options: { contactAttributes: true } },
        lookups({ region: undefined }),
      );
      const request = connectedToAgent(USER_ID.maria, 'evt-1', (body) => {
        body.region = 'eu-west-3';
        body.detail.agentInfo = { agentArn: 'agent-7' };
      });
      expect(await propsOf(rt, request)).toMatchObject({ customerNumber: 'K-100245' });
      expect(api.calls).toEqual([`GET /contact/attributes/${INSTANCE_ID}/${CONTACT}`]);
      expect(api.signedRegions).toEqual(['eu-west-3']);
    });

    it('asks the instance the aws:connect:instanceId tag names when the event has no instance ARN', async () => {
      api.attributes.set(`${INSTANCE_ID}/${CONTACT}`, { customerNumber: 'K-100245' });
      const rt = runtime({ directory: listed, options: { contactAttributes: true } });
      const request = asAgent7((detail) => {
        delete detail.instanceArn;
        detail.tags = { 'aws:connect:instanceId': INSTANCE_ID };
      });
      expect(await propsOf(rt, request)).toMatchObject({ customerNumber: 'K-100245' });
      expect(api.calls).toEqual([`GET /contact/attributes/${INSTANCE_ID}/${CONTACT}`]);
    });

    it('maps without attributes, asking nothing, when nothing names the instance', async () => {
      const rt = runtime({ directory: listed, options: { contactAttributes: true, customerEndpoint: true } });
      const request = asAgent7((detail) => {
        delete detail.instanceArn;
        detail.tags = { 'aws:connect:instanceId': 42 };
      });
      expect(await propsOf(rt, request)).toMatchObject({
        interactionId: CONTACT,
        agentPlatformId: 'agent-7',
      });
      expect(api.calls).toEqual([]);
    });
  });

  it('fails with 503 when GetContactAttributes fails, so the pop is retried with its data', async () => {
    api.failWith = 500;
    const rt = runtime({ directory, options: { contactAttributes: true } });
    const outcome = await handleRequest(rt, connectedToAgent(USER_ID.maria), 'eventbridge');
    expect(outcome.kind).toBe('failed');
    expect(outcome.answer.status).toBe(503);
  });
});

describe('setup(config)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('builds the look-ups from region and endpoint, with credentials from the default AWS chain', async () => {
    // The environment is the first link of the default chain; nothing reaches AWS.
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    const rt = createRuntime(connector, {
      options: { apiKey: API_KEY, region: TEST_REGION, endpoint: api.url },
    });
    expect(await agentOf(rt, USER_ID.aisha)).toEqual(['aisha.khan']);
    expect(api.allSigned()).toBe(true);
  });

  it('builds with only a directory (openconnect map), and then refuses requests for want of an API key', async () => {
    const rt = createRuntime(connector, { directory: { [USER_ID.maria]: 'maria.lopez' } });
    const outcome = await handleRequest(rt, connectedToAgent(USER_ID.maria), 'eventbridge');
    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: expect.stringContaining('no secret is configured'),
    });
  });
});
