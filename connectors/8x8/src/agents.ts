// 8x8 events name agents by their Contact Center agent id (`ag...`). Agents missing from the directory
// are looked up with the Contact Center Agent Status API (GET {api}/tenants/{tenant}/agentstatus/agents/
// {agentId}, Basic tenant user : action token), whose answer carries `agent-id` and `name`. Answers are
// cached; a failure is not, so the next event asks again. Built-in fetch: the package has no HTTP client.

export interface AgentLookup {
  /** The agent's login, undefined when 8x8 has no such agent (404). Throws when the API cannot answer. */
  login(agentId: string): Promise<string | undefined>;
}

export interface AgentLookupOptions {
  /** e.g. https://vcc-eu3.8x8.com/api/v1 */
  url: string;
  tenant: string;
  user: string;
  token: string;
  /** The answer's field holding the login. */
  loginField: string;
  cacheTtlMs: number;
  timeoutMs: number;
  now?: () => number;
}

// An agent 8x8 does not know is asked about again after this, not after the full TTL.
const NOT_FOUND_TTL_MS = 5 * 60_000;
const MAX_CACHED = 5_000;
// 8x8 agent ids are short url-safe tokens; anything else must not become a path on the API host.
const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function createAgentLookup(options: AgentLookupOptions): AgentLookup {
  const now = options.now ?? Date.now;
  const authorization = `Basic ${Buffer.from(`${options.user}:${options.token}`).toString('base64')}`;
  const base = options.url.replace(/\/+$/, '');
  const cache = new Map<string, { value: Promise<string | undefined>; expires: number }>();

  async function ask(agentId: string): Promise<string | undefined> {
    const url = `${base}/tenants/${encodeURIComponent(options.tenant)}/agentstatus/agents/${encodeURIComponent(agentId)}`;
    let answer: Response;
    try {
      answer = await fetch(url, {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new Error(
        `the 8x8 Agent Status API could not be reached at ${base} (${(error as Error)?.message ?? String(error)})`,
      );
    }
    if (answer.status === 404) return undefined;
    if (answer.status === 401 || answer.status === 403) {
      throw new Error(
        `the 8x8 Agent Status API refused agentApiUser/agentApiToken for tenant ${options.tenant} (HTTP ${answer.status}); a new token voids the old one`,
      );
    }
    if (answer.status !== 200)
      throw new Error(`the 8x8 Agent Status API answered HTTP ${answer.status} for agent ${agentId}`);
    const body = (await answer.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const login = body?.[options.loginField];
    if (typeof login === 'string' && login.trim()) return login.trim();
    if (typeof login === 'number') return String(login);
    return undefined;
  }

  return {
    login(agentId) {
      if (!AGENT_ID.test(agentId)) return Promise.resolve(undefined);
      const hit = cache.get(agentId);
      if (hit && hit.expires > now()) return hit.value;
      if (!hit && cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      // The promise is cached, so concurrent events for one agent share one request.
      const entry = { value: ask(agentId), expires: Number.POSITIVE_INFINITY };
      cache.set(agentId, entry);
      entry.value.then(
        (login) => {
          entry.expires =
            now() +
            (login === undefined ? Math.min(NOT_FOUND_TTL_MS, options.cacheTtlMs) : options.cacheTtlMs);
        },
        () => {
          if (cache.get(agentId) === entry) cache.delete(agentId);
        },
      );
      return entry.value;
    },
  };
}
