// What both inContact sources share: the token check, flattening script values, and agent look-up.
import {
  type AuthDescription,
  type Directory,
  flattenToText,
  header,
  type InboundRequest,
  refused,
  safeCompare,
  type VerifyResult,
  verified,
} from '@openconnect/core';

export const TOKEN_HEADER = 'x-openconnect-token';

/** `Authorization: Bearer <token>` or `x-openconnect-token: <token>`, compared in constant time. */
export function verifyBearerOrHeader(req: InboundRequest, expected: string | undefined): VerifyResult {
  // A deployment that only runs the built-in CXone sessions sets no relay token: the webhooks refuse all.
  if (!expected) return refused('no token is configured for the inContact webhooks: set options.token');
  const authorization = header(req, 'authorization')?.trim();
  let received: string | undefined;
  if (authorization) {
    const [scheme, token] = authorization.split(/\s+/, 2);
    received = scheme?.toLowerCase() === 'bearer' ? token : undefined;
  }
  received ??= header(req, TOKEN_HEADER)?.trim();
  if (!received) {
    return refused(
      `the token is missing: send "Authorization: Bearer <token>" (or the header ${TOKEN_HEADER})`,
    );
  }
  return safeCompare(received, expected) ? verified() : refused('the token does not match');
}

/** How both sources authenticate; `where` says who sends the token. */
export const tokenAuth = (where: string): AuthDescription => ({
  scheme: 'bearer-token',
  summary: `header Authorization: Bearer <token> (or ${TOKEN_HEADER}), ${where}`,
  credentials: [
    { in: 'header', name: 'authorization' },
    { in: 'header', name: TOKEN_HEADER },
  ],
});

// Studio leaves a variable it cannot fill as its name in braces, e.g. {AgentUserName}.
const UNFILLED = /^\{[A-Za-z_][\w.]*\}$/;

/** Flattens script values to strings: nested objects as `a.b`, lists joined with ", "; empties dropped. */
export const flatten = (input: Record<string, unknown>) => flattenToText(input, { skip: UNFILLED });

const RESERVED = new Set(['agentid', 'jwt', 'crmid', 'event']);
// Props the connector sets itself: a script field of the same name must not replace them (nativeEvent
// picks the PopFlow event).
const COMPUTED = new Set([
  'lifecycle',
  'nativeEvent',
  'interactionId',
  'masterContactId',
  'ani',
  'dnis',
  'queue',
  'queueId',
  'direction',
  'agentPlatformId',
  'platform',
]);
/** A vendor field named like an OpenConnect field or a computed prop keeps its data under a prefix. */
export const propName = (name: string) =>
  RESERVED.has(name.toLowerCase()) || COMPUTED.has(name) ? `incontact_${name}` : name;

/** A numeric skill is an id; anything else is a name. */
export function skillProps(skill: string | undefined): Record<string, string> {
  if (!skill) return {};
  return /^\d+$/.test(skill) ? { queueId: skill } : { queue: skill };
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
