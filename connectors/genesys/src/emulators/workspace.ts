// A local Genesys Engage Workspace API (127.0.0.1, port 0) for tests and benchmarks. It checks what the
// vendor checks: x-api-key on every request; the token request's Basic client, form and password; the
// bearer token on initialize-workspace; the WORKSPACE_SESSIONID cookie on every later request and on the
// CometD endpoint (403 once the session is gone); activate-channels only after the initialization, for
// the user's own agent login and DN. Tokens expire, and a session whose user's token lapsed expires with
// it (counted). Faults: see WorkspaceControls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bayeux, userOf } from './workspace-bayeux.js';
import { createControls, type FaultState } from './workspace-controls.js';
import { type Session, WorkspaceStore } from './workspace-store.js';
import {
  WORKSPACE_EMULATOR_ACCOUNTS,
  WORKSPACE_EMULATOR_API_KEY,
  WORKSPACE_EMULATOR_CLIENT_ID,
  WORKSPACE_EMULATOR_CLIENT_SECRET,
  type WorkspaceEmulator,
  type WorkspaceEmulatorOptions,
  type WorkspaceRequest,
} from './workspace-types.js';

export * from './workspace-types.js';

type Req = http.IncomingMessage & { body?: unknown };
type Res = http.ServerResponse;

const json = (res: Res, status: number, body: unknown, headers: Record<string, string> = {}) =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
/** The Workspace API's answer shape: {status: {code, message}} (code 0 done, 1 accepted). */
const status = (code: number, message?: string) => ({ status: { code, ...(message ? { message } : {}) } });

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWorkspaceEmulator(
  options: WorkspaceEmulatorOptions = {},
): Promise<WorkspaceEmulator> {
  const apiKey = options.apiKey ?? WORKSPACE_EMULATOR_API_KEY;
  const clientId = options.clientId ?? WORKSPACE_EMULATOR_CLIENT_ID;
  const clientSecret = options.clientSecret ?? WORKSPACE_EMULATOR_CLIENT_SECRET;
  const accounts = options.accounts ?? WORKSPACE_EMULATOR_ACCOUNTS;
  const store = new WorkspaceStore(
    accounts,
    options.tokenLifetimeMs ?? 3_600_000,
    options.sessionFollowsToken ?? true,
  );
  const bayeux = new Bayeux(store, {
    longPollMs: options.longPollMs ?? 30_000,
    initializationGapMs: options.initializationGapMs ?? 20,
    ...(options.initializationEnd ? { initializationEnd: options.initializationEnd } : {}),
    refusedChannels: options.refusedChannels ?? [],
  });
  const faults: FaultState = {
    failures: { remaining: 0, status: 500, path: '' },
    stalled: false,
    held: new Set(),
    sockets: new Set(),
  };
  const requests: WorkspaceRequest[] = [];
  const refuse = (res: Res, code: number, body: unknown) => {
    store.counters.refused += 1;
    json(res, code, body);
  };
  // Expiry shows in the counters when it happens, not only at the next request.
  const sweeper = setInterval(
    () => store.sweep(),
    Math.min(250, Math.max(20, (options.tokenLifetimeMs ?? 3_600_000) / 8)),
  );

  function token(req: Req, res: Res, form: URLSearchParams) {
    const refused = (code: number, error: string, description: string) => {
      store.counters.refusedTokens += 1;
      json(res, code, { error, error_description: description });
    };
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const [id, secret] = Buffer.from(basic?.[1] ?? '', 'base64')
      .toString('utf8')
      .split(/:(.*)/s);
    if (!basic)
      return refused(401, 'unauthorized', 'Full authentication is required to access this resource');
    if (id !== clientId || secret !== clientSecret)
      return refused(401, 'invalid_client', 'Bad client credentials');
    if (!/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? ''))
      return refused(
        400,
        'invalid_request',
        'The token request is a form (application/x-www-form-urlencoded)',
      );
    if (form.has('client_id') && form.get('client_id') !== clientId)
      return refused(400, 'invalid_client', 'client_id does not match');
    if (form.has('scope') && form.get('scope') !== '*')
      return refused(400, 'invalid_scope', 'Only scope * is supported');
    const grant = form.get('grant_type');
    let username: string | undefined;
    if (grant === 'password') {
      const account = store.accounts.get(form.get('username') ?? '');
      if (!account || account.password !== form.get('password'))
        return refused(400, 'invalid_grant', 'Bad credentials');
      username = account.username;
    } else if (grant === 'refresh_token') {
      username = store.takeRefreshToken(form.get('refresh_token') ?? '');
      if (!username) return refused(400, 'invalid_grant', 'Invalid refresh token');
    } else return refused(400, 'unsupported_grant_type', `Unsupported grant type: ${grant}`);
    json(res, 200, store.issueToken(username, options.refreshTokens ?? true));
  }

  function initialize(req: Req, res: Res) {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const username = bearer ? store.tokenUser(bearer) : undefined;
    if (!username) return refuse(res, 401, status(603, 'Unauthorized: a valid bearer token is required'));
    const session = store.open(username);
    json(res, 200, status(1), { 'set-cookie': `WORKSPACE_SESSIONID=${session.id}; Path=/; HttpOnly` });
  }

  function activate(session: Session, res: Res, body: unknown) {
    const { account } = session;
    const data = (body as { data?: { agentId?: unknown; dn?: unknown } } | undefined)?.data;
    if (!session.initialized)
      return json(res, 400, status(400, 'The workspace initialization is not complete'));
    if (data?.agentId !== account.agentLogin)
      return json(
        res,
        400,
        status(400, `Agent login ${String(data?.agentId)} is not assigned to ${account.username}`),
      );
    if (data?.dn !== account.dn) return json(res, 400, status(400, `DN ${String(data?.dn)} not found`));
    session.activated = true;
    store.counters.activations += 1;
    store.step(account.username, 'activate-channels');
    json(res, 200, { ...status(0), data: { channels: ['voice'] } });
    // The voice channel reports the DN once the agent is logged in on it.
    bayeux.voice(account.username, {
      messageType: 'DnStateChanged',
      dn: { ...store.dnOf(account.username) },
    });
  }

  function current(session: Session, res: Res) {
    if (options.currentSession === false) return json(res, 404, status(404, 'Not found'));
    const username = session.account.username;
    store.counters.currentSessions += 1;
    store.step(username, 'current-session');
    // The calls not yet Completed, as the simulator lists them.
    const calls = [...store.calls.get(username)!.values()].map((call) => structuredClone(call));
    const activeSession = session.activated
      ? { activeSession: { dn: { ...store.dnOf(username) }, calls } }
      : {};
    json(res, 200, { ...status(0), data: { user: { ...userOf(session), ...activeSession } } });
  }

  async function handle(req: Req, res: Res) {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const form = /x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')
      ? new URLSearchParams(raw)
      : undefined;
    let body: unknown;
    try {
      body = form ? Object.fromEntries(form) : raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const shown = form?.has('password') ? { ...(body as object), password: '***' } : body;
    requests.push({
      method,
      path: url.pathname,
      headers: { ...(req.headers as Record<string, string>) },
      ...(shown === undefined ? {} : { body: shown }),
    });
    if (faults.stalled) return void faults.held.add(res);
    const { failures } = faults;
    if (failures.remaining > 0 && url.pathname.includes(failures.path)) {
      failures.remaining -= 1;
      return json(
        res,
        failures.status,
        status(failures.status, `Injected ${failures.status}`),
        failures.status === 429 ? { 'retry-after': '1' } : {},
      );
    }
    // The API gateway refuses a request without the key before anything else (belief: its own 403 body).
    if (req.headers['x-api-key'] !== apiKey) return refuse(res, 403, { message: 'Forbidden' });
    const path = url.pathname;
    if (method === 'POST' && path === '/auth/v3/oauth/token')
      return token(req, res, form ?? new URLSearchParams());
    if (method === 'POST' && path === '/workspace/v3/initialize-workspace') return initialize(req, res);
    const session = store.byCookie(req.headers.cookie);
    const isNotifications =
      path === '/workspace/v3/notifications' || path.startsWith('/workspace/v3/notifications/');
    if (!session && (isNotifications || path.startsWith('/workspace/v3/')))
      return refuse(res, 403, status(603, 'The session is not valid; initialize the workspace again'));
    if (isNotifications) {
      if (method !== 'POST' || !Array.isArray(body))
        return json(res, 400, status(400, 'A Bayeux request is a JSON array of messages'));
      req.body = body;
      return bayeux.server.handle(req, res);
    }
    if (session && method === 'POST' && path === '/workspace/v3/activate-channels')
      return activate(session, res, body);
    if (session && method === 'GET' && path === '/workspace/v3/current-session') return current(session, res);
    if (session && method === 'POST' && path === '/workspace/v3/logout') {
      store.counters.logouts += 1;
      store.step(session.account.username, 'logout');
      store.end(session);
      return json(res, 200, status(0));
    }
    json(res, 404, status(404, 'Not found'));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, status(500, 'Internal error'));
    });
  });
  server.on('connection', (socket) => {
    faults.sockets.add(socket);
    socket.on('close', () => faults.sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    clientId,
    clientSecret,
    accounts,
    counters: store.counters,
    controls: createControls(store, bayeux, faults),
    requests,
    steps: store.steps,
    stepsOf: (username) => store.steps.filter((s) => s.username === username).map((s) => s.step),
    sessions: () =>
      [...store.sessions.values()].map((s) => ({
        id: s.id,
        username: s.account.username,
        initialized: s.initialized,
        activated: s.activated,
        channels: bayeux.channels(s),
      })),
    async close() {
      clearInterval(sweeper);
      bayeux.close();
      for (const res of faults.held) res.destroy();
      for (const socket of faults.sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
