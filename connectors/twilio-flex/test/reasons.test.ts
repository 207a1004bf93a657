// What the mapping says when it sends nothing, word for word: the reason is what an operator reads in the
// dashboard to learn why a TaskRouter event made no screen pop.
import { describe, expect, it } from 'vitest';
import { outcomeOf, signedRequest } from './fixtures.js';

const ACCEPTED = 'taskrouter/reservation-accepted.json';
const IN_QUEUE = 'taskrouter/task-canceled-in-queue.json';

type Edit = (body: Record<string, string>) => void;

async function reasonOf(fixture: string, edit: Edit) {
  const outcome = await outcomeOf(signedRequest(fixture, edit));
  return 'reason' in outcome ? outcome.reason : outcome.kind;
}
const asType =
  (type: string): Edit =>
  (body) => {
    body.EventType = type;
  };

describe('events the mapping ignores', () => {
  it('ignores task.updated: it offers the call to nobody new', async () => {
    expect(await reasonOf(ACCEPTED, asType('task.updated'))).toBe(
      'task.updated: the task changed (its attributes, a conference joining or leaving); it offers the call to nobody new',
    );
  });

  it("ignores a TaskRouter transfer's own progress events", async () => {
    expect(await reasonOf(ACCEPTED, asType('task.transfer-initiated'))).toBe(
      "task.transfer-initiated: a transfer's progress; the receiving worker's reservation is offered with its leg, the initiating worker keeps the one pop they had",
    );
  });

  it('ignores an event type it does not map, listing the ones it does', async () => {
    expect(await reasonOf(ACCEPTED, asType('workspace.updated'))).toBe(
      'event type workspace.updated is not one this connector maps (reservation.created, reservation.accepted, reservation.wrapup, reservation.completed, task.canceled, worker.activity.update, reservation.rejected, reservation.timeout, reservation.rescinded)',
    );
  });

  it('does not take an event type that merely contains task.transfer- for transfer progress', async () => {
    expect(await reasonOf(ACCEPTED, asType('x.task.transfer-initiated'))).toMatch(
      /^event type x\.task\.transfer-initiated is not one this connector maps/,
    );
  });

  it('ignores a reservation that names no worker at all', async () => {
    const edit: Edit = (body) => {
      delete body.WorkerSid;
      delete body.WorkerName;
      delete body.WorkerAttributes;
    };
    expect(await reasonOf(ACCEPTED, edit)).toBe('no agent: reservation.accepted names no worker');
  });

  it('ignores a task canceled in the queue, saying nobody held it', async () => {
    expect(await reasonOf(IN_QUEUE, () => {})).toBe(
      'task.canceled with no known worker (canceled in queue, nobody to pop): task.canceled names no worker',
    );
  });
});
