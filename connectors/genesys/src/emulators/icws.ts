// A local PureConnect ICWS server (127.0.0.1, port 0) for tests and benchmarks. It checks what ICWS checks:
// the login body, then on every session request both the session cookie and the ININ-ICWS-CSRF-Token header
// (401 otherwise), and sessions idle past their timeout are gone (401). Queue subscriptions get a snapshot,
// then deltas; messages are served by short polling (a JSON array) or server-sent events (messaging version
// 2, with `:ping` comments). Faults: 503 with alternateHostList, a connection-down message, early expiry,
// dropped connections, malformed and duplicate messages, a stall, any status on the next requests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createControls, type FaultState } from './icws-controls.js';
import { type EmulatedSubscription, subscriptionProblem } from './icws-queues.js';
import { type Session, SessionStore } from './icws-sessions.js';
import {
  ICWS_EMULATOR_PASSWORD,
  ICWS_EMULATOR_USER,
  type IcwsCounters,
  type IcwsEmulator,
  type IcwsEmulatorOptions,
  type IcwsRequest,
} from './icws-types.js';

export type { Attributes, AttributeValue } from './icws-queues.js';
export * from './icws-types.js';

const CONNECTION_REQUEST = 'urn:inin.com:connection:icAuthConnectionRequestSettings';
const MEDIA_TYPE = 'application/vnd.inin.icws+JSON; charset=utf-8';

type Res = http.ServerResponse;

function answer(res: Res, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) res.writeHead(status, headers).end();
  else res.writeHead(status, { 'content-type': MEDIA_TYPE, ...headers }).end(JSON.stringify(body));
}
/** ICWS error bodies; the code is the one public clients show for a refused login. */
const icwsError = (errorId: string, message: string) => ({ errorId, errorCode: -2147221503, message });

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

const parsed = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
};

export async function startIcwsEmulator(options: IcwsEmulatorOptions = {}): Promise<IcwsEmulator> {
  const users = options.users ?? { [ICWS_EMULATOR_USER]: ICWS_EMULATOR_PASSWORD };
  const version = options.messagingVersion ?? 2;
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
  const store = new SessionStore(counters, options.sessionIdleMs ?? 120_000, options.pingMs ?? 15_000);
  const faults: FaultState = {
    failures: { remaining: 0, status: 500, path: '' },
    held: new Set(),
    sockets: new Set(),
  };
  const requests: IcwsRequest[] = [];

  function login(req: http.IncomingMessage, res: Res, url: URL, body: unknown) {
    if (!/^application\/(vnd\.inin\.icws\+)?json/i.test(req.headers['content-type'] ?? ''))
      return answer(
        res,
        415,
        icwsError('error.request.unsupportedMediaType', 'Use application/vnd.inin.icws+JSON.'),
      );
    if (!req.headers['accept-language'])
      return answer(
        res,
        400,
        icwsError('error.request.missingAcceptLanguage', 'Accept-Language is required.'),
      );
    const settings = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (
      settings.__type !== CONNECTION_REQUEST ||
      typeof settings.applicationName !== 'string' ||
      !settings.applicationName
    )
      return answer(
        res,
        400,
        icwsError(
          'error.request.invalidRepresentation',
          `Send a ${CONNECTION_REQUEST} with an applicationName.`,
        ),
      );
    const userId = typeof settings.userID === 'string' ? settings.userID : '';
    if (!Object.hasOwn(users, userId) || users[userId] !== settings.password) {
      counters.refusedLogins += 1;
      return answer(
        res,
        400,
        icwsError('error.request.connection.authenticationFailure', 'The authentication process failed.'),
      );
    }
    counters.logins += 1;
    const session = store.open(userId);
    const features = [
      { featureId: 'connection', version: 10 },
      { featureId: 'messaging', version },
      { featureId: 'queues', version: 4 },
    ];
    const include = (url.searchParams.get('include') ?? '').split(',');
    answer(
      res,
      201,
      {
        csrfToken: session.csrfToken,
        sessionId: session.id,
        alternateHostList: options.alternateHostList ?? [],
        userID: userId,
        userDisplayName: userId,
        icServer: 'CIC1',
        ...(include.includes('features') ? { features } : {}),
      },
      {
        location: `/icws/${session.id}/connection`,
        'set-cookie': `${session.cookieName}=${session.cookieValue}; Path=/icws/${session.id}; HttpOnly`,
      },
    );
  }

  function subscription(session: Session, res: Res, method: string, id: string, body: unknown) {
    if (method === 'DELETE') {
      counters.unsubscribes += 1;
      session.subscriptions.delete(id);
      return answer(res, 204);
    }
    const problem = subscriptionProblem(body);
    if (problem) return answer(res, 400, icwsError('error.request.invalidRepresentation', problem));
    const { queueIds, attributeNames } = body as Pick<EmulatedSubscription, 'queueIds' | 'attributeNames'>;
    for (const q of queueIds) {
      const viewable =
        q.queueType === 1
          ? options.viewable?.users
          : q.queueType === 2
            ? options.viewable?.workgroups
            : undefined;
      if (viewable && !viewable.includes(q.queueName))
        return answer(
          res,
          403,
          icwsError(
            'error.request.accessDenied',
            `The user does not have rights to view the queue ${q.queueName}.`,
          ),
        );
    }
    counters.subscribes += 1;
    answer(res, 204);
    store.subscribe(session, { id, queueIds, attributeNames, members: new Set() });
  }

  function messages(session: Session, req: http.IncomingMessage, res: Res) {
    if ((req.headers.accept ?? '').includes('text/event-stream') && version >= 2) {
      counters.streams += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      session.streams.add(res);
      res.on('close', () => session.streams.delete(res));
      return store.flush(session);
    }
    counters.polls += 1;
    const taken = store.take(session);
    if ('raw' in taken) return void res.writeHead(200, { 'content-type': MEDIA_TYPE }).end(taken.raw);
    answer(res, 200, taken.messages);
    if (taken.ends) store.end(session);
  }

  async function handle(req: http.IncomingMessage, res: Res) {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const body = parsed(await readBody(req));
    const shown =
      typeof body === 'object' && body !== null && 'password' in body ? { ...body, password: '***' } : body;
    requests.push({
      method,
      path: url.pathname,
      query: url.search,
      headers: { ...(req.headers as Record<string, string>) },
      ...(shown === undefined ? {} : { body: shown }),
    });
    if (store.stalled) return void faults.held.add(res);
    if (faults.unavailableHosts) {
      counters.unavailable += 1;
      const alternateHostList = faults.unavailableHosts;
      return answer(res, 503, {
        ...icwsError('error.server.unavailable', 'The server is switching over.'),
        alternateHostList,
      });
    }
    const { failures } = faults;
    if (failures.remaining > 0 && url.pathname.includes(failures.path)) {
      failures.remaining -= 1;
      const headers: Record<string, string> = failures.status === 429 ? { 'retry-after': '1' } : {};
      return answer(
        res,
        failures.status,
        icwsError('error.server.injected', `Injected ${failures.status}.`),
        headers,
      );
    }
    if (method === 'POST' && url.pathname === '/icws/connection') return login(req, res, url, body);
    const match = /^\/icws\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!match) return answer(res, 404, icwsError('error.request.notFound', 'No such resource.'));
    store.sweep();
    const session = store.sessions.get(match[1]!);
    const cookie = session && cookiesOf(req).get(session.cookieName);
    if (
      !session ||
      cookie !== session.cookieValue ||
      req.headers['inin-icws-csrf-token'] !== session.csrfToken
    ) {
      counters.unauthorized += 1;
      return answer(
        res,
        401,
        icwsError(
          'error.request.unauthorized',
          'A valid session, its cookie and its CSRF token are required.',
        ),
      );
    }
    session.lastActivity = Date.now();
    const rest = match[2]!;
    if (rest === '/connection' && method === 'GET') {
      counters.keepAlives += 1;
      return answer(res, 200, { userID: session.userId, icServer: 'CIC1' });
    }
    if (rest === '/connection' && method === 'DELETE') {
      counters.logouts += 1;
      store.end(session);
      return answer(res, 204);
    }
    const queue = /^\/messaging\/subscriptions\/queues\/([^/]+)$/.exec(rest);
    if (queue && (method === 'PUT' || method === 'DELETE'))
      return subscription(session, res, method, decodeURIComponent(queue[1]!), body);
    if (rest === '/messaging/messages' && method === 'GET') return messages(session, req, res);
    answer(res, 404, icwsError('error.request.notFound', 'No such resource.'));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) answer(res, 500, icwsError('error.server.internal', 'Internal error.'));
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
    host: `127.0.0.1:${port}`,
    counters,
    controls: createControls(store, faults, options),
    requests,
    sessions: () =>
      [...store.sessions.values()].map((s) => ({
        id: s.id,
        userId: s.userId,
        subscriptions: [...s.subscriptions.values()].map(({ id, queueIds, attributeNames }) => ({
          id,
          queueIds,
          attributeNames,
        })),
      })),
    async close() {
      store.close();
      for (const res of faults.held) res.destroy();
      for (const socket of faults.sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
