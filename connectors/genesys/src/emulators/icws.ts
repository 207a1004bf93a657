// A local PureConnect ICWS server (127.0.0.1, port 0) for tests and benchmarks. It checks what ICWS checks:
// the login body, then on every session request both the session cookie and the ININ-ICWS-CSRF-Token header
// (401 otherwise), and sessions idle past their timeout are gone (401). Queue subscriptions get a snapshot,
// then deltas; messages are served by short polling (a JSON array) or server-sent events (messaging version
// 2, with `:ping` comments). Faults: 503 with alternateHostList, a connection-down message, early expiry,
// dropped connections, malformed and duplicate messages, a stall, any status on the next requests.
import { randomBytes, randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  type Attributes,
  type AttributeValue,
  type EmulatedSubscription,
  messageFor,
  snapshotFor,
  subscriptionProblem,
} from './icws-queues.js';

export const ICWS_EMULATOR_USER = 'openconnect.svc';
export const ICWS_EMULATOR_PASSWORD = 'Emulated-ICWS-pass-0123';
const CONNECTION_REQUEST = 'urn:inin.com:connection:icAuthConnectionRequestSettings';
const CONNECTION_STATE_CHANGE = 'urn:inin.com:connection:connectionStateChangeMessage';

export interface IcwsEmulatorOptions {
  /** userID → password. Default: ICWS_EMULATOR_USER / ICWS_EMULATOR_PASSWORD. */
  users?: Record<string, string>;
  /** The messaging feature's version in the login answer: 2 and above serve server-sent events. Default 2. */
  messagingVersion?: number;
  /** A session with no request for this long is gone (401). Default 120 000. */
  sessionIdleMs?: number;
  /** `:ping` comment interval on event streams. Default 15 000. */
  pingMs?: number;
  /** Queues the user may view; a subscription to another is refused (403). Default: any. */
  viewable?: { users?: string[]; workgroups?: string[] };
  /** How connection-down messages spell newConnectionState: 'down' (the samples) or 2 (the enum). */
  connectionState?: 'string' | 'number';
  /** alternateHostList of a successful login (the other server of a pair). */
  alternateHostList?: string[];
  port?: number;
}

export interface IcwsCounters {
  logins: number;
  refusedLogins: number;
  /** GET /connection in a session (the client's keep-alive). */
  keepAlives: number;
  polls: number;
  streams: number;
  /** Sessions that went idle past their timeout. */
  expirations: number;
  subscribes: number;
  unsubscribes: number;
  logouts: number;
  unauthorized: number;
  unavailable: number;
}

/** A request as received; the login password is masked. */
export interface IcwsRequest {
  method: string;
  path: string;
  /** `?include=features`, or empty. */
  query: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface IcwsCall {
  readonly id: string;
  readonly attributes: Attributes;
  /** Sets Eic_State (a letter, or a number as some CIC versions send) and any other attributes. */
  state(value: AttributeValue, more?: Attributes): void;
  update(attributes: Attributes): void;
  /** Leaves every queue (interactionsRemoved). */
  remove(): void;
}

export interface IcwsControls {
  /** A new interaction in the queues its Eic_UserName / Eic_WorkgroupName name. */
  call(id: string, attributes: Attributes): IcwsCall;
  /** Alerting → connected → disconnected → removed, `gapMs` apart; states as numbers with `numeric`. */
  lifecycle(options: {
    id: string;
    user?: string;
    workgroup?: string;
    numeric?: boolean;
    gapMs?: number;
    attributes?: Attributes;
  }): Promise<IcwsCall>;
  /** Sends a recorded message to every session, on the subscription watching `userQueue` (else its own subscriptionId, else the workgroup one). */
  send(message: Record<string, unknown>, route?: { userQueue?: string }): void;
  /** Sends each session's last message again. */
  repeatLast(): void;
  /** 'text': not JSON; 'shape': JSON without a __type. */
  sendMalformed(kind?: 'text' | 'shape'): void;
  /** A connectionStateChangeMessage (down) to every session; each session ends once it is delivered. */
  connectionDown(reason?: string): void;
  /** Ends every session now, as an idle timeout would (401 afterwards). */
  expireSessions(): void;
  /** Ends every session and cuts every connection without a word. */
  drop(): void;
  /** Every request, login included, answers 503 with this alternateHostList until called with undefined. */
  unavailable(alternateHostList: string[] | undefined): void;
  /** The next `count` requests (only those whose path contains `path`: '/icws/connection' is the login) answer `status`. */
  failNext(count: number, status: number, path?: string): void;
  /** Stops answering and sending anything (pings included) until called with false. */
  stall(on: boolean): void;
}

export interface IcwsEmulator {
  /** http://127.0.0.1:<port>: the pureconnectServer setting. */
  url: string;
  /** 127.0.0.1:<port>, as another emulator's alternateHostList names it. */
  host: string;
  counters: IcwsCounters;
  controls: IcwsControls;
  readonly requests: IcwsRequest[];
  /** Sessions alive now, with their subscriptions. */
  sessions(): {
    id: string;
    userId: string;
    subscriptions: {
      id: string;
      queueIds: { queueType: number; queueName: string }[];
      attributeNames: string[];
    }[];
  }[];
  close(): Promise<void>;
}

type Item = { message: Record<string, unknown>; endsSession?: boolean } | { raw: string };

interface Session {
  id: string;
  userId: string;
  csrfToken: string;
  cookieName: string;
  cookieValue: string;
  lastActivity: number;
  subscriptions: Map<string, EmulatedSubscription>;
  queue: Item[];
  streams: Set<http.ServerResponse>;
  last?: Record<string, unknown>;
}

const json = (
  res: http.ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res
    .writeHead(status, { 'content-type': 'application/vnd.inin.icws+JSON; charset=utf-8', ...headers })
    .end(JSON.stringify(body));
};
const icwsError = (errorId: string, message: string) => ({ errorId, errorCode: -2147221503, message });
const token = () => randomBytes(16).toString('base64url');

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function cookiesOf(req: http.IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return cookies;
}

export async function startIcwsEmulator(options: IcwsEmulatorOptions = {}): Promise<IcwsEmulator> {
  const users = options.users ?? { [ICWS_EMULATOR_USER]: ICWS_EMULATOR_PASSWORD };
  const idleMs = options.sessionIdleMs ?? 120_000;
  const sessions = new Map<string, Session>();
  const interactions = new Map<string, Attributes>();
  const sockets = new Set<Socket>();
  const held = new Set<http.ServerResponse>();
  const requests: IcwsRequest[] = [];
  const counters: IcwsCounters = {
    logins: 0,
    refusedLogins: 0,
    keepAlives: 0,
    polls: 0,
    streams: 0,
    expirations: 0,
    subscribes: 0,
    unsubscribes: 0,
    logouts: 0,
    unauthorized: 0,
    unavailable: 0,
  };
  let stalled = false;
  let unavailableHosts: string[] | undefined;
  let failures = { remaining: 0, status: 500, path: '' };

  const endSession = (session: Session, cut = false) => {
    sessions.delete(session.id);
    for (const stream of session.streams) cut ? stream.destroy() : stream.end();
    session.streams.clear();
  };
  const flush = (session: Session) => {
    if (stalled || !session.streams.size) return;
    while (session.queue.length) {
      const item = session.queue.shift()!;
      const text = 'raw' in item ? item.raw : JSON.stringify(item.message);
      for (const stream of session.streams) stream.write(`data: ${text}\n\n`);
      if ('message' in item && item.endsSession) return endSession(session);
    }
  };
  const push = (session: Session, item: Item) => {
    if ('message' in item) session.last = item.message;
    session.queue.push(item);
    flush(session);
  };
  const changed = (id: string, before: Attributes | undefined, after: Attributes | undefined) => {
    if (after) interactions.set(id, after);
    else interactions.delete(id);
    for (const session of sessions.values())
      for (const subscription of session.subscriptions.values()) {
        const message = messageFor(subscription, id, before, after);
        if (message) push(session, { message });
      }
  };
  const sweep = () => {
    const now = Date.now();
    for (const session of sessions.values())
      if (now - session.lastActivity > idleMs) {
        counters.expirations += 1;
        endSession(session);
      }
  };
  const sweeper = setInterval(sweep, Math.max(20, Math.min(250, idleMs / 4)));
  const pinger = setInterval(() => {
    if (stalled) return;
    for (const session of sessions.values()) for (const stream of session.streams) stream.write(':ping\n\n');
  }, options.pingMs ?? 15_000);

  function login(req: http.IncomingMessage, res: http.ServerResponse, url: URL, text: string) {
    if (!/^application\/(vnd\.inin\.icws\+)?json/i.test(req.headers['content-type'] ?? ''))
      return json(
        res,
        415,
        icwsError(
          'error.request.unsupportedMediaType',
          'The content type must be application/vnd.inin.icws+JSON.',
        ),
      );
    if (!req.headers['accept-language'])
      return json(
        res,
        400,
        icwsError('error.request.missingAcceptLanguage', 'The Accept-Language header is required.'),
      );
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return json(
        res,
        400,
        icwsError('error.request.invalidRepresentation', 'The request body is not valid JSON.'),
      );
    }
    if (
      body.__type !== CONNECTION_REQUEST ||
      typeof body.applicationName !== 'string' ||
      !body.applicationName
    )
      return json(
        res,
        400,
        icwsError(
          'error.request.invalidRepresentation',
          `The body must be a ${CONNECTION_REQUEST} with an applicationName.`,
        ),
      );
    const userId = typeof body.userID === 'string' ? body.userID : '';
    if (!Object.hasOwn(users, userId) || users[userId] !== body.password) {
      counters.refusedLogins += 1;
      return json(
        res,
        400,
        icwsError('error.request.connection.authenticationFailure', 'The authentication process failed.'),
      );
    }
    counters.logins += 1;
    const session: Session = {
      id: String(randomInt(100_000_000, 999_999_999)),
      userId,
      csrfToken: token(),
      cookieName: '',
      cookieValue: token(),
      lastActivity: Date.now(),
      subscriptions: new Map(),
      queue: [],
      streams: new Set(),
    };
    session.cookieName = `icws_${session.id}`;
    sessions.set(session.id, session);
    const features = [
      { featureId: 'connection', version: 10 },
      { featureId: 'messaging', version: options.messagingVersion ?? 2 },
      { featureId: 'queues', version: 4 },
    ];
    json(
      res,
      201,
      {
        csrfToken: session.csrfToken,
        sessionId: session.id,
        alternateHostList: options.alternateHostList ?? [],
        userID: userId,
        userDisplayName: userId,
        icServer: 'CIC1',
        ...((url.searchParams.get('include') ?? '').split(',').includes('features') ? { features } : {}),
      },
      {
        location: `/icws/${session.id}/connection`,
        'set-cookie': `${session.cookieName}=${session.cookieValue}; Path=/icws/${session.id}; HttpOnly`,
      },
    );
  }

  function subscriptionRoute(
    session: Session,
    res: http.ServerResponse,
    method: string,
    id: string,
    text: string,
  ) {
    if (method === 'DELETE') {
      counters.unsubscribes += 1;
      session.subscriptions.delete(id);
      return json(res, 204);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const problem = subscriptionProblem(body);
    if (problem) return json(res, 400, icwsError('error.request.invalidRepresentation', problem));
    const { queueIds, attributeNames } = body as Pick<EmulatedSubscription, 'queueIds' | 'attributeNames'>;
    for (const q of queueIds) {
      const allowed =
        q.queueType === 1
          ? options.viewable?.users
          : q.queueType === 2
            ? options.viewable?.workgroups
            : undefined;
      if (allowed && !allowed.includes(q.queueName))
        return json(
          res,
          403,
          icwsError(
            'error.request.accessDenied',
            `The user does not have rights to view the queue ${q.queueName}.`,
          ),
        );
    }
    counters.subscribes += 1;
    const subscription: EmulatedSubscription = { id, queueIds, attributeNames, members: new Set() };
    session.subscriptions.set(id, subscription);
    json(res, 204);
    push(session, { message: snapshotFor(subscription, interactions) });
  }

  function messagesRoute(session: Session, req: http.IncomingMessage, res: http.ServerResponse) {
    if ((req.headers.accept ?? '').includes('text/event-stream') && (options.messagingVersion ?? 2) >= 2) {
      counters.streams += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      session.streams.add(res);
      res.on('close', () => session.streams.delete(res));
      return flush(session);
    }
    counters.polls += 1;
    const first = session.queue[0];
    if (first && 'raw' in first) {
      session.queue.shift();
      res.writeHead(200, { 'content-type': 'application/vnd.inin.icws+JSON' }).end(first.raw);
      return;
    }
    const batch: Record<string, unknown>[] = [];
    let ends = false;
    while (session.queue[0] && !('raw' in session.queue[0]) && !ends) {
      const item = session.queue.shift() as { message: Record<string, unknown>; endsSession?: boolean };
      batch.push(item.message);
      ends = Boolean(item.endsSession);
    }
    json(res, 200, batch);
    if (ends) endSession(session);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const text = await readBody(req);
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (body && typeof body === 'object' && 'password' in body) body = { ...body, password: '***' };
    requests.push({
      method,
      path: url.pathname,
      query: url.search,
      headers: { ...(req.headers as Record<string, string>) },
      ...(body === undefined ? {} : { body }),
    });
    if (stalled) return void held.add(res);
    if (unavailableHosts) {
      counters.unavailable += 1;
      return json(res, 503, {
        ...icwsError('error.server.unavailable', 'The server is switching over.'),
        alternateHostList: unavailableHosts,
      });
    }
    if (failures.remaining > 0 && url.pathname.includes(failures.path)) {
      failures.remaining -= 1;
      return json(
        res,
        failures.status,
        icwsError('error.server.injected', `Injected ${failures.status}.`),
        failures.status === 429 ? { 'retry-after': '1' } : {},
      );
    }
    if (method === 'POST' && url.pathname === '/icws/connection') return login(req, res, url, text);
    const match = /^\/icws\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!match) return json(res, 404, icwsError('error.request.notFound', 'No such resource.'));
    sweep();
    const session = sessions.get(match[1]!);
    const cookie = session && cookiesOf(req).get(session.cookieName);
    if (
      !session ||
      cookie !== session.cookieValue ||
      req.headers['inin-icws-csrf-token'] !== session.csrfToken
    ) {
      counters.unauthorized += 1;
      return json(
        res,
        401,
        icwsError(
          'error.request.unauthorized',
          'The request requires a valid session, its cookie and its CSRF token.',
        ),
      );
    }
    session.lastActivity = Date.now();
    const rest = match[2]!;
    if (rest === '/connection' && method === 'GET') {
      counters.keepAlives += 1;
      return json(res, 200, { userID: session.userId, icServer: 'CIC1' });
    }
    if (rest === '/connection' && method === 'DELETE') {
      counters.logouts += 1;
      endSession(session);
      return json(res, 204);
    }
    const queue = /^\/messaging\/subscriptions\/queues\/([^/]+)$/.exec(rest);
    if (queue && (method === 'PUT' || method === 'DELETE'))
      return subscriptionRoute(session, res, method, decodeURIComponent(queue[1]!), text);
    if (rest === '/messaging/messages' && method === 'GET') return messagesRoute(session, req, res);
    json(res, 404, icwsError('error.request.notFound', 'No such resource.'));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, icwsError('error.server.internal', 'Internal error.'));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const controls: IcwsControls = {
    call(id, attributes) {
      changed(id, undefined, { ...attributes });
      const call: IcwsCall = {
        id,
        get attributes() {
          return interactions.get(id) ?? {};
        },
        state: (value, more = {}) => call.update({ ...more, Eic_State: value }),
        update(attributes) {
          const before = interactions.get(id);
          changed(id, before, { ...before, ...attributes });
        },
        remove: () => changed(id, interactions.get(id), undefined),
      };
      return call;
    },
    async lifecycle({ id, user, workgroup, numeric = false, gapMs = 30, attributes = {} }) {
      const pause = () => new Promise((resolve) => setTimeout(resolve, gapMs));
      const call = controls.call(id, {
        Eic_CallId: id,
        Eic_State: numeric ? 1 : 'A',
        Eic_CallStateString: 'Alerting',
        Eic_RemoteAddress: '+13175550142',
        Eic_RemoteName: 'ACME CORP',
        Eic_LocalAddress: '8005550199',
        Eic_CallDirection: 'I',
        Eic_ObjectType: 'Call',
        ...(user ? { Eic_UserName: user } : {}),
        ...(workgroup ? { Eic_WorkgroupName: workgroup } : {}),
        ...attributes,
      });
      await pause();
      call.state(numeric ? 2 : 'C', { Eic_CallStateString: 'Connected' });
      await pause();
      call.state(numeric ? 10 : 'E', { Eic_CallStateString: 'Disconnected [Remote Disconnect]' });
      await pause();
      call.remove();
      return call;
    },
    send(message, route = {}) {
      for (const session of sessions.values()) {
        const subscriptions = [...session.subscriptions.values()];
        const target =
          (route.userQueue &&
            subscriptions.find((s) =>
              s.queueIds.some((q) => q.queueType === 1 && q.queueName === route.userQueue),
            )) ||
          subscriptions.find((s) => s.id === message.subscriptionId) ||
          subscriptions.find((s) => s.queueIds.every((q) => q.queueType === 2));
        push(session, { message: target ? { ...message, subscriptionId: target.id } : { ...message } });
      }
    },
    repeatLast() {
      for (const session of sessions.values()) if (session.last) push(session, { message: session.last });
    },
    sendMalformed(kind = 'text') {
      for (const session of sessions.values())
        if (kind === 'text')
          push(session, { raw: '{"__type":"urn:inin.com:queues:queueContentsMessage","subscriptionId":' });
        else push(session, { message: { subscriptionId: 'openconnect-workgroups', interactionsAdded: [] } });
    },
    connectionDown(reason = 'The server is shutting down.') {
      const state = (word: 'up' | 'down') =>
        options.connectionState === 'number' ? (word === 'up' ? 1 : 2) : word;
      for (const session of sessions.values())
        push(session, {
          message: {
            __type: CONNECTION_STATE_CHANGE,
            previousConnectionState: state('up'),
            newConnectionState: state('down'),
            reason,
            shouldReconnect: true,
          },
          endsSession: true,
        });
    },
    expireSessions() {
      for (const session of [...sessions.values()]) endSession(session);
    },
    drop() {
      for (const session of [...sessions.values()]) endSession(session, true);
      for (const socket of sockets) socket.destroy();
    },
    unavailable(alternateHostList) {
      unavailableHosts = alternateHostList;
    },
    failNext(count, status, path = '') {
      failures = { remaining: count, status, path };
    },
    stall(on) {
      stalled = on;
      if (on) return;
      for (const res of held) res.destroy();
      held.clear();
      for (const session of sessions.values()) flush(session);
    },
  };

  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    counters,
    controls,
    requests,
    sessions: () =>
      [...sessions.values()].map((s) => ({
        id: s.id,
        userId: s.userId,
        subscriptions: [...s.subscriptions.values()].map(({ id, queueIds, attributeNames }) => ({
          id,
          queueIds,
          attributeNames,
        })),
      })),
    async close() {
      clearInterval(sweeper);
      clearInterval(pinger);
      for (const session of [...sessions.values()]) endSession(session, true);
      for (const res of held) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
