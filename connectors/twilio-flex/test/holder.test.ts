// task.canceled carries no worker: the agent a task was offered to is remembered until it stops ringing.
import { createMemoryStateStore, createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { HOLDER_TTL_MS } from '../src/holder.js';
import { signedRequest } from './fixtures.js';
import { settings } from './sign.js';

const CREATED = 'taskrouter/reservation-created.json';
const ACCEPTED = 'taskrouter/reservation-accepted.json';
const REJECTED = 'taskrouter/reservation-rejected.json';
const CANCELED = 'taskrouter/task-canceled-in-queue.json';
const TASK = 'WTa1b2c3d4e5f60718293a4b5c6d7e8f90';

/** One runtime (one state store) for a sequence; returns what each request became. */
function sequence(now: () => number = Date.now) {
  const runtime = createRuntime(connector, settings, { state: createMemoryStateStore(now) });
  return async (fixture: string, edit?: (body: Record<string, string>) => void) => {
    const outcome = await handleRequest(runtime, signedRequest(fixture, edit), 'taskrouter');
    return outcome.kind === 'accepted'
      ? outcome.messages.map((m) => `${m.lifecycle} ${m.agentid}`).join(',')
      : `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
  };
}
// The in-queue cancellation fixture is about another task; point it at the offered one.
const sameTask = (body: Record<string, string>) => {
  body.TaskSid = TASK;
};

describe('the offered agent of a task', () => {
  it('gets ended when the task is canceled while it rings', async () => {
    const send = sequence();
    await send(CREATED);
    expect(await send(CANCELED, sameTask)).toBe('ended ann.veal@example.com');
  });

  it('is forgotten once the reservation is accepted (an accepted task is completed, not canceled)', async () => {
    const send = sequence();
    await send(CREATED);
    await send(ACCEPTED);
    expect(await send(CANCELED, sameTask)).toMatch(/^ignored: task.canceled with no known worker/);
  });

  it('is kept when another worker rejects a reservation of the same task', async () => {
    const send = sequence();
    await send(CREATED);
    await send(REJECTED, (body) => {
      body.WorkerSid = 'WK9f8e7d6c5b4a39281706f5e4d3c2b1a0';
      body.WorkerName = 'bob@example.com';
    });
    expect(await send(CANCELED, sameTask)).toBe('ended ann.veal@example.com');
  });

  it('is still known when the cancellation is delivered again (its first attempt may not have been stored)', async () => {
    const send = sequence();
    await send(CREATED);
    await send(CANCELED, sameTask);
    expect(await send(CANCELED, sameTask)).toBe('ended ann.veal@example.com');
  });

  it('expires after an hour', async () => {
    let clock = 1_000_000;
    const send = sequence(() => clock);
    await send(CREATED);
    clock += HOLDER_TTL_MS + 1;
    expect(await send(CANCELED, sameTask)).toMatch(/^ignored: task.canceled with no known worker/);
  });
});
