// CXone without a relay, at the lowest latency: the runner holds one Agent API session per listed agent.
// It joins the agent's own session (or starts one on a station), then long-polls get-next-event; every
// non-empty answer, with the agent added, takes the relay source's path (same parse, map and state), so a
// relay and the held session give the same pops. A session CXone ended is joined again by the host.
import { defineSubscription, SessionError, type SessionContext } from '@openconnect/core';
import { type AgentEventBatch, agentEvents, mapAgentBatch, readAgentBatch } from './agent-events.js';
import { cxoneReady, type InContactConfig } from './config.js';
import { type CxoneApi, createCxoneApi } from './cxone/api.js';

/** What agent-sessions hands the host: a get-next-event answer `{sessionId, events}` and its agent. */
export interface AgentSessionFrame {
  agentId: string;
  sessionId?: string;
  events: unknown[];
}

type Ctx = SessionContext<InContactConfig, unknown, AgentSessionFrame>;

const PERMISSION =
  'the Agent API: permission to join (or start) the agent session, e.g. a supervisor or administrator role';
const SESSION_ENDS = new Set(['AgentSessionEnd', 'RemoteAgentSessionEnd']);
// An empty answer faster than this is not a long poll (a server refusing to wait): pause before the next.
const HASTY_MS = 100;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

/** join: the agent's own session (the agent logs in as usual); start: a new session on the agent's station. */
async function openSession(ctx: Ctx, api: CxoneApi, agentId: string): Promise<string> {
  const c = ctx.config;
  const joining = c.cxoneAgentSessionMode === 'join';
  const what = `${joining ? 'joining' : 'starting'} the Agent API session of agent ${agentId}`;
  const answer = joining
    ? await api.call<{ sessionId?: unknown }>('POST', 'agent-sessions/join', {
        what,
        permission: PERMISSION,
        body: { asAgentId: agentId },
      })
    : await api.call<{ sessionId?: unknown }>('POST', 'agent-sessions', {
        what,
        permission: PERMISSION,
        body: c.cxoneAgentStations[agentId],
      });
  if (answer.status === 404 || answer.status === 409)
    throw new SessionError(
      `agent ${agentId} has no Agent API session to ${joining ? 'join: not logged in' : 'start on that station'} (HTTP ${answer.status}); trying again`,
    );
  const sessionId = answer.data?.sessionId;
  if (typeof sessionId !== 'string' && typeof sessionId !== 'number')
    throw new SessionError(`CXone answered ${what} without a sessionId (HTTP ${answer.status})`);
  return String(sessionId);
}

async function hold(ctx: Ctx) {
  const c = ctx.config;
  const agentId = ctx.instance;
  if (!agentId)
    throw new SessionError('agent-sessions holds one session per agent: list them in cxoneAgentIds', {
      failed: true,
    });
  const api = createCxoneApi({ http: ctx.http, config: c, signal: ctx.signal, now: ctx.now });
  ctx.status('connecting', `getting a CXone token for access key ${c.cxoneAccessKeyId}`);
  ctx.renewBefore('CXone token', await api.login(), () => api.login());
  const sessionId = await openSession(ctx, api, agentId);
  const path = `agent-sessions/${encodeURIComponent(sessionId)}/get-next-event`;
  // Connected once the first answer (led by AgentSessionStart) is handed on: events are flowing.
  let answers = 0;
  const connected = () => {
    if (answers++ === 0)
      ctx.status(
        'connected',
        `agent ${agentId}: Agent API session ${sessionId}, get-next-event waits up to ${c.cxoneLongPollSeconds} s`,
      );
  };
  for (;;) {
    const asked = ctx.now();
    const answer = await api.call('GET', path, {
      what: `waiting for the events of agent ${agentId}`,
      permission: PERMISSION,
      query: { timeout: String(c.cxoneLongPollSeconds) },
      // CXone holds the request up to the timeout: the request itself waits a little longer.
      timeoutMs: c.cxoneLongPollSeconds * 1000 + 5_000,
    });
    if (answer.status === 404 || answer.status === 409)
      throw new SessionError(
        `the Agent API session of agent ${agentId} is gone (HTTP ${answer.status}); joining again`,
      );
    const body = answer.data;
    if (
      answer.malformed ||
      (answer.status !== 304 && answer.status !== 204 && !(isRecord(body) && Array.isArray(body.events)))
    ) {
      ctx.badFrame(`get-next-event of agent ${agentId} answered ${answer.malformed ?? 'no events list'}`);
      continue;
    }
    const events = isRecord(body) && Array.isArray(body.events) ? body.events : [];
    // 304 (NICE's agent SDK: no event within the timeout) or an empty list: ask again.
    if (!events.length) {
      connected();
      if (ctx.now() - asked < HASTY_MS) await ctx.sleep(500);
      continue;
    }
    const answeredId =
      isRecord(body) && (typeof body.sessionId === 'string' || typeof body.sessionId === 'number')
        ? String(body.sessionId)
        : sessionId;
    await ctx.emit({ agentId, sessionId: answeredId, events });
    connected();
    const ended = events.find((e) => isRecord(e) && SESSION_ENDS.has(String(e.Type)));
    if (ended)
      throw new SessionError(
        `the Agent API session of agent ${agentId} ended (${(ended as { Type: string }).Type}); joining again`,
      );
  }
}

export const agentSessions = defineSubscription<AgentEventBatch, InContactConfig, unknown, AgentSessionFrame>(
  {
    id: 'agent-sessions',
    description:
      'CXone Agent API sessions held by the runner, one per listed agent (join + get-next-event): no relay',
    enabled: (c) => cxoneReady(c) && c.cxoneAgentIds.length > 0,
    instances: (c) => c.cxoneAgentIds,
    parse: (frame) => readAgentBatch(frame),
    eventId: (batch) => batch.batchKey,
    map: mapAgentBatch,
    stateWrites: agentEvents.stateWrites,
    async connect(ctx) {
      try {
        await hold(ctx);
      } catch (error) {
        if (ctx.signal.aborted) return; // a stop, not a failure
        throw error;
      }
    },
  },
);
