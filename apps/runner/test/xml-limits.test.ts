// A webhook's XML body is read up to limits.xmlElements elements nested up to limits.xmlDepth deep: past
// either it is refused with 400 naming the limit as soon as the parser reaches it, the rest unread, so a
// 1 MB body of 200,000 elements does not hold the event loop while all of it is parsed.
import {
  bodyText,
  DEFAULT_XML_LIMITS,
  defineConnector,
  defineSource,
  parseXml,
  PROP,
} from '@openconnect/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ConfigProblems, loadConfig } from '../src/config.js';
import { startTestRunner, type TestRunner } from './helpers/runner.js';

const config = z.object({});

/** A test connector whose one source reads XML with core's parseXml, passing no limits of its own. */
const xmlish = defineConnector({
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
      parse: (req) => parseXml(bodyText(req)),
      map: (doc) => ({
        agentid: 'agent.xml',
        lifecycle: 'answered',
        props: { [PROP.interactionId]: Object.keys(doc)[0] ?? 'none' },
      }),
    }),
  ],
});

/** `count` elements in one root; 4 bytes each, so 200,000 of them are about 800 KB. */
const flat = (count: number, tail = '</r>') => `<r>${'<a/>'.repeat(count - 1)}${tail}`;
const nested = (depth: number) => `${'<a>'.repeat(depth - 1)}<a/>${'</a>'.repeat(depth - 1)}`;

async function postXml(t: TestRunner, body: string) {
  const res = await fetch(`${t.runner.url}/webhooks/xmlish/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body,
  });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

const storedCount = async (t: TestRunner) => (await t.runner.outbox.list({ limit: 1000 })).length;

describe('XML limits, the defaults', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({ connectors: [xmlish], config: { connectors: { xmlish: {} } } });
  });
  afterAll(() => t.close());

  it('refuses a 1 MB body of 200,000 elements with 400 naming the limit, and stores nothing', async () => {
    const body = flat(200_000);
    expect(body.length).toBeGreaterThan(790_000);
    expect(await postXml(t, body)).toEqual({
      status: 400,
      body: { error: 'the XML has more than 5000 elements: refused at the limit (xmlElements)' },
    });
    expect(await storedCount(t)).toBe(0);
  });

  it('refuses it before reading the rest: the same body broken only at its end is refused for the limit', async () => {
    expect((await postXml(t, flat(200_000, '</not-r>'))).body.error).toMatch(/more than 5000 elements/);
    expect((await postXml(t, flat(3, '</not-r>'))).body.error).toMatch(/not well-formed/);
  });

  it('takes a document within the limits', async () => {
    expect((await postXml(t, flat(5_000))).status).toBe(200);
    expect(await storedCount(t)).toBe(1);
  });
});

describe('XML limits, configured', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({
      connectors: [xmlish],
      config: { connectors: { xmlish: {} }, limits: { xmlElements: 50, xmlDepth: 5 } },
    });
  });
  afterAll(() => t.close());

  it('refuses past limits.xmlElements, naming it, and takes a document at it', async () => {
    expect(await postXml(t, flat(51))).toEqual({
      status: 400,
      body: { error: 'the XML has more than 50 elements: refused at the limit (xmlElements)' },
    });
    expect((await postXml(t, flat(50))).status).toBe(200);
  });

  it('refuses past limits.xmlDepth, naming it, and takes a document at it', async () => {
    expect(await postXml(t, nested(6))).toEqual({
      status: 400,
      body: { error: 'the XML nests elements more than 5 deep: refused at the limit (xmlDepth)' },
    });
    expect((await postXml(t, nested(5))).status).toBe(200);
  });
});

describe('XML limit settings', () => {
  it('defaults to core DEFAULT_XML_LIMITS and names values that cannot be limits', () => {
    expect(loadConfig({ available: [], env: {} }).limits).toMatchObject(DEFAULT_XML_LIMITS);
    let problems: string[] = [];
    try {
      loadConfig({ available: [], env: {}, document: { limits: { xmlElements: 0, xmlDepth: 'deep' } } });
    } catch (error) {
      problems = (error as ConfigProblems).problems;
    }
    expect(problems).toEqual([
      'limits.xmlElements: 0 is not a whole number of elements greater than 0',
      'limits.xmlDepth: "deep" is not a whole number of levels greater than 0',
    ]);
  });
});
