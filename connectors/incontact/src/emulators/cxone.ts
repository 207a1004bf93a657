// A CXone business unit on 127.0.0.1 for tests and benchmarks: the access-key token endpoint, the
// Real-Time Data API (contacts/active and agents/states with updatedSince, 304 when nothing changed, next
// links), and the Agent API (join or start a session, get-next-event long polls led by AgentSessionStart,
// 304 on an empty timeout). It checks what CXone checks (Basic client credentials, the access key, bearer
// tokens and their expiry) and has the faults the issue asks for. Timers are in ms.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createCalls } from './cxone-calls.js';
import { API_PATH, createRoutes, type Listed, readBody, send } from './cxone-routes.js';
import { createTenant, type Row } from './cxone-tenant.js';
import {
  CXONE_ACCESS_KEY_ID,
  CXONE_ACCESS_KEY_SECRET,
  CXONE_AGENTS,
  CXONE_CLIENT_ID,
  CXONE_CLIENT_SECRET,
  type CxoneControls,
  type CxoneCounters,
  type CxoneEmulator,
  type CxoneEmulatorOptions,
  type Fault,
} from './cxone-types.js';

export type { CallOptions, CxoneCall } from './cxone-calls.js';
export { CONSULT_SKILL } from './cxone-calls.js';
export type { CxoneAgentSeed } from './cxone-tenant.js';
export * from './cxone-types.js';

export async function startCxoneEmulator(options: CxoneEmulatorOptions = {}): Promise<CxoneEmulator> {
  const clientId = options.clientId ?? CXONE_CLIENT_ID;
  const clientSecret = options.clientSecret ?? CXONE_CLIENT_SECRET;
  const accessKeyId = options.accessKeyId ?? CXONE_ACCESS_KEY_ID;
  const accessKeySecret = options.accessKeySecret ?? CXONE_ACCESS_KEY_SECRET;
  const tokenLifetimeMs = options.tokenLifetimeMs ?? 3_600_000;
  const sessionIdleMs = options.sessionIdleMs ?? 600_000;
  const counters: CxoneCounters = {
    tokens: 0,
    renewals: 0,
    tokensRefused: 0,
    expirations: 0,
    polls: 0,
    agentPolls: 0,
    longPolls: 0,
    sessions: 0,
    sessionsEnded: 0,
    requests: [],
  };
  const tenant = createTenant(options.agents ?? CXONE_AGENTS, () => {
    counters.sessionsEnded += 1;
  });
  const calls = createCalls(tenant);
  const tokens = new Map<string, number>(); // token → expiry
  const faults: { status: number; fault: Fault; left: number; malformed?: boolean }[] = [];
  const pollWaiters: { after: number; resolve: () => void }[] = [];
  let requestSeq = 0;
  let duplicates = false;
  let stalled = false;
  let dropNext = 0;
  const sockets = new Set<Socket>();
  const { listing, agentApi } = createRoutes({ tenant, counters, options, duplicates: () => duplicates });
  // Rows written as they are (putContactRow, putAgentRow), listed beside the tenant's own.
  const rawContacts: Listed[] = [];
  const rawAgents: Listed[] = [];

  function takeFault(path: string) {
    const index = faults.findIndex((f) =>
      f.fault.path ? path.includes(f.fault.path) : !path.startsWith('/auth/'),
    );
    if (index < 0) return undefined;
    const found = faults[index]!;
    if (--found.left <= 0) faults.splice(index, 1);
    return found;
  }

  function issueToken(req: IncomingMessage, body: string, res: ServerResponse) {
    const basic = (req.headers.authorization ?? '').match(/^Basic\s+(.+)$/i)?.[1];
    const [id, secret] = Buffer.from(basic ?? '', 'base64')
      .toString('utf8')
      .split(/:(.*)/s);
    const form = new URLSearchParams(body);
    if (id !== clientId || secret !== clientSecret) {
      counters.tokensRefused += 1;
      return send(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
    }
    if (
      form.get('grant_type') !== 'password' ||
      form.get('username') !== accessKeyId ||
      form.get('password') !== accessKeySecret
    ) {
      counters.tokensRefused += 1;
      return send(res, 400, { error: 'invalid_grant', error_description: 'Invalid access key' });
    }
    const now = Date.now();
    if ([...tokens.values()].some((expiry) => expiry > now)) counters.renewals += 1;
    counters.tokens += 1;
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, now + tokenLifetimeMs);
    send(res, 200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: tokenLifetimeMs / 1000,
      refresh_token: randomBytes(16).toString('base64url'),
      scope: 'RealTimeApi AdminApi AgentApi',
    });
  }

  /** 401 unless the bearer token is one we issued and still valid. */
  function authorised(req: IncomingMessage, res: ServerResponse): boolean {
    const token = (req.headers.authorization ?? '').match(/^Bearer\s+(.+)$/i)?.[1];
    const expiry = token ? tokens.get(token) : undefined;
    if (expiry !== undefined && expiry > Date.now()) return true;
    if (expiry !== undefined) counters.expirations += 1;
    send(res, 401, {
      error: 'invalid_token',
      error_description: expiry === undefined ? 'Unknown token' : 'Token expired',
    });
    return false;
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    counters.requests.push(`${method} ${url.pathname}${url.search}`);
    const seq = ++requestSeq;
    const body = await readBody(req);
    if (url.pathname === '/auth/token' && method === 'POST') {
      const fault = takeFault(url.pathname);
      if (fault)
        return send(
          res,
          fault.status,
          { error: 'temporarily_unavailable' },
          fault.status === 429 ? { 'retry-after': String(fault.fault.retryAfterSeconds ?? 1) } : {},
        );
      return issueToken(req, body, res);
    }
    const api = url.pathname.match(API_PATH);
    if (!api) return send(res, 404, { error: 'Not found' });
    if (stalled) return; // no answer at all
    if (dropNext > 0) {
      dropNext -= 1;
      return req.socket.destroy();
    }
    if (!authorised(req, res)) return;
    const fault = takeFault(url.pathname);
    if (fault?.malformed) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"resultSet": {"lastPollTime": "2026-11-25T14:0');
    }
    if (fault)
      return send(
        res,
        fault.status,
        { error: `emulated ${fault.status}` },
        fault.status === 429 ? { 'retry-after': String(fault.fault.retryAfterSeconds ?? 1) } : {},
      );
    const path = api[1]!;
    const base = `http://${req.headers.host}${url.pathname}`;
    if (method === 'GET' && path === 'contacts/active') {
      counters.polls += 1;
      const filters = ['skillId', 'teamId', 'agentId'].map(
        (name) => [name, url.searchParams.get(name)] as const,
      );
      const rows = [...tenant.contacts.values()]
        .filter((c) => !c.agentApiOnly)
        .map((c) => ({ row: tenant.contactRow(c), updated: c.updated, live: c.status !== 'Disconnected' }))
        .filter(({ row }) => filters.every(([name, value]) => value === null || String(row[name]) === value));
      const answer = listing(url, 'activeContacts', [...rows, ...rawContacts], base);
      send(res, answer.status, answer.body);
      for (const waiter of pollWaiters.splice(0)) if (waiter.after < seq) waiter.resolve();
      return;
    }
    if (method === 'GET' && path === 'agents/states') {
      counters.agentPolls += 1;
      const rows = [...tenant.agents.values()].map((a) => ({
        row: tenant.agentRow(a),
        updated: a.updated,
        live: true,
      }));
      const answer = listing(url, 'agentStates', [...rows, ...rawAgents], base);
      return send(res, answer.status, answer.body);
    }
    agentApi(method, path, url, body, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const idle = setInterval(
    () => {
      for (const s of tenant.subscribers.values()) {
        if (s.ended || s.waiter || Date.now() - s.lastSeen < sessionIdleMs) continue;
        tenant.end(s.agentId, false, s);
      }
      for (const [token, expiry] of tokens) if (expiry < Date.now() - 60_000) tokens.delete(token);
    },
    Math.min(sessionIdleMs, 1_000),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const upsert = (list: Listed[], key: string, row: Row) => {
    const at = tenant.tick();
    const index = list.findIndex((r) => String(r.row[key]) === String(row[key]));
    const entry = { row: { ...row, lastUpdateTime: new Date(at).toISOString() }, updated: at, live: true };
    if (index >= 0) list[index] = entry;
    else list.push(entry);
  };

  const controls: CxoneControls = {
    call: (agentId, callOptions) => calls.call(agentId, callOptions),
    consult: (master, toAgentId) => calls.consult(master, toAgentId),
    agentLeg: (agentId) => calls.agentLeg(agentId),
    setAgentState: (agentId, state, outReason = '') => tenant.setAgent(agentId, { state, reason: outReason }),
    sendEvents: (agentId, events) => tenant.send(agentId, ...events),
    putContactRow: (row) => upsert(rawContacts, 'contactId', row),
    putAgentRow: (row) => upsert(rawAgents, 'agentId', row),
    afterNextPoll: () => new Promise((resolve) => pollWaiters.push({ after: requestSeq, resolve })),
    fail: (status, fault = {}) => faults.push({ status, fault, left: fault.times ?? 1 }),
    endSession(agentId, { logout = false, silently = false } = {}) {
      if (!silently) return tenant.end(agentId, logout);
      for (const [id, s] of tenant.subscribers) if (s.agentId === agentId) tenant.subscribers.delete(id);
    },
    login(agentId) {
      const agent = tenant.agents.get(agentId);
      if (!agent) throw new Error(`the emulator has no agent ${agentId}`);
      agent.loggedIn = true;
      tenant.setAgent(agentId, { state: 'Available' });
    },
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, Date.now() - 1);
    },
    drop() {
      dropNext = 1;
      for (const socket of sockets) socket.destroy();
    },
    malformed: (fault = {}) => faults.push({ status: 200, fault, left: fault.times ?? 1, malformed: true }),
    duplicates(on = true) {
      duplicates = on;
    },
    stall(on = true) {
      stalled = on;
    },
  };

  return {
    url,
    authUrl: `${url}/auth/token`,
    apiUrl: `${url}/inContactAPI`,
    clientId,
    clientSecret,
    accessKeyId,
    accessKeySecret,
    controls,
    counters,
    sessions: () =>
      [...tenant.subscribers.values()]
        .filter((s) => !s.ended)
        .map(({ sessionId, agentId }) => ({ sessionId, agentId })),
    async close() {
      clearInterval(idle);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
