// A worker known without its WorkerSid (some Event Streams payloads, a worker found by its attributes): the
// one-pop-per-agent rule and the offered agent of a task are then keyed on the login.
import { createMemoryStateStore, createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { signedRequest } from './fixtures.js';
import { settings } from './sign.js';

const TASK = 'WTa1b2c3d4e5f60718293a4b5c6d7e8f90';

function sequence() {
  const runtime = createRuntime(connector, settings, { state: createMemoryStateStore() });
  return async (fixture: string, edit: (body: Record<string, string>) => void) => {
    const outcome = await handleRequest(runtime, signedRequest(fixture, edit), 'taskrouter');
    return outcome.kind === 'accepted'
      ? outcome.messages.map((m) => `${m.lifecycle} ${m.agentid} ${m.props.agentPlatformId ?? '-'}`).join(',')
      : `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
  };
}
const noSid =
  (name: string, reservation: string) =>
  (body: Record<string, string>): void => {
    delete body.WorkerSid;
    body.WorkerName = name;
    body.ReservationSid = reservation;
    body.ResourceSid = reservation;
    body.Sid = `EV${reservation.slice(2)}`;
  };

describe('a worker without WorkerSid', () => {
  it('pops once per login on the same call, another login popping too', async () => {
    const send = sequence();
    const accepted = 'taskrouter/reservation-accepted.json';
    expect([
      await send(accepted, noSid('ann.veal@example.com', 'WR00000000000000000000000000000001')),
      await send(accepted, noSid('bo.lind@example.com', 'WR00000000000000000000000000000002')),
      await send(accepted, noSid('ann.veal@example.com', 'WR00000000000000000000000000000003')),
    ]).toEqual([
      'answered ann.veal@example.com -',
      'answered bo.lind@example.com -',
      `ignored: reservation.accepted: ann.veal@example.com already had this call (${TASK}) answered; one pop per agent per call`,
    ]);
  });

  it('is remembered as offered and ended, without a WorkerSid, when the task is canceled', async () => {
    const send = sequence();
    await send(
      'taskrouter/reservation-created.json',
      noSid('ann.veal@example.com', 'WR00000000000000000000000000000001'),
    );
    expect(
      await send('taskrouter/task-canceled-in-queue.json', (body) => {
        body.TaskSid = TASK;
      }),
    ).toBe('ended ann.veal@example.com -');
  });
});
