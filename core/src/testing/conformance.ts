// The conformance kit every connector's tests call with its fixture folder. It proves, for each source:
// fixtures map to the exact expected messages, every message validates, a missing or forged credential
// is refused with 401, handshakes deliver nothing, and truncated, mistyped or random bodies produce a
// typed InputError, never an uncaught exception.
import { relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  ConnectorDefinition,
  ConnectorSettingsInput,
  Credential,
  SourceDefinition,
} from '../connector.js';
import { InputError } from '../errors.js';
import { type CallShape, checkCallShape, isLeg, LEGS } from '../legs.js';
import { isIgnored } from '../mapping.js';
import {
  type ConnectorRuntime,
  createRuntime,
  handleRequest,
  type Outcome,
  prepareMessages,
} from '../pipeline.js';
import { type InboundRequest, type RecordedRequest, toInboundRequest } from '../request.js';
import { createMemoryStateStore, type StateStore } from '../state.js';
import { isLifecycle } from '../vocabulary.js';
import { type FixtureExpectation, loadFixtures } from './fixtures.js';

export * from './fixtures.js';

export interface ConformanceOptions {
  connector: ConnectorDefinition;
  fixturesDir: string;
  /** Deployment settings for the tests: options with test secrets, directory, event map. */
  settings?: ConnectorSettingsInput;
  /** Replacement look-up services (pointed at a local test server). */
  services?: unknown;
  /** Makes a recorded request authentic for sources without their own `sign` (e.g. a vendor-held key). */
  prepare?: (request: InboundRequest) => InboundRequest | Promise<InboundRequest>;
  /** Runs per property (default 150). */
  fuzzRuns?: number;
}

export function newRuntime(options: ConformanceOptions): ConnectorRuntime {
  return createRuntime(options.connector, options.settings, {
    state: createMemoryStateStore(),
    ...(options.services !== undefined ? { services: options.services } : {}),
  });
}

/**
 * A fixture's request made authentic: by the source's own signer with the runtime's config (the production
 * code that its verifier checks), else by the test's `prepare` (for what only the vendor can sign), else as
 * recorded. A step that expects 401 was recorded to fail (a forged signature) and is left as it is.
 */
export async function toRequest(
  options: ConformanceOptions,
  recorded: RecordedRequest,
  signer?: { source: SourceDefinition | undefined; runtime: ConnectorRuntime; expect?: FixtureExpectation },
): Promise<InboundRequest> {
  const request = toInboundRequest(recorded);
  if (signer?.expect?.status === 401) return request;
  const sign = signer?.source?.sign;
  if (sign) return sign(request, signer.runtime.config);
  return options.prepare ? options.prepare(request) : request;
}

/** Checks one outcome against a fixture's expectation with exact equality. */
export function expectOutcome(outcome: Outcome, expectation: FixtureExpectation): void {
  const summary = `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
  if (expectation.messages) {
    expect(outcome.kind, summary).toBe('accepted');
    if (outcome.kind !== 'accepted') return;
    expect(
      outcome.messages.map(({ agentid, event, lifecycle, props }) => ({ agentid, event, lifecycle, props })),
    ).toEqual(expectation.messages);
    if (expectation.dedupeKeys)
      expect(outcome.messages.map((m) => m.dedupeKey ?? null)).toEqual(expectation.dedupeKeys);
  } else if (expectation.ignored !== undefined) {
    expect(outcome.kind, summary).toBe('ignored');
    if (outcome.kind === 'ignored') expect(outcome.reason).toContain(expectation.ignored);
  } else if (expectation.handshake) {
    expect(outcome.kind, summary).toBe('handshake');
  } else if (expectation.status !== undefined) {
    expect(outcome.answer.status, summary).toBe(expectation.status);
  } else {
    throw new Error('a fixture expectation needs messages, ignored, handshake or status');
  }
  if (expectation.eventId !== undefined) {
    expect('eventId' in outcome ? outcome.eventId : undefined).toBe(expectation.eventId);
  }
}

/**
 * Core's leg rules (legs.ts) over the messages a fixture expects, in order: every `offered` and `answered`
 * names its leg; a fixture that plays a call shape also keeps the no-duplicate-pop rule and shows its shape.
 */
export function expectLegRules(
  fixture: { file: string; callShape?: CallShape | undefined },
  expectations: FixtureExpectation[],
): void {
  const messages = expectations.flatMap((e) => e.messages ?? []);
  const problems = fixture.callShape
    ? checkCallShape(fixture.callShape, messages)
    : messages
        .filter((m) => (m.lifecycle === 'offered' || m.lifecycle === 'answered') && !isLeg(m.props.leg))
        .map((m) => `${m.lifecycle} for ${m.agentid} has no leg: set props.leg to one of ${LEGS.join(', ')}`);
  expect(problems, `${fixture.file}: core's leg rules (core/src/legs.ts)`).toEqual([]);
}

/** The credentials of a source for the runtime's config (a deployment may rename them). */
export function credentialsOf(source: SourceDefinition, config: unknown): Credential[] {
  return source.auth.credentialsFor?.(config) ?? source.auth.credentials;
}

/** The request without any of the given credentials: headers, query parameters and form-body fields. */
export function withoutCredentials(request: InboundRequest, credentials: Credential[]): InboundRequest {
  const headers = { ...request.headers };
  const query = { ...request.query };
  const url = new URL(request.url);
  let rawBody = request.rawBody;
  for (const credential of credentials) {
    if (credential.in === 'header') delete headers[credential.name.toLowerCase()];
    else if (credential.in === 'query') {
      delete query[credential.name];
      url.searchParams.delete(credential.name);
    } else if ((headers['content-type'] ?? '').toLowerCase().includes('x-www-form-urlencoded')) {
      const form = new URLSearchParams(rawBody.toString('utf8'));
      if (form.has(credential.name)) {
        form.delete(credential.name);
        rawBody = Buffer.from(form.toString(), 'utf8');
      }
    }
  }
  return { ...request, headers, query, url: url.toString(), rawBody };
}

function tampered(request: InboundRequest): InboundRequest {
  const text = request.rawBody.toString('utf8');
  // Change one digit or letter in the middle, keeping the body well-formed where possible.
  const at = text.search(/[0-9a-zA-Z]/g) >= 0 ? findMiddleAlnum(text) : -1;
  if (at < 0) return { ...request, rawBody: Buffer.concat([request.rawBody, Buffer.from(' ')]) };
  const ch = text[at]!;
  const swapped = /[0-9]/.test(ch) ? String((Number(ch) + 1) % 10) : ch === 'x' ? 'y' : 'x';
  return { ...request, rawBody: Buffer.from(text.slice(0, at) + swapped + text.slice(at + 1), 'utf8') };
}

function findMiddleAlnum(text: string): number {
  for (let offset = 0; offset < text.length; offset += 1) {
    for (const at of [Math.floor(text.length / 2) + offset, Math.floor(text.length / 2) - offset]) {
      if (at >= 0 && at < text.length && /[0-9a-zA-Z]/.test(text[at]!)) return at;
    }
  }
  return -1;
}

/** What reads and maps one input: a webhook source (the input a request) or a subscription's events (a frame). */
export type InputHandler<Input> = Pick<SourceDefinition, 'id' | 'eventId' | 'map'> & {
  parse: (input: Input) => unknown;
};

/** parse + map directly (authenticity bypassed): the only acceptable failure is an InputError. */
export async function assertSurvives(
  runtime: ConnectorRuntime,
  source: SourceDefinition,
  request: InboundRequest,
): Promise<void> {
  await assertInputSurvives(
    runtime,
    source,
    request,
    `body: ${request.rawBody.toString('utf8').slice(0, 300)}`,
  );
}

/** The same for any input; `shown` names it in the failure. */
export async function assertInputSurvives<Input>(
  runtime: ConnectorRuntime,
  handler: InputHandler<Input>,
  input: Input,
  shown: string,
): Promise<void> {
  try {
    const event = handler.parse(input);
    handler.eventId?.(event);
    const result = await handler.map(event, {
      config: runtime.config,
      directory: runtime.directory,
      state: runtime.state,
      services: runtime.services,
    });
    // What the map drafted must be a lifecycle the core knows and messages it can check (or refuse with an
    // InputError): a look-up that found Object.prototype.toString drafts a function as its lifecycle, which
    // the message checks would only call an invalid event.
    if (!isIgnored(result)) {
      const drafts = Array.isArray(result) ? result : [result];
      for (const draft of drafts)
        if (typeof draft.lifecycle !== 'string' || !isLifecycle(draft.lifecycle))
          throw new Error(
            `drafted a message whose lifecycle is ${String(draft.lifecycle)}, not one of the core's`,
          );
      prepareMessages(runtime, handler.id, drafts);
    }
  } catch (error) {
    if (error instanceof InputError) return;
    throw new Error(
      `${handler.id}: a malformed input escaped as ${(error as Error)?.constructor?.name ?? typeof error}: ${(error as Error)?.message}\n${shown}`,
    );
  }
}

/** Names a vendor value could hold that a plain object's look-up would find on Object.prototype. */
export const OBJECT_MEMBER_NAMES = ['toString', '__proto__', 'constructor'];

type Leaf = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** A JSON value's leaves (null or not an object), depth first, in the order of its keys. */
function leavesOf(value: unknown): Leaf[] {
  const leaves: Leaf[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) {
        if (isLeaf(child)) leaves.push({ parent: node, key: i });
        else visit(child);
      }
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (isLeaf(child)) leaves.push({ parent: node as Record<string, unknown>, key });
        else visit(child);
      }
    }
  };
  visit(value);
  return leaves;
}

/** Replaces one leaf of a JSON value with another type, to prove mistyped input is handled. */
function mistype(value: unknown, pick: number, replacement: unknown): unknown {
  const copy = structuredClone(value);
  const leaves = leavesOf(copy);
  if (!leaves.length) return replacement;
  const leaf = leaves[pick % leaves.length]!;
  (leaf.parent as Record<string | number, unknown>)[leaf.key] = replacement;
  return copy;
}

/** The limit of the sweeps over Object's member names: only a hang should reach it. */
const SWEEP_TIMEOUT_MS = 180_000;

const isLeaf = (v: unknown) => v === null || typeof v !== 'object';

/** Every form body with one field's value replaced by `value`, field by field (a repeated name, each time). */
export function formVariants(text: string, value: string): string[] {
  const entries = [...new URLSearchParams(text)];
  return entries.map((_, i) =>
    new URLSearchParams(
      entries.map(([name, v], j): [string, string] => [name, j === i ? value : v]),
    ).toString(),
  );
}

/**
 * Every XML body with one text node or attribute value replaced by `value`, one at a time. The declaration
 * (`<?xml version=…?>`) and namespace attributes are markup, not the vendor's data, and are left alone.
 */
export function xmlVariants(text: string, value: string): string[] {
  const spots = [...text.matchAll(/>([^<>]*\S[^<>]*)<|\s([\w:.-]+)="([^"]*)"/g)].filter(
    (spot) =>
      !spot[2]?.startsWith('xmlns') &&
      !/^<\?[^>]*$/.test(text.slice(text.lastIndexOf('<', spot.index), spot.index)),
  );
  return spots.map((spot) => {
    const inner = spot[1] ?? spot[3] ?? '';
    const start = spot.index + spot[0].length - 1 - inner.length;
    return text.slice(0, start) + value + text.slice(start + inner.length);
  });
}

const isJsonBody = (r: InboundRequest) => {
  try {
    JSON.parse(r.rawBody.toString('utf8'));
    return true;
  } catch {
    return false;
  }
};
const isForm = (r: InboundRequest) =>
  (r.headers['content-type'] ?? '').toLowerCase().includes('x-www-form-urlencoded');
const isXml = (r: InboundRequest) =>
  (r.headers['content-type'] ?? '').toLowerCase().includes('xml') ||
  r.rawBody.toString('utf8').trimStart().startsWith('<');

/** A store that reads through to `base` and keeps its own writes: one conversation's state, forked. */
export function overlayState(base: StateStore): StateStore {
  const own = new Map<string, string | null>(); // null: deleted here
  const store: StateStore = {
    async get<T>(key: string) {
      if (!own.has(key)) return base.get<T>(key);
      const value = own.get(key);
      return value == null ? undefined : (JSON.parse(value) as T);
    },
    async set(key, value) {
      own.set(key, JSON.stringify(value));
    },
    async delete(key) {
      own.set(key, null);
    },
    async setIfAbsent(key, value) {
      if ((await store.get(key)) !== undefined) return false;
      own.set(key, JSON.stringify(value));
      return true;
    },
  };
  return store;
}

/** Text that is a JSON object or array, parsed; anything else undefined. */
function jsonInside(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

/** Base64 text whose bytes are a JSON object or array (8x8's Pulsar payloads), parsed; else undefined. */
function base64JsonInside(text: string): unknown {
  if (text.length < 8 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  return jsonInside(Buffer.from(text, 'base64').toString('utf8'));
}

/**
 * Every copy of a value (a native frame, a parsed JSON body) with one of its strings replaced by `value`: each
 * string, and inside a string that carries a document of its own (XML such as a DMCC event, JSON text, base64
 * JSON such as a Pulsar payload) each value of that document, written back the way it was carried.
 */
export function frameVariants(frame: unknown, value: string): unknown[] {
  if (typeof frame === 'string') {
    const inner: unknown[] = [value];
    if (frame.trimStart().startsWith('<')) inner.push(...xmlVariants(frame, value));
    const json = jsonInside(frame);
    if (json !== undefined) inner.push(...frameVariants(json, value).map((v) => JSON.stringify(v)));
    const encoded = base64JsonInside(frame);
    if (encoded !== undefined)
      inner.push(
        ...frameVariants(encoded, value).map((v) =>
          Buffer.from(JSON.stringify(v), 'utf8').toString('base64'),
        ),
      );
    return inner;
  }
  if (Array.isArray(frame))
    return frame.flatMap((item, i) =>
      frameVariants(item, value).map((v) => frame.map((other, j) => (j === i ? v : other))),
    );
  if (frame && typeof frame === 'object')
    return Object.entries(frame).flatMap(([key, item]) =>
      frameVariants(item, value).map((v) => ({ ...frame, [key]: v })),
    );
  return [];
}

/**
 * Every copy of a JSON value with one object key renamed to `name`, key by key (a vendor's own names: call
 * variables, attached data). JSON.parse makes "__proto__" an own key; a connector that copies it with
 * `out[key] = value` sets a prototype instead.
 */
export function renamedKeys(value: unknown, name: string): unknown[] {
  if (Array.isArray(value))
    return value.flatMap((item, i) =>
      renamedKeys(item, name).map((v) => value.map((other, j) => (j === i ? v : other))),
    );
  if (!value || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  return entries.flatMap(([key, item], i) => [
    ...(key === name || Object.hasOwn(value, name)
      ? []
      : [Object.fromEntries(entries.map(([k, v], j) => [j === i ? name : k, v]))]),
    ...renamedKeys(item, name).map((v) =>
      Object.fromEntries(entries.map(([k, w], j) => [k, j === i ? v : w])),
    ),
  ]);
}

/** A body with one of its values replaced by `name`, each value in turn: JSON strings, form fields, XML values. */
function memberVariants(request: InboundRequest, name: string): string[] {
  const text = request.rawBody.toString('utf8');
  if (isForm(request)) return formVariants(text, name);
  try {
    const body: unknown = JSON.parse(text);
    return [...frameVariants(body, name), ...renamedKeys(body, name)].map((variant) =>
      JSON.stringify(variant),
    );
  } catch {
    return isXml(request) ? xmlVariants(text, name) : [];
  }
}

/** Registers the conformance suite for a connector in the calling vitest file. */
export function runConformance(options: ConformanceOptions): void {
  const { connector } = options;
  const fixtures = loadFixtures(options.fixturesDir, new Set(connector.subscriptions?.map((s) => s.id)));
  const runs = options.fuzzRuns ?? 150;

  describe(`${connector.id} conformance`, () => {
    it('has fixtures for every source, including one that is ignored with a reason', () => {
      for (const source of connector.sources) {
        const mine = fixtures.filter((f) => f.source === source.id);
        expect(mine.length, `no fixtures in fixtures/${source.id}/`).toBeGreaterThan(0);
        expect(
          mine.some((f) => f.steps.some((s) => s.expect.ignored !== undefined)),
          `source ${source.id} needs a fixture of an event type it ignores`,
        ).toBe(true);
      }
      for (const fixture of fixtures) {
        expect(
          connector.sources.map((s) => s.id),
          fixture.file,
        ).toContain(fixture.source);
      }
    });

    for (const fixture of fixtures) {
      const name = relative(options.fixturesDir, fixture.file);
      const source = connector.sources.find((s) => s.id === fixture.source);

      it(`maps ${name}: ${fixture.description}`, async () => {
        const runtime = newRuntime(options);
        for (const step of fixture.steps) {
          const outcome = await handleRequest(
            runtime,
            await toRequest(options, step.request, { source, runtime, expect: step.expect }),
            fixture.source,
          );
          expectOutcome(outcome, step.expect);
        }
        expectLegRules(
          fixture,
          fixture.steps.map((s) => s.expect),
        );
      });

      if (
        connector.sources.length > 1 &&
        fixture.steps.every((s) => s.expect.messages || s.expect.ignored !== undefined)
      ) {
        it(`detects the source of ${name} when the URL names none`, async () => {
          const runtime = newRuntime(options);
          for (const step of fixture.steps) {
            const outcome = await handleRequest(
              runtime,
              await toRequest(options, step.request, { source, runtime, expect: step.expect }),
            );
            expect('source' in outcome ? outcome.source : undefined).toBe(fixture.source);
            expectOutcome(outcome, step.expect);
          }
        });
      }

      const authentic = fixture.steps.every(
        (s) => s.expect.messages || s.expect.ignored !== undefined || s.expect.handshake,
      );
      if (source && source.auth.scheme !== 'none' && authentic) {
        it(`refuses ${name} with 401 when the credential is missing`, async () => {
          const runtime = newRuntime(options);
          const request = withoutCredentials(
            await toRequest(options, fixture.steps[0]!.request, { source, runtime }),
            credentialsOf(source, runtime.config),
          );
          const outcome = await handleRequest(runtime, request, fixture.source);
          expect(outcome.kind).toBe('rejected');
          expect(outcome.answer.status).toBe(401);
        });
        if (source.auth.signsBody) {
          it(`refuses ${name} with 401 when the body was changed after signing`, async () => {
            const runtime = newRuntime(options);
            const request = tampered(
              await toRequest(options, fixture.steps[0]!.request, { source, runtime }),
            );
            const outcome = await handleRequest(runtime, request, fixture.source);
            expect(outcome.kind).toBe('rejected');
            expect(outcome.answer.status).toBe(401);
          });
        }
      }
    }

    for (const source of connector.sources) {
      const samples = fixtures
        .filter((f) => f.source === source.id)
        .flatMap((f) => f.steps.map((s) => toInboundRequest(s.request)));
      const sample = samples[0];
      if (!sample) continue;
      const withBody = (request: InboundRequest, body: string): InboundRequest => ({
        ...request,
        rawBody: Buffer.from(body, 'utf8'),
      });

      // Each value of each step's body set to a name Object.prototype holds, one at a time, in its conversation:
      // the steps before it run as recorded (signed), the ones after it follow, read and mapped directly. A
      // value the connector remembered (8x8's chat whose channel was "constructor") must not fail the next one.
      // Every name in every field of every step: thousands of requests (Cisco Finesse's XML: about 7 s on a quiet
      // machine, over 30 s on one running other suites beside two busy processes). A deterministic sweep, so its
      // time limit only catches a hang.
      const namesInEachStep = async (chosen: (request: InboundRequest) => boolean) => {
        for (const fixture of fixtures.filter((f) => f.source === source.id))
          for (const [at, step] of fixture.steps.entries()) {
            const request = toInboundRequest(step.request);
            if (!chosen(request)) continue;
            // The steps before run once; each variant then starts from what they left (a copy, read through).
            const base = newRuntime(options);
            for (const before of fixture.steps.slice(0, at)) {
              const signed = await toRequest(options, before.request, {
                source,
                runtime: base,
                expect: before.expect,
              });
              await handleRequest(base, signed, fixture.source);
            }
            for (const name of OBJECT_MEMBER_NAMES)
              for (const body of memberVariants(request, name)) {
                const runtime: ConnectorRuntime = { ...base, state: overlayState(base.state) };
                await assertSurvives(runtime, source, withBody(request, body));
                for (const after of fixture.steps.slice(at + 1))
                  await assertSurvives(runtime, source, toInboundRequest(after.request));
              }
          }
      };

      it(`${source.id}: random bodies produce an InputError or an outcome, never a crash`, async () => {
        const runtime = newRuntime(options);
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.string(),
              fc.json(),
              fc.jsonValue().map((v) => JSON.stringify(v)),
            ),
            async (body) => assertSurvives(runtime, source, withBody(sample, body)),
          ),
          { numRuns: runs },
        );
      });

      it(`${source.id}: truncated fixture bodies produce an InputError or an outcome`, async () => {
        const runtime = newRuntime(options);
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...samples),
            fc.double({ min: 0, max: 1, noNaN: true }),
            async (request, cut) => {
              const text = request.rawBody.toString('utf8');
              await assertSurvives(
                runtime,
                source,
                withBody(request, text.slice(0, Math.floor(text.length * cut))),
              );
            },
          ),
          { numRuns: runs },
        );
      });

      const jsonSamples = samples.filter(isJsonBody);
      if (jsonSamples.length) {
        // Deterministic, for every string field of every JSON fixture: a vendor value that names a member of
        // Object.prototype must not find that member in a connector's look-up table (`TABLE[value]`).
        // fast-check's strings include these names now and then, so a connector that missed one failed CI at
        // random (Talkdesk, an agent_email "toString").
        it(
          `${source.id}: string fields named like Object's members (toString, __proto__, constructor) produce an InputError or an outcome`,
          async () => {
            await namesInEachStep(isJsonBody);
          },
          SWEEP_TIMEOUT_MS,
        );

        it(`${source.id}: mistyped fields produce an InputError or an outcome`, async () => {
          const runtime = newRuntime(options);
          await fc.assert(
            fc.asyncProperty(
              fc.constantFrom(...jsonSamples),
              fc.nat(),
              fc.oneof(
                fc.constant(null),
                fc.integer(),
                fc.boolean(),
                fc.string(),
                fc.constant([]),
                fc.constant({}),
                fc.array(fc.string()),
              ),
              async (request, pick, replacement) => {
                const value = mistype(JSON.parse(request.rawBody.toString('utf8')), pick, replacement);
                await assertSurvives(runtime, source, withBody(request, JSON.stringify(value)));
              },
            ),
            { numRuns: runs },
          );
        });
      }

      // The same for the bodies that are not JSON: every field of a form (Twilio, Five9) and every text node
      // and attribute value of an XML body (Cisco Finesse), set to each name in turn.
      const isFormOrXml = (r: InboundRequest) => !isJsonBody(r) && (isForm(r) || isXml(r));
      if (samples.some(isFormOrXml)) {
        it(
          `${source.id}: form fields and XML values named like Object's members (toString, __proto__, constructor) produce an InputError or an outcome`,
          async () => {
            await namesInEachStep(isFormOrXml);
          },
          SWEEP_TIMEOUT_MS,
        );
      }
    }
  });
}
