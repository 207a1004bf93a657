// Agent API agent events → agent_state, sent only when something changed: a session that is joined again
// replays AgentSessionStart and the current AgentState, and the Real-Time Data API lists every agent at
// each session start; neither may pop the same state twice.
import type { StateStore } from '@openconnect/core';

/** What was last sent for an agent. */
export interface AgentMemory {
  state: string;
  reason: string;
}

// An agent logged in all day keeps its memory through the day.
const AGENT_MEMORY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Agent API event types read as agent state. The platform names its state event AgentState (NICE's agent SDK,
 * GetNextEventType.AGENT_STATE_EVENT); no source shows a version sending AgentStateChange, so that name is not
 * read (it is ignored with the reason, like any event this connector does not map).
 */
export const AGENT_STATE_TYPES = new Set(['AgentState', 'AgentSessionStart', 'AgentSessionEnd']);

export interface AgentStateStep {
  state: string;
  reason: string;
  /** Why nothing is sent (a repeat), or undefined when the state is sent. */
  repeat?: string;
}

/** The state an event reports, and whether it repeats what the agent's memory already holds. */
export async function agentStateStep(
  state: StateStore,
  agentKey: string,
  event: Record<string, string>,
): Promise<AgentStateStep> {
  const key = `agent:${agentKey}`;
  const memory = await state.get<AgentMemory>(key);
  let now: AgentMemory;
  let repeat: string | undefined;
  if (event.Type === 'AgentSessionStart') {
    now = { state: 'LoggedIn', reason: '' };
    if (memory && memory.state !== 'LoggedOut')
      repeat = 'AgentSessionStart of an agent already logged in (a session joined again)';
  } else if (event.Type === 'AgentSessionEnd') {
    now = { state: 'LoggedOut', reason: '' };
    if (memory?.state === 'LoggedOut') repeat = 'AgentSessionEnd of an agent already logged out';
  } else {
    // CurrentState / CurrentOutReason are the Agent API's names; State / OutStateDescription are tolerated.
    now = {
      state: event.CurrentState || event.State || 'Unknown',
      reason: event.CurrentOutReason || event.OutStateDescription || '',
    };
    if (memory && memory.state === now.state && memory.reason === now.reason)
      repeat = `${event.Type} repeats the agent state ${now.state}${now.reason ? ` (${now.reason})` : ''}`;
  }
  if (!repeat) await state.set(key, now, AGENT_MEMORY_TTL_MS);
  return { ...now, ...(repeat ? { repeat } : {}) };
}
