// What arrives on an ICWS session, on its own: the Receiver (each message a frame with its agent, a
// connection-down message the end of the session, text that is not JSON a bad frame) and short polling
// against the ICWS emulator (what it returns or throws, and what it emits).
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ICWS_EMULATOR_PASSWORD,
  ICWS_EMULATOR_USER,
  type IcwsEmulator,
  startIcwsEmulator,
} from '../src/emulators/index.js';
import { type IcwsContext, type IcwsFrame, pollMessages, Receiver } from '../src/icws/messages.js';
import { planSubscriptions } from '../src/icws/queues.js';
import { type IcwsSession, IcwsSessionGone, login } from '../src/icws/session.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

const CONNECTION_STATE_CHANGE = 'urn:inin.com:connection:connectionStateChangeMessage';
const queueMessage = (subscriptionId: string) => ({
  __type: 'urn:inin.com:queues:queueContentsMessage',
  subscriptionId,
  isDelta: true,
  interactionsAdded: [
    {
      interactionId: '1001234567',
      attributes: { Eic_CallId: '1001234567', Eic_State: 'A', Eic_UserName: 'jdoe' },
    },
  ],
});
const connectionState = (
  newConnectionState: unknown,
  reason: Record<string, unknown> = { reason: 'The server is shutting down.' },
) => ({
  __type: CONNECTION_STATE_CHANGE,
  previousConnectionState: 'up',
  newConnectionState,
  ...reason,
  shouldReconnect: true,
});
const DOWN = 'ICWS says the connection is down (The server is shutting down.); logging in again';
/** The emulator's malformed poll answer: a message cut off, not JSON. */
const TRUNCATED = '{"__type":"urn:inin.com:queues:queueContentsMessage","subscriptionId":';

/** A session context that records what is emitted; sleeps wait, and end at once on a stop. */
function context(controller = new AbortController()) {
  const frames: IcwsFrame[] = [];
  const badFrames: string[] = [];
  const ctx = {
    signal: controller.signal,
    emit: async (frame: IcwsFrame) => {
      frames.push(frame);
      return { kind: 'accepted', stored: 1, duplicates: 0 };
    },
    badFrame: (reason: string) => badFrames.push(reason),
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        controller.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  } as unknown as IcwsContext;
  const plan = planSubscriptions({
    pureconnectUserQueues: ['jdoe'],
    pureconnectWorkgroupQueues: ['Billing'],
    pureconnectAttributes: [],
  });
  return { ctx, frames, badFrames, controller, receiver: new Receiver(ctx, plan, 'X-Genesys-Agent') };
}

describe('the receiver', () => {
  const { receiver } = context();

  it('hands a user-queue message on with the agent of its subscription in the relay header', () => {
    const message = queueMessage('openconnect-user-jdoe');
    expect(receiver.classify(message)).toEqual({
      frame: { message, headers: { 'x-genesys-agent': 'jdoe' } },
    });
  });

  it('hands a workgroup message on without an agent header', () => {
    const message = queueMessage('openconnect-workgroups');
    expect(receiver.classify(message)).toEqual({ frame: { message } });
  });

  it('hands on a message that is not an object (null) as it is, for the parser to judge', () => {
    expect(receiver.classify(null)).toEqual({ frame: { message: null } });
  });

  it("ends the session at a connection-down message, in ICWS's words", () => {
    expect(receiver.classify(connectionState('down'))).toEqual({ down: DOWN });
  });

  it.each([
    ['without a reason', {}],
    ['with an empty reason', { reason: '' }],
    ['with a reason that is not text', { reason: 42 }],
  ])('says no reason was given for a connection-down message %s', (_, reason) => {
    expect(receiver.classify(connectionState('down', reason))).toEqual({
      down: 'ICWS says the connection is down (no reason given); logging in again',
    });
  });

  it.each([['down'], ['Down'], [' DOWN '], [2], ['2']])('reads newConnectionState %j as down', (state) => {
    expect(receiver.classify(connectionState(state))).toEqual({ down: DOWN });
  });

  it.each([['up'], [1], [0], ['none'], ['12'], ['20'], ['shutdown']])(
    'hands on a connection-state change to %j as a frame, not an end',
    (state) => {
      const message = connectionState(state);
      expect(receiver.classify(message)).toEqual({ frame: { message } });
    },
  );

  it('reads newConnectionState only on a connectionStateChangeMessage', () => {
    const message = { ...connectionState('down'), __type: 'urn:inin.com:status:userStatusMessage' };
    expect(receiver.classify(message)).toEqual({ frame: { message } });
  });

  it('reads blank text as no message at all, without a bad frame', () => {
    const c = context();
    expect(c.receiver.read(' \r\n', 'a poll answer')).toEqual([]);
    expect(c.badFrames).toEqual([]);
  });
});

/** A session logged in to the emulator (no queue subscriptions: the controls send to every session). */
async function session(server: IcwsEmulator, controller: AbortController): Promise<IcwsSession> {
  return login({
    http: axios.create({ timeout: 5_000, validateStatus: () => true }),
    servers: [server.url],
    applicationName: 'OpenConnect tests',
    userId: ICWS_EMULATOR_USER,
    password: ICWS_EMULATOR_PASSWORD,
    signal: controller.signal,
  });
}

async function emulator(): Promise<IcwsEmulator> {
  const started = await startIcwsEmulator({ messagingVersion: 1 });
  opened.push(started);
  return started;
}

describe('polling', () => {
  it("emits each polled message, then returns ICWS's reason at a connection-down message", async () => {
    const server = await emulator();
    const c = context();
    const polled = await session(server, c.controller);
    const message = queueMessage('openconnect-user-jdoe');
    server.controls.send(message);
    server.controls.connectionDown();
    expect(await pollMessages(c.ctx, polled, c.receiver, 20)).toBe(DOWN);
    expect(c.frames).toEqual([{ message, headers: { 'x-genesys-agent': 'jdoe' } }]);
  });

  it.each([500, 300])('fails naming the status when ICWS answers %i to a poll', async (status) => {
    const server = await emulator();
    const c = context();
    const polled = await session(server, c.controller);
    server.controls.failNext(1, status, '/messaging/messages');
    await expect(pollMessages(c.ctx, polled, c.receiver, 20)).rejects.toThrow(
      new Error(`ICWS answered ${status} to the message poll`),
    );
    expect(c.frames).toEqual([]);
  });

  it('a poll answered 401: the session is gone, naming the poll', async () => {
    const server = await emulator();
    const c = context();
    const polled = await session(server, c.controller);
    server.controls.expireSessions();
    const error = await pollMessages(c.ctx, polled, c.receiver, 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IcwsSessionGone);
    expect((error as Error).message).toBe(
      `the ICWS session on ${server.url} is gone (401 on GET /messaging/messages); logging in again`,
    );
  });

  it('a poll answer that is not JSON is a bad frame, nothing is emitted for it, and polling goes on', async () => {
    const server = await emulator();
    const c = context();
    const polled = await session(server, c.controller);
    server.controls.sendMalformed('text');
    server.controls.connectionDown();
    expect(await pollMessages(c.ctx, polled, c.receiver, 20)).toBe(DOWN);
    expect(c.badFrames).toEqual([
      `ICWS sent a poll answer that is not JSON (70 characters: ${TRUNCATED.slice(0, 60)})`,
    ]);
    expect(c.frames).toEqual([]);
  });

  it("a stop between polls returns 'stopped'", async () => {
    const server = await emulator();
    const c = context();
    const polled = await session(server, c.controller);
    const polling = pollMessages(c.ctx, polled, c.receiver, 5_000);
    await expect.poll(() => server.counters.polls).toBe(1);
    c.controller.abort();
    expect(await polling).toBe('stopped');
  });

  it('a poll answered with no body emits nothing and is no bad frame', async () => {
    const c = context();
    const answers = [{ data: '' }, { data: undefined }, { data: JSON.stringify([connectionState('down')]) }];
    const stub = {
      request: async () => ({ status: 200, ...answers.shift() }),
    } as unknown as IcwsSession;
    expect(await pollMessages(c.ctx, stub, c.receiver, 1)).toBe(DOWN);
    expect(c.frames).toEqual([]);
    expect(c.badFrames).toEqual([]);
  });
});
