// The kit run on a small connector whose credentials a deployment renames (credentialsFor) or that
// travel in a form body: the kit must strip exactly those and see a 401.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineSource } from '../src/connector.js';
import { ignore } from '../src/mapping.js';
import { parseForm, parseJson, parseWith, toInboundRequest } from '../src/request.js';
import { createRuntime } from '../src/pipeline.js';
import {
  assertSurvives,
  credentialsOf,
  formVariants,
  renamedKeys,
  runConformance,
  withoutCredentials,
  xmlVariants,
} from '../src/testing/conformance.js';
import { refused, safeCompare, verified, verifyToken } from '../src/verify.js';
import { PROP } from '../src/vocabulary.js';

const config = z.object({ token: z.string().min(8), keyHeader: z.string().default('x-api-key') });
type Config = z.output<typeof config>;
const call = z.object({ type: z.string(), agent: z.string(), call: z.string() });
type Call = z.output<typeof call>;
const map = (e: Call) =>
  e.type === 'answered'
    ? {
        agentid: e.agent,
        lifecycle: 'answered' as const,
        props: { [PROP.nativeEvent]: e.type, [PROP.interactionId]: e.call, [PROP.leg]: 'primary' },
      }
    : ignore(`type ${e.type} is not mapped`);

const keyed = defineSource<Call, Config>({
  id: 'keyed',
  description: 'JSON with an API key in a header the deployment names',
  auth: {
    scheme: 'api-key',
    summary: 'header x-api-key (renamed by keyHeader)',
    credentials: [{ in: 'header', name: 'x-api-key' }],
    credentialsFor: (c) => [{ in: 'header', name: c.keyHeader }],
  },
  detect: (req) => (req.headers['content-type'] ?? '').includes('json'),
  verify: (req, { config: c }) => verifyToken(req, { expected: c.token, header: c.keyHeader }),
  parse: (req) => parseWith(call, parseJson(req)),
  map,
});

const form = defineSource<Call, Config>({
  id: 'form',
  description: 'a form post carrying its token as a field',
  auth: {
    scheme: 'shared-secret',
    summary: 'form field token',
    credentials: [{ in: 'form', name: 'token' }],
  },
  detect: (req) => (req.headers['content-type'] ?? '').includes('form'),
  verify: (req, { config: c }) => {
    const token = parseForm(req).token;
    return token
      ? safeCompare(token, c.token)
        ? verified()
        : refused('the token does not match')
      : refused('the token is missing');
  },
  parse: (req) => parseWith(call, parseForm(req)),
  map,
});

const connector = defineConnector({
  id: 'kit-vendor',
  displayName: 'Kit',
  platforms: ['Kit'],
  config,
  sources: [keyed, form],
});

const dir = mkdtempSync(join(tmpdir(), 'kit-fixtures-'));
const write = (path: string, fixture: unknown) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), JSON.stringify(fixture));
};
const answered = { type: 'answered', agent: 'jdoe', call: 'c-1' };
const message = {
  agentid: 'jdoe',
  event: 'answered',
  lifecycle: 'answered',
  props: { lifecycle: 'answered', nativeEvent: 'answered', interactionId: 'c-1', leg: 'primary' },
};
const jsonHeaders = { 'content-type': 'application/json', 'x-acme-key': 'kit-token-123' };
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
write('keyed/answered.json', {
  request: { headers: jsonHeaders, body: answered },
  expect: { messages: [message] },
});
write('keyed/ignored.json', {
  request: { headers: jsonHeaders, body: { ...answered, type: 'held' } },
  expect: { ignored: 'held' },
});
write('form/answered.json', {
  request: { headers: formHeaders, body: { ...answered, token: 'kit-token-123' } },
  expect: { messages: [message] },
});
write('form/ignored.json', {
  request: { headers: formHeaders, body: { ...answered, type: 'held', token: 'kit-token-123' } },
  expect: { ignored: 'held' },
});

runConformance({
  connector,
  fixturesDir: dir,
  settings: { options: { token: 'kit-token-123', keyHeader: 'x-acme-key' } },
  fuzzRuns: 20,
});

describe('credentials the kit strips', () => {
  it('are the deployment’s when the source names them from the config', () => {
    expect(credentialsOf(keyed, { token: 'x', keyHeader: 'x-acme-key' })).toEqual([
      { in: 'header', name: 'x-acme-key' },
    ]);
  });

  it('are the declared ones otherwise', () => {
    expect(credentialsOf(form, { token: 'x' })).toEqual([{ in: 'form', name: 'token' }]);
  });

  it('include a field of a form body, the other fields kept', () => {
    const request = toInboundRequest({
      headers: formHeaders,
      body: 'type=answered&token=kit-token-123&agent=jdoe',
    });
    expect(withoutCredentials(request, [{ in: 'form', name: 'token' }]).rawBody.toString()).toBe(
      'type=answered&agent=jdoe',
    );
  });

  it('leave a body that is not a form untouched', () => {
    const request = toInboundRequest({
      headers: { 'content-type': 'application/json' },
      body: '{"token":"kit-token-123"}',
    });
    expect(withoutCredentials(request, [{ in: 'form', name: 'token' }]).rawBody.toString()).toBe(
      '{"token":"kit-token-123"}',
    );
  });

  it('include a query parameter, from the query and the URL', () => {
    const request = toInboundRequest({ method: 'GET', query: { token: 't', agent: 'jdoe' } });
    const stripped = withoutCredentials(request, [{ in: 'query', name: 'token' }]);
    expect(stripped.query).toEqual({ agent: 'jdoe' });
    expect(stripped.url).toBe('http://localhost/webhook?agent=jdoe');
  });
});

// A connector bug the kit must catch: a vendor value ("toString") indexes a plain object and finds a method.
const LIFECYCLE: Record<string, 'answered'> = { answered: 'answered' };
const naiveMap = (e: Call) => {
  const lifecycle = LIFECYCLE[e.type];
  return lifecycle
    ? { agentid: e.agent, lifecycle, props: { [PROP.nativeEvent]: e.type, [PROP.interactionId]: e.call } }
    : ignore(`type ${e.type} is not mapped`);
};
const naiveRuntime = (source: ReturnType<typeof defineSource<Call, Config>>) =>
  createRuntime(
    defineConnector({
      id: 'naive-vendor',
      displayName: 'Naive',
      platforms: ['Naive'],
      config,
      sources: [source],
    }),
    { options: { token: 'kit-token-123' } },
  );

describe('a look-up table that finds what Object.prototype holds', () => {
  const naive = defineSource<Call, Config>({ ...keyed, id: 'naive', map: naiveMap });
  const runtime = naiveRuntime(naive);
  const request = (type: string) => toInboundRequest({ headers: jsonHeaders, body: { ...answered, type } });

  it('is caught: the draft it makes has a function for a lifecycle', async () => {
    await expect(assertSurvives(runtime, naive, request('toString'))).rejects.toThrow(
      /lifecycle is function toString/,
    );
  });

  it('is not blamed for a value it does map, or one it ignores', async () => {
    await expect(assertSurvives(runtime, naive, request('answered'))).resolves.toBeUndefined();
    await expect(assertSurvives(runtime, naive, request('held'))).resolves.toBeUndefined();
  });
});

describe("the bodies that are not JSON, with a field named like Object's members", () => {
  it('form: each field in turn, repeated names each time, the others kept', () => {
    expect(formVariants('type=answered&agent=jdoe&tag=a&tag=b', 'toString')).toEqual([
      'type=toString&agent=jdoe&tag=a&tag=b',
      'type=answered&agent=toString&tag=a&tag=b',
      'type=answered&agent=jdoe&tag=toString&tag=b',
      'type=answered&agent=jdoe&tag=a&tag=toString',
    ]);
    expect(formVariants('', '__proto__')).toEqual([]);
  });

  it('JSON keys: each renamed in turn, nested ones too, the order and the other keys kept', () => {
    const body = { type: 'answered', vars: { queue: 'Sales' }, list: [{ a: 1 }] };
    expect(renamedKeys(body, 'toString').map((v) => JSON.stringify(v))).toEqual([
      '{"toString":"answered","vars":{"queue":"Sales"},"list":[{"a":1}]}',
      '{"type":"answered","toString":{"queue":"Sales"},"list":[{"a":1}]}',
      '{"type":"answered","vars":{"toString":"Sales"},"list":[{"a":1}]}',
      '{"type":"answered","vars":{"queue":"Sales"},"toString":[{"a":1}]}',
      '{"type":"answered","vars":{"queue":"Sales"},"list":[{"toString":1}]}',
    ]);
    // A body that already has the name keeps its keys as they are (two keys cannot share it).
    expect(renamedKeys({ toString: 1, b: 2 }, 'toString')).toEqual([]);
  });

  it("XML: the declaration and namespace attributes are markup, not the vendor's values", () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Update xmlns="urn:cisco" xmlns:x="urn:x"><x:id n="1">7</x:id></Update>';
    expect(xmlVariants(xml, 'toString')).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?><Update xmlns="urn:cisco" xmlns:x="urn:x"><x:id n="toString">7</x:id></Update>',
      '<?xml version="1.0" encoding="UTF-8"?><Update xmlns="urn:cisco" xmlns:x="urn:x"><x:id n="1">toString</x:id></Update>',
    ]);
  });

  it('XML: each text node and attribute value in turn; whitespace between elements is not a value', () => {
    const xml = '<Update>\n  <event state="TALKING">answered</event>\n  <agent id="">jdoe</agent>\n</Update>';
    expect(xmlVariants(xml, '__proto__')).toEqual([
      '<Update>\n  <event state="__proto__">answered</event>\n  <agent id="">jdoe</agent>\n</Update>',
      '<Update>\n  <event state="TALKING">__proto__</event>\n  <agent id="">jdoe</agent>\n</Update>',
      '<Update>\n  <event state="TALKING">answered</event>\n  <agent id="__proto__">jdoe</agent>\n</Update>',
      '<Update>\n  <event state="TALKING">answered</event>\n  <agent id="">__proto__</agent>\n</Update>',
    ]);
  });

  it("catches a form source whose table finds Object.prototype's member: one variant fails", async () => {
    const naiveForm = defineSource<Call, Config>({ ...form, id: 'naive-form', map: naiveMap });
    const runtime = naiveRuntime(naiveForm);
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const results = await Promise.allSettled(
      formVariants('type=answered&agent=jdoe&call=c-1', 'toString').map((body) =>
        assertSurvives(runtime, naiveForm, toInboundRequest({ headers, body })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });
});
