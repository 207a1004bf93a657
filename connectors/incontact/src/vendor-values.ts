// Reading inContact values, for the webhook sources and the runner's own sessions: script and event values
// flattened to text, a contact's own fields as props, and the agent login.
import { type Directory, flattenToText, normaliseDirection, PROP, type Props } from '@openconnect/core';

// Studio leaves a variable it cannot fill as its name in braces, e.g. {AgentUserName}.
const UNFILLED = /^\{[A-Za-z_][\w.]*\}$/;

/** Flattens script values to strings: nested objects as `a.b`, lists joined with ", "; empties dropped. */
export const flatten = (input: Record<string, unknown>) => flattenToText(input, { skip: UNFILLED });

/** A numeric skill is an id; anything else is a name. Skill 0 (a consult, an agent leg) is none. */
function skillProps(skill: string | undefined): Record<string, string> {
  if (!skill || skill === '0') return {};
  return /^\d+$/.test(skill) ? { queueId: skill } : { queue: skill };
}

/**
 * A contact's own fields as props: Studio scripts and Agent API events spell them alike. On an outbound call
 * CXone's ANI is the caller id the contact center presents and DNIS the number dialed (belief, as the Agent
 * API shows a dialed call), so `ani` — the customer's number both ways — is DNIS there, and `dnis` is ANI.
 */
export function contactProps(f: Record<string, string | undefined>): Props {
  const direction = normaliseDirection(f.IsInbound);
  const [customer, center] = direction === 'outbound' ? [f.DNIS, f.ANI] : [f.ANI, f.DNIS];
  return {
    [PROP.interactionId]: f.ContactID!,
    ...(f.MasterID ? { masterContactId: f.MasterID } : {}),
    ...(customer ? { [PROP.ani]: customer } : {}),
    ...(center ? { [PROP.dnis]: center } : {}),
    ...skillProps(f.Skill || f.SkillId),
    ...(f.SkillName ? { [PROP.queue]: f.SkillName } : {}),
    ...(direction ? { [PROP.direction]: direction } : {}),
  };
}

export type AgentResolution = { agentid: string } | { missing: string };

/** The agent login: a user name (mapped through the directory when it has an entry), else the numeric id. */
export function resolveAgent(
  directory: Directory,
  userName: string | undefined,
  agentId: string | undefined,
): AgentResolution {
  if (userName) return { agentid: directory.get(userName) ?? userName };
  if (agentId && agentId !== '0') {
    const login = directory.get(agentId);
    return login
      ? { agentid: login }
      : {
          missing: `AgentID ${agentId} is not in the directory: add it (AgentID → user name) or send the agent user name`,
        };
  }
  return { missing: 'no agent yet (the contact has not been routed to an agent)' };
}
