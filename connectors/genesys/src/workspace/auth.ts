// The Authentication API token of one agent: the resource-owner password grant
// (GenesysPureEngage/authentication-client-js: POST {auth}/auth/v3/oauth/token, x-api-key, Basic client,
// form grant_type=password, username=tenant\user, password, client_id, scope=*), renewed with the refresh
// token when one was given, else with the password again.
import { parseRetryAfter, SessionError } from '@openconnect/core';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { WorkspaceAgent } from './settings.js';

export interface Token {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface AuthOptions {
  http: AxiosInstance;
  /** The Authentication API base URL. */
  url: string;
  apiKey: string;
  clientId: string;
  clientSecret: string;
  agent: WorkspaceAgent;
  now(): number;
  signal: AbortSignal;
}

/** Without expires_in, a token is assumed to last this long (belief: the API reference's example). */
const DEFAULT_LIFETIME_S = 3_600;

/** An object to read fields of (a list has none of the fields read here, so it needs no exception). */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The vendor's own words (OAuth error_description, Spring's errors[].message, a gateway message). */
export function vendorReason(data: unknown, status: number): string {
  if (isRecord(data)) {
    const first = Array.isArray(data.errors) && isRecord(data.errors[0]) ? data.errors[0] : undefined;
    const status_ = isRecord(data.status) ? data.status : undefined;
    for (const text of [data.error_description, first?.message, status_?.message, data.message, data.error])
      if (typeof text === 'string' && text.trim()) return text.trim().slice(0, 300);
  }
  if (typeof data === 'string' && data.trim() && !data.trimStart().startsWith('<'))
    return data.trim().slice(0, 300);
  return `HTTP ${status}`;
}

const retryAfterMs = (response: AxiosResponse): number =>
  parseRetryAfter(response.headers['retry-after']) ?? 5_000;

class RefreshRefused extends Error {}

export class AgentToken {
  #o: AuthOptions;
  #token: Token | undefined;

  constructor(options: AuthOptions) {
    this.#o = options;
  }

  /** A token by the password grant. Wrong credentials end the session as `failed`, in the vendor's words. */
  async signIn(): Promise<Token> {
    const { agent, clientId } = this.#o;
    this.#token = await this.#request({
      grant_type: 'password',
      username: agent.username,
      password: agent.password,
      client_id: clientId,
      scope: '*',
    });
    return this.#token;
  }

  /** A new token before this one expires: by the refresh token, else (or if refused) by the password. */
  async renew(): Promise<Token> {
    const refreshToken = this.#token?.refreshToken;
    if (refreshToken) {
      try {
        this.#token = await this.#request({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: this.#o.clientId,
          scope: '*',
        });
        return this.#token;
      } catch (error) {
        if (!(error instanceof RefreshRefused)) throw error;
      }
    }
    return this.signIn();
  }

  /**
   * renew(), tried again after a failure that may pass (network, 5xx, 429) while the current token is
   * still good: a blip in the API must not end a session whose cookie works. Refused credentials do not wait.
   */
  async renewInTime(sleep: (ms: number) => Promise<void>, warn: (why: string) => void): Promise<Token> {
    for (;;) {
      try {
        return await this.renew();
      } catch (error) {
        const left = (this.#token?.expiresAt ?? 0) - this.#o.now();
        if ((error instanceof SessionError && error.failed) || this.#o.signal.aborted || left < 250)
          throw error;
        warn(error instanceof Error ? error.message : String(error));
        await sleep(Math.min(5_000, left / 4));
      }
    }
  }

  async #request(form: Record<string, string>): Promise<Token> {
    const o = this.#o;
    const who = o.agent.username;
    const response = await o.http.post(
      `${o.url.replace(/\/+$/, '')}/auth/v3/oauth/token`,
      new URLSearchParams(form).toString(),
      {
        headers: {
          'x-api-key': o.apiKey,
          authorization: `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        signal: o.signal,
      },
    );
    // The vendor's text never carries the password back to a log (some servers echo the form).
    const reason = vendorReason(response.data, response.status).split(o.agent.password).join('[redacted]');
    const data = isRecord(response.data) ? response.data : {};
    if (response.status === 200 && typeof data.access_token === 'string' && data.access_token) {
      const lifetime = Number(data.expires_in);
      return {
        accessToken: data.access_token,
        // An empty refresh_token is kept as it came: renew() signs in by the password without one.
        ...(typeof data.refresh_token === 'string' ? { refreshToken: data.refresh_token } : {}),
        expiresAt:
          o.now() + (Number.isFinite(lifetime) && lifetime > 0 ? lifetime : DEFAULT_LIFETIME_S) * 1_000,
      };
    }
    if (
      form.grant_type === 'refresh_token' &&
      (response.status === 400 || (response.status === 401 && data.error === 'invalid_token'))
    )
      throw new RefreshRefused(reason);
    if (response.status === 400)
      throw new SessionError(
        `the Authentication API refused the sign-in of ${who}: ${reason} (check that agent's username, tenant\\user, and password in pureengageAgents)`,
        { failed: true },
      );
    if (response.status === 401)
      throw new SessionError(
        `the Authentication API refused the OAuth client ${o.clientId}: ${reason} (check pureengageClientId and pureengageClientSecret)`,
        { failed: true },
      );
    if (response.status === 403)
      throw new SessionError(
        `the Authentication API refused the request for ${who}: ${reason} (check pureengageApiKey, and that the client may use the password grant)`,
        { failed: true },
      );
    if (response.status === 429)
      throw new SessionError(`the Authentication API asks to slow down (429): ${reason}`, {
        retryAfterMs: retryAfterMs(response),
      });
    throw new SessionError(`the Authentication API answered ${response.status} for ${who}: ${reason}`);
  }
}
