import { describe, expect, it, vi } from 'vitest';
import { InputError, ValidationError } from '../src/errors.js';
import {
  eventNameWarnings,
  flattenProps,
  flattenToText,
  messageSchema,
  validateMessage,
  visible,
} from '../src/message.js';

const base = { agentid: 'jdoe', jwt: 'secret-key-123456', crmid: 'acme.custhelp.com', event: 'On Answer' };

function problemsOf(input: unknown): string[] {
  try {
    validateMessage(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected a ValidationError');
}

/** Props no JSON body makes, but a connector's code could. */
const withSymbol = { ani: '1', [Symbol('tag')]: 'x' };
const hidden = Object.defineProperty({ ani: '1' }, 'secretNote', { value: 'x', enumerable: false });
const bare = Object.assign(Object.create(null) as Record<string, string>, { ani: '1', queue: 'Sales' });
const inherited = Object.assign(Object.create({ ...base }) as Record<string, unknown>, {
  props: { ani: '1' },
});
const arrayMessage = Object.assign([] as unknown[], base);
// Plain to zod (its prototype's constructor is Object) but not to the check without zod: zod's path accepts it.
const derived = Object.assign(Object.create({ inheritedProp: 'x' }) as Record<string, string>, { ani: '1' });

// validateMessage checks the common case without zod (plainMessage): for every input, it must give exactly
// what messageSchema gives (the same fields, in the same order, a fresh props object) or the same problems.
const sameAsZod: [string, unknown][] = [
  ['no props', { ...base }],
  ['props undefined', { ...base, props: undefined }],
  ['empty props', { ...base, props: {} }],
  [
    'strings, numbers, booleans',
    { ...base, props: { ani: '+1555', attempts: 3, vip: false, ratio: -0.5, zero: -0 } },
  ],
  ['extra top-level keys (dropped)', { ...base, extra: 'x', props: { ani: '1' } }],
  [
    'field order of the input',
    { props: { b: '2', a: '1', 10: 'ten', 2: 'two' }, event: 'E', crmid: 'c', jwt: 'j', agentid: 'a' },
  ],
  ['a prototype-less props object', { ...base, props: bare }],
  [
    'an own __proto__ prop from JSON',
    JSON.parse(`{"agentid":"a","jwt":"j","crmid":"c","event":"E","props":{"__proto__":"x","ani":"1"}}`),
  ],
  ['a non-enumerable prop (skipped)', { ...base, props: hidden }],
  ['props inheriting from a plain object', { ...base, props: derived }],
  [
    'an own __proto__ prop holding an object',
    JSON.parse(`{"agentid":"a","jwt":"j","crmid":"c","event":"E","props":{"__proto__":{"x":1},"ani":"1"}}`),
  ],
  ['fields inherited from a prototype', inherited],
  ['NaN', { ...base, props: { n: Number.NaN } }],
  ['Infinity', { ...base, props: { n: Number.POSITIVE_INFINITY } }],
  ['-Infinity', { ...base, props: { n: Number.NEGATIVE_INFINITY } }],
  ['null prop', { ...base, props: { n: null } }],
  ['undefined prop', { ...base, props: { n: undefined } }],
  ['nested prop', { ...base, props: { n: { deep: '1' } } }],
  ['array prop value', { ...base, props: { n: ['1'] } }],
  ['bigint prop', { ...base, props: { n: 1n } }],
  ['empty prop name', { ...base, props: { '': '1' } }],
  ['reserved prop name', { ...base, props: { jwt: 'other' } }],
  ['reserved prop name in other case', { ...base, props: { Event: 'other', CRMID: 'x', AgentId: 'y' } }],
  ['a symbol key', { ...base, props: withSymbol }],
  ['props null', { ...base, props: null }],
  ['props an array', { ...base, props: ['1'] }],
  ['props a string', { ...base, props: 'ani=1' }],
  [
    'props a class instance',
    {
      ...base,
      props: new (class Bag {
        ani = '1';
      })(),
    },
  ],
  ['props a Map', { ...base, props: new Map([['ani', '1']]) }],
  ['empty agentid', { ...base, agentid: '' }],
  ['numeric event', { ...base, event: 7 }],
  ['missing jwt', { agentid: 'a', crmid: 'c', event: 'E' }],
  ['the message an array', arrayMessage],
  ['the message null', null],
  ['the message a string', 'agentid=a'],
  ['the message undefined', undefined],
];

describe('validateMessage gives what messageSchema gives', () => {
  it.each(sameAsZod)('%s', (_name, input) => {
    const parsed = messageSchema.safeParse(input);
    if (parsed.success) {
      const { message } = validateMessage(input);
      expect(message).toStrictEqual(parsed.data);
      expect(Object.keys(message)).toEqual(Object.keys(parsed.data));
      expect(Object.keys(message.props)).toEqual(Object.keys(parsed.data.props));
      expect(Object.getPrototypeOf(message.props)).toBe(Object.getPrototypeOf(parsed.data.props));
      const given = (input as { props?: unknown }).props;
      if (given !== undefined) expect(message.props).not.toBe(given);
    } else {
      expect(problemsOf(input)).toEqual(
        parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(message)'}: ${i.message}`),
      );
    }
  });

  it('checks a plain message without zod, and takes anything else to zod', () => {
    const parse = vi.spyOn(messageSchema, 'safeParse');
    try {
      const plain = [
        { ...base },
        { ...base, props: { ani: '+15551234567' } },
        { ...base, props: { attempts: 3 } },
        { ...base, props: { vip: false } },
        { ...base, props: bare },
      ];
      for (const input of plain) validateMessage(input);
      expect(parse).not.toHaveBeenCalled();
      validateMessage({ ...base, props: derived });
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('covers both sides: some of these inputs are valid and some are not', () => {
    const valid = sameAsZod.filter(([, input]) => messageSchema.safeParse(input).success);
    expect(valid.length).toBeGreaterThanOrEqual(9);
    expect(sameAsZod.length - valid.length).toBeGreaterThanOrEqual(20);
  });
});

describe('validateMessage', () => {
  it('accepts the four required fields and keeps them exactly as given', () => {
    const { message, warnings } = validateMessage({ ...base, agentid: 'JDoe', event: 'On Answer' });
    expect(message).toEqual({ ...base, agentid: 'JDoe', props: {} });
    expect(warnings).toEqual([]);
  });

  it.each(['agentid', 'jwt', 'crmid', 'event'])('requires %s', (field) => {
    const { [field as keyof typeof base]: _, ...rest } = base;
    expect(problemsOf(rest)).toEqual([`${field}: ${field} is required and must be a string`]);
  });

  it.each(['agentid', 'jwt', 'crmid', 'event'])('refuses an empty %s', (field) => {
    expect(problemsOf({ ...base, [field]: '' })).toEqual([`${field}: ${field} must not be empty`]);
  });

  it('refuses a non-string required field', () => {
    expect(problemsOf({ ...base, agentid: 1234 })).toEqual([
      'agentid: agentid is required and must be a string',
    ]);
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ jwt: 'k' })).toHaveLength(3);
  });

  it('accepts string, number and boolean props', () => {
    const props = { ani: '+15551234567', attempts: 3, vip: true, ratio: 0.5 };
    expect(validateMessage({ ...base, props }).message.props).toEqual(props);
  });

  it('refuses nested prop values and tells to flatten them', () => {
    expect(problemsOf({ ...base, props: { caller: { number: '1' } } })).toEqual([
      'props.caller: a prop value must be a string, a number or a boolean (flatten nested data first)',
    ]);
  });

  it('refuses an empty prop name', () => {
    expect(problemsOf({ ...base, props: { '': 'x' } })).toEqual(['props: a prop name must not be empty']);
  });

  it('refuses props that are not an object', () => {
    expect(problemsOf({ ...base, props: ['a'] })).toHaveLength(1);
  });

  it('refuses a non-finite number prop', () => {
    expect(problemsOf({ ...base, props: { n: Number.POSITIVE_INFINITY } })).toEqual([
      'props.n: a number prop must be finite',
    ]);
  });

  it.each(['agentid', 'jwt', 'crmid', 'event', 'JWT', 'AgentId'])(
    'refuses a prop that shadows the reserved field (%s)',
    (name) => {
      expect(problemsOf({ ...base, props: { [name]: 'x' } })).toEqual([
        `props.${name}: prop "${name}" would shadow the reserved field "${name.toLowerCase()}"; rename it`,
      ]);
    },
  );

  it('never puts the jwt value into a validation error', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.very-secret-payload.signature';
    try {
      validateMessage({ ...base, jwt, agentid: '' });
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain(jwt);
      expect(String((error as Error).message)).not.toContain(jwt);
    }
  });
});

describe('event name warnings', () => {
  it('sends an event with a trailing space unchanged but warns with its length', () => {
    const { message, warnings } = validateMessage({ ...base, event: 'On Answer ' });
    expect(message.event).toBe('On Answer ');
    expect(warnings).toEqual([
      'event "On Answer " has leading or trailing whitespace (length 10); OpenConnect matches the PopFlow event name exactly, spaces included',
    ]);
  });

  it('warns about a leading space', () => {
    expect(eventNameWarnings(' On End')).toHaveLength(1);
  });

  it('warns about a zero-width space and shows where it is', () => {
    expect(eventNameWarnings('On\u200bEnd')).toEqual([
      'event "On\\u{200b}End" contains invisible characters; retype the name as it appears in the PopFlow event',
    ]);
  });

  it('warns about a non-breaking space copied from a web page', () => {
    expect(eventNameWarnings('On\u00a0End')).toHaveLength(1);
  });

  it('does not warn about inner spaces, which are legal', () => {
    expect(eventNameWarnings('On Call Answered')).toEqual([]);
  });

  it('warns when the agentid has surrounding whitespace', () => {
    expect(validateMessage({ ...base, agentid: 'jdoe ' }).warnings).toEqual([
      'agentid "jdoe " has leading or trailing whitespace; the agent login is matched exactly',
    ]);
  });

  it('visible() makes control characters readable', () => {
    expect(visible('a\tb')).toBe('a\\u{0009}b');
  });
});

describe('flattenProps', () => {
  it('flattens nested objects into dotted keys', () => {
    expect(flattenProps({ caller: { number: '+1555', name: 'Ann' }, vip: true })).toEqual({
      'caller.number': '+1555',
      'caller.name': 'Ann',
      vip: true,
    });
  });

  it('indexes arrays and drops null and undefined', () => {
    expect(flattenProps({ tags: ['a', 'b'], none: null, missing: undefined, n: 0 })).toEqual({
      'tags.0': 'a',
      'tags.1': 'b',
      n: 0,
    });
  });

  it('turns dates into ISO strings and drops non-finite numbers', () => {
    expect(flattenProps({ at: new Date('2026-01-02T03:04:05Z'), bad: Number.NaN })).toEqual({
      at: '2026-01-02T03:04:05.000Z',
    });
  });

  it('drops a value under an empty top-level key, keeps one under an empty nested key', () => {
    expect(flattenProps({ '': 'x', a: { '': 'y' }, b: 1 })).toEqual({ 'a.': 'y', b: 1 });
  });

  it('refuses data nested deeper than 32 levels with an InputError naming where', () => {
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 40; i++) deep = { n: deep };
    expect(() => flattenProps(deep)).toThrow(InputError);
    expect(() => flattenProps(deep)).toThrow(/nested deeper than 32 levels/);
    let ok: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 30; i++) ok = { n: ok };
    expect(Object.values(flattenProps(ok))).toEqual(['x']);
  });

  it('counts nested arrays toward the depth limit: 32 levels are read, 33 refused', () => {
    const nest = (levels: number) => {
      let value: unknown = 'x';
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    expect(flattenProps({ a: nest(31) })).toEqual({ [`a${'.0'.repeat(31)}`]: 'x' });
    expect(() => flattenProps({ a: nest(32) })).toThrow(InputError);
    expect(() => flattenProps(nest(33))).toThrow(/nested deeper than 32 levels/);
    expect(Object.keys(flattenProps(nest(32)))).toEqual([`0${'.0'.repeat(31)}`]);
  });

  it('refuses objects at exactly one level past the limit', () => {
    const nest = (levels: number) => {
      let value: unknown = 'x';
      for (let i = 0; i < levels; i++) value = { n: value };
      return value;
    };
    expect(Object.values(flattenProps(nest(32)))).toEqual(['x']);
    expect(() => flattenProps(nest(33))).toThrow(InputError);
  });

  it('writes a bigint as its digits, and keeps nothing for a value with no name (a bare value or an invalid date)', () => {
    expect(flattenProps({ id: 12345678901234567890n })).toEqual({ id: '12345678901234567890' });
    expect(flattenProps(7n)).toEqual({});
    expect(flattenProps('bare')).toEqual({});
    expect(flattenProps(new Date('2026-01-02T03:04:05Z'))).toEqual({});
    expect(flattenProps({ at: new Date('not a date') })).toEqual({});
    expect(flattenProps(null)).toEqual({});
  });

  it('names at most the first 80 characters of where the data is too deep', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { abcdefghij: deep };
    const error = (() => {
      try {
        flattenProps(deep);
      } catch (e) {
        return e as InputError;
      }
      throw new Error('expected a refusal');
    })();
    const where = Array.from({ length: 33 }, () => 'abcdefghij').join('.');
    expect(error.message).toBe(`the data under "${where.slice(0, 80)}" is nested deeper than 32 levels`);
  });

  it('uses a prefix when given', () => {
    expect(flattenProps({ a: { b: 1 } }, 'attributes')).toEqual({ 'attributes.a.b': 1 });
  });

  it('produces props that validate', () => {
    const props = flattenProps({ deep: { deeper: { deepest: [1, { x: 'y' }] } } });
    expect(validateMessage({ ...base, props }).message.props).toEqual({
      'deep.deeper.deepest.0': 1,
      'deep.deeper.deepest.1.x': 'y',
    });
  });
});

describe('flattenToText', () => {
  it('makes trimmed strings, joins lists, drops blanks and unfilled placeholders', () => {
    expect(
      flattenToText(
        {
          agent_email: ' ann@acme.example ',
          tags: ['vip', 2, null],
          empty: '  ',
          missing: '{{agent_name}}',
          call: { id: 42, leg: { n: true } },
        },
        { skip: /^\{\{[^{}]*\}\}$/ },
      ),
    ).toEqual({ agent_email: 'ann@acme.example', tags: 'vip, 2', 'call.id': '42', 'call.leg.n': 'true' });
  });

  it('drops null and undefined values, at the top, nested and in lists', () => {
    expect(
      flattenToText({ a: null, b: undefined, c: { d: null, e: 'x' }, f: [null, undefined], g: [null, 'y'] }),
    ).toEqual({
      'c.e': 'x',
      g: 'y',
    });
  });

  it('writes objects inside a list as JSON', () => {
    expect(flattenToText({ skills: [{ id: 1, name: 'Billing' }, 'Sales'] })).toEqual({
      skills: '{"id":1,"name":"Billing"}, Sales',
    });
  });

  it('keeps objects three levels deep by default, deeper as JSON', () => {
    expect(flattenToText({ a: { b: { c: { d: 1 } } } })).toEqual({ 'a.b.c.d': '1' });
    expect(flattenToText({ a: { b: { c: { d: { e: 1 } } } } })).toEqual({ 'a.b.c.d': '{"e":1}' });
  });

  it('keeps objects deeper than maxDepth as JSON', () => {
    expect(flattenToText({ a: { b: { c: 1 } } }, { maxDepth: 1 })).toEqual({ 'a.b': '{"c":1}' });
  });
});
