import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { z } from 'zod';
import {
  contentType,
  detectJson,
  formOrQuery,
  parseForm,
  parseJson,
  parseWith,
  parseXml,
  queryValues,
  toInboundRequest,
} from '../src/request.js';
import { createMemoryStateStore, namespacedStateStore, type StateStore, setIfAbsent } from '../src/state.js';
import { normaliseDirection } from '../src/vocabulary.js';

describe('toInboundRequest', () => {
  it('lower-cases header names and merges query into the URL', () => {
    const req = toInboundRequest({
      method: 'get',
      headers: { 'X-Token': 'a' },
      query: { agent: 'jdoe', tag: ['a', 'b'] },
    });
    expect(req.method).toBe('GET');
    expect(req.headers).toEqual({ 'x-token': 'a' });
    expect(req.url).toBe('http://localhost/webhook?agent=jdoe&tag=a&tag=b');
  });

  it('encodes an object body as a form when the content-type says so, JSON-encoding nested values', () => {
    const req = toInboundRequest({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { EventType: 'reservation.accepted', TaskAttributes: { from: '+1555' } },
    });
    expect(parseForm(req)).toEqual({ EventType: 'reservation.accepted', TaskAttributes: '{"from":"+1555"}' });
  });

  it('keeps a string body byte for byte', () => {
    expect(toInboundRequest({ body: ' {"a": 1} ' }).rawBody.toString()).toBe(' {"a": 1} ');
  });
});

describe('parsers', () => {
  it('parseJson calls a whitespace-only body empty', () => {
    expect(() => parseJson(toInboundRequest({ body: ' \n ' }))).toThrow(
      'the request body is empty; a JSON body was expected',
    );
  });

  it('detectJson never claims a body that is not JSON, whatever its test says', () => {
    expect(detectJson(() => true)(toInboundRequest({ body: 'a=1' }))).toBe(false);
    expect(detectJson(() => true)(toInboundRequest({ body: { a: 1 } }))).toBe(true);
  });

  it('parseForm and queryValues keep the first of repeated keys and skip an empty list', () => {
    expect(parseForm(toInboundRequest({ body: 'a=1&a=2&b=3' }))).toEqual({ a: '1', b: '3' });
    expect(queryValues({ ...toInboundRequest({}), query: { a: ['1', '2'], none: [] } })).toEqual({ a: '1' });
  });

  it("parseForm, queryValues and formOrQuery keep fields named like Object's members", () => {
    const form = parseForm(
      toInboundRequest({ body: 'toString=a&constructor=b&__proto__=c&hasOwnProperty=d' }),
    );
    expect(Object.entries(form)).toEqual([
      ['toString', 'a'],
      ['constructor', 'b'],
      ['__proto__', 'c'],
      ['hasOwnProperty', 'd'],
    ]);
    expect(Object.getPrototypeOf(form)).toBe(Object.prototype);
    const query = JSON.parse('{"__proto__":"c","toString":["a","z"]}') as Record<string, string | string[]>;
    const values = queryValues({ ...toInboundRequest({}), query });
    expect(Object.entries(values)).toEqual([
      ['__proto__', 'c'],
      ['toString', 'a'],
    ]);
    const post = { ...toInboundRequest({ query }), rawBody: Buffer.from('constructor=b') };
    expect(Object.entries(formOrQuery(post))).toEqual([
      ['__proto__', 'c'],
      ['toString', 'a'],
      ['constructor', 'b'],
    ]);
  });

  it('formOrQuery ignores the body of a GET, whatever the case of the method', () => {
    const get = { ...toInboundRequest({ query: { a: '1' } }), method: 'get', rawBody: Buffer.from('b=2') };
    expect(formOrQuery(get)).toEqual({ a: '1' });
  });

  it("toInboundRequest reads the URL's query, the recorded query winning, and a null body as none", () => {
    const req = toInboundRequest({ url: 'http://localhost/hook?a=1&x=9', query: { a: '2' }, body: null });
    expect(req.query).toEqual({ a: '2', x: '9' });
    expect(req.rawBody.length).toBe(0);
    expect(() =>
      toInboundRequest({ headers: { 'content-type': 'application/xml' }, body: { a: 1 } }),
    ).toThrow('an XML request must give its body as a string');
  });

  it('parseJson throws an InputError for empty and invalid bodies', () => {
    expect(() => parseJson(toInboundRequest({ body: '' }))).toThrow(InputError);
    expect(() => parseJson(toInboundRequest({ body: '{"a":' }))).toThrow(/not valid JSON/);
  });

  it('parseJson and parseForm read a body that starts with a UTF-8 byte-order mark', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const json = { ...toInboundRequest({}), rawBody: Buffer.concat([bom, Buffer.from('{"a":1}')]) };
    expect(parseJson(json)).toEqual({ a: 1 });
    const form = { ...toInboundRequest({}), rawBody: Buffer.concat([bom, Buffer.from('a=1')]) };
    expect(parseForm(form)).toEqual({ a: '1' });
  });

  it('formOrQuery merges a GET query and a POST form', () => {
    expect(formOrQuery(toInboundRequest({ method: 'GET', query: { a: '1' } }))).toEqual({ a: '1' });
    const post = toInboundRequest({
      method: 'POST',
      query: { a: '1' },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'b=2',
    });
    expect(formOrQuery(post)).toEqual({ a: '1', b: '2' });
  });

  it('parseXml reads attributes and keeps named elements as arrays', () => {
    const xml =
      '<Update><data><dialogs><Dialog id="1"><state>ACTIVE</state></Dialog></dialogs></data></Update>';
    expect(parseXml(xml, { arrays: ['Dialog'] })).toEqual({
      Update: { data: { dialogs: { Dialog: [{ '@id': '1', state: 'ACTIVE' }] } } },
    });
  });

  it('parseXml keeps every value as the text sent: leading zeros, numbers and booleans stay strings', () => {
    expect(parseXml('<e seq="0042"><id>007</id><n>1e3</n><b>true</b><ext>+15550100</ext></e>')).toEqual({
      e: { '@seq': '0042', id: '007', n: '1e3', b: 'true', ext: '+15550100' },
    });
  });

  it('parseXml names namespaced elements and attributes by their local name (the prefix and xmlns dropped)', () => {
    const xml =
      '<csta:DeliveredEvent xmlns:csta="http://www.ecma-international.org/standards/ecma-323/csta/ed3" xmlns:xsi="urn:xsi">' +
      '<csta:callID xsi:type="id">7</csta:callID></csta:DeliveredEvent>';
    expect(parseXml(xml)).toEqual({ DeliveredEvent: { callID: { '#text': '7', '@type': 'id' } } });
  });

  it('parseXml refuses entity expansion (billion laughs)', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><a>&lol2;</a>';
    expect(() => parseXml(bomb)).toThrow(/DOCTYPE or ENTITY/);
  });

  it('parseXml refuses external entities', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>';
    expect(() => parseXml(xxe)).toThrow(InputError);
  });

  it('parseXml refuses a DOCTYPE wherever the parser meets one, and declarations outside a DTD', () => {
    const refused = /XML with a DOCTYPE or ENTITY declaration is refused/;
    expect(() => parseXml('<!DOCTYPE a><a>1</a>')).toThrow(refused);
    expect(() => parseXml('<a><!DOCTYPE b><b>1</b></a>')).toThrow(refused);
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY % p "x">]><a>1</a>')).toThrow(refused);
    expect(() => parseXml('<a><!ENTITY x "y"><b>1</b></a>')).toThrow(refused);
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY x "y"><a>1</a>')).toThrow(InputError); // unclosed: not well-formed
  });

  it('parseXml reads <!DOCTYPE and <!ENTITY inside a CDATA section as text', () => {
    expect(parseXml('<a><b><![CDATA[<!DOCTYPE x [<!ENTITY y "z">]>]]></b></a>')).toEqual({
      a: { b: '<!DOCTYPE x [<!ENTITY y "z">]>' },
    });
  });

  it('parseXml skips <!DOCTYPE and <!ENTITY inside a comment', () => {
    expect(parseXml('<!-- <!DOCTYPE x> --><a><!-- <!ENTITY y "z"> --><b>1</b></a>')).toEqual({
      a: { b: '1' },
    });
  });

  it('parseXml keeps entities as written by default', () => {
    expect(parseXml('<a x="&quot;q&quot;">R&amp;D &lt;b&gt;</a>')).toEqual({
      a: { '#text': 'R&amp;D &lt;b&gt;', '@x': '&quot;q&quot;' },
    });
  });

  it('parseXml with entities decodes the five predefined entities in text and attributes', () => {
    expect(parseXml('<a x="&quot;q&quot; &apos;s">R&amp;D &lt;b&gt;</a>', { entities: true })).toEqual({
      a: { '#text': 'R&D <b>', '@x': '"q" \'s' },
    });
  });

  it('parseXml with entities decodes character references, including outside the BMP', () => {
    expect(parseXml('<a><b>caf&#233; &#x1F600;</b></a>', { entities: true })).toEqual({
      a: { b: 'café 😀' },
    });
  });

  it('parseXml with entities decodes once: an escaped entity stays an entity', () => {
    expect(parseXml('<a>&amp;lt;b&amp;gt; &amp;amp;</a>', { entities: true })).toEqual({
      a: '&lt;b&gt; &amp;',
    });
  });

  it('parseXml with entities leaves undefined names and invalid references as written', () => {
    expect(parseXml('<a>&copy; &nbsp; &#0; &#xD800;</a>', { entities: true })).toEqual({
      a: '&copy; &nbsp; &#0; &#xD800;',
    });
  });

  it('parseXml with entities decodes inside repeated elements', () => {
    expect(parseXml('<a><i>&lt;1</i><i>&gt;2</i></a>', { entities: true, arrays: ['i'] })).toEqual({
      a: { i: ['<1', '>2'] },
    });
  });

  it('parseXml refuses malformed XML and non-XML', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/not well-formed/);
    expect(() => parseXml('{"json":true}')).toThrow(/not XML/);
  });
});

describe('state store', () => {
  it('expires values after their TTL', async () => {
    let now = 1_000;
    const store = createMemoryStateStore(() => now);
    await store.set('k', { caller: '+1555' }, 100);
    expect(await store.get('k')).toEqual({ caller: '+1555' });
    now += 100;
    expect(await store.get('k')).toBeUndefined();
  });

  it('sweeps expired keys that are never read again, on a write at most once a minute', async () => {
    let now = 0;
    const store = createMemoryStateStore(() => now);
    await store.set('contact-1', 'ended', 1_000);
    await store.set('contact-2', 'ended', 1_000);
    now = 30_000;
    await store.set('contact-3', 'ended', 1_000);
    expect(store.stored()).toBe(3);
    now = 60_000;
    await store.set('contact-4', 'ended', 1_000);
    expect(store.stored()).toBe(1);
  });

  it('keeps live entries through a sweep: only expired ones go', async () => {
    let now = 0;
    const store = createMemoryStateStore(() => now);
    await store.set('live', 'talking', 600_000);
    await store.set('gone', 'ended', 1_000);
    now = 60_000;
    await store.set('new', 'ringing', 1_000);
    expect(store.stored()).toBe(2);
    expect(await store.get('live')).toBe('talking');
    expect(await store.get('new')).toBe('ringing');
  });

  it('sweeps a minute after it was made, then a minute after each sweep, taking entries that expire that instant', async () => {
    let now = 0;
    const store = createMemoryStateStore(() => now);
    now = 30_000;
    await store.set('a', 1, 1_000);
    now = 61_000;
    await store.set('b', 1, 60_000);
    await store.set('f', 1, 600_000);
    expect(store.stored()).toBe(2);
    now = 100_000;
    await store.set('c', 1, 1_000);
    now = 120_000;
    await store.set('d', 1, 1_000);
    expect(store.stored()).toBe(4);
    now = 121_000;
    await store.set('e', 1, 1_000);
    expect(store.stored()).toBe(2);
    expect([await store.get('f'), await store.get('e')]).toEqual([1, 1]);
  });

  it('counts only live entries in size(), expired ones not yet swept left out', async () => {
    let now = 0;
    const store = createMemoryStateStore(() => now);
    await store.set('a', 1, 100);
    await store.set('b', 1, 1_000);
    now = 100;
    expect(store.size()).toBe(1);
    expect(store.stored()).toBe(1);
  });

  it('keeps a value 4 hours by default, on set and on setIfAbsent', async () => {
    let now = 0;
    const store = createMemoryStateStore(() => now);
    await store.set('k', 1);
    expect(await setIfAbsent(store, 'c', 2)).toBe(true);
    now = 4 * 60 * 60 * 1000 - 1;
    expect([await store.get('k'), await store.get('c')]).toEqual([1, 2]);
    now += 1;
    expect([await store.get('k'), await store.get('c')]).toEqual([undefined, undefined]);
  });

  it('namespaces keys per connector', async () => {
    const store = createMemoryStateStore();
    await namespacedStateStore(store, 'a').set('k', 1);
    expect(await namespacedStateStore(store, 'b').get('k')).toBeUndefined();
    expect(await namespacedStateStore(store, 'a').get('k')).toBe(1);
  });

  it("deletes a namespaced key, and only that namespace's", async () => {
    const store = createMemoryStateStore();
    const a = namespacedStateStore(store, 'a');
    const b = namespacedStateStore(store, 'b');
    await a.set('k', 1);
    await b.set('k', 2);
    await a.delete('k');
    expect(await a.get('k')).toBeUndefined();
    expect(await b.get('k')).toBe(2);
    expect(store.size()).toBe(1);
  });

  it('passes the TTL through a namespaced view', async () => {
    let now = 0;
    const view = namespacedStateStore(
      createMemoryStateStore(() => now),
      'a',
    );
    await view.set('k', 1, 100);
    expect(await setIfAbsent(view, 'c', 2, 100)).toBe(true);
    now = 100;
    expect([await view.get('k'), await view.get('c')]).toEqual([undefined, undefined]);
  });
});

describe('setIfAbsent', () => {
  it('stores the value and returns true only for the first claim', async () => {
    const store = createMemoryStateStore();
    expect(await setIfAbsent(store, 'k', 'first')).toBe(true);
    expect(await setIfAbsent(store, 'k', 'second')).toBe(false);
    expect(await store.get('k')).toBe('first');
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const store = namespacedStateStore(createMemoryStateStore(), 'x');
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => setIfAbsent(store, 'k', i)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('claims an expired key again', async () => {
    let now = 0;
    const store = createMemoryStateStore(() => now);
    await setIfAbsent(store, 'k', 1, 100);
    now = 100;
    expect(await setIfAbsent(store, 'k', 2, 100)).toBe(true);
    expect(await store.get('k')).toBe(2);
  });

  it('keeps the namespace when the store claims atomically', async () => {
    const inner = createMemoryStateStore();
    expect(await setIfAbsent(namespacedStateStore(inner, 'a'), 'k', 1)).toBe(true);
    expect(await setIfAbsent(namespacedStateStore(inner, 'b'), 'k', 2)).toBe(true);
    expect(await inner.get('a:k')).toBe(1);
  });

  it('falls back to get-then-set on a host store without setIfAbsent', async () => {
    const { setIfAbsent: _atomic, ...plain } = createMemoryStateStore();
    const store: StateStore = namespacedStateStore(plain, 'a');
    expect(store.setIfAbsent).toBeUndefined();
    expect(await setIfAbsent(store, 'k', 1)).toBe(true);
    expect(await setIfAbsent(store, 'k', 2)).toBe(false);
    expect(await store.get('k')).toBe(1);
  });
});

describe('normaliseDirection', () => {
  it.each([
    ['INBOUND', 'inbound'],
    ['Outbound', 'outbound'],
    ['True', 'inbound'],
    ['false', 'outbound'],
    ['sideways', undefined],
    [42, undefined],
  ])('%s → %s', (input, expected) => expect(normaliseDirection(input)).toBe(expected));
});

describe('request reading, exactly', () => {
  it('contentType is the media type alone, lower case; none is empty', () => {
    expect(
      contentType(toInboundRequest({ headers: { 'Content-Type': ' Application/JSON ; charset=utf-8' } })),
    ).toBe('application/json');
    expect(contentType({ ...toInboundRequest({}), headers: {} })).toBe('');
  });

  it('parseJson parses a body once: detect and parse share the same value', () => {
    const req = toInboundRequest({ body: { call: { id: 'c-1' } } });
    expect(parseJson(req)).toBe(parseJson(req));
  });

  it('queryValues leaves out a key whose list is empty (no key with an undefined value)', () => {
    expect(Object.keys(queryValues({ ...toInboundRequest({}), query: { a: ['1'], none: [] } }))).toEqual([
      'a',
    ]);
  });

  it('toInboundRequest keeps a repeated recorded parameter as its list', () => {
    expect(toInboundRequest({ query: { tag: ['a', 'b'], one: 'x' } }).query).toEqual({
      tag: ['a', 'b'],
      one: 'x',
    });
  });

  it('parseWith names the path of the first problem, and no path for the whole value', () => {
    const schema = z.object({ call: z.object({ id: z.string() }) });
    expect(() => parseWith(schema, { call: { id: 1 } })).toThrow(
      'the request is not as expected at call.id: Invalid input: expected string, received number',
    );
    expect(() => parseWith(z.string(), 1, 'frame')).toThrow(
      'the frame is not as expected: Invalid input: expected string, received number',
    );
  });
});

describe('parseXml, exactly', () => {
  it('reads a document after leading white space, trims values, and leaves the declaration out', () => {
    expect(parseXml('  \n<Event><agentId>  jdoe </agentId></Event>')).toStrictEqual({
      Event: { agentId: 'jdoe' },
    });
    expect(
      parseXml('<?xml version="1.0" encoding="UTF-8"?><Event><agentId>jdoe</agentId></Event>'),
    ).toStrictEqual({
      Event: { agentId: 'jdoe' },
    });
  });

  it('decodes character references up to U+10FFFF and outside the surrogates, keeps the rest as written', () => {
    expect(parseXml('<a>&#x10FFFF;|&#x110000;|&#xD7FF;|&#xDFFF;|&#xE000;</a>', { entities: true })).toEqual({
      a: `${String.fromCodePoint(0x10ffff)}|&#x110000;|${String.fromCodePoint(0xd7ff)}|&#xDFFF;|${String.fromCodePoint(0xe000)}`,
    });
  });

  it("says why a document is not well-formed in the validator's words, with line and column", () => {
    const refusal = (xml: string) => {
      try {
        parseXml(xml);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal('<a><b></a>')).toBe(
      "the request body is not well-formed XML (Expected closing tag 'b' (opened in line 1, col 4) instead of closing tag 'a'.:1:7)",
    );
    expect(refusal('<a></b>')).toBe(
      "the request body is not well-formed XML (Expected closing tag 'a' (opened in line 1, col 1) instead of closing tag 'b'.:1:4)",
    );
    expect(refusal('<a>1</a><b>2</b>')).toBe(
      'the request body is not well-formed XML (Multiple possible root nodes found.:1:11)',
    );
    expect(refusal('<a x="1" x="2"/>')).toBe(
      "the request body is not well-formed XML (Attribute 'x' is repeated.:1:10)",
    );
  });
});
