// Genesys Cloud userId GUID → agent login: the static directory first, then the Users API.
import type { Directory } from '@openconnect/core';
import { GENESYS_ID } from './cloud-events.js';
import type { Services } from './users-api.js';

export type AgentResult = { login: string } | { ignored: string };

export async function cloudAgent(
  userId: string | null | undefined,
  ctx: { directory: Directory; services: Services | undefined },
): Promise<AgentResult> {
  const id = userId?.trim();
  if (!id) return { ignored: 'the event names no agent (no userId)' };
  const fromDirectory = ctx.directory.get(id);
  if (fromDirectory) return { login: fromDirectory };
  const users = ctx.services?.users;
  if (!users) {
    return {
      ignored: `userId ${id} is not in the directory and no Users API client is configured (set cloudClientId and cloudClientSecret, or add the user to the directory)`,
    };
  }
  // Genesys user ids are GUIDs; anything else (a "..", a slash) must not become a path on the API host.
  if (!GENESYS_ID.test(id))
    return { ignored: `userId ${JSON.stringify(id)} is not a Genesys Cloud user id (a GUID)` };
  // A failing API throws on purpose: the pipeline answers 503 and EventBridge retries later.
  const login = await users.login(id);
  return login ? { login } : { ignored: `Genesys Cloud has no user ${id} (Users API answered 404)` };
}

/** Participant data from the attributes topic, kept per conversation so later agent events carry it. */
export const attributesKey = (conversationId: string) => `cloud:attributes:${conversationId}`;
