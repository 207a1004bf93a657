import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVENT_NAMES,
  isLifecycle,
  LIFECYCLES,
  lookUp,
  normaliseChannel,
  normaliseDirection,
  PROP,
  putOwn,
} from '../src/index.js';

describe('default PopFlow event names', () => {
  it('are the lifecycle words themselves, so a PopFlow published to "answered" fires on every platform', () => {
    expect(Object.entries(DEFAULT_EVENT_NAMES)).toEqual(
      LIFECYCLES.map((lifecycle) => [lifecycle, lifecycle]),
    );
    expect(Object.isFrozen(DEFAULT_EVENT_NAMES)).toBe(true);
  });

  it('knows a lifecycle word and nothing else', () => {
    expect(isLifecycle('wrapup')).toBe(true);
    expect(isLifecycle('Answered')).toBe(false);
  });
});

/** The repository root: the nearest folder up with pnpm-workspace.yaml (Stryker runs the tests from a copy deeper down). */
function repoRoot(from = import.meta.dirname): string {
  return existsSync(join(from, 'pnpm-workspace.yaml')) || dirname(from) === from
    ? from
    : repoRoot(dirname(from));
}

describe('canonical props', () => {
  it('are the names the README lists, each spelled as its key', () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const sentence = readme.slice(
      readme.indexOf('Canonical props:'),
      readme.indexOf('`ani` is the customer'),
    );
    const listed = [...sentence.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]);
    expect([...listed].sort()).toEqual(Object.values(PROP).sort());
    for (const [key, name] of Object.entries(PROP)) expect(name).toBe(key);
  });
});

describe('normaliseChannel: a vendor word as the channel every platform spells the same', () => {
  it.each([
    [
      'voice',
      ['voice', 'VOICE', 'call', 'Phone', 'telephony', 'inbound_call', 'Outbound Call', 'outbound-call'],
    ],
    ['chat', ['chat', 'webchat', 'web_chat', 'Web Chat', 'web-chat', 'Web - Chat', 'LiveChat']],
    ['email', ['email', 'E-Mail', 'mail']],
    ['sms', ['sms', 'Text']],
    ['messaging', ['messaging', 'message', 'Messages', 'WhatsApp', 'Digital Messaging']],
    ['social', ['social', 'Facebook', 'twitter']],
    ['task', ['task', 'Tasks', 'WorkItem', 'work_item', 'Work Item']],
    ['callback', ['callback', 'CALLBACK']],
    ['video', ['video']],
  ])('%s', (channel, words) => {
    for (const word of words) expect(normaliseChannel(word), word).toBe(channel);
  });

  it('gives a word it does not know back as it is, a word naming an Object member too (an 8x8 channel "constructor" was a function)', () => {
    expect(normaliseChannel('Carrier Pigeon')).toBe('carrier pigeon');
    for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(normaliseChannel(word), word).toBe(word.toLowerCase());
  });
});

describe("lookUp: a table's own entry for a vendor's word", () => {
  const table: Record<string, string> = { answered: 'Established', 'Call Ended': 'Released' };

  it('finds the entries the table has, spaces and case as written', () => {
    expect(lookUp(table, 'answered')).toBe('Established');
    expect(lookUp(table, 'Call Ended')).toBe('Released');
    expect(lookUp(table, 'Answered')).toBeUndefined();
  });

  it('finds nothing that every object inherits', () => {
    for (const word of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])
      expect(lookUp(table, word), word).toBeUndefined();
  });

  it('finds an entry putOwn set, "__proto__" too, which an assignment would have made the prototype', () => {
    const agents: Record<string, { leg: string }> = {};
    putOwn(agents, '__proto__', { leg: 'primary' });
    putOwn(agents, 'toString', { leg: 'transfer' });
    expect(Object.getPrototypeOf(agents)).toBe(Object.prototype);
    expect(lookUp(agents, '__proto__')).toEqual({ leg: 'primary' });
    expect(JSON.parse(JSON.stringify(agents))).toEqual(agents);
    expect(Object.keys(agents)).toEqual(['__proto__', 'toString']);
    putOwn(agents, 'toString', { leg: 'consult' });
    expect(lookUp(agents, 'toString')).toEqual({ leg: 'consult' });
    // An ordinary entry after that: assigned again and deleted like any other.
    agents.toString = { leg: 'conference' } as never;
    expect(lookUp(agents, 'toString')).toEqual({ leg: 'conference' });
    expect(Reflect.deleteProperty(agents, 'toString')).toBe(true);
    expect(Object.keys(agents)).toEqual(['__proto__']);
  });

  it('finds an own entry named like an Object member', () => {
    const agents: Record<string, number> = {};
    Object.defineProperty(agents, '__proto__', { value: 1, enumerable: true });
    agents.toString = 2 as never;
    expect(lookUp(agents, '__proto__')).toBe(1);
    expect(lookUp(agents, 'toString')).toBe(2);
  });
});

describe('normaliseDirection', () => {
  it.each([
    ['inbound', ['inbound', 'INBOUND', ' In ', 'incoming', 'True', true]],
    ['outbound', ['outbound', 'Out', 'outgoing', 'false', false, 'EXTERNAL_OUTBOUND', 'callback']],
  ])('%s', (direction, words) => {
    for (const word of words) expect(normaliseDirection(word), String(word)).toBe(direction);
  });

  it('has nothing to say of another word or type', () => {
    // An object whose text is a direction word is still not one (String() would read it).
    for (const value of ['internal', '', 1, null, undefined, {}, { toString: () => 'inbound' }])
      expect(normaliseDirection(value), String(value)).toBeUndefined();
  });
});
