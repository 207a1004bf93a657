// The subscription kit run on the reference line vendor: proves the kit itself (and runSession) work; and its
// check of frames named like Object's members, on a naive subscription it must catch.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from '../src/connector.js';
import { ignore } from '../src/mapping.js';
import { createRuntime } from '../src/pipeline.js';
import { parseWith } from '../src/request.js';
import { defineSubscription } from '../src/subscription.js';
import { frameVariants } from '../src/testing/conformance.js';
import { assertFrameSurvives, runSubscriptionConformance } from '../src/testing/subscriptions.js';
import { PROP } from '../src/vocabulary.js';
import { lineConnector, startLineVendor } from '../src/testing/line-vendor.js';

const TOKEN = 'line-token-0123';

runSubscriptionConformance({
  connector: lineConnector,
  subscription: 'line',
  fixturesDir: join(import.meta.dirname, 'fixtures/line-vendor'),
  settings: { options: { lineUrl: 'tcp://127.0.0.1:9', lineToken: TOKEN } },
  async harness() {
    const vendor = await startLineVendor({ token: TOKEN, sessionMs: 400 });
    return {
      settings: { options: { lineUrl: vendor.url, lineToken: TOKEN } },
      push: async (frame) => {
        vendor.push(frame as Record<string, unknown>);
      },
      drop: async () => vendor.drop(),
      sendMalformed: async () => vendor.sendMalformed(),
      expiryMs: 400,
      renewals: () => vendor.counters.renewals,
      expirations: () => vendor.counters.expirations,
      close: () => vendor.close(),
    };
  },
});

describe("frames whose values are named like Object's members", () => {
  it('every string, and every value inside the XML, JSON text or base64 JSON a string carries', () => {
    const pulsar = Buffer.from(JSON.stringify({ state: 'talking' })).toString('base64');
    const frame = {
      agent: 'jdoe',
      codes: [1, 'x'],
      xml: '<Call state="ringing">c-1</Call>',
      body: '{"id":"a"}',
      payload: pulsar,
    };
    const encoded = (inner: unknown) => Buffer.from(JSON.stringify(inner)).toString('base64');
    expect(frameVariants(frame, 'toString')).toEqual([
      { ...frame, agent: 'toString' },
      { ...frame, codes: [1, 'toString'] },
      { ...frame, xml: 'toString' },
      { ...frame, xml: '<Call state="toString">c-1</Call>' },
      { ...frame, xml: '<Call state="ringing">toString</Call>' },
      { ...frame, body: 'toString' },
      { ...frame, body: '{"id":"toString"}' },
      { ...frame, payload: 'toString' },
      { ...frame, payload: encoded({ state: 'toString' }) },
    ]);
    expect(frameVariants(42, 'toString')).toEqual([]);
  });

  it("catches a subscription whose table finds Object.prototype's member, and lets a refusal pass", async () => {
    const LIFECYCLE: Record<string, 'answered'> = { talking: 'answered' };
    const event = z.object({ agent: z.string(), state: z.string(), call: z.string() });
    const naive = defineSubscription<z.output<typeof event>>({
      id: 'naive-line',
      description: 'a line whose states index a plain object',
      enabled: () => true,
      connect: async () => {},
      parse: (frame) => parseWith(event, frame, 'line event'),
      map: (e) => {
        const lifecycle = LIFECYCLE[e.state];
        if (!lifecycle) return ignore(`state ${e.state} is not mapped`);
        return {
          agentid: e.agent,
          lifecycle,
          props: { [PROP.interactionId]: e.call, [PROP.leg]: 'primary' },
        };
      },
    });
    const runtime = createRuntime(
      defineConnector({
        id: 'naive-line',
        displayName: 'Naive',
        platforms: ['Naive'],
        config: z.object({}),
        sources: [],
        subscriptions: [naive],
      }),
    );
    const verdicts = [];
    for (const frame of frameVariants({ agent: 'jdoe', state: 'talking', call: 'c-1' }, 'toString'))
      verdicts.push(
        await assertFrameSurvives(runtime, naive, frame).then(
          () => 'survived',
          (error: Error) => error.message.split('\n')[0],
        ),
      );
    expect(verdicts).toEqual([
      'survived',
      "naive-line: a malformed input escaped as Error: drafted a message whose lifecycle is function toString() { [native code] }, not one of the core's",
      'survived',
    ]);
  });
});
