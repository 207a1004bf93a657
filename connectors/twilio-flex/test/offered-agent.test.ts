// task.canceled carries no worker: the agent a task was offered to is remembered until it stops ringing.
import { createMemoryStateStore, createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { OFFERED_AGENT_TTL_MS } from '../src/offered-agent.js';
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
/** The rejection fixture, as another reservation event of the same worker. */
const asType = (type: string) => (body: Record<string, string>) => {
  body.EventType = type;
};
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

  it('gets ended when the reservation times out unanswered', async () => {
    const send = sequence();
    await send(CREATED);
    expect(await send(REJECTED, asType('reservation.timeout'))).toBe('ended ann.veal@example.com');
  });

  it('gets ended when another worker takes the task (reservation.rescinded)', async () => {
    const send = sequence();
    await send(CREATED);
    expect(await send(REJECTED, asType('reservation.rescinded'))).toBe('ended ann.veal@example.com');
  });

  it('gets ended once by task.canceled when reservation.canceled comes first', async () => {
    const send = sequence();
    await send(CREATED);
    const both = [await send(REJECTED, asType('reservation.canceled')), await send(CANCELED, sameTask)];
    expect(both).toEqual([
      'ignored: reservation.canceled: the task was canceled; its task.canceled ends the pop',
      'ended ann.veal@example.com',
    ]);
  });

  it('gets ended once by task.canceled when reservation.canceled comes after it', async () => {
    const send = sequence();
    await send(CREATED);
    const both = [await send(CANCELED, sameTask), await send(REJECTED, asType('reservation.canceled'))];
    expect(both).toEqual([
      'ended ann.veal@example.com',
      'ignored: reservation.canceled: the task was canceled; its task.canceled ends the pop',
    ]);
  });

  it('expires after an hour', async () => {
    let clock = 1_000_000;
    const send = sequence(() => clock);
    await send(CREATED);
    clock += OFFERED_AGENT_TTL_MS + 1;
    expect(await send(CANCELED, sameTask)).toMatch(/^ignored: task.canceled with no known worker/);
  });

  it('gives way to the worker a cancellation names', async () => {
    const send = sequence();
    await send(CREATED);
    expect(
      await send(CANCELED, (body) => {
        sameTask(body);
        body.WorkerSid = 'WK9f8e7d6c5b4a39281706f5e4d3c2b1a0';
        body.WorkerName = 'bob@example.com';
      }),
    ).toBe('ended bob@example.com');
  });

  it('is forgotten when the task is turned down, if it was offered without a WorkerSid', async () => {
    const send = sequence();
    await send(CREATED, (body) => {
      delete body.WorkerSid;
    });
    await send(REJECTED);
    expect(await send(CANCELED, sameTask)).toMatch(/^ignored: task.canceled with no known worker/);
  });

  it('stands in for a missing worker on task.canceled only', async () => {
    const send = sequence();
    await send(CREATED);
    expect(
      await send(REJECTED, (body) => {
        body.EventType = 'reservation.wrapup';
        delete body.WorkerSid;
        delete body.WorkerName;
        delete body.WorkerAttributes;
      }),
    ).toBe('ignored: no agent: reservation.wrapup names no worker');
  });

  it('is kept per task', async () => {
    const send = sequence();
    await send(CREATED);
    await send(CREATED, (body) => {
      body.TaskSid = 'WT00000000000000000000000000000009';
      body.Sid = 'EV00000000000000000000000000000009';
      body.WorkerSid = 'WK9f8e7d6c5b4a39281706f5e4d3c2b1a0';
      body.WorkerName = 'bob@example.com';
    });
    expect(await send(CANCELED, sameTask)).toBe('ended ann.veal@example.com');
  });
});
