// The slice of the AXP REST API the upkeep needs: the client-credentials token (Avaya's auth API) and the
// Notification API's subscriptions (list, create, get, renew, delete). Every refusal becomes a SessionError
// that says what to fix, naming options but never their values.
import { parseRetryAfter, redact, SessionError } from '@openconnect/core';
import type { AxiosInstance, AxiosResponse, Method } from 'axios';
import type { AvayaConfig } from '../config.js';

/** A subscription as the Notification API returns it (fields we read; the rest is ignored). */
export interface AxpSubscription {
  subscriptionId: string;
  status?: string;
  family?: string;
  events?: string[];
  createdAt?: string;
  expiresAt?: string;
  /** Seconds left before AXP sets it INACTIVE. */
  expiresIn?: number;
  transport?: { type?: string; endpoint?: string; authTokenHeader?: string };
}

export interface WebhookTransport {
  type: 'WEBHOOK';
  endpoint: string;
  authToken: string;
  authTokenHeader: string;
}

/** The documented page size limit of GET .../subscriptions. */
export const PAGE_SIZE = 25;
/** Pages read at most (2,500 subscriptions): a guard against a server whose paging never ends. */
const MAX_PAGES = 100;
/** When AXP names no lifetime (Avaya's examples say 900 s). */
const DEFAULT_LIFETIME_S = 900;
const DEFAULT_RETRY_AFTER_MS = 60_000;

type UpkeepConfig = Required<
  Pick<AvayaConfig, 'axpApiUrl' | 'axpAccountId' | 'axpClientId' | 'axpClientSecret' | 'axpAppKey'>
> &
  Pick<AvayaConfig, 'axpTokenPath' | 'axpSubscriptionsPath' | 'authToken'>;

export interface AxpClientOptions {
  config: AvayaConfig;
  http: AxiosInstance;
  signal: AbortSignal;
  now: () => number;
}

export interface AxpClient {
  /** Gets a fresh access token; returns when it expires (epoch ms). */
  login(): Promise<number>;
  /** Every subscription of the account, page by page. */
  list(): Promise<AxpSubscription[]>;
  create(body: { family: string; events: string[]; transport: WebhookTransport }): Promise<AxpSubscription>;
  /** undefined when AXP no longer knows it (404). */
  get(id: string): Promise<AxpSubscription | undefined>;
  /** Renews (and reactivates) it, putting `authToken` in place. Throws when AXP no longer knows it. */
  renew(id: string, authToken: string): Promise<AxpSubscription>;
  /** Deletes it; one already gone counts as deleted. */
  remove(id: string): Promise<void>;
}

/** When a subscription goes INACTIVE: the earlier of expiresAt and now + expiresIn (clocks differ). */
export function expiryOf(subscription: AxpSubscription, now: number): number {
  const candidates: number[] = [];
  // Number.isFinite does not coerce: true only for a finite number.
  if (Number.isFinite(subscription.expiresIn))
    candidates.push(now + (subscription.expiresIn as number) * 1000);
  const at = subscription.expiresAt ? Date.parse(subscription.expiresAt) : Number.NaN;
  if (Number.isFinite(at)) candidates.push(at);
  return candidates.length ? Math.min(...candidates) : now + DEFAULT_LIFETIME_S * 1000;
}

/** Retry-After as seconds or an HTTP date, in ms from now. */
export const retryAfterMs = (value: unknown, now: number): number =>
  parseRetryAfter(value, now) ?? DEFAULT_RETRY_AFTER_MS;

export function createAxpClient({ config, http, signal, now }: AxpClientOptions): AxpClient {
  const c = config as UpkeepConfig;
  const secrets = [c.axpClientSecret, c.axpAppKey, c.authToken];
  const account = encodeURIComponent(c.axpAccountId);
  const tokenUrl = c.axpApiUrl + c.axpTokenPath.replaceAll('{accountId}', account);
  const subscriptionsUrl = c.axpApiUrl + c.axpSubscriptionsPath.replaceAll('{accountId}', account);
  let accessToken: string | undefined;

  /** The vendor's own words about a refusal (error codes, messages), without any secret and kept short. */
  const vendorSays = (response: AxiosResponse): string => {
    const data = response.data as Record<string, unknown> | string | undefined;
    const words =
      typeof data === 'string'
        ? data
        : [
            data?.error,
            data?.error_description,
            data?.code,
            data?.message,
            (data?.fault as { faultstring?: unknown } | undefined)?.faultstring,
          ]
            .filter((v) => typeof v === 'string' || typeof v === 'number')
            .join(': ');
    const text = redact(String(words).replace(/\s+/g, ' ').trim(), [...secrets, accessToken]).slice(0, 200);
    return text ? ` (${text})` : '';
  };

  const send = async (
    what: string,
    request: {
      method: Method;
      url: string;
      headers?: Record<string, string>;
      data?: unknown;
      params?: Record<string, unknown>;
    },
  ) => {
    try {
      return await http.request({ ...request, signal, validateStatus: () => true });
    } catch (error) {
      if (signal.aborted) throw new SessionError(`the AXP upkeep was stopped while ${what}`);
      const code = (error as { code?: string }).code;
      const reason =
        code === 'ECONNABORTED' || code === 'ETIMEDOUT'
          ? 'it did not answer in time'
          : (code ?? (error as Error).message);
      throw new SessionError(
        `could not reach AXP at ${c.axpApiUrl} while ${what}: ${redact(String(reason), secrets)}`,
      );
    }
  };

  /** The errors every call shares: 403, 429, 5xx and anything else unexpected. */
  const refused = (what: string, response: AxiosResponse): SessionError => {
    const says = vendorSays(response);
    if (response.status === 403) {
      return new SessionError(
        `AXP answered 403 (missing permission) while ${what}${says}: the API client needs access to the Notification API subscriptions of account ${c.axpAccountId}`,
        { failed: true },
      );
    }
    if (response.status === 429) {
      return new SessionError(`AXP is rate-limiting (429) while ${what}${says}`, {
        retryAfterMs: retryAfterMs(response.headers['retry-after'], now()),
      });
    }
    return new SessionError(`AXP answered ${response.status} while ${what}${says}`);
  };

  async function login(): Promise<number> {
    const what = 'getting an access token';
    const response = await send(what, {
      method: 'POST',
      url: tokenUrl,
      headers: {
        appkey: c.axpAppKey,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      data: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.axpClientId,
        client_secret: c.axpClientSecret,
      }).toString(),
    });
    if (response.status === 400 || response.status === 401) {
      throw new SessionError(
        `AXP refused the API client (${response.status} on the token request)${vendorSays(response)}: check axpClientId, axpClientSecret, axpAppKey (the AppKey of the same API client) and axpAccountId`,
        { failed: true },
      );
    }
    const body = response.data as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (response.status !== 200 || typeof body?.access_token !== 'string') {
      throw response.status === 200
        ? new SessionError(`AXP's token answer holds no access_token (${tokenUrl})`)
        : refused(what, response);
    }
    accessToken = body.access_token;
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_LIFETIME_S;
    return now() + lifetime * 1000;
  }

  /** A Notification API call with the current token; a 401 gets one fresh token and one more try. */
  async function call(
    what: string,
    method: Method,
    path: string,
    data?: unknown,
    params?: Record<string, unknown>,
  ) {
    for (let attempt = 0; ; attempt++) {
      if (!accessToken) await login();
      const response = await send(what, {
        method,
        url: subscriptionsUrl + path,
        headers: {
          authorization: `Bearer ${accessToken}`,
          appkey: c.axpAppKey,
          accept: 'application/json',
          ...(data ? { 'content-type': 'application/json' } : {}),
        },
        ...(data ? { data } : {}),
        ...(params ? { params } : {}),
      });
      if (response.status !== 401) return response;
      accessToken = undefined;
      if (attempt >= 1) {
        throw new SessionError(
          `AXP refused a fresh access token (401) while ${what}${vendorSays(response)}: check that axpAppKey belongs to the API client axpClientId and that it may use the Notification API`,
          { failed: true },
        );
      }
    }
  }

  const subscriptionFrom = (what: string, response: AxiosResponse): AxpSubscription => {
    const body = response.data as AxpSubscription | undefined;
    if (typeof body?.subscriptionId !== 'string')
      throw new SessionError(`AXP's answer holds no subscriptionId while ${what}`);
    return body;
  };
  const one = (id: string) => `/${encodeURIComponent(id)}`;

  return {
    login,

    async list() {
      const all: AxpSubscription[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const what = `listing subscriptions (page ${page})`;
        const response = await call(what, 'GET', '', undefined, { pageNumber: page, pageSize: PAGE_SIZE });
        if (response.status !== 200) throw refused(what, response);
        const body = response.data as {
          subscriptions?: AxpSubscription[];
          pagination?: { total?: number };
          links?: { next?: string };
        };
        const items = Array.isArray(body?.subscriptions)
          ? body.subscriptions.filter((s) => typeof s?.subscriptionId === 'string')
          : [];
        all.push(...items);
        const total = body?.pagination?.total;
        const more =
          typeof total === 'number'
            ? page * PAGE_SIZE < total
            : Boolean(body?.links?.next) || items.length === PAGE_SIZE;
        if (!more || !items.length) break;
      }
      return all;
    },

    async create(body) {
      const what = 'creating the subscription';
      const response = await call(what, 'POST', '', body);
      if (response.status !== 200 && response.status !== 201) throw refused(what, response);
      return subscriptionFrom(what, response);
    },

    async get(id) {
      const what = `reading subscription ${id}`;
      const response = await call(what, 'GET', one(id));
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw refused(what, response);
      return subscriptionFrom(what, response);
    },

    async renew(id, authToken) {
      const what = `renewing subscription ${id}`;
      const response = await call(what, 'POST', `${one(id)}:renew`, { transport: { authToken } });
      if (response.status === 404)
        throw new SessionError(
          `AXP no longer knows subscription ${id} (404 on renew); the next session creates it again`,
        );
      if (response.status !== 200 && response.status !== 201) throw refused(what, response);
      // A renewal answered without the subscription still renewed it; read it back for its expiry.
      if (typeof (response.data as AxpSubscription | undefined)?.subscriptionId === 'string')
        return response.data as AxpSubscription;
      const current = await this.get(id);
      if (!current) throw new SessionError(`AXP no longer knows subscription ${id} after renewing it`);
      return current;
    },

    async remove(id) {
      const what = `deleting subscription ${id}`;
      const response = await call(what, 'DELETE', one(id));
      if (
        response.status !== 200 &&
        response.status !== 202 &&
        response.status !== 204 &&
        response.status !== 404
      )
        throw refused(what, response);
    },
  };
}
