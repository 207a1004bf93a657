import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineSource } from '../src/connector.js';
import { dedupeKeyOf } from '../src/dedupe.js';
import { ignore } from '../src/mapping.js';
import { ConfigError, InputError, NetworkError, TimeoutError } from '../src/errors.js';
import { postBytesAtMost } from '../src/client.js';
import type { Props } from '../src/message.js';
import { applyPropPolicy, createRuntime, handleRequest, resolveEventName } from '../src/pipeline.js';
import { parseJson, parseWith, queryValues, toInboundRequest } from '../src/request.js';
import { assertSurvives, expectOutcome } from '../src/testing/conformance.js';
import { verifyToken } from '../src/verify.js';
import { PROP } from '../src/vocabulary.js';

const callEvent = z.object({
  id: z.string(),
  type: z.string(),
  agent: z.string().optional(),
  call: z.string(),
  note: z.string().optional(),
});

const calls = defineSource<z.output<typeof callEvent>, { token: string }, { lookups: number }>({
  id: 'calls',
  description: 'test calls',
  auth: { scheme: 'shared-secret', summary: 'x-token', credentials: [{ in: 'header', name: 'x-token' }] },
  detect: (req) => (req.headers['content-type'] ?? '').includes('json'),
  verify: (req, { config }) => verifyToken(req, { expected: config.token, header: 'x-token' }),
  handshake: (req) => (req.headers['x-ping'] ? { status: 200, body: 'pong' } : undefined),
  parse: (req) => parseWith(callEvent, parseJson(req)),
  eventId: (e) => e.id,
  map(e, ctx) {
    if (e.type === 'boom') throw new Error('look-up service unreachable');
    if (e.type === 'batch') {
      return ['r-1', 'r-2'].map((record) => ({
        agentid: 'a1',
        lifecycle: 'answered' as const,
        dedupeId: record,
        props: { [PROP.nativeEvent]: e.type, [PROP.interactionId]: record },
      }));
    }
    if (e.type === 'twice') {
      return [
        {
          agentid: 'a1',
          lifecycle: 'answered',
          props: { [PROP.nativeEvent]: e.type, [PROP.interactionId]: e.call },
        },
        {
          agentid: 'a2',
          lifecycle: 'answered',
          props: { [PROP.nativeEvent]: e.type, [PROP.interactionId]: e.call },
        },
      ];
    }
    if (e.type !== 'answered' && e.type !== 'ended') return ignore(`type ${e.type} is not mapped`);
    const agentid = e.agent ? (ctx.directory.get(e.agent) ?? e.agent) : '';
    return {
      agentid,
      lifecycle: e.type,
      props: {
        [PROP.nativeEvent]: e.type,
        [PROP.interactionId]: e.call,
        ...(e.note ? { note: e.note } : {}),
      },
    };
  },
});

const pings = defineSource<Record<string, string>, { token: string }>({
  id: 'pings',
  description: 'query-string triggers',
  methods: ['GET'],
  auth: { scheme: 'shared-secret', summary: 'token param', credentials: [{ in: 'query', name: 'token' }] },
  detect: (req) => req.method === 'GET',
  verify: (req, { config }) => verifyToken(req, { expected: config.token, query: 'token' }),
  parse: (req) => queryValues(req),
  map: (q) => ({
    agentid: q.agent ?? 'nobody',
    lifecycle: 'custom',
    event: q.trigger ?? 'manual',
    props: { [PROP.nativeEvent]: q.trigger ?? 'manual' },
  }),
  respond: ({ delivered }) => ({
    status: 200,
    headers: { 'content-type': 'text/plain' },
    body: `sent ${delivered}`,
  }),
});

const connector = defineConnector({
  id: 'test-vendor',
  displayName: 'Test Vendor',
  platforms: ['Test Cloud'],
  config: z.object({ token: z.string().min(4) }),
  secrets: ['token'],
  setup: () => ({ lookups: 0 }),
  sources: [calls, pings],
});

const runtime = (settings: Parameters<typeof createRuntime>[1] = {}) =>
  createRuntime(connector, { options: { token: 'tok-secret' }, ...settings });
const post = (body: unknown, headers: Record<string, string> = {}) =>
  toInboundRequest({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-token': 'tok-secret', ...headers },
    body,
  });

describe('handleRequest', () => {
  it('turns an authentic request into prepared messages with the default event name', async () => {
    const outcome = await handleRequest(
      runtime(),
      post({ id: 'e1', type: 'answered', agent: 'jdoe', call: 'c1' }),
      'calls',
    );
    expectOutcome(outcome, {
      eventId: 'e1',
      messages: [
        {
          agentid: 'jdoe',
          event: 'answered',
          lifecycle: 'answered',
          props: { lifecycle: 'answered', nativeEvent: 'answered', interactionId: 'c1' },
        },
      ],
    });
    expect(outcome.kind === 'accepted' && outcome.messages[0]?.dedupeKey).toBe('test-vendor/calls/e1');
    expect(outcome.answer).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"status":"accepted","messages":1}',
    });
  });

  it('refuses a wrong credential with 401 before parsing the body', async () => {
    const outcome = await handleRequest(
      runtime(),
      {
        ...post({}),
        rawBody: Buffer.from('not json'),
        headers: { 'x-token': 'nope', 'content-type': 'application/json' },
      },
      'calls',
    );
    expect(outcome.kind).toBe('rejected');
    expect(outcome.answer.status).toBe(401);
  });

  it('answers a handshake without delivering', async () => {
    const outcome = await handleRequest(runtime(), post({ id: 'p' }, { 'x-ping': '1' }), 'calls');
    expect(outcome).toEqual({ kind: 'handshake', source: 'calls', answer: { status: 200, body: 'pong' } });
  });

  it('answers 400 naming the field when the body has the wrong shape', async () => {
    const outcome = await handleRequest(runtime(), post({ id: 'e1', type: 'answered' }), 'calls');
    expect(outcome.kind).toBe('invalid');
    expect(outcome.answer.status).toBe(400);
    expect('reason' in outcome && outcome.reason).toContain('at call');
  });

  it('ignores unmapped events with the reason, answering 200 so the vendor does not retry', async () => {
    const outcome = await handleRequest(
      runtime(),
      post({ id: 'e2', type: 'recording', call: 'c1' }),
      'calls',
    );
    expectOutcome(outcome, { ignored: 'type recording is not mapped' });
    expect(outcome.answer.status).toBe(200);
  });

  it('answers 503 when a look-up fails, so the vendor retries, and keeps secrets out of the reason', async () => {
    const outcome = await handleRequest(runtime(), post({ id: 'e3', type: 'boom', call: 'c1' }), 'calls');
    expect(outcome.kind).toBe('failed');
    expect(outcome.answer.status).toBe(503);
  });

  it('answers 400, not a retryable 503, when parse throws something other than an InputError', async () => {
    const fragile = defineConnector({
      ...connector,
      id: 'fragile',
      sources: [
        {
          ...calls,
          parse: () => {
            throw new RangeError('Maximum call stack size exceeded');
          },
        },
      ],
    });
    const outcome = await handleRequest(
      createRuntime(fragile, { options: { token: 'tok-secret' } }),
      post({}),
    );
    expect(outcome.kind).toBe('invalid');
    expect(outcome.answer.status).toBe(400);
    expect('reason' in outcome && outcome.reason).toBe(
      'fragile/calls could not read the request: Maximum call stack size exceeded',
    );
  });

  it('refuses a draft with an empty agentid as bad input', async () => {
    const outcome = await handleRequest(runtime(), post({ id: 'e4', type: 'answered', call: 'c1' }), 'calls');
    expect(outcome.answer.status).toBe(400);
    expect('reason' in outcome && outcome.reason).toContain('agentid must not be empty');
  });

  it('answers 413 naming the largest prop when the message would exceed 128 KB', async () => {
    const outcome = await handleRequest(
      runtime(),
      post({ id: 'e5', type: 'answered', agent: 'a', call: 'c', note: 'n'.repeat(140_000) }),
      'calls',
    );
    expect(outcome.answer.status).toBe(413);
    expect('reason' in outcome && outcome.reason).toContain('note (');
  });

  it('numbers the dedupe keys when one event makes several messages', async () => {
    const outcome = await handleRequest(runtime(), post({ id: 'e6', type: 'twice', call: 'c' }), 'calls');
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey)).toEqual([
      'test-vendor/calls/e6#0',
      'test-vendor/calls/e6#1',
    ]);
  });

  it("keys each draft by its own dedupeId when it has one, whatever the request's event id or position", async () => {
    const outcome = await handleRequest(runtime(), post({ id: 'e11', type: 'batch', call: 'c' }), 'calls');
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey)).toEqual([
      'test-vendor/calls/r-1',
      'test-vendor/calls/r-2',
    ]);
  });

  it('resolves agents through the directory', async () => {
    const outcome = await handleRequest(
      runtime({ directory: { 'u-1': 'jdoe' } }),
      post({ id: 'e7', type: 'ended', agent: 'u-1', call: 'c' }),
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]?.agentid).toBe('jdoe');
  });

  it('detects the source when the URL names none, and uses its own answer', async () => {
    const req = toInboundRequest({
      method: 'GET',
      query: { token: 'tok-secret', agent: 'jdoe', trigger: 'OnCallAccepted' },
    });
    const outcome = await handleRequest(runtime(), req);
    expect(outcome.kind === 'accepted' && outcome.source).toBe('pings');
    expect(outcome.kind === 'accepted' && outcome.messages[0]?.event).toBe('OnCallAccepted');
    expect(outcome.answer).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: 'sent 1',
    });
  });

  it('answers 405 naming the methods a source accepts', async () => {
    const outcome = await handleRequest(
      runtime(),
      toInboundRequest({ method: 'POST', query: { token: 'tok-secret' } }),
      'pings',
    );
    expect(outcome.answer.status).toBe(405);
    expect(outcome.answer.headers?.allow).toBe('GET');
  });

  it('answers 404 for an unknown source name, listing the real ones', async () => {
    const outcome = await handleRequest(runtime(), post({}), 'nope');
    expect(outcome.answer.status).toBe(404);
    expect('reason' in outcome && outcome.reason).toContain('calls, pings');
  });

  it('answers 400 when no source recognises the request', async () => {
    const req = toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    const outcome = await handleRequest(runtime(), req);
    expect(outcome.answer.status).toBe(400);
  });

  it('applies the deployment event map: native name first, then lifecycle; null switches off', async () => {
    const rt = runtime({ events: { answered: 'On Answer', ended: null } });
    const answered = await handleRequest(
      rt,
      post({ id: 'e8', type: 'answered', agent: 'a', call: 'c' }),
      'calls',
    );
    expect(answered.kind === 'accepted' && answered.messages[0]?.event).toBe('On Answer');
    const ended = await handleRequest(rt, post({ id: 'e9', type: 'ended', agent: 'a', call: 'c' }), 'calls');
    expect(ended.kind === 'accepted' && ended.messages).toEqual([]);
    expect(ended.kind === 'accepted' && ended.skipped).toEqual([
      { lifecycle: 'ended', reason: 'the event map switches off ended' },
    ]);
  });

  it('redacts a connector secret that a vendor payload echoes into a prop', async () => {
    const outcome = await handleRequest(
      runtime(),
      post({ id: 'e10', type: 'answered', agent: 'a', call: 'c', note: 'token=tok-secret!' }),
      'calls',
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]?.props.note).toBe('token=[redacted]!');
  });

  it('keeps secrets out of rejection reasons', async () => {
    const leaky = defineConnector({
      ...connector,
      id: 'leaky',
      sources: [
        { ...calls, verify: (_req, { config }) => ({ ok: false, reason: `expected ${config.token}` }) },
      ],
    });
    const outcome = await handleRequest(createRuntime(leaky, { options: { token: 'tok-secret' } }), post({}));
    expect(JSON.stringify(outcome)).not.toContain('tok-secret');
  });
});

describe('resolveEventName', () => {
  const draft = {
    agentid: 'a',
    lifecycle: 'answered' as const,
    props: { nativeEvent: 'CONNECTED_TO_AGENT' },
  };
  it('prefers a native event entry over a lifecycle entry', () => {
    expect(resolveEventName(draft, { CONNECTED_TO_AGENT: 'Pop', answered: 'On Answer' })).toBe('Pop');
  });
  it('falls back to the lifecycle word', () => expect(resolveEventName(draft, {})).toBe('answered'));
  it('is not fooled by prototype names', () => {
    expect(resolveEventName({ ...draft, props: { nativeEvent: 'constructor' } }, {})).toBe('answered');
  });
  it('uses the draft event for custom lifecycles', () => {
    expect(resolveEventName({ agentid: 'a', lifecycle: 'custom', event: 'OnPreview', props: {} }, {})).toBe(
      'OnPreview',
    );
  });
});

describe('applyPropPolicy', () => {
  const props = { ani: '1', dnis: '2', 'attributes.tier': 'gold', 'attributes.ssn': 'x' };
  it('allows exact names and prefixes', () => {
    expect(applyPropPolicy(props, { allow: ['ani', 'attributes.*'], drop: [], rename: {} })).toEqual({
      ani: '1',
      'attributes.tier': 'gold',
      'attributes.ssn': 'x',
    });
  });
  it('drops before allowing and renames last', () => {
    expect(
      applyPropPolicy(props, {
        allow: ['ani', 'attributes.*'],
        drop: ['attributes.ssn'],
        rename: { ani: 'callerNumber' },
      }),
    ).toEqual({
      callerNumber: '1',
      'attributes.tier': 'gold',
    });
  });
});

describe('createRuntime', () => {
  it('lists every problem in the connector options', () => {
    expect(() => createRuntime(connector, { options: { token: 1 } })).toThrow(ConfigError);
    expect(() => createRuntime(connector, { options: {} })).toThrow(/token/);
  });
  it('refuses a malformed event map', () => {
    expect(() =>
      createRuntime(connector, { options: { token: 'abcd' }, events: { answered: 3 as unknown as string } }),
    ).toThrow(/events\.answered/);
  });
});

describe('the conformance kit itself', () => {
  it('assertSurvives accepts an InputError and rejects any other exception', async () => {
    const rt = runtime();
    await expect(assertSurvives(rt, calls, post('not an object'))).resolves.toBeUndefined();
    const crashing = {
      ...calls,
      parse: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
    };
    await expect(assertSurvives(rt, crashing, post({}))).rejects.toThrow(/escaped as TypeError/);
    const throwsInput = {
      ...calls,
      parse: () => {
        throw new InputError('bad');
      },
    };
    await expect(assertSurvives(rt, throwsInput, post({}))).resolves.toBeUndefined();
  });

  it('expectOutcome checks the dedupe keys when a fixture names them', async () => {
    const outcome = await handleRequest(runtime(), post({ id: 'e11', type: 'batch', call: 'c' }), 'calls');
    const messages =
      outcome.kind === 'accepted'
        ? outcome.messages.map(({ agentid, event, lifecycle, props }) => ({
            agentid,
            event,
            lifecycle,
            props,
          }))
        : [];
    expect(() =>
      expectOutcome(outcome, { messages, dedupeKeys: ['test-vendor/calls/r-1', 'test-vendor/calls/r-2'] }),
    ).not.toThrow();
    expect(() =>
      expectOutcome(outcome, {
        messages,
        dedupeKeys: ['test-vendor/calls/e11#0', 'test-vendor/calls/e11#1'],
      }),
    ).toThrow();
  });

  it('expectOutcome fails when the messages differ', async () => {
    const outcome = await handleRequest(
      runtime(),
      post({ id: 'e1', type: 'answered', agent: 'jdoe', call: 'c1' }),
      'calls',
    );
    expect(() => expectOutcome(outcome, { messages: [] })).toThrow();
    expect(() => expectOutcome(outcome, { ignored: 'x' })).toThrow();
  });
});

describe('secrets of a connector config', () => {
  it('are read from keys and from paths with * through lists and records', async () => {
    const { secretValues } = await import('../src/pipeline.js');
    const config = {
      token: 'top-secret-1',
      agents: [{ user: 'a', password: 'pw-a-0001' }, { user: 'b', password: 'pw-b-0002' }, { user: 'c' }],
      by: { x: { key: 'k-x-0003' } },
    };
    expect(secretValues(config, ['token'])).toEqual(['top-secret-1']);
    expect(secretValues(config, 'agents.*.password'.split('.'))).toEqual(['pw-a-0001', 'pw-b-0002']);
    expect(secretValues(config, 'by.*.key'.split('.'))).toEqual(['k-x-0003']);
    expect(secretValues(config, 'agents.*.missing'.split('.'))).toEqual([]);
    expect(secretValues(config, ['nope'])).toEqual([]);
  });

  it('leave out empty values and paths through null or a string', async () => {
    const { secretValues } = await import('../src/pipeline.js');
    expect(secretValues({ a: '', b: 'x' }, ['a'])).toEqual([]);
    expect(secretValues({ a: 'x' }, ['a'])).toEqual(['x']);
    expect(secretValues({ a: null, s: 'text' }, ['a', 'b'])).toEqual([]);
    expect(secretValues({ s: 'text' }, ['s', 'length'])).toEqual([]);
  });

  it('are added once to the list the host hands in', () => {
    const secrets = ['host-jwt', 'tok-secret'];
    expect(createRuntime(connector, { options: { token: 'tok-secret' } }, { secrets }).secrets).toEqual([
      'host-jwt',
      'tok-secret',
    ]);
  });

  it('are scrubbed from the event id and the answers of 401 and 405', async () => {
    const accepted = await handleRequest(
      runtime(),
      post({ id: 'id-tok-secret', type: 'answered', agent: 'a', call: 'c' }),
      'calls',
    );
    expect(accepted.kind === 'accepted' && accepted.eventId).toBe('id-[redacted]');
    const refusedOne = await handleRequest(runtime(), post({}, { 'x-token': 'nope' }), 'calls');
    expect(refusedOne.answer).toEqual({
      status: 401,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ error: 'unauthorized: the credential does not match' }),
    });
    const wrongMethod = await handleRequest(
      runtime(),
      toInboundRequest({ method: 'POST', query: { token: 'tok-secret' } }),
      'pings',
    );
    expect(wrongMethod).toMatchObject({
      kind: 'invalid',
      source: 'pings',
      reason: 'test-vendor/pings accepts GET, not POST',
    });
    expect(wrongMethod.answer).toEqual({
      status: 405,
      headers: { allow: 'GET', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ error: 'test-vendor/pings accepts GET, not POST' }),
    });
  });
});

// A relay that forwards whatever the vendor sent, with no event id: its fields become props as they are.
const relayed = z.record(z.string(), z.string());
const relay = defineSource<Record<string, string>, { token: string }>({
  id: 'relay',
  description: 'a relay without event ids',
  methods: ['GET', 'POST'],
  auth: { scheme: 'shared-secret', summary: 'x-token', credentials: [{ in: 'header', name: 'x-token' }] },
  verify: (req, { config }) => verifyToken(req, { expected: config.token, header: 'x-token' }),
  parse: (req) => (req.method === 'GET' ? queryValues(req) : parseWith(relayed, parseJson(req))),
  map: ({ agent, event, skip, twice, ...fields }) => {
    if (skip) return ignore(`nothing to pop for ${skip}`);
    const draft = {
      agentid: agent ?? 'nobody',
      lifecycle: 'custom' as const,
      event: event ?? 'relayed',
      props: fields,
    };
    return twice ? [draft, { ...draft, agentid: twice }] : draft;
  },
  respond: (result) => ({
    status: 200,
    body: 'ignored' in result ? `ok: ${result.ignored}` : `ok: ${result.delivered}`,
  }),
});
const relayConnector = defineConnector({
  id: 'test-relay',
  displayName: 'Test Relay',
  platforms: ['Test Cloud'],
  config: z.object({ token: z.string().min(4) }),
  secrets: ['token'],
  sources: [relay],
});
const RELAY_URL = 'https://hooks.example.com/webhooks/test-relay/relay';
const relayRequest = (body: unknown, { url = RELAY_URL, method = 'POST' } = {}) =>
  toInboundRequest(
    { method, url, headers: { 'content-type': 'application/json', 'x-token': 'tok-secret' }, body },
    url,
  );
const IDENTICAL = { identicalRequestWindowMs: 120_000 };
const keysOf = async (
  request: ReturnType<typeof relayRequest>,
  options: Parameters<typeof handleRequest>[3] = IDENTICAL,
) => {
  const outcome = await handleRequest(
    createRuntime(relayConnector, { options: { token: 'tok-secret' } }),
    request,
    'relay',
    options,
  );
  if (outcome.kind !== 'accepted')
    throw new Error(`${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome.messages.map(({ dedupeKey, dedupeWindowMs }) => ({ dedupeKey, dedupeWindowMs }));
};

describe('a request whose source has no event id', () => {
  it("is keyed by a digest of its bytes (method, path and query, body) and source, kept for the host's window", async () => {
    const [first] = await keysOf(relayRequest({ agent: 'jdoe', note: 'n1' }));
    expect(first!.dedupeKey).toMatch(/^test-relay\/relay\/sha256=[A-Za-z0-9_-]{43}$/);
    expect(first!.dedupeWindowMs).toBe(120_000);
    expect(await keysOf(relayRequest({ agent: 'jdoe', note: 'n1' }))).toEqual([first]);
  });

  it('gets another key when any byte differs: the body, the query, the path or the method', async () => {
    const [base] = await keysOf(relayRequest({ agent: 'jdoe' }, { url: `${RELAY_URL}?a=1` }));
    const others = [
      await keysOf({
        ...relayRequest({ agent: 'jdoe' }, { url: `${RELAY_URL}?a=1` }),
        rawBody: Buffer.from('{"agent":"jdoe"} '),
      }),
      await keysOf(relayRequest({ agent: 'jdoe' }, { url: `${RELAY_URL}?a=2` })),
      await keysOf(relayRequest({ agent: 'jdoe' }, { url: `${RELAY_URL}/?a=1` })),
      await keysOf({
        ...relayRequest({ agent: 'jdoe' }, { url: `${RELAY_URL}?a=1` }),
        method: 'GET',
        query: { agent: 'jdoe' },
      }),
    ].map(([m]) => m!.dedupeKey);
    expect(new Set([base!.dedupeKey, ...others]).size).toBe(5);
  });

  it('is the same key through another host name: replicas behind one load balancer agree', async () => {
    const [viaOne] = await keysOf(relayRequest({ agent: 'jdoe' }, { url: `${RELAY_URL}?a=1` }));
    const [viaOther] = await keysOf(
      relayRequest({ agent: 'jdoe' }, { url: 'http://10.0.0.7:8080/webhooks/test-relay/relay?a=1' }),
    );
    expect(viaOther).toEqual(viaOne);
  });

  it('numbers the keys when one request makes several messages', async () => {
    const keys = await keysOf(relayRequest({ agent: 'a1', twice: 'a2' }));
    expect(keys.map((k) => k.dedupeKey?.split('#')[1])).toEqual(['0', '1']);
    expect(keys[0]!.dedupeKey!.split('#')[0]).toBe(keys[1]!.dedupeKey!.split('#')[0]);
  });

  it('has no key when nothing names it: no ids and no request to digest (an event from a held session)', () => {
    expect(
      dedupeKeyOf('test-relay/relay', { agentid: 'jdoe', lifecycle: 'answered', props: {} }, 0, 1, {}),
    ).toEqual({});
  });

  it('has no key without a window from the host (dry runs, hosts with no outbox), nor with 0', async () => {
    expect(await keysOf(relayRequest({ agent: 'jdoe' }), {})).toEqual([
      { dedupeKey: undefined, dedupeWindowMs: undefined },
    ]);
    expect(await keysOf(relayRequest({ agent: 'jdoe' }), { identicalRequestWindowMs: 0 })).toEqual([
      { dedupeKey: undefined, dedupeWindowMs: undefined },
    ]);
  });

  it("leaves a source's event id and a draft's dedupeId their own key, kept for the outbox's window", async () => {
    const byEventId = await handleRequest(
      runtime(),
      post({ id: 'e1', type: 'answered', agent: 'jdoe', call: 'c1' }),
      'calls',
      IDENTICAL,
    );
    expect(
      byEventId.kind === 'accepted' && byEventId.messages.map((m) => [m.dedupeKey, m.dedupeWindowMs]),
    ).toEqual([['test-vendor/calls/e1', undefined]]);
    const byDraft = await handleRequest(
      runtime(),
      post({ id: 'e11', type: 'batch', call: 'c' }),
      'calls',
      IDENTICAL,
    );
    expect(
      byDraft.kind === 'accepted' && byDraft.messages.map((m) => [m.dedupeKey, m.dedupeWindowMs]),
    ).toEqual([
      ['test-vendor/calls/r-1', undefined],
      ['test-vendor/calls/r-2', undefined],
    ]);
  });
});

describe('secrets the host hands to createRuntime', () => {
  const JWT = 'jwt-0123456789abcdef-openconnect';
  const ADMIN = 'admin-token-0123456789';
  const hostRuntime = () => {
    const secrets = [JWT, ADMIN];
    return {
      secrets,
      runtime: createRuntime(relayConnector, { options: { token: 'tok-secret' } }, { secrets }),
    };
  };

  it("join the connector's own in one list, which the host keeps", () => {
    const { secrets, runtime: rt } = hostRuntime();
    expect(rt.secrets).toEqual([JWT, ADMIN, 'tok-secret']);
    expect(secrets).toBe(rt.secrets);
  });

  it('are scrubbed from prop names and values, the agent and the event before anything is stored', async () => {
    const { runtime: rt } = hostRuntime();
    const outcome = await handleRequest(
      rt,
      relayRequest({
        agent: `agent-${ADMIN}`,
        event: `pop ${JWT}`,
        [JWT]: 'named like the jwt',
        [`custom.tok-secret`]: 'named like the token',
        note: JWT,
        other: 'Bearer tok-secret',
      }),
      'relay',
    );
    expect(outcome.kind === 'accepted' && outcome.messages).toEqual([
      {
        connector: 'test-relay',
        source: 'relay',
        agentid: 'agent-[redacted]',
        event: 'pop [redacted]',
        lifecycle: 'custom',
        props: {
          lifecycle: 'custom',
          '[redacted]': 'named like the jwt',
          'custom.[redacted]': 'named like the token',
          note: '[redacted]',
          other: 'Bearer [redacted]',
        },
      },
    ]);
  });

  it('never overwrite a prop when two names scrub to the same: the first stays', async () => {
    const { runtime: rt } = hostRuntime();
    const outcome = await handleRequest(
      rt,
      relayRequest({ agent: 'a', [JWT]: 'first', [ADMIN]: 'second' }),
      'relay',
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.props).toEqual({
      lifecycle: 'custom',
      '[redacted]': 'first',
    });
  });

  it('are scrubbed from ignored reasons and from every answer', async () => {
    const { runtime: rt } = hostRuntime();
    const ignored = await handleRequest(rt, relayRequest({ skip: `the jwt ${JWT}` }), 'relay');
    expect(ignored).toMatchObject({
      kind: 'ignored',
      reason: 'nothing to pop for the jwt [redacted]',
      answer: { body: 'ok: nothing to pop for the jwt [redacted]' },
    });
    const unknown = await handleRequest(rt, relayRequest({ agent: 'a' }), JWT);
    expect(unknown.answer.status).toBe(404);
    const unreadable = await handleRequest(
      rt,
      { ...relayRequest({}), rawBody: Buffer.from(`{"agent": ${JWT}}`) },
      'relay',
    );
    expect(unreadable.answer.status).toBe(400);
    for (const outcome of [ignored, unknown, unreadable]) expect(JSON.stringify(outcome)).not.toContain(JWT);
  });
});

// A source whose events may lack an id, and whose map fails the ways a look-up can.
const looseEvent = z.object({ id: z.string().optional(), type: z.string(), native: z.string().optional() });
const loose = defineSource<z.output<typeof looseEvent>, { token: string }>({
  id: 'loose',
  description: 'events with an optional id',
  auth: { scheme: 'shared-secret', summary: 'x-token', credentials: [{ in: 'header', name: 'x-token' }] },
  verify: (req, { config }) => verifyToken(req, { expected: config.token, header: 'x-token' }),
  parse: (req) => parseWith(looseEvent, parseJson(req)),
  eventId: (e) => e.id,
  map(e) {
    if (e.type === 'network') throw new NetworkError('ECONNREFUSED');
    if (e.type === 'timeout') throw new TimeoutError(5_000);
    if (e.type === 'skip') return ignore('nothing to pop');
    return { agentid: 'jdoe', lifecycle: 'answered', props: { [PROP.nativeEvent]: e.native ?? 'CONNECTED' } };
  },
});
const looseConnector = defineConnector({
  id: 'test-loose',
  displayName: 'Test Loose',
  platforms: ['Test Cloud'],
  config: z.object({ token: z.string().min(4) }),
  sources: [loose],
});
const looseRuntime = (settings: Parameters<typeof createRuntime>[1] = {}) =>
  createRuntime(looseConnector, { options: { token: 'tok-secret' }, ...settings });

describe('a source whose event has no id', () => {
  it('gives the message no dedupe key (one would make the outbox drop every later such message)', async () => {
    const outcome = await handleRequest(looseRuntime(), post({ type: 'answered' }), 'loose');
    expect(outcome.kind).toBe('accepted');
    expect(outcome).not.toHaveProperty('eventId');
    expect(outcome.kind === 'accepted' && outcome.messages).toHaveLength(1);
    expect(outcome.kind === 'accepted' && outcome.messages[0]).not.toHaveProperty('dedupeKey');
    expect(outcome.kind === 'accepted' && outcome.messages[0]).not.toHaveProperty('dedupeWindowMs');
  });

  it('reports no event id on an ignored event either, and the id when the event has one', async () => {
    expect(await handleRequest(looseRuntime(), post({ type: 'skip' }), 'loose')).not.toHaveProperty(
      'eventId',
    );
    const ignored = await handleRequest(looseRuntime(), post({ id: 'x1', type: 'skip' }), 'loose');
    expect(ignored.kind === 'ignored' && ignored.eventId).toBe('x1');
    const accepted = await handleRequest(looseRuntime(), post({ id: 'x2', type: 'answered' }), 'loose');
    expect(accepted.kind === 'accepted' && [accepted.eventId, accepted.messages[0]?.dedupeKey]).toEqual([
      'x2',
      'test-loose/loose/x2',
    ]);
  });
});

describe('failures of map', () => {
  it.each([
    ['network', 'test-loose/loose could not process the request: could not reach OpenConnect: ECONNREFUSED'],
    ['timeout', 'test-loose/loose could not process the request: OpenConnect did not answer within 5000 ms'],
  ])('a core %s error is a retryable 503, not a 413 or a 400', async (type, reason) => {
    const outcome = await handleRequest(looseRuntime(), post({ id: 'f1', type }), 'loose');
    expect(outcome).toMatchObject({ kind: 'failed', source: 'loose', reason });
    expect(outcome.answer).toEqual({
      status: 503,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ error: reason }),
    });
  });
});

describe('a dry run (verify: false)', () => {
  it('maps a request whose credential is wrong or missing, which a real run refuses', async () => {
    const unsigned = toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: { id: 'd1', type: 'answered' },
    });
    expect((await handleRequest(looseRuntime(), unsigned, 'loose')).kind).toBe('rejected');
    expect((await handleRequest(looseRuntime(), unsigned, 'loose', { verify: true })).kind).toBe('rejected');
    const dry = await handleRequest(looseRuntime(), unsigned, 'loose', { verify: false });
    expect(dry.kind === 'accepted' && dry.messages.map((m) => m.event)).toEqual(['answered']);
  });
});

describe('an event map keyed by lifecycle', () => {
  it('names an event whose native name differs from its lifecycle; a native entry still wins', async () => {
    const byLifecycle = await handleRequest(
      looseRuntime({ events: { answered: 'On Answer' } }),
      post({ type: 'answered' }),
      'loose',
    );
    expect(byLifecycle.kind === 'accepted' && byLifecycle.messages.map((m) => m.event)).toEqual([
      'On Answer',
    ]);
    const both = await handleRequest(
      looseRuntime({ events: { answered: 'On Answer', CONNECTED: 'Pop' } }),
      post({ type: 'answered' }),
      'loose',
    );
    expect(both.kind === 'accepted' && both.messages.map((m) => m.event)).toEqual(['Pop']);
  });

  it('switches off a lifecycle with null even when the native name is not in the map', async () => {
    const outcome = await handleRequest(
      looseRuntime({ events: { answered: null } }),
      post({ type: 'answered' }),
      'loose',
    );
    expect(outcome.kind === 'accepted' && [outcome.messages, outcome.skipped]).toEqual([
      [],
      [{ lifecycle: 'answered', reason: 'the event map switches off answered' }],
    ]);
  });

  it('resolveEventName looks up only a native name that is a string', () => {
    const draft = { agentid: 'a', lifecycle: 'answered' as const, props: { nativeEvent: 5 } };
    expect(resolveEventName(draft, { '5': 'Five', answered: 'On Answer' })).toBe('On Answer');
  });

  it('resolveEventName reads the lifecycle entry when the native name has none', () => {
    const draft = {
      agentid: 'a',
      lifecycle: 'answered' as const,
      props: { nativeEvent: 'CONNECTED_TO_AGENT' },
    };
    expect(resolveEventName(draft, { answered: 'On Answer' })).toBe('On Answer');
    expect(resolveEventName(draft, { CONNECTED_TO_AGENT: null, answered: 'On Answer' })).toBeNull();
  });
});

describe('what each refusal says, to the vendor and to the admin', () => {
  const body = (outcome: { answer: { body?: unknown } }) => JSON.parse(String(outcome.answer.body));

  it('a request no source recognises: which URL names one, and the sources to choose from', async () => {
    const req = toInboundRequest({
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    const outcome = await handleRequest(runtime(), req);
    const reason =
      'connector test-vendor could not tell which source sent this request; name it in the URL (/webhooks/test-vendor/<source>, one of calls, pings)';
    expect(outcome).toMatchObject({ kind: 'invalid', reason });
    expect(body(outcome)).toEqual({ error: reason });
  });

  it('an unknown source: 404 with the reason in the body', async () => {
    const outcome = await handleRequest(runtime(), post({}), 'nope');
    expect(body(outcome)).toEqual({
      error: 'connector test-vendor has no source "nope"; its sources are calls, pings',
    });
  });

  it('a method the source does not take: 405, the methods it takes, a JSON body', async () => {
    const outcome = await handleRequest(
      runtime(),
      toInboundRequest({ method: 'POST', query: { token: 'tok-secret' } }),
      'pings',
    );
    expect(outcome).toMatchObject({
      kind: 'invalid',
      source: 'pings',
      reason: 'test-vendor/pings accepts GET, not POST',
    });
    expect(outcome.answer.headers).toEqual({
      allow: 'GET',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(body(outcome)).toEqual({ error: 'test-vendor/pings accepts GET, not POST' });
  });

  it('an ignored event: 200 with status ignored and the reason', async () => {
    const outcome = await handleRequest(
      runtime(),
      post({ id: 'e2', type: 'recording', call: 'c1' }),
      'calls',
    );
    expect(body(outcome)).toEqual({ status: 'ignored', reason: 'type recording is not mapped' });
  });

  it('a message over 128 KB: 413 with the reason and the hint', async () => {
    const outcome = await handleRequest(
      runtime(),
      post({ id: 'e5', type: 'answered', agent: 'a', call: 'c', note: 'n'.repeat(140_000) }),
      'calls',
    );
    expect(outcome.answer.status).toBe(413);
    const answer = body(outcome);
    expect(answer.error).toBe('reason' in outcome ? outcome.reason : undefined);
    expect(answer.error).toMatch(/128 KB|131072|131,072/);
    expect(typeof answer.hint).toBe('string');
    expect(answer.hint.length).toBeGreaterThan(0);
  });

  it('a parse or a map that throws something that is not an Error (null): 400 or 503 naming it, never a crash', async () => {
    const odd = (parse: () => unknown, map?: () => never) =>
      createRuntime(
        defineConnector({ ...connector, id: 'odd', sources: [{ ...calls, parse, ...(map ? { map } : {}) }] }),
        {
          options: { token: 'tok-secret' },
        },
      );
    const unread = await handleRequest(
      odd(() => {
        throw null;
      }),
      post({}),
    );
    expect(unread).toMatchObject({ kind: 'invalid', reason: 'odd/calls could not read the request: null' });
    const unmapped = await handleRequest(
      odd(
        () => ({ id: 'e', type: 'answered', call: 'c' }),
        () => {
          throw null;
        },
      ),
      post({}),
    );
    expect(unmapped).toMatchObject({
      kind: 'failed',
      reason: 'odd/calls could not process the request: null',
    });
    expect(unmapped.answer.status).toBe(503);
  });
});

describe('createRuntime: what it keeps and what its errors say', () => {
  it('names each settings problem with its path, and says to fix the settings', () => {
    try {
      createRuntime(connector, { options: { token: 'abcd' }, events: { answered: 3 as unknown as string } });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(/^connector test-vendor: events\.answered: \S/);
      expect((error as ConfigError).hint).toBe('fix the connector settings named above');
    }
  });

  it('names an options problem with its path, "(options)" for the whole, and points at the README', () => {
    const strict = defineConnector({
      ...connector,
      id: 'strict',
      config: z
        .object({ token: z.string(), other: z.string() })
        .refine((c) => c.token !== c.other, 'token and other must differ'),
    });
    const refusal = (options: Record<string, unknown>) => {
      try {
        createRuntime(strict, { options });
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error('expected a ConfigError');
    };
    const whole = refusal({ token: 'same', other: 'same' });
    expect(whole.message).toBe('connector strict options: (options): token and other must differ');
    expect(whole.hint).toBe('see connectors/strict/README.md for the options it takes');
    expect(refusal({ token: 'x' }).message).toMatch(/^connector strict options: other: \S/);
    expect(refusal({}).message).toMatch(/^connector strict options: token: .+; other: /);
  });

  it("keeps only the connector's own secrets when the host hands none", () => {
    expect(runtime().secrets).toEqual(['tok-secret']);
  });

  it("uses the services the host hands in, else builds them with the connector's setup", () => {
    const handed = { lookups: 7 };
    expect(
      createRuntime(connector, { options: { token: 'tok-secret' } }, { services: handed }).services,
    ).toBe(handed);
    expect(runtime().services).toEqual({ lookups: 0 });
  });
});

describe('applyPropPolicy rules', () => {
  it('an exact rule allows only that name; a prefix rule (ending in *) every name that starts with what precedes the *', () => {
    const props = { queue: 'q', queueName: 'Sales', ani: '1', 'attributes.tier': 'gold', 'attrs.x': 'y' };
    expect(applyPropPolicy(props, { allow: ['queue'], drop: [], rename: {} })).toEqual({ queue: 'q' });
    expect(applyPropPolicy(props, { allow: ['attributes.*'], drop: [], rename: {} })).toEqual({
      'attributes.tier': 'gold',
    });
  });
});

describe('the bound on a POST body (postBytesAtMost)', () => {
  const fields = { agentid: 'a', jwt: 'j', crmid: 'c', event: 'e' };
  const exact = (f: typeof fields & { props: Props }) =>
    Buffer.byteLength(
      JSON.stringify({ agentid: f.agentid, jwt: f.jwt, crmid: f.crmid, event: f.event, ...f.props }),
    );

  it('counts the braces, the four names, 6 bytes a string character with its quotes, 24 a number or boolean', () => {
    // 2 braces less one comma + "agentid":, (11) + "jwt":, (7) + "crmid":, (9) + "event":, (9) + four
    // 1-character values (8 each)
    expect(postBytesAtMost({ ...fields, props: {} })).toBe(69);
    // + a 1-character name (8) with its colon and comma (2), then "ab" (6·2 + 2), a number or a boolean (24)
    expect(postBytesAtMost({ ...fields, props: { n: 'ab' } })).toBe(69 + 8 + 2 + 14);
    expect(postBytesAtMost({ ...fields, props: { n: 12 } })).toBe(69 + 8 + 2 + 24);
    expect(postBytesAtMost({ ...fields, props: { n: false, m: 1 } })).toBe(69 + 2 * (8 + 2 + 24));
  });

  it('is exact when every character is escaped, and never below the encoding', () => {
    const c = '\u0001';
    const escaped = { agentid: c, jwt: c, crmid: c, event: c, props: { [c]: c.repeat(3) } };
    // The names of the four fields are plain: their 6-per-character bound is not used for them.
    expect(postBytesAtMost(escaped)).toBe(exact(escaped));
    const samples: Props[] = [
      { quote: 'say "hi"\\', emoji: '😀 café ü', lone: '\ud800x', tab: 'a\tb\n' },
      { big: -1.7976931348623157e308, tiny: -5e-324, small: 0.1, yes: true, no: false },
      { '': 'x', '\u2028': '\u2029', '😀': '😀'.repeat(100) },
    ];
    for (const props of samples) {
      const message = {
        agentid: 'Jane Doe',
        jwt: 'x'.repeat(64),
        crmid: 'acme.custhelp.com',
        event: 'Call Answered',
        props,
      };
      expect(postBytesAtMost(message)).toBeGreaterThanOrEqual(exact(message));
    }
  });
});

describe('the size check of a prepared message', () => {
  it('refuses a message that is over 128 KB only once its control characters are escaped (6 bytes each)', async () => {
    // 22,000 characters, 132,000 bytes of JSON: a bound of 5 bytes a character would let it through.
    const over = await handleRequest(
      runtime(),
      post({ id: 'e7', type: 'answered', agent: 'a', call: 'c', note: '\u0001'.repeat(22_000) }),
      'calls',
    );
    expect(over.answer.status).toBe(413);
    expect('reason' in over && over.reason).toContain('note (');
    // 21,000 of them are 126,000 bytes: the bound is over the limit, the encoding is not.
    const under = await handleRequest(
      runtime(),
      post({ id: 'e8', type: 'answered', agent: 'a', call: 'c', note: '\u0001'.repeat(21_000) }),
      'calls',
    );
    expect(under.kind).toBe('accepted');
  });

  it('measures the POST the sender makes: a value that would swell past 128 KB only as a query string is accepted', async () => {
    // 50,000 '%' are 50 KB of JSON but 150 KB once percent-encoded into a GET's query.
    const outcome = await handleRequest(
      runtime(),
      post({ id: 'e6', type: 'answered', agent: 'a', call: 'c', note: '%'.repeat(50_000) }),
      'calls',
    );
    expect(outcome.kind).toBe('accepted');
    expect(outcome.kind === 'accepted' && outcome.messages).toHaveLength(1);
    expect(outcome.kind === 'accepted' && outcome.warnings).toEqual([]);
  });
});
