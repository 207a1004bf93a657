// Genesys Cloud events name the agent only by a userId GUID. This resolves it to the login through the
// Users API (GET /api/v2/users/{id}), with an OAuth client-credentials token; both are cached.
import { createTokenKeeper, type IssuedToken } from '@openconnect/core';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import type { GenesysConfig } from './config.js';

export interface UserLookup {
  /** The user's login, or undefined when Genesys has no such user. Throws when the API cannot answer. */
  login(userId: string): Promise<string | undefined>;
}

export interface Services {
  /** Absent when no OAuth client is configured: unknown userIds are then ignored with a reason. */
  users?: UserLookup;
}

export interface UsersApiOptions {
  loginUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  loginField: 'username' | 'email';
  cacheTtlMs: number;
  timeoutMs: number;
  now?: () => number;
}

// A user Genesys does not know is asked about again after this, not after the full TTL.
const NEGATIVE_TTL_MS = 5 * 60 * 1000;
// Tokens are renewed this long before Genesys says they expire.
const TOKEN_MARGIN_MS = 60 * 1000;

export function createUsersApi(options: UsersApiOptions): UserLookup {
  const now = options.now ?? Date.now;
  const http: AxiosInstance = axios.create({ timeout: options.timeoutMs, validateStatus: () => true });
  const cache = new Map<string, { login: string | undefined; expires: number }>();
  async function fetchToken(): Promise<IssuedToken> {
    const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
    const answer = await http
      .post(new URL('/oauth/token', options.loginUrl).toString(), 'grant_type=client_credentials', {
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      })
      .catch((error: unknown) => {
        throw new Error(`the Genesys Cloud login host could not be reached (${describe(error)})`);
      });
    const body = answer.data as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (answer.status !== 200 || typeof body?.access_token !== 'string') {
      throw new Error(
        `the Genesys Cloud login host refused the client credentials (HTTP ${answer.status}); check cloudClientId, cloudClientSecret and cloudLoginUrl (the region)`,
      );
    }
    const lifetimeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 3_600_000;
    return { token: body.access_token, expiresAt: now() + lifetimeMs };
  }
  // Renewed this long before Genesys says it expires; concurrent look-ups share one token request.
  const tokens = createTokenKeeper(fetchToken, { now, marginMs: TOKEN_MARGIN_MS });

  async function getUser(userId: string, retried = false): Promise<string | undefined> {
    const url = new URL(`/api/v2/users/${encodeURIComponent(userId)}`, options.apiUrl).toString();
    const answer = await http
      .get(url, {
        headers: {
          authorization: `Bearer ${await tokens.token()}`,
          // Stryker disable next-line StringLiteral: Genesys answers JSON whatever the Accept header says
          accept: 'application/json',
        },
      })
      .catch((error: unknown) => {
        throw new Error(`the Genesys Cloud Users API could not be reached (${describe(error)})`);
      });
    if (answer.status === 401 && !retried) {
      tokens.invalidate(); // revoked or expired early: one fresh token, one more try
      return getUser(userId, true);
    }
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) {
      throw new Error(
        answer.status === 403
          ? 'the Genesys Cloud Users API answered 403: give the OAuth client a role with the user-view permission'
          : `the Genesys Cloud Users API answered HTTP ${answer.status}`,
      );
    }
    const value = (answer.data as Record<string, unknown> | undefined)?.[options.loginField];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  }

  return {
    async login(userId) {
      const hit = cache.get(userId);
      if (hit && hit.expires > now()) return hit.login;
      const login = await getUser(userId);
      cache.set(userId, {
        login,
        expires: now() + (login ? options.cacheTtlMs : Math.min(NEGATIVE_TTL_MS, options.cacheTtlMs)),
      });
      return login;
    },
  };
}

function describe(error: unknown): string {
  if (isAxiosError(error)) return error.code ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

export function setupServices(config: GenesysConfig): Services {
  if (!config.cloudClientId || !config.cloudClientSecret) return {};
  return {
    users: createUsersApi({
      loginUrl: config.cloudLoginUrl,
      apiUrl: config.cloudApiUrl,
      clientId: config.cloudClientId,
      clientSecret: config.cloudClientSecret,
      loginField: config.cloudLoginField,
      cacheTtlMs: config.cloudUserCacheTtlMs,
      timeoutMs: config.cloudTimeoutMs,
    }),
  };
}
