// parseXml reads at most so many elements, nested at most so deep (DEFAULT_XML_LIMITS, or the host's through
// handleRequest's xmlLimits): a 1 MB body of 200,000 elements is refused at the limit, before the rest of it
// is read, instead of holding the event loop while all of it is parsed.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineSource } from '../src/connector.js';
import { createRuntime, handleRequest } from '../src/pipeline.js';
import { bodyText, DEFAULT_XML_LIMITS, parseXml, toInboundRequest } from '../src/request.js';

/** `count` empty elements in one root: 4 bytes each, so 200,000 of them are about 800 KB. */
const flat = (count: number, tail = '</r>') => `<r>${'<a/>'.repeat(count - 1)}${tail}`;
/** Elements nested `depth` deep, the root included. */
const nested = (depth: number) => `${'<a>'.repeat(depth - 1)}<a/>${'</a>'.repeat(depth - 1)}`;

describe('parseXml limits', () => {
  it('has defaults a Finesse notification is far below: 5,000 elements, 100 deep', () => {
    expect(DEFAULT_XML_LIMITS).toEqual({ xmlElements: 5_000, xmlDepth: 100 });
  });

  it('refuses a 1 MB body of 200,000 elements, naming the limit', () => {
    const body = flat(200_000);
    expect(body.length).toBeGreaterThan(790_000);
    expect(() => parseXml(body)).toThrow(
      'the XML has more than 5000 elements: refused at the limit (xmlElements)',
    );
  });

  it('refuses it before reading the rest: a body broken only at its very end is refused for the limit', () => {
    // Read whole (validated or parsed), this body would be refused as not well-formed instead.
    expect(() => parseXml(flat(200_000, '</not-r>'))).toThrow(/more than 5000 elements/);
    expect(() => parseXml(flat(3, '</not-r>'))).toThrow(/not well-formed/);
  });

  it('reads a document exactly at the element limit, and refuses one element more', () => {
    expect(parseXml(flat(5_000))).toHaveProperty('r');
    expect(() => parseXml(flat(5_001))).toThrow(/more than 5000 elements/);
    expect(parseXml(flat(3), { limits: { xmlElements: 3, xmlDepth: 100 } })).toEqual({ r: { a: ['', ''] } });
    expect(() => parseXml(flat(4), { limits: { xmlElements: 3, xmlDepth: 100 } })).toThrow(
      'the XML has more than 3 elements: refused at the limit (xmlElements)',
    );
  });

  it('reads elements nested exactly as deep as the limit, and refuses one level more, naming the limit', () => {
    expect(parseXml(nested(100))).toHaveProperty('a');
    expect(() => parseXml(nested(101))).toThrow(
      'the XML nests elements more than 100 deep: refused at the limit (xmlDepth)',
    );
    expect(() => parseXml(nested(4), { limits: { xmlElements: 100, xmlDepth: 3 } })).toThrow(
      /more than 3 deep/,
    );
    expect(parseXml(nested(3), { limits: { xmlElements: 100, xmlDepth: 3 } })).toEqual({
      a: { a: { a: '' } },
    });
  });

  it('still refuses malformed XML and DTDs within the limits', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/not well-formed/);
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toThrow(/DOCTYPE or ENTITY/);
  });
});

describe('the host sets the limits for a request (handleRequest xmlLimits)', () => {
  const config = z.object({});
  const xml = defineConnector({
    id: 'xmlish',
    displayName: 'XML (test)',
    platforms: ['test'],
    config,
    sources: [
      defineSource<Record<string, unknown>, z.output<typeof config>>({
        id: 'events',
        description: 'XML events, unsigned (test)',
        auth: { scheme: 'none', summary: 'none (test)', credentials: [] },
        verify: () => ({ ok: true }),
        // The connector passes no limits: the host's apply.
        parse: (req) => parseXml(bodyText(req)),
        map: () => ({ agentid: 'agent', lifecycle: 'answered', props: {} }),
      }),
    ],
  });
  const runtime = createRuntime(xml, {});
  const post = (body: string) =>
    toInboundRequest({ method: 'POST', headers: { 'content-type': 'text/xml' }, body });

  it('answers 400 naming the host limit when the body is over it, and takes it without that limit', async () => {
    const body = flat(50);
    const limited = await handleRequest(runtime, post(body), undefined, {
      xmlLimits: { xmlElements: 20, xmlDepth: 100 },
    });
    expect(limited.kind).toBe('invalid');
    expect(limited.answer.status).toBe(400);
    expect(JSON.parse(limited.answer.body as string)).toEqual({
      error: 'the XML has more than 20 elements: refused at the limit (xmlElements)',
    });
    expect((await handleRequest(runtime, post(body))).kind).toBe('accepted');
  });

  it('applies the defaults to a request the host gives no limits for', async () => {
    const outcome = await handleRequest(runtime, post(flat(200_000)));
    expect(outcome.kind).toBe('invalid');
    expect(outcome.answer.status).toBe(400);
  });
});
