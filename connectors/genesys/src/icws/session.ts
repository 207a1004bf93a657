// One ICWS session: the login (trying each server in turn, and the switchover hosts a 503 names), then
// every request on /icws/{sessionId}/… with the session cookie and the ININ-ICWS-CSRF-Token header, the
// two things ICWS checks. The password is sent once, in the login body, and never appears in a message.
import { parseRetryAfter, SessionError } from '@openconnect/core';
import type { AxiosInstance, AxiosResponse } from 'axios';

export const ICWS_MEDIA_TYPE = 'application/vnd.inin.icws+JSON';
export const CSRF_HEADER = 'ININ-ICWS-CSRF-Token';
const CONNECTION_REQUEST = 'urn:inin.com:connection:icAuthConnectionRequestSettings';
const LANGUAGE = 'en-us';
/** Requests made while stopping (unsubscribe, log out) must not hold a shutdown up. */
const CLEANUP_TIMEOUT_MS = 2_000;

export interface Feature {
  featureId: string;
  version: number;
}

/** 401: the session is gone (idle timeout, logged out elsewhere, a server restart); log in again. */
export class IcwsSessionGone extends SessionError {}

/** 503: this server cannot serve now (switchover); `alternateHostList` names where to log in instead. */
export class IcwsUnavailable extends SessionError {
  constructor(
    message: string,
    readonly alternates: string[],
  ) {
    super(message);
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
    // Stryker disable next-line BlockStatement: an empty catch falls through to the same undefined
  } catch {
    return undefined;
  }
}

/** ICWS error bodies: `{"errorId":"error.request.connection.authenticationFailure","message":"…"}`. */
export function icwsReason(response: AxiosResponse): string {
  const body = readJson(response.data);
  const message = isRecord(body) && typeof body.message === 'string' ? body.message : undefined;
  const errorId = isRecord(body) && typeof body.errorId === 'string' ? body.errorId : undefined;
  if (message && errorId) return `${message} (${errorId})`;
  return message ?? errorId ?? `HTTP ${response.status}`;
}

/** A Retry-After header in seconds or as a date, in ms; a minute when absent. */
export const retryAfterMs = (response: AxiosResponse, now = Date.now()): number =>
  parseRetryAfter(response.headers['retry-after'], now) ?? 60_000;

/** `https://cic1:8019/icws/` → `https://cic1:8019`: the base every ICWS path is built on. */
export const serverBase = (url: string): string => url.replace(/\/+$/, '').replace(/\/icws$/i, '');

/**
 * A host from `alternateHostList` as a base URL. ICWS names hosts (`cic2`); they are reached with the
 * scheme and port of the server that named them. A `host:port` or a full URL is taken as it is.
 */
export function alternateBase(host: string, namedBy: string): string {
  const trimmed = host.trim();
  const lower = trimmed.toLowerCase();
  if (lower.startsWith('http://') || lower.startsWith('https://')) return serverBase(trimmed);
  const base = new URL(namedBy);
  // A port after the last colon (`cic2:8018`, `[fd00::2]:8018`); a bracketed IPv6 address ends in `]`.
  if (/:\d+$/.test(trimmed)) return `${base.protocol}//${trimmed}`;
  return `${base.protocol}//${trimmed}${base.port ? `:${base.port}` : ''}`;
}

const hostsOf = (response: AxiosResponse, namedBy: string): string[] => {
  const body = readJson(response.data);
  const hosts = isRecord(body) && Array.isArray(body.alternateHostList) ? body.alternateHostList : [];
  return hosts.map((host) => alternateBase(String(host), namedBy));
};

function cookiesOf(response: AxiosResponse): Map<string, string> {
  // An array from Node's HTTP adapter; one text from another adapter; absent when ICWS sets none.
  const lines = [response.headers['set-cookie']].flat().filter((line) => typeof line === 'string');
  const cookies = new Map<string, string>();
  for (const line of lines) {
    const pair = line.split(';')[0]!.trim();
    const at = pair.indexOf('=');
    if (at > 0) cookies.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return cookies;
}

export interface LoginRequest {
  http: AxiosInstance;
  /** Base URLs in the order to try them. */
  servers: string[];
  applicationName: string;
  userId: string;
  password: string;
  signal: AbortSignal;
  log?: (detail: Record<string, unknown>, message: string) => void;
}

/**
 * `POST /icws/connection?include=features` on each server in turn until one answers. A 503 puts the hosts
 * of its alternateHostList first; a server that cannot be reached is skipped. Refused credentials (or any
 * other 4xx) are final: SessionError `failed`, in ICWS's own words.
 */
export async function login(request: LoginRequest): Promise<IcwsSession> {
  const queue = request.servers.map(serverBase);
  const tried = new Set<string>();
  const problems: string[] = [];
  for (let server = queue.shift(); server !== undefined; server = queue.shift()) {
    if (tried.has(server)) continue;
    tried.add(server);
    let response: AxiosResponse;
    try {
      response = await request.http.post(
        `${server}/icws/connection?include=features`,
        {
          __type: CONNECTION_REQUEST,
          applicationName: request.applicationName,
          userID: request.userId,
          password: request.password,
        },
        {
          headers: {
            'Content-Type': ICWS_MEDIA_TYPE,
            'Accept-Language': LANGUAGE,
            Accept: 'application/json',
          },
          signal: request.signal,
        },
      );
    } catch (error) {
      if (request.signal.aborted) throw new SessionError('stopped while logging in to ICWS');
      problems.push(`${server}: ${(error as Error).message}`);
      continue;
    }
    if (response.status === 200 || response.status === 201)
      return IcwsSession.from(request, server, response);
    if (response.status === 503) {
      const next = hostsOf(response, server).filter((url) => !tried.has(url));
      request.log?.(
        { server, alternates: next },
        'ICWS answered 503 (switchover); trying its alternate hosts',
      );
      queue.unshift(...next);
      problems.push(`${server}: 503 ${icwsReason(response)}`);
      continue;
    }
    if (response.status === 429)
      throw new SessionError(`ICWS at ${server} asked to slow down (429) before the login`, {
        retryAfterMs: retryAfterMs(response),
      });
    if (response.status >= 400 && response.status < 500)
      throw new SessionError(
        `ICWS at ${server} refused the login of ${request.userId}: ${icwsReason(response)}. Check pureconnectUser and ` +
          'pureconnectPassword, that the user holds an ICWS (client access) licence, and that the URL is the ICWS port',
        { failed: true },
      );
    problems.push(`${server}: ${icwsReason(response)}`);
  }
  throw new SessionError(
    `no ICWS server accepted the login: ${problems.join('; ') || 'no server configured'}`,
  );
}

interface RequestOptions {
  data?: unknown;
  /** Answer as text (to read a malformed body ourselves). */
  text?: boolean;
  /** For requests made while stopping: a short timeout instead of the session's signal. */
  cleanup?: boolean;
}

export class IcwsSession {
  /** A request of this session was answered 401: ICWS has ended it, so there is nothing to log out of. */
  private gone = false;

  private constructor(
    private readonly http: AxiosInstance,
    readonly server: string,
    readonly sessionId: string,
    private readonly csrfToken: string,
    private readonly cookies: Map<string, string>,
    readonly features: Feature[],
    /** Hosts ICWS named for a switchover, as base URLs. */
    readonly alternates: string[],
    private readonly signal: AbortSignal,
  ) {}

  static from(request: LoginRequest, server: string, response: AxiosResponse): IcwsSession {
    const body = readJson(response.data);
    if (!isRecord(body) || typeof body.sessionId !== 'string' || typeof body.csrfToken !== 'string')
      throw new SessionError(`ICWS at ${server} answered the login without a sessionId and csrfToken`);
    const features = Array.isArray(body.features)
      ? body.features
          .filter(isRecord)
          .map((f) => ({ featureId: String(f.featureId), version: Number(f.version) || 0 }))
      : [];
    return new IcwsSession(
      request.http,
      server,
      body.sessionId,
      body.csrfToken,
      cookiesOf(response),
      features,
      hostsOf(response, server),
      request.signal,
    );
  }

  /** The messaging feature's version: 2 and above serve messages as server-sent events. */
  get messagingVersion(): number {
    return this.features.find((f) => f.featureId.toLowerCase() === 'messaging')?.version ?? 1;
  }

  url(path: string): string {
    return `${this.server}/icws/${this.sessionId}${path}`;
  }

  /** What every session request carries. */
  headers(): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return {
      [CSRF_HEADER]: this.csrfToken,
      'Accept-Language': LANGUAGE,
      ...(cookie ? { Cookie: cookie } : {}),
    };
  }

  /** Keeps the cookies ICWS sets on later answers (it may renew them). */
  private remember(response: AxiosResponse): void {
    for (const [name, value] of cookiesOf(response)) this.cookies.set(name, value);
  }

  /**
   * One request in the session. 401 → IcwsSessionGone, 503 → IcwsUnavailable, 429 → SessionError with
   * retryAfterMs; any other answer is returned for the caller to judge.
   */
  async request(
    method: 'GET' | 'PUT' | 'DELETE',
    path: string,
    options: RequestOptions = {},
  ): Promise<AxiosResponse> {
    const response = await this.http.request({
      method,
      url: this.url(path),
      headers: {
        ...this.headers(),
        Accept: 'application/json',
        ...(options.data ? { 'Content-Type': ICWS_MEDIA_TYPE } : {}),
      },
      ...(options.data ? { data: options.data } : {}),
      ...(options.text ? { responseType: 'text' as const, transformResponse: (data: unknown) => data } : {}),
      ...(options.cleanup ? { timeout: CLEANUP_TIMEOUT_MS } : { signal: this.signal }),
    });
    this.remember(response);
    if (response.status === 401) {
      this.gone = true;
      throw new IcwsSessionGone(
        `the ICWS session on ${this.server} is gone (401 on ${method} ${path}); logging in again`,
      );
    }
    if (response.status === 503)
      throw new IcwsUnavailable(
        `ICWS on ${this.server} answered 503 (${icwsReason(response)}); logging in again`,
        hostsOf(response, this.server),
      );
    if (response.status === 429)
      throw new SessionError(`ICWS on ${this.server} asked to slow down (429 on ${method} ${path})`, {
        retryAfterMs: retryAfterMs(response),
      });
    return response;
  }

  /**
   * Keeps an idle session alive (with server-sent events nothing else is sent). Belief: any request in the
   * session resets ICWS's idle timer; GET /connection is the cheapest, and only a 401 means it is gone.
   */
  async keepAlive(): Promise<void> {
    await this.request('GET', '/connection');
  }

  /**
   * Logs out (frees the licence at once). Best effort: the session is over either way. Nothing is sent once a
   * request of the session was answered 401 (a keep-alive, a poll, a subscription): ICWS would refuse it.
   */
  async logout(): Promise<void> {
    if (this.gone) return;
    await this.request('DELETE', '/connection', { cleanup: true }).catch(() => undefined);
  }
}
