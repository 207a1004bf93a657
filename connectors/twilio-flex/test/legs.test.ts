// Legs beyond the fixtures: the beliefs about Flex's transfer fields are options, and one pop per agent
// per call holds without swallowing a retried delivery.
import { handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runtimeWith, signedRequest } from './fixtures.js';

const ACCEPTED = 'taskrouter/reservation-accepted.json';
const TASK = 'WTa1b2c3d4e5f60718293a4b5c6d7e8f90';
const FIRST_TASK = 'WT0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f';
const ANN = 'WK3c4d5e6f708192a3b4c5d6e7f8091a2b';

type Edit = (body: Record<string, string>) => void;
const accepted = (edit: Edit) => signedRequest(ACCEPTED, edit);
const transfer =
  (mode: string): Edit =>
  (body) => {
    body.TransferMode = mode;
    body.TransferInitiatingWorkerSid = 'WK5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
  };
const withTask =
  (attributes: Record<string, unknown>): Edit =>
  (body) => {
    body.TaskAttributes = JSON.stringify({ from: '+15035550142', ...attributes });
  };

async function legOf(edit: Edit, options: Record<string, unknown> = {}) {
  const outcome = await outcomeOf(accepted(edit), options);
  if (outcome.kind !== 'accepted') return `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
  const { leg, parentInteractionId } = outcome.messages[0]!.props;
  return parentInteractionId === undefined ? { leg } : { leg, parentInteractionId };
}

describe('legs', () => {
  it('names a reservation with no transfer field the primary leg, without a parent', async () => {
    expect(await legOf(() => {})).toEqual({ leg: 'primary' });
  });

  it('makes a COLD TaskRouter transfer a transfer leg of the same task', async () => {
    expect(await legOf(transfer('COLD'))).toEqual({ leg: 'transfer', parentInteractionId: TASK });
  });

  it('makes a WARM TaskRouter transfer a consult leg, whatever the case of the mode', async () => {
    expect(await legOf(transfer('warm'))).toEqual({ leg: 'consult', parentInteractionId: TASK });
  });

  it('gives a WARM transfer the leg set in warmTransferLeg', async () => {
    expect(await legOf(transfer('WARM'), { warmTransferLeg: 'transfer' })).toEqual({
      leg: 'transfer',
      parentInteractionId: TASK,
    });
  });

  it('takes an unknown transfer mode for no transfer at all', async () => {
    expect(await legOf(transfer('SIDEWAYS'))).toEqual({ leg: 'primary' });
  });

  it('makes a task with transferTargetType a transfer leg, parented on conversations.conversation_id', async () => {
    const edit = withTask({ transferTargetType: 'worker', conversations: { conversation_id: FIRST_TASK } });
    expect(await legOf(edit)).toEqual({ leg: 'transfer', parentInteractionId: FIRST_TASK });
  });

  it('gives a transfer task whose conversation_id is its own sid no parent', async () => {
    expect(
      await legOf(withTask({ transferTargetType: 'worker', conversations: { conversation_id: TASK } })),
    ).toEqual({
      leg: 'transfer',
    });
  });

  it('keeps a task whose conversation_id is its own sid the primary leg', async () => {
    expect(await legOf(withTask({ conversations: { conversation_id: TASK } }))).toEqual({ leg: 'primary' });
  });

  it('reads the transfer and parent attributes the deployment names', async () => {
    const edit = withTask({ handoff: { kind: 'queue' }, origin: FIRST_TASK, transferTargetType: 'worker' });
    const options = { transferAttribute: 'handoff.kind', parentAttribute: 'origin' };
    expect(await legOf(edit, options)).toEqual({ leg: 'transfer', parentInteractionId: FIRST_TASK });
    expect(await legOf(withTask({ transferTargetType: 'worker' }), options)).toEqual({ leg: 'primary' });
  });

  it('names the leg on offered and answered only', async () => {
    const outcome = await outcomeOf(signedRequest('taskrouter/reservation-wrapup.json', transfer('COLD')));
    expect(outcome.kind === 'accepted' && Object.keys(outcome.messages[0]!.props)).not.toContain('leg');
  });
});

describe('one pop per agent per call', () => {
  it('maps a retry of the same reservation again (the outbox drops the duplicate by its Sid)', async () => {
    const runtime = runtimeWith();
    const kinds = [];
    for (let n = 0; n < 2; n += 1)
      kinds.push(
        (
          await handleRequest(
            runtime,
            accepted(() => {}),
          )
        ).kind,
      );
    expect(kinds).toEqual(['accepted', 'accepted']);
  });

  it('ignores a second reservation of the same call for the same worker, naming the call', async () => {
    const runtime = runtimeWith();
    await handleRequest(
      runtime,
      accepted(() => {}),
    );
    const again = await handleRequest(
      runtime,
      accepted((body) => {
        body.ReservationSid = 'WR9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
        body.Sid = 'EV9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
        transfer('COLD')(body);
      }),
    );
    expect('reason' in again && again.reason).toBe(
      `reservation.accepted: ann.veal@example.com already had this call (${TASK}) answered; one pop per agent per call`,
    );
  });

  it('still pops another worker on the same call', async () => {
    const runtime = runtimeWith();
    await handleRequest(
      runtime,
      accepted(() => {}),
    );
    const other = await handleRequest(
      runtime,
      accepted((body) => {
        body.ReservationSid = 'WR9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
        body.WorkerSid = 'WK5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
        body.WorkerName = 'bo.lind@example.com';
      }),
    );
    expect(other.kind === 'accepted' && other.messages.map((m) => m.agentid)).toEqual([
      'bo.lind@example.com',
    ]);
  });

  it('keys the call on the worker sid, so a renamed login is still the same agent', async () => {
    const runtime = runtimeWith();
    await handleRequest(
      runtime,
      accepted(() => {}),
    );
    const again = await handleRequest(
      runtime,
      accepted((body) => {
        body.ReservationSid = 'WR9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
        body.WorkerName = 'ann.veal-ops@example.com';
        expect(body.WorkerSid).toBe(ANN);
      }),
    );
    expect(again.kind).toBe('ignored');
  });

  it('pops every reservation of a task whose TaskSid is not known', async () => {
    const runtime = runtimeWith();
    const withoutTask = (reservation: string) =>
      accepted((body) => {
        delete body.TaskSid;
        body.ReservationSid = reservation;
        body.ResourceSid = reservation;
        body.Sid = `EV${reservation.slice(2)}`;
      });
    const kinds = [];
    for (const reservation of ['WR00000000000000000000000000000001', 'WR00000000000000000000000000000002'])
      kinds.push((await handleRequest(runtime, withoutTask(reservation))).kind);
    expect(kinds).toEqual(['accepted', 'accepted']);
  });

  it('pops a retry of a reservation without a ReservationSid again', async () => {
    const runtime = runtimeWith();
    const withoutReservation = () =>
      accepted((body) => {
        delete body.ReservationSid;
        delete body.ResourceType;
      });
    const kinds = [];
    for (let n = 0; n < 2; n += 1) kinds.push((await handleRequest(runtime, withoutReservation())).kind);
    expect(kinds).toEqual(['accepted', 'accepted']);
  });
});
