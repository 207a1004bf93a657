// task.canceled names no worker (the Workspace callback sends task fields only), yet a caller who hangs
// up while the call rings at an agent should end that agent's pop. So the agent a task is offered to is
// remembered per task until the reservation is accepted, turned down, or the task is canceled.
import type { StateStore } from '@openconnect/core';

export interface Holder {
  agentid: string;
  workerSid?: string;
}

/** A reservation lasts minutes (TaskRouter's default timeout is 120 s); an hour covers long custom ones. */
export const HOLDER_TTL_MS = 60 * 60 * 1000;

const key = (taskSid: string) => `offered:${taskSid}`;

export const rememberHolder = (state: StateStore, taskSid: string, holder: Holder) =>
  state.set(key(taskSid), holder, HOLDER_TTL_MS);

export const recallHolder = (state: StateStore, taskSid: string) => state.get<Holder>(key(taskSid));

/** Forgets the holder; with a workerSid, only when that worker is the one remembered. */
export async function forgetHolder(state: StateStore, taskSid: string, workerSid?: string): Promise<void> {
  if (workerSid) {
    const held = await recallHolder(state, taskSid);
    if (held?.workerSid && held.workerSid !== workerSid) return;
  }
  await state.delete(key(taskSid));
}
