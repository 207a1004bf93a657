// The AXP upkeep's decisions, one session run directly against a scripted AXP (no server, no timers): which
// subscription it keeps, what it replaces, the status it shows for each AXP status, what it logs, and how
// it ends. The emulator tests (axp-upkeep.test.ts) play the same over HTTP with real expiries.
import { SessionError, type SessionStatus } from '@openconnect/core';
import type { AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import type { AxpSubscription } from '../src/axp-upkeep/client.js';
import { config as schema } from '../src/config.js';
import { AUTH_TOKEN, ENDPOINT, upkeep } from './upkeep-helpers.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const SUBSCRIPTIONS = '/api/notification/v1/accounts/ZWJJIQ/subscriptions';
const EVENTS = schema.parse({}).axpEvents;

interface Call {
  method: string;
  path: string;
  data?: unknown;
}

/**
 * A scripted AXP holding `held` subscriptions: lists them, creates (new-1, new-2...), renews (ACTIVE, 900 s),
 * deletes; `statuses` are the statuses each later GET reads, in turn (then ACTIVE).
 */
function scriptedAxp(held: AxpSubscription[], statuses: (string | undefined | 404)[] = []) {
  const subscriptions = new Map(held.map((s) => [s.subscriptionId, { ...s }]));
  const calls: Call[] = [];
  let created = 0;
  const http = {
    request: async ({ method, url, data }: { method: string; url: string; data?: unknown }) => {
      const path = new URL(url).pathname;
      calls.push({ method, path, ...(data !== undefined && !path.endsWith('/token') ? { data } : {}) });
      if (path.endsWith('/token'))
        return { status: 200, headers: {}, data: { access_token: 'tok', expires_in: 300 } };
      if (path === SUBSCRIPTIONS && method === 'GET')
        return {
          status: 200,
          headers: {},
          data: { subscriptions: [...subscriptions.values()], pagination: { total: subscriptions.size } },
        };
      if (path === SUBSCRIPTIONS && method === 'POST') {
        created += 1;
        const subscription = {
          subscriptionId: `new-${created}`,
          status: 'ACTIVE',
          expiresIn: 900,
          ...(data as object),
        };
        subscriptions.set(subscription.subscriptionId, subscription);
        return { status: 201, headers: {}, data: subscription };
      }
      const id = decodeURIComponent(path.slice(SUBSCRIPTIONS.length + 1).replace(/:renew$/, ''));
      const found = subscriptions.get(id);
      if (method === 'DELETE') {
        subscriptions.delete(id);
        return { status: 204, headers: {} };
      }
      if (!found) return { status: 404, headers: {} };
      if (path.endsWith(':renew')) {
        Object.assign(found, { status: 'ACTIVE', expiresIn: 900 });
        return { status: 200, headers: {}, data: found };
      }
      const next = statuses.length ? statuses.shift() : 'ACTIVE';
      if (next === 404) return { status: 404, headers: {} };
      const { status: _s, ...rest } = found;
      return { status: 200, headers: {}, data: next === undefined ? rest : { ...rest, status: next } };
    },
  } as unknown as AxiosInstance;
  return { http, calls, subscriptions };
}

/** Runs the upkeep's connect with `checks` status checks, then stops it; what it said and scheduled. */
async function run(
  axp: ReturnType<typeof scriptedAxp>,
  { checks = 0, options = {} as Record<string, unknown> } = {},
) {
  const controller = new AbortController();
  const statuses: [SessionStatus, string | undefined][] = [];
  const logs: { level: string; detail: Record<string, unknown>; message: string }[] = [];
  const renewals: { what: string; at: number; renew: () => Promise<unknown> }[] = [];
  let slept = 0;
  const log = (level: string) => (detail: Record<string, unknown>, message: string) =>
    logs.push({ level, detail, message });
  const config = schema.parse({
    authToken: AUTH_TOKEN,
    axpApiUrl: 'https://na.api.avayacloud.com',
    axpAccountId: 'ZWJJIQ',
    axpClientId: 'cid',
    axpClientSecret: 'client-secret-value',
    axpAppKey: 'app-key-value',
    ...options,
  });
  const ctx = {
    config,
    services: undefined,
    directory: { get: () => undefined },
    http: axp.http,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    now: () => NOW,
    signal: controller.signal,
    webhookUrl: (source: string) => `http://127.0.0.1:8080/webhooks/avaya/${source}`,
    status: (status: SessionStatus, detail?: string) => statuses.push([status, detail]),
    emit: async () => ({ kind: 'accepted', stored: 0, duplicates: 0 }),
    badFrame: () => {},
    renewBefore: (what: string, at: number, renew: () => Promise<unknown>) =>
      renewals.push({ what, at, renew }),
    sleep: async () => {
      slept += 1;
      if (slept > checks) controller.abort();
    },
  };
  const error = await (upkeep.connect as (c: unknown) => Promise<void>)(ctx).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  return { error, statuses, logs, renewals, calls: axp.calls, abort: () => controller.abort() };
}

const ours = (id: string, extra: Partial<AxpSubscription> = {}): AxpSubscription => ({
  subscriptionId: id,
  status: 'ACTIVE',
  family: 'AGENT_ENGAGEMENT',
  events: [...EVENTS],
  expiresIn: 600,
  transport: { type: 'WEBHOOK', endpoint: ENDPOINT, authTokenHeader: 'auth-token' },
  ...extra,
});

describe('axp-upkeep: which subscription it keeps', () => {
  it('creates one for this runner when AXP has none, asking for the configured family and events', async () => {
    const axp = scriptedAxp([]);
    const { error, logs, statuses } = await run(axp);
    expect(error).toBeUndefined();
    expect(axp.calls.filter((c) => c.method === 'POST' && c.path === SUBSCRIPTIONS)).toEqual([
      {
        method: 'POST',
        path: SUBSCRIPTIONS,
        data: {
          family: 'AGENT_ENGAGEMENT',
          events: EVENTS,
          transport: {
            type: 'WEBHOOK',
            endpoint: ENDPOINT,
            authToken: AUTH_TOKEN,
            authTokenHeader: 'auth-token',
          },
        },
      },
    ]);
    expect(axp.calls.some((c) => c.path.endsWith(':renew'))).toBe(false);
    expect(logs.map((l) => l.message)).not.toContain(
      'reusing the AXP subscription to this runner (renewed it)',
    );
    expect(logs).toContainEqual({
      level: 'info',
      detail: { subscriptionId: 'new-1', endpoint: ENDPOINT, events: EVENTS },
      message: 'created the AXP subscription to this runner',
    });
    expect(statuses).toEqual([
      ['connecting', 'signing in to AXP as API client cid'],
      ['connected', `AXP subscription new-1 ACTIVE, delivering to ${ENDPOINT}`],
    ]);
  });

  it('takes an endpoint that differs only by a trailing slash, and a transport type in any case, as its own', async () => {
    const axp = scriptedAxp([ours('s-1', { transport: { type: 'webhook', endpoint: `${ENDPOINT}//` } })]);
    const { logs } = await run(axp);
    expect([...axp.subscriptions.keys()]).toEqual(['s-1']);
    expect(logs).toContainEqual({
      level: 'info',
      detail: { subscriptionId: 's-1', endpoint: ENDPOINT },
      message: 'reusing the AXP subscription to this runner (renewed it)',
    });
    expect(axp.calls.filter((c) => c.path.endsWith(':renew'))).toEqual([
      { method: 'POST', path: `${SUBSCRIPTIONS}/s-1:renew`, data: { transport: { authToken: AUTH_TOKEN } } },
    ]);
  });

  it('does not take a subscription without an endpoint, of another family, or to another URL', async () => {
    const foreign = [
      ours('no-endpoint', { transport: { type: 'WEBHOOK' } }),
      ours('other-family', { family: 'ANALYTICS' }),
      ours('other-url', { transport: { type: 'WEBHOOK', endpoint: `${ENDPOINT}/x` } }),
      ours('no-transport', { transport: undefined }),
      ours('no-type', { transport: { endpoint: ENDPOINT } }),
    ];
    const axp = scriptedAxp(foreign);
    await run(axp);
    expect([...axp.subscriptions.keys()]).toEqual([...foreign.map((s) => s.subscriptionId), 'new-1']);
  });

  it('of several of its own keeps the ACTIVE one that lives longest and deletes the others', async () => {
    const axp = scriptedAxp([
      ours('short', { expiresIn: 60 }),
      ours('inactive-long', { status: 'INACTIVE', expiresIn: 5_000 }),
      ours('long', { expiresIn: 800 }),
      ours('middle', { expiresIn: 400 }),
    ]);
    const { logs } = await run(axp);
    expect([...axp.subscriptions.keys()]).toEqual(['long']);
    expect(axp.calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(
      ['short', 'inactive-long', 'middle'].map((id) => `${SUBSCRIPTIONS}/${id}`),
    );
    expect(logs.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        detail: { kept: 'long', deleted: ['short', 'inactive-long', 'middle'], endpoint: ENDPOINT },
        message:
          'found 4 AXP subscriptions to this runner; kept one and deleted the others (AXP would send every event once per subscription)',
      },
    ]);
  });

  it('warns of no duplicates when it finds just one', async () => {
    const { logs } = await run(scriptedAxp([ours('s-1')]));
    expect(logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('keeps its subscription when the events are the same in another order, or not listed, or the header differs only in case', async () => {
    for (const kept of [
      ours('s-1', { events: [...EVENTS].reverse() }),
      ours('s-1', { events: undefined }),
      ours('s-1', { transport: { type: 'WEBHOOK', endpoint: ENDPOINT, authTokenHeader: 'Auth-Token' } }),
      ours('s-1', { transport: { type: 'WEBHOOK', endpoint: ENDPOINT } }),
    ]) {
      const axp = scriptedAxp([kept]);
      await run(axp);
      expect([...axp.subscriptions.keys()]).toEqual(['s-1']);
    }
  });

  it('replaces it when it asks for fewer or other events, creating the new one before deleting the old', async () => {
    for (const events of [EVENTS.slice(1), [...EVENTS.slice(1), 'AgentBusy']]) {
      const axp = scriptedAxp([ours('s-1', { events })]);
      const { logs } = await run(axp);
      expect([...axp.subscriptions.keys()]).toEqual(['new-1']);
      const order = axp.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
      expect(order.slice(1)).toEqual([`POST ${SUBSCRIPTIONS}`, `DELETE ${SUBSCRIPTIONS}/s-1`]);
      expect(logs).toContainEqual({
        level: 'info',
        detail: { replaced: 's-1', by: 'new-1' },
        message: 'axpEvents changed: replaced the AXP subscription',
      });
    }
  });

  it('names both changes when the events and the header changed', async () => {
    const axp = scriptedAxp([
      ours('s-1', {
        events: ['AgentReady'],
        transport: { type: 'WEBHOOK', endpoint: ENDPOINT, authTokenHeader: 'x-old' },
      }),
    ]);
    const { logs } = await run(axp);
    expect(logs.map((l) => l.message)).toContain(
      'axpEvents and authTokenHeader changed: replaced the AXP subscription',
    );
  });
});

describe('axp-upkeep: what it shows and schedules', () => {
  it('shows an AXP status it does not know as connecting, waiting for ACTIVE; none as an unknown state', async () => {
    const { statuses } = await run(scriptedAxp([ours('s-1')], ['PENDING', undefined, 'ACTIVE', 'ACTIVE']), {
      checks: 4,
    });
    expect(statuses.slice(1)).toEqual([
      ['connected', `AXP subscription s-1 ACTIVE, delivering to ${ENDPOINT}`],
      ['connecting', 'AXP subscription s-1 is PENDING; waiting for ACTIVE'],
      ['connecting', 'AXP subscription s-1 is in an unknown state; waiting for ACTIVE'],
      ['connected', `AXP subscription s-1 ACTIVE, delivering to ${ENDPOINT}`],
    ]);
  });

  it('renews an INACTIVE subscription at once, saying so', async () => {
    const axp = scriptedAxp([ours('s-1')], ['ACTIVE', 'INACTIVE']);
    const { statuses, logs } = await run(axp, { checks: 2 });
    expect(axp.calls.filter((c) => c.path.endsWith(':renew'))).toHaveLength(2);
    expect(statuses.slice(1).map(([s]) => s)).toEqual(['connected', 'degraded', 'connected']);
    expect(statuses[2]![1]).toBe('AXP subscription s-1 is INACTIVE (nothing is delivered); renewing it');
    expect(logs).toContainEqual({
      level: 'warn',
      detail: { subscriptionId: 's-1' },
      message: 'AXP set the subscription INACTIVE; renewing it now',
    });
  });

  it('checks the subscription every axpCheckIntervalMs until stopped, and ends quietly', async () => {
    const axp = scriptedAxp([ours('s-1')]);
    const { error } = await run(axp, { checks: 3 });
    expect(error).toBeUndefined();
    expect(axp.calls.filter((c) => c.method === 'GET' && c.path === `${SUBSCRIPTIONS}/s-1`)).toHaveLength(3);
  });

  it('ends the session when AXP no longer knows the subscription', async () => {
    const { error } = await run(scriptedAxp([ours('s-1')], [404]), { checks: 2 });
    expect(error).toBeInstanceOf(SessionError);
    expect(error!.message).toBe(
      'AXP no longer knows subscription s-1 (404; deleted?); the next session creates it again',
    );
  });

  it('schedules the token refresh and the subscription renewal on their expiries', async () => {
    const axp = scriptedAxp([ours('s-1')]);
    const { renewals } = await run(axp);
    expect(renewals.map((r) => [r.what, r.at])).toEqual([
      ['AXP access token', NOW + 300_000],
      ['AXP subscription', NOW + 900_000],
    ]);
    expect(await renewals[1]!.renew()).toBe(NOW + 900_000);
    expect(await renewals[0]!.renew()).toBe(NOW + 300_000);
  });
});
