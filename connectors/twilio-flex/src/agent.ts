// Who the agent is. TaskRouter names a Worker; OpenConnect needs the login the PopFlow knows. The
// deployment picks the field (agentFrom); a static directory entry for the WorkerSid wins over it.
import type { Directory } from '@openconnect/core';
import type { AgentSource } from './config.js';
import type { TaskRouterEvent } from './event.js';

export type AgentResult = { agentid: string } | { missing: string };

/**
 * Flex builds contact_uri from the login email, escaping characters as `_` + two upper-case hex digits
 * (`.`→`_2E`, `@`→`_40`, `-`→`_2D` are documented). Only printable ASCII punctuation is decoded, so
 * an ordinary underscore followed by letters or digits is left as it is.
 */
export function decodeContactUri(contactUri: string): string {
  const identity = contactUri.replace(/^client:/i, '');
  return identity.replace(/_([0-9A-F]{2})/g, (sequence, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    return /^[\x20-\x7e]$/.test(ch) && !/^[A-Za-z0-9]$/.test(ch) ? ch : sequence;
  });
}

function fromAttributes(event: TaskRouterEvent, key: 'email' | 'contact_uri'): string | undefined {
  const value = event.workerAttributes?.[key];
  if (typeof value !== 'string' || !value.trim()) return undefined;
  return key === 'contact_uri' ? decodeContactUri(value.trim()) : value.trim();
}

/** The agent login for this event, or why there is none. */
export function resolveAgent(
  event: TaskRouterEvent,
  agentFrom: AgentSource,
  directory: Directory,
): AgentResult {
  const listed = event.workerSid ? directory.get(event.workerSid) : undefined;
  if (listed) return { agentid: listed };
  if (!event.workerSid && !event.workerName && !event.workerAttributes) {
    return { missing: `${event.eventType} names no worker` };
  }
  const candidate = agentFrom === 'WorkerName' ? event.workerName : fromAttributes(event, agentFrom);
  if (!candidate) {
    const field = agentFrom === 'WorkerName' ? 'WorkerName' : `WorkerAttributes.${agentFrom}`;
    return { missing: `${event.eventType} has no ${field} (agentFrom is ${agentFrom})` };
  }
  return { agentid: directory.get(candidate) ?? candidate };
}
