// How the CXone emulator answers the API: Real-Time Data listings (updatedSince, 304 when nothing
// changed, next links) and the Agent API (join or start a session, get-next-event long polls).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Row, Tenant } from './cxone-tenant.js';
import type { CxoneCounters, CxoneEmulatorOptions } from './cxone-types.js';

export const send = (
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    ...headers,
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

export const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
  });

export const API_PATH = /^\/inContactAPI\/services\/v\d+\.\d+\/(.+)$/;

/** A row as listed: its record, when it last changed, and whether a listing without updatedSince shows it. */
export interface Listed {
  row: Row;
  updated: number;
  live: boolean;
}

export interface RoutesContext {
  tenant: Tenant;
  counters: CxoneCounters;
  options: CxoneEmulatorOptions;
  duplicates(): boolean;
}

export function createRoutes(ctx: RoutesContext) {
  const { tenant, counters } = ctx;
  const { pageSize, sessionIds } = ctx.options;
  const emptyStatus = ctx.options.emptyStatus ?? 304;
  const repeated = new WeakSet<Row>();

  /** A listing answer with updatedSince, 304 when empty, a next link past pageSize. */
  function listing(url: URL, field: string, all: Listed[], base: string) {
    const sinceText = url.searchParams.get('updatedSince');
    const since = sinceText ? Date.parse(sinceText) : undefined;
    const rows = all.filter((r) => (since === undefined ? r.live : r.updated > since));
    const answeredAt = tenant.tick();
    if (since !== undefined && !rows.length)
      return {
        status: emptyStatus,
        body:
          emptyStatus === 304 ? undefined : { lastPollTime: new Date(answeredAt).toISOString(), [field]: [] },
      };
    const skip = Number(url.searchParams.get('skip') ?? 0);
    const top = pageSize ?? rows.length;
    const page = rows.slice(skip, skip + top).map((r) => r.row);
    const next = skip + top < rows.length ? new URL(`${base}?${url.searchParams}`) : undefined;
    next?.searchParams.set('skip', String(skip + top));
    next?.searchParams.set('top', String(top));
    // Duplicates: the answer says nothing moved, so the next poll lists the same rows again.
    const lastPollTime = ctx.duplicates() && sinceText ? sinceText : new Date(answeredAt).toISOString();
    return {
      status: 200,
      body: {
        totalRecords: rows.length,
        _links: { self: url.pathname, ...(next ? { next: next.toString() } : {}) },
        businessUnitId: 4600123,
        lastPollTime,
        [field]: page,
      },
    };
  }

  /** The Agent API: join or start a session, get-next-event long polls, keep-alive, end. */
  function agentApi(method: string, path: string, url: URL, body: string, res: ServerResponse) {
    const parsed = (() => {
      try {
        return body ? (JSON.parse(body) as Record<string, unknown>) : {};
      } catch {
        return undefined;
      }
    })();
    if (method === 'POST' && (path === 'agent-sessions/join' || path === 'agent-sessions')) {
      if (!parsed) return send(res, 400, { error: 'the body is not JSON' });
      const agent =
        path === 'agent-sessions/join'
          ? tenant.agents.get(String(parsed.asAgentId ?? ''))
          : [...tenant.agents.values()].find(
              (a) =>
                (parsed.stationId && a.stationId === String(parsed.stationId)) ||
                (parsed.stationPhoneNumber && a.stationPhoneNumber === String(parsed.stationPhoneNumber)),
            );
      if (!agent)
        return send(res, 404, { error: path === 'agent-sessions' ? 'Station not found' : 'Agent not found' });
      if (path === 'agent-sessions/join' && !agent.loggedIn)
        return send(res, 409, { error: 'The agent has no active session' });
      if (path === 'agent-sessions' && !agent.loggedIn)
        tenant.setAgent(agent.agentId, { state: 'Available' });
      agent.loggedIn = true;
      const s = tenant.open(agent.agentId, sessionIds?.(agent.agentId) ?? randomUUID());
      counters.sessions += 1;
      return send(res, 202, { sessionId: s.sessionId });
    }
    const match = path.match(/^agent-sessions\/([^/]+)(?:\/(get-next-event|keep-alive))?$/);
    const s = match ? tenant.subscribers.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !s) return send(res, 404, { error: 'Session not found' });
    if (s.ended && !s.queue.length) return send(res, 409, { error: 'The session has ended' });
    s.lastSeen = Date.now();
    if (method === 'POST' && match[2] === 'keep-alive') return send(res, 202);
    if (method === 'DELETE' && !match[2]) {
      tenant.end(s.agentId, false, s);
      return send(res, 202);
    }
    if (method !== 'GET' || match[2] !== 'get-next-event') return send(res, 404, { error: 'Not found' });
    counters.longPolls += 1;
    const timeoutMs = Math.min(Number(url.searchParams.get('timeout') ?? 60), 300) * 1000;
    s.waiter?.(undefined); // a newer poll replaces an older one
    const timer = setTimeout(() => {
      if (s.waiter === answer) {
        delete s.waiter;
        answer(undefined);
      }
    }, timeoutMs);
    const answer = (events: Row[] | undefined) => {
      clearTimeout(timer);
      if (res.writableEnded || res.destroyed) {
        if (events) s.queue.unshift(...events); // never lost to a dropped connection
        return;
      }
      if (!events)
        return send(
          res,
          emptyStatus,
          emptyStatus === 304 ? undefined : { sessionId: s.sessionId, events: [] },
        );
      // Duplicates: each batch once more at the next poll (and only once more).
      const fresh = events.filter((event) => !repeated.has(event));
      for (const event of fresh) repeated.add(event);
      if (ctx.duplicates() && fresh.length) s.queue.unshift(...fresh);
      send(res, 200, { sessionId: s.sessionId, events });
    };
    res.on('close', () => {
      if (s.waiter === answer) delete s.waiter;
      clearTimeout(timer);
    });
    s.waiter = answer;
    tenant.flush(s);
  }

  return { listing, agentApi };
}
