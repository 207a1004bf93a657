// task.canceled names no worker (the Workspace callback sends task fields only), yet a caller who hangs
// up while the call rings at an agent should end that agent's pop. So the agent a task is offered to is
// remembered per task until the reservation is accepted, turned down, or the task is canceled.
import type { StateStore } from '@openconnect/core';

export interface OfferedAgent {
  agentid: string;
  workerSid?: string;
}

/** A reservation lasts minutes (TaskRouter's default timeout is 120 s); an hour covers long custom ones. */
export const OFFERED_AGENT_TTL_MS = 60 * 60 * 1000;

const key = (taskSid: string) => `offered:${taskSid}`;

export const rememberOfferedAgent = (state: StateStore, taskSid: string, agent: OfferedAgent) =>
  state.set(key(taskSid), agent, OFFERED_AGENT_TTL_MS);

export const recallOfferedAgent = (state: StateStore, taskSid: string) =>
  state.get<OfferedAgent>(key(taskSid));

/** Forgets the offered agent; with a workerSid, only when that worker is the one remembered. */
export async function forgetOfferedAgent(
  state: StateStore,
  taskSid: string,
  workerSid?: string,
): Promise<void> {
  if (workerSid) {
    const offered = await recallOfferedAgent(state, taskSid);
    if (offered?.workerSid && offered.workerSid !== workerSid) return;
  }
  await state.delete(key(taskSid));
}
