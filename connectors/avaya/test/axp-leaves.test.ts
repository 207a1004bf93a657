// The two helpers under the axp source, alone: listing a JSON body's leaves and finding a field among them
// (json-leaves.ts), and placing an agent on an engagement's leg (axp-legs.ts) with the state it keeps.
import { createMemoryStateStore, type StateStore } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { legOf, placeAgent } from '../src/axp-legs.js';
import { findLeaf, leaves, pathKey } from '../src/json-leaves.js';

describe('leaves', () => {
  it('lists every text, number and boolean with its path, array indices as text', () => {
    expect(
      leaves({ a: 'x', b: [1, { c: true }], d: null, e: {}, f: Number.NaN, g: Number.POSITIVE_INFINITY }),
    ).toEqual([
      { path: ['a'], value: 'x' },
      { path: ['b', '0'], value: 1 },
      { path: ['b', '1', 'c'], value: true },
    ]);
  });

  it('goes 8 levels deep, no deeper', () => {
    const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { k: nested(depth - 1) });
    expect(leaves(nested(8))).toHaveLength(1);
    expect(leaves(nested(9))).toEqual([]);
  });

  it('lists at most 2,000 leaves', () => {
    expect(leaves(Array.from({ length: 2_500 }, (_, i) => i))).toHaveLength(2_000);
    expect(
      leaves({ a: Array.from({ length: 1_999 }, (_, i) => i), b: { c: 1, d: 2 } })
        .map((l) => pathKey(l.path))
        .slice(-2),
    ).toEqual(['a.1998', 'b.c']);
  });
});

describe('findLeaf', () => {
  const all = leaves({
    agentId: '',
    flag: { agentId: true },
    engagement: { agent: { id: 'deep' }, queue: { name: 'Support' } },
    agent: { ID: 'shallow' },
    Type: 'AGENT',
    inner: { type: 'AgentReady' },
  });

  it('matches the end of a path, case-insensitively, the shallowest match first', () => {
    expect(findLeaf(all, ['agent.id'])?.value).toBe('shallow');
    expect(findLeaf(all, ['QUEUE.NAME'])?.value).toBe('Support');
  });

  it('never matches an empty text or a boolean', () => {
    expect(findLeaf(all, ['agentId'])).toBeUndefined();
  });

  it('tries the candidates in order', () => {
    expect(findLeaf(all, ['missing', 'queue.name', 'agent.id'])?.value).toBe('Support');
  });

  it('skips leaves deeper than maxDepth and values accept refuses', () => {
    expect(findLeaf(all, ['type'])?.value).toBe('AGENT');
    expect(findLeaf(all, ['type'], { accept: (v) => /^[A-Z][a-z]/.test(v) })?.value).toBe('AgentReady');
    expect(findLeaf(all, ['type'], { maxDepth: 1, accept: (v) => /^[A-Z][a-z]/.test(v) })).toBeUndefined();
    expect(findLeaf(all, ['agent.id'], { maxDepth: 2 })?.value).toBe('shallow');
    expect(findLeaf(leaves({ id: 'top' }), ['agent.id'])).toBeUndefined();
  });
});

describe('legOf', () => {
  it.each([
    ['CONSULT', 'consult'],
    ['consultation', 'consult'],
    ['TRANSFERRED', 'transfer'],
    ['Conferenced', 'conference'],
    ['CONFERENCE', 'conference'],
    ['ROUTED', undefined],
  ])('%s names %s', (word, leg) => {
    expect(legOf(word)).toBe(leg);
  });
});

describe('placeAgent', () => {
  /** A state store that also records each write's TTL. */
  const recording = () => {
    const store = createMemoryStateStore();
    const ttls: Record<string, number | undefined> = {};
    const state: StateStore = {
      get: (key) => store.get(key),
      delete: (key) => store.delete(key),
      set: (key, value, ttlMs) => {
        ttls[key] = ttlMs;
        return store.set(key, value, ttlMs);
      },
    };
    return { state, ttls };
  };

  it('puts the first agent of an engagement on the primary leg, a second on the unmarked leg with the engagement as parent', async () => {
    const { state } = recording();
    const event = { type: 'AgentParticipantInvited', engagementId: 'e-1' };
    expect(await placeAgent(event, 'jdoe', 'offered', state, 'consult')).toEqual({ leg: 'primary' });
    expect(await placeAgent(event, 'jdoe', 'answered', state, 'consult')).toEqual({ leg: 'primary' });
    expect(await placeAgent(event, 'asmith', 'offered', state, 'consult')).toEqual({
      leg: 'consult',
      parentInteractionId: 'e-1',
    });
  });

  it('offers an engagement once per agent, saying so the second time', async () => {
    const { state } = recording();
    const event = { type: 'AgentParticipantInvited', engagementId: 'e-1' };
    await placeAgent(event, 'jdoe', 'offered', state, 'transfer');
    expect(await placeAgent(event, 'jdoe', 'offered', state, 'transfer')).toEqual({
      ignored:
        'AXP event AgentParticipantInvited: engagement e-1 was offered to jdoe before (one pop per agent per engagement)',
    });
  });

  it('keeps what it learnt for 4 hours', async () => {
    const { state, ttls } = recording();
    await placeAgent(
      { type: 'AgentParticipantInvited', engagementId: 'e-1' },
      'jdoe',
      'offered',
      state,
      'transfer',
    );
    expect(ttls).toEqual({ 'axp:pop:jdoe:e-1:offered': 14_400_000, 'axp:first:e-1': 14_400_000 });
  });

  it('puts an agent on an engagement that names another as parent on the unmarked leg of that parent, even first', async () => {
    const { state } = recording();
    expect(
      await placeAgent({ engagementId: 'e-2', parentId: 'e-1' }, 'jdoe', 'offered', state, 'transfer'),
    ).toEqual({
      leg: 'transfer',
      parentInteractionId: 'e-1',
    });
  });

  it('takes the leg the event names; without an engagement, nothing is kept', async () => {
    const { state, ttls } = recording();
    expect(
      await placeAgent({ leg: 'conference', engagementId: 'e-1' }, 'jdoe', 'offered', state, 'transfer'),
    ).toEqual({
      leg: 'conference',
      parentInteractionId: 'e-1',
    });
    const before = Object.keys(ttls).length;
    expect(
      await placeAgent({ leg: 'consult', parentId: 'e-9' }, 'jdoe', 'offered', state, 'transfer'),
    ).toEqual({
      leg: 'consult',
      parentInteractionId: 'e-9',
    });
    expect(await placeAgent({}, 'jdoe', 'offered', state, 'transfer')).toEqual({ leg: 'primary' });
    expect(Object.keys(ttls)).toHaveLength(before);
  });
});
