// What the built-in Workspace API session (subscription `pureengage-workspace`) needs from the connector's
// options. config.ts declares the options; this module names the rules that span several of them, and
// keeps each agent's password where the runtime can redact it.
import { z } from 'zod';

/** One Engage agent the runner holds a Workspace session for (one session each). */
export const workspaceAgent = z.strictObject({
  /** The agent's Engage user name, formatted `tenant\user` as the Authentication API expects. */
  username: z.string().trim().min(1),
  /** That user's password (secret: write it as a reference, `${ENV}` or `file:`). */
  password: z.string().min(1),
  /** The DN the voice channel is activated on (activate-channels). */
  dn: z.string().trim().min(1),
  /** The agent login for activate-channels; default the user's agentLogin from the initialization. */
  agentId: z.string().trim().min(1).optional(),
});
export type WorkspaceAgent = z.output<typeof workspaceAgent>;

export interface WorkspaceOptions {
  pureengageApiUrl?: string | undefined;
  pureengageAuthUrl?: string | undefined;
  pureengageApiKey?: string | undefined;
  pureengageClientId?: string | undefined;
  pureengageClientSecret?: string | undefined;
  pureengageAgents: WorkspaceAgent[];
}

/**
 * The session runs when agents are listed. The API, its key and the OAuth client are then set too: the config
 * that lists an agent without them is refused (workspaceProblems), and the runner only asks a valid config.
 */
export const workspaceEnabled = (o: WorkspaceOptions): boolean => o.pureengageAgents.length > 0;

/** One session per agent, named by its user name (what the runner shows and leases); none when none is listed. */
export const workspaceInstances = (o: WorkspaceOptions): string[] =>
  o.pureengageAgents.map((a) => a.username);

/** The agent a session is for; a session the host named after no configured agent is a bug, not a retry. */
export function agentFor(o: WorkspaceOptions, instance: string | undefined): WorkspaceAgent {
  const agent =
    o.pureengageAgents.find((a) => a.username === instance) ??
    (instance === undefined ? o.pureengageAgents[0] : undefined);
  if (!agent) throw new Error(`no agent ${instance} in pureengageAgents`);
  return agent;
}

/** A half-configured session is a config error naming what is missing, never a session that silently never runs. */
export function workspaceProblems(o: WorkspaceOptions): { path: string; message: string }[] {
  const started =
    o.pureengageApiUrl ??
    o.pureengageApiKey ??
    o.pureengageClientId ??
    o.pureengageClientSecret ??
    o.pureengageAuthUrl ??
    o.pureengageAgents[0]?.username;
  if (started === undefined) return [];
  const why =
    'the built-in Workspace API session (pureengage-workspace) needs it once any of its options is set';
  const problems: { path: string; message: string }[] = [];
  const missing = (path: string, what: string) =>
    problems.push({ path, message: `${what} is missing: ${why}` });
  if (!o.pureengageApiUrl)
    missing('pureengageApiUrl', 'the Workspace API base URL (e.g. https://api-usw1.genhtcc.com)');
  if (!o.pureengageApiKey) missing('pureengageApiKey', 'the API key sent as x-api-key');
  if (!o.pureengageClientId) missing('pureengageClientId', 'the OAuth client id');
  if (!o.pureengageClientSecret) missing('pureengageClientSecret', "that OAuth client's secret");
  if (!o.pureengageAgents.length)
    missing(
      'pureengageAgents',
      'the agents to hold a session for ({ username, password, dn, agentId? } each)',
    );
  const seen = new Set<string>();
  for (const agent of o.pureengageAgents) {
    if (seen.has(agent.username))
      problems.push({
        path: 'pureengageAgents',
        message: `${agent.username} is listed twice: one session per agent`,
      });
    seen.add(agent.username);
  }
  return problems;
}
