import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineSource } from '../src/connector.js';
import { ignore } from '../src/mapping.js';
import { createRuntime, handleRequest } from '../src/pipeline.js';
import { parseJson, parseWith, toInboundRequest } from '../src/request.js';
import { createMemoryStateStore, createStateTransaction } from '../src/state.js';
import { verified } from '../src/verify.js';
import { PROP } from '../src/vocabulary.js';

describe('createStateTransaction', () => {
  it('keeps writes out of the store until commit, while reads see them', async () => {
    const store = createMemoryStateStore();
    await store.set('a', 1);
    const tx = createStateTransaction(store);
    await tx.view.set('a', 2);
    await tx.view.set('b', { x: 1 });
    await tx.view.delete('c');
    expect(await tx.view.get('a')).toBe(2);
    expect(await store.get('a')).toBe(1);
    expect(await store.get('b')).toBeUndefined();
    expect(tx.pending).toBe(3);
    await tx.commit();
    expect(await store.get('a')).toBe(2);
    expect(await store.get('b')).toEqual({ x: 1 });
    expect(tx.pending).toBe(0);
  });

  it("commits each write with its own TTL, and the store's default when none was given", async () => {
    let now = 0;
    const store = createMemoryStateStore(() => now);
    const tx = createStateTransaction(store);
    await tx.view.set('short', 'a', 100);
    await tx.view.set('default', 'b');
    await tx.commit();
    now = 100;
    expect(await store.get('short')).toBeUndefined();
    expect(await store.get('default')).toBe('b');
    now = 4 * 60 * 60 * 1000;
    expect(await store.get('default')).toBeUndefined();
  });

  it('applies a delete after a set of the same key as a delete', async () => {
    const store = createMemoryStateStore();
    await store.set('k', 'old');
    const tx = createStateTransaction(store);
    await tx.view.set('k', 'new');
    await tx.view.delete('k');
    expect(await tx.view.get('k')).toBeUndefined();
    await tx.commit();
    expect(await store.get('k')).toBeUndefined();
  });

  it('claims with setIfAbsent at once, on the store itself', async () => {
    const store = createMemoryStateStore();
    const tx = createStateTransaction(store);
    expect(await tx.view.setIfAbsent!('claim', 1)).toBe(true);
    expect(await store.get('claim')).toBe(1);
    expect(await tx.view.setIfAbsent!('claim', 2)).toBe(false);
  });
});

// A change-only platform: it pops when the state changes, and remembers the state it saw.
const changeEvent = z.object({ id: z.string(), call: z.string(), state: z.string(), agent: z.string() });
const changes = defineSource<z.output<typeof changeEvent>, Record<string, never>>({
  id: 'changes',
  description: 'change-only call states',
  auth: { scheme: 'none', summary: 'none', credentials: [] },
  stateWrites: 'after-store',
  verify: () => verified(),
  parse: (req) => parseWith(changeEvent, parseJson(req)),
  eventId: (e) => e.id,
  async map(e, ctx) {
    const seen = await ctx.state.get<string>(e.call);
    await ctx.state.set(e.call, e.state);
    if (seen === e.state) return ignore(`call ${e.call} is still ${e.state}`);
    if (e.agent === 'broken') throw new Error('look-up failed');
    return {
      agentid: e.agent,
      lifecycle: 'answered',
      props: { [PROP.nativeEvent]: e.state, [PROP.interactionId]: e.call },
    };
  },
});
const connector = defineConnector({
  id: 'change-only',
  displayName: 'Change only',
  platforms: ['Test'],
  config: z.object({}),
  sources: [changes],
});
const post = (body: unknown) => toInboundRequest({ headers: { 'content-type': 'application/json' }, body });

describe("an 'after-store' source", () => {
  it('leaves the state untouched until the host commits, so a retry after a refused store pops again', async () => {
    const runtime = createRuntime(connector);
    const first = await handleRequest(
      runtime,
      post({ id: 'e1', call: 'c1', state: 'Connected', agent: 'jdoe' }),
      undefined,
      { deferState: true },
    );
    expect(first.kind).toBe('accepted');
    // The host could not store the message: it answers 503 and does not commit.
    const retry = await handleRequest(
      runtime,
      post({ id: 'e1', call: 'c1', state: 'Connected', agent: 'jdoe' }),
      undefined,
      { deferState: true },
    );
    expect(retry.kind === 'accepted' && retry.messages).toHaveLength(1);
    await (retry.kind === 'accepted' ? retry.commitState?.() : undefined);
    const repeat = await handleRequest(
      runtime,
      post({ id: 'e2', call: 'c1', state: 'Connected', agent: 'jdoe' }),
      undefined,
      { deferState: true },
    );
    expect(repeat.kind).toBe('ignored');
  });

  it('commits by itself when the host does not defer (CLI, conformance kit)', async () => {
    const runtime = createRuntime(connector);
    await handleRequest(runtime, post({ id: 'e1', call: 'c2', state: 'Connected', agent: 'jdoe' }));
    const again = await handleRequest(
      runtime,
      post({ id: 'e2', call: 'c2', state: 'Connected', agent: 'jdoe' }),
    );
    expect(again.kind).toBe('ignored');
  });

  it('drops the writes of a mapping that failed', async () => {
    const runtime = createRuntime(connector);
    const failed = await handleRequest(
      runtime,
      post({ id: 'e1', call: 'c3', state: 'Connected', agent: 'broken' }),
    );
    expect(failed.kind).toBe('failed');
    expect(await runtime.state.get('c3')).toBeUndefined();
  });
});

describe('a source without stateWrites', () => {
  it('writes its state at once: a mapping that fails afterwards keeps what it wrote', async () => {
    const immediate = defineConnector({
      id: 'immediate',
      displayName: 'Immediate',
      platforms: ['Test'],
      config: z.object({}),
      sources: [{ ...changes, stateWrites: undefined }],
    });
    const runtime = createRuntime(immediate);
    const failed = await handleRequest(
      runtime,
      post({ id: 'e1', call: 'c4', state: 'Ringing', agent: 'broken' }),
    );
    expect(failed.kind).toBe('failed');
    expect(await runtime.state.get('c4')).toBe('Ringing');
    // Nothing is deferred for the host to commit.
    const deferred = await handleRequest(
      runtime,
      post({ id: 'e2', call: 'c5', state: 'Ringing', agent: 'jdoe' }),
      undefined,
      { deferState: true },
    );
    expect(deferred.kind === 'accepted' && deferred.commitState).toBeUndefined();
    expect(await runtime.state.get('c5')).toBe('Ringing');
  });
});
