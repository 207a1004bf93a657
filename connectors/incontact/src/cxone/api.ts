// The CXone REST side both sessions share: an access-key token (password grant with the API application's
// Basic credentials), and API calls that say what to do next when CXone refuses them: 401 once more with
// a new token, 403 names the permission, 429 carries the pause asked for. No message holds a secret or a token.
import { createTokenKeeper, type IssuedToken, parseRetryAfter, SessionError } from '@openconnect/core';
import { type AxiosInstance, type AxiosResponse, isAxiosError, type Method } from 'axios';
import type { InContactConfig } from '../config.js';

export interface CxoneApiOptions {
  http: AxiosInstance;
  config: InContactConfig;
  signal: AbortSignal;
  now: () => number;
}

export interface CallOptions {
  /** What the call is for, in the user's words ("polling contacts/active"). */
  what: string;
  /** The permission a 403 means is missing. */
  permission: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Request timeout, for long polls; default the host's. */
  timeoutMs?: number;
}

/** An answer the caller reads: 2xx, 304, 404, 409 (anything else throws a SessionError). */
export interface Answer<T> {
  status: number;
  /** The JSON body; undefined when empty. */
  data?: T;
  /** Set when the body is not JSON: why, without the body. */
  malformed?: string;
}

export interface CxoneApi {
  /** Gets a new token; resolves with when it expires (epoch ms). */
  login(): Promise<number>;
  /** `path` below `{api}/services/v{N}/`, or an absolute URL CXone gave (a next-page link). */
  call<T = unknown>(method: Method, path: string, options: CallOptions): Promise<Answer<T>>;
}

// A token without expires_in is taken to last an hour (CXone access-key tokens do, as far as we know).
const DEFAULT_TOKEN_LIFETIME_MS = 3_600_000;
const DEFAULT_PAUSE_MS = 1_000;
const PASSTHROUGH = [200, 201, 202, 204, 304, 404, 409];

/** The pause a 429 asks for: Retry-After in seconds or as a date; a second when it names none. */
export const retryAfterMs = (headers: AxiosResponse['headers'], now: number): number =>
  parseRetryAfter(headers?.['retry-after'], now) ?? DEFAULT_PAUSE_MS;

const reach = (error: unknown) => (isAxiosError(error) ? (error.code ?? error.message) : String(error));

/** An OAuth error code is safe to show (never the secret); anything else in the body is not read out. */
const oauthError = (data: unknown): string => {
  try {
    const code = (JSON.parse(String(data)) as { error?: unknown }).error;
    return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? ` ${code}` : '';
  } catch {
    return '';
  }
};

function readJson<T>(text: unknown): { data?: T; malformed?: string } {
  const body = typeof text === 'string' ? text.trim() : '';
  if (!body) return {};
  try {
    return { data: JSON.parse(body) as T };
  } catch (error) {
    return { malformed: `the answer is not JSON (${(error as Error).message.slice(0, 80)})` };
  }
}

export function createCxoneApi({ http, config: c, signal, now }: CxoneApiOptions): CxoneApi {
  const base = `${c.cxoneApiUrl!.replace(/\/+$/, '')}/services/v${c.cxoneApiVersion}/`;

  async function fetchToken(): Promise<IssuedToken> {
    const basic = Buffer.from(`${c.cxoneClientId}:${c.cxoneClientSecret}`).toString('base64');
    const form = new URLSearchParams({
      grant_type: 'password',
      username: c.cxoneAccessKeyId ?? '',
      password: c.cxoneAccessKeySecret ?? '',
    });
    const answer = await http
      .post(c.cxoneAuthUrl, form.toString(), {
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        responseType: 'text',
        transformResponse: (raw: unknown) => raw,
        signal,
      })
      .catch((error: unknown) => {
        throw new SessionError(
          `the CXone token endpoint could not be reached (${reach(error)}); check cxoneAuthUrl`,
        );
      });
    if (answer.status === 429)
      throw new SessionError('the CXone token endpoint asked to slow down (HTTP 429)', {
        retryAfterMs: retryAfterMs(answer.headers, now()),
      });
    if (answer.status === 400 || answer.status === 401 || answer.status === 403)
      throw new SessionError(
        `CXone refused the credentials (HTTP ${answer.status}${oauthError(answer.data)}): check cxoneAccessKeyId and cxoneAccessKeySecret (an access key of an active CXone user) and cxoneClientId and cxoneClientSecret (the registered API application)`,
        { failed: true },
      );
    const body = readJson<{ access_token?: unknown; expires_in?: unknown }>(answer.data).data;
    if (answer.status !== 200 || typeof body?.access_token !== 'string')
      throw new SessionError(`the CXone token endpoint answered HTTP ${answer.status} without a token`);
    const seconds = Number(body.expires_in);
    const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TOKEN_LIFETIME_MS;
    return { token: body.access_token, expiresAt: now() + lifetime };
  }

  // Calls that find the token refused while a renewal runs share that renewal; the session renews it
  // before it expires (renewBefore), so no margin here.
  const tokens = createTokenKeeper(fetchToken, { now, marginMs: 0 });
  const login = () => tokens.refresh();

  async function call<T>(
    method: Method,
    path: string,
    options: CallOptions,
    retried = false,
  ): Promise<Answer<T>> {
    const token = await tokens.token();
    const url = new URL(path, base);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, value);
    const answer = await http
      .request({
        method,
        url: url.toString(),
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        ...(options.body !== undefined ? { data: options.body } : {}),
        ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
        responseType: 'text',
        transformResponse: (raw: unknown) => raw,
        signal,
      })
      .catch((error: unknown) => {
        throw new SessionError(
          `the CXone API could not be reached (${options.what}: ${reach(error)}); check cxoneApiUrl`,
        );
      });
    const { status } = answer;
    if (status === 401) {
      if (retried)
        throw new SessionError(`CXone refused a new token too (${options.what}: HTTP 401)`, { failed: true });
      await login();
      return call(method, path, options, true);
    }
    if (status === 403)
      throw new SessionError(
        `CXone refused ${options.what} (HTTP 403): the access key's user needs ${options.permission}`,
        { failed: true },
      );
    if (status === 429)
      throw new SessionError(`CXone asked to slow down (${options.what}: HTTP 429)`, {
        retryAfterMs: retryAfterMs(answer.headers, now()),
      });
    if (!PASSTHROUGH.includes(status))
      throw new SessionError(`CXone answered HTTP ${status} (${options.what})`);
    return { status, ...readJson<T>(answer.data) };
  }

  return { login, call };
}
