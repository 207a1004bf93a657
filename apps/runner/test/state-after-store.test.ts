// A change-only platform (PureConnect, PureEngage...) pops only when a call's state changes. If the runner
// maps an event but cannot store it (503), the vendor's retry must still pop: the connector's state is
// saved only once the messages are stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  defineConnector,
  defineSource,
  ignore,
  parseJson,
  parseWith,
  PROP,
  verifyToken,
} from '@openconnect/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOutbox } from '../src/outbox/index.js';
import type { Outbox } from '../src/outbox/types.js';
import { type TestRunner, startTestRunner } from './helpers/runner.js';

const SECRET = 'change-only-secret-0123456789';
const callState = z.object({ id: z.string(), call: z.string(), state: z.string(), agent: z.string() });
const changeOnly = defineConnector({
  id: 'change-only',
  displayName: 'Change-only test platform',
  platforms: ['Test'],
  config: z.object({ token: z.string() }),
  secrets: ['token'],
  sources: [
    defineSource<z.output<typeof callState>, { token: string }>({
      id: 'calls',
      description: 'call states, sent whole on every change',
      auth: { scheme: 'shared-secret', summary: 'x-token', credentials: [{ in: 'header', name: 'x-token' }] },
      stateWrites: 'after-store',
      verify: (req, { config }) => verifyToken(req, { expected: config.token, header: 'x-token' }),
      parse: (req) => parseWith(callState, parseJson(req)),
      eventId: (e) => e.id,
      async map(e, ctx) {
        const seen = await ctx.state.get<string>(e.call);
        await ctx.state.set(e.call, e.state);
        if (seen === e.state) return ignore(`call ${e.call} is still ${e.state}`);
        return {
          agentid: e.agent,
          lifecycle: 'answered',
          props: { [PROP.nativeEvent]: e.state, [PROP.interactionId]: e.call },
        };
      },
    }),
  ],
});

/** The real sqlite outbox, whose next enqueue fails once (a store that did not answer). */
function failingOnce(outbox: Outbox): Outbox & { failNext(): void } {
  let fail = false;
  return Object.assign(Object.create(outbox) as Outbox, {
    enqueue: (messages: Parameters<Outbox['enqueue']>[0]) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error('disk I/O error'));
      }
      return outbox.enqueue(messages);
    },
    failNext() {
      fail = true;
    },
  });
}

let t: TestRunner | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('connector state after a refused store', () => {
  it("a vendor retry after a 503 still pops, since an 'after-store' source's state waits for the store", async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'after-store-'));
    const outbox = failingOnce(await createOutbox(`sqlite:${path.join(dir, 'outbox.db')}`));
    t = await startTestRunner({
      connectors: [changeOnly],
      outbox,
      config: { connectors: { 'change-only': { options: { token: SECRET } } } },
    });
    const post = (body: unknown) =>
      fetch(`${t!.runner.url}/webhooks/change-only/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-token': SECRET },
        body: JSON.stringify(body),
      });
    const event = { id: 'evt-1', call: 'call-9', state: 'Connected', agent: 'jdoe' };
    outbox.failNext();
    expect((await post(event)).status).toBe(503);
    expect((await post(event)).status).toBe(200);
    const [message] = await t.emulator.waitFor(1);
    expect(message).toMatchObject({ agentid: 'jdoe', event: 'answered', props: { interactionId: 'call-9' } });
    // Once stored, the state is saved: the same state again is no change.
    const again = await post({ ...event, id: 'evt-2' });
    expect(await again.json()).toEqual({ status: 'ignored', reason: 'call call-9 is still Connected' });
  });
});
