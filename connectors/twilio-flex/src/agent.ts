// Who the agent is. TaskRouter names a Worker; OpenConnect needs the login the PopFlow knows. A worker
// attribute named agentid (or as configured) holds it; else the deployment picks the field (agentFrom); a
// static directory entry for the WorkerSid wins over both.
import type { Directory } from '@openconnect/core';
import { attributeAt, text } from './call.js';
import type { TwilioFlexConfig } from './config.js';
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
    // Stryker disable next-line Regex: ch is one character, so the anchors cannot change a match
    return /^[\x20-\x7e]$/.test(ch) && !/^[A-Za-z0-9]$/.test(ch) ? ch : sequence;
  });
}

function fromAttributes(event: TaskRouterEvent, key: 'email' | 'contact_uri'): string | undefined {
  const value = event.workerAttributes?.[key];
  // Stryker disable next-line MethodExpression: spaces trim to '' below, which resolveAgent takes for no login too
  if (typeof value !== 'string' || !value.trim()) return undefined;
  return key === 'contact_uri' ? decodeContactUri(value.trim()) : value.trim();
}

/** The first of the named worker attributes that holds a login (OpenConnect's `agentid` by default). */
function fromAgentAttributes(event: TaskRouterEvent, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = event.workerAttributes
      ? text(attributeAt(event.workerAttributes, name))?.trim()
      : undefined;
    if (value) return value;
  }
  return undefined;
}

/** The agent login for this event, or why there is none. */
export function resolveAgent(
  event: TaskRouterEvent,
  config: Pick<TwilioFlexConfig, 'agentFrom' | 'agentAttributes'>,
  directory: Directory,
): AgentResult {
  const listed = event.workerSid ? directory.get(event.workerSid) : undefined;
  if (listed) return { agentid: listed };
  if (!event.workerSid && !event.workerName && !event.workerAttributes) {
    return { missing: `${event.eventType} names no worker` };
  }
  const { agentFrom } = config;
  const candidate =
    fromAgentAttributes(event, config.agentAttributes) ??
    (agentFrom === 'WorkerName' ? event.workerName : fromAttributes(event, agentFrom));
  if (!candidate) {
    const field = agentFrom === 'WorkerName' ? 'WorkerName' : `WorkerAttributes.${agentFrom}`;
    return { missing: `${event.eventType} has no ${field} (agentFrom is ${agentFrom})` };
  }
  return { agentid: directory.get(candidate) ?? candidate };
}
