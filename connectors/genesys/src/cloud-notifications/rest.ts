// The notification session's REST side: a client-credentials token from the login host, and API calls
// that say what to do next when Genesys refuses them (401 once more with a new token, 403 names the
// permission, 429 carries the pause Genesys asked for). No message ever holds the secret or a token.
import { createTokenKeeper, type IssuedToken, parseRetryAfter, SessionError } from '@openconnect/core';
import { type AxiosInstance, type AxiosResponse, isAxiosError, type Method } from 'axios';

export interface RestOptions {
  http: AxiosInstance;
  loginUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  signal: AbortSignal;
  now: () => number;
}

export interface CallOptions {
  /** What the call is for, in the user's words ("creating a notification channel"). */
  what: string;
  /** The permission a 403 means is missing. */
  permission: string;
  body?: unknown;
  query?: Record<string, string>;
}

export interface GenesysRest {
  /** Gets a new token; resolves with when it expires (epoch ms). */
  login(): Promise<number>;
  /** One API call; answers 2xx and 404 (the caller decides what a missing thing means), throws otherwise. */
  call<T = unknown>(method: Method, path: string, options: CallOptions): Promise<{ status: number; data: T }>;
}

// A token without expires_in is taken to last an hour (Genesys issues 24 h client-credentials tokens).
const DEFAULT_TOKEN_LIFETIME_MS = 3_600_000;
const DEFAULT_PAUSE_MS = 1_000;

/** The pause a 429 asks for: Retry-After (seconds or a date), else inin-ratelimit-reset (seconds). */
export const retryAfterMs = (headers: AxiosResponse['headers'], now: number): number =>
  parseRetryAfter(headers['retry-after'], now) ??
  parseRetryAfter(headers['inin-ratelimit-reset']) ??
  DEFAULT_PAUSE_MS;

const reach = (error: unknown) => (isAxiosError(error) ? (error.code ?? error.message) : String(error));

export function createRest(options: RestOptions): GenesysRest {
  async function fetchToken(): Promise<IssuedToken> {
    const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
    const answer = await options.http
      .post(new URL('/oauth/token', options.loginUrl).toString(), 'grant_type=client_credentials', {
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        signal: options.signal,
      })
      .catch((error: unknown) => {
        throw new SessionError(
          `the Genesys Cloud login host could not be reached (${reach(error)}); check cloudLoginUrl`,
        );
      });
    const body = answer.data as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (answer.status === 429)
      throw new SessionError('the Genesys Cloud login host asked to slow down (HTTP 429)', {
        retryAfterMs: retryAfterMs(answer.headers, options.now()),
      });
    if (answer.status === 200 && typeof body?.access_token === 'string') {
      const lifetime =
        typeof body.expires_in === 'number' ? body.expires_in * 1000 : DEFAULT_TOKEN_LIFETIME_MS;
      return { token: body.access_token, expiresAt: options.now() + lifetime };
    }
    if (answer.status === 400 || answer.status === 401 || answer.status === 403)
      throw new SessionError(
        `the Genesys Cloud login host refused the client credentials (HTTP ${answer.status}); check cloudClientId, cloudClientSecret and cloudLoginUrl (the region), and that the OAuth client's grant type is Client Credentials`,
        { failed: true },
      );
    throw new SessionError(`the Genesys Cloud login host answered HTTP ${answer.status}`);
  }

  // Calls that find the token refused while a renewal runs share that renewal. The session renews it
  // before it expires (renewBefore), so no margin here.
  const tokens = createTokenKeeper(fetchToken, { now: options.now, marginMs: 0 });
  const login = () => tokens.refresh();

  async function call<T>(
    method: Method,
    path: string,
    request: CallOptions,
    retried = false,
  ): Promise<{ status: number; data: T }> {
    const token = await tokens.token();
    const url = new URL(path, options.apiUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const answer = await options.http
      .request({
        method,
        url: url.toString(),
        headers: {
          authorization: `Bearer ${token}`,
          // Stryker disable next-line StringLiteral: Genesys answers JSON whatever the Accept header says
          accept: 'application/json',
        },
        data: request.body,
        signal: options.signal,
      })
      .catch((error: unknown) => {
        throw new SessionError(
          `the Genesys Cloud API could not be reached (${request.what}: ${reach(error)}); check cloudApiUrl`,
        );
      });
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 404)
      return { status: answer.status, data: answer.data as T };
    if (answer.status === 401 && !retried) {
      // Expired or revoked early: one new token, one more try.
      await login();
      return call<T>(method, path, request, true);
    }
    if (answer.status === 401)
      throw new SessionError(
        `the Genesys Cloud API refused a new OAuth token (${request.what}, HTTP 401); check the OAuth client`,
        {
          failed: true,
        },
      );
    if (answer.status === 403)
      throw new SessionError(
        `the Genesys Cloud API answered 403 (${request.what}): give the OAuth client a role with the ${request.permission} permission`,
        { failed: true },
      );
    if (answer.status === 429)
      throw new SessionError(`the Genesys Cloud API asked to slow down (${request.what}, HTTP 429)`, {
        retryAfterMs: retryAfterMs(answer.headers, options.now()),
      });
    throw new SessionError(`the Genesys Cloud API answered HTTP ${answer.status} (${request.what})`);
  }

  return { login, call: (method, path, options) => call(method, path, options) };
}
