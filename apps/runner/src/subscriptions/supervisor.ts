// The supervisor: holds every enabled subscription's vendor session for as long as the runner runs.
// Once for all vendors: the lease (one holder per subscription across replicas), reconnects with
// exponential backoff and full jitter, the saved stream position, and what operators see (status, counts,
// metrics). The session itself (core runSession + the connector's connect) speaks the vendor protocol.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  ConfigError,
  type ConnectorRuntime,
  describeError,
  type PreparedMessage,
  redact,
  runSession,
  SessionError,
  type SessionLog,
  sessionsOf,
  type StateStore,
  type SubscriptionDefinition,
  type SubscriptionStatus,
  sleep,
} from '@openconnect/core';
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { LeaseStore } from '../outbox/types.js';
import { withTimeout } from '../timeout.js';

export interface SubscriptionSettings {
  /** How long a hold lasts without renewal; another replica takes over after it (Redis). */
  leaseTtlMs: number;
  /** Reconnect delay: up to base·2^(n-1) (full jitter), capped at max. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A session connected for this long resets the backoff. */
  stableMs: number;
  /** Budget for each subscription's start-up check against its vendor. */
  checkTimeoutMs: number;
  /** Budget for sessions to end on shutdown. */
  stopTimeoutMs: number;
}

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  leaseTtlMs: 15_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  stableMs: 30_000,
  checkTimeoutMs: 10_000,
  stopTimeoutMs: 10_000,
};

/** What /admin/subscriptions, /readyz and the dashboard show of one subscription. */
export interface SubscriptionView {
  connector: string;
  /** The subscription id, with `:<instance>` for one of several sessions (an agent's own session). */
  subscription: string;
  /** Which of the subscription's instances this session is. */
  instance?: string;
  description: string;
  status: SubscriptionStatus;
  /** When the status last changed (ISO). */
  since: string;
  detail?: string;
  lastError?: string;
  /** The replica holding the lease (this one or another). */
  holder?: string;
  holding: boolean;
  events: { accepted: number; ignored: number; invalid: number };
  messages: number;
  badFrames: number;
  lastBadFrame?: string;
  reconnects: number;
  renewals: { ok: number; failed: number };
  lastEventAt?: string;
  /** When the next connection attempt is due, while waiting out a backoff. */
  nextAttemptAt?: string;
}

export interface SupervisorOptions {
  entries: { runtime: ConnectorRuntime; subscription: SubscriptionDefinition }[];
  leases: LeaseStore;
  /** Where positions are kept (the outbox's state store, not namespaced). */
  positions: StateStore;
  /** Stores messages durably (the same intake the webhooks use); rejects when it cannot. */
  store(connector: string, messages: PreparedMessage[]): Promise<{ stored: number; duplicates: number }>;
  settings: SubscriptionSettings;
  metrics: Metrics;
  logger: Logger;
  publicUrl(): string;
  /** Secret values, kept out of statuses and errors. */
  secrets: string[];
  random?: () => number;
}

export interface Supervisor {
  /** This replica's name in leases. */
  readonly holderId: string;
  /** Runs each subscription's start-up check; ConfigError messages are returned as problems. */
  check(): Promise<string[]>;
  start(): void;
  /** Ends every session, waits within the budget, gives the leases up. */
  stop(): Promise<void>;
  list(): SubscriptionView[];
}

const POSITION_TTL_MS = 30 * 24 * 60 * 60_000;


export function createSupervisor(o: SupervisorOptions): Supervisor {
  const holderId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const random = o.random ?? Math.random;
  const http: AxiosInstance = axios.create({ timeout: 5_000, validateStatus: () => true });
  const stopping = new AbortController();
  const clean = (text: string) => redact(text, o.secrets);
  const loops: Promise<void>[] = [];
  const started = Date.now();

  const held = o.entries.flatMap(({ runtime, subscription }) =>
    sessionsOf(subscription, runtime.config).map((instance) => ({ runtime, subscription, instance })),
  ).map(({ runtime, subscription, instance }) => {
    const name = instance === undefined ? subscription.id : `${subscription.id}:${instance}`;
    const labels = { connector: runtime.connector.id, subscription: name };
    const view: SubscriptionView = {
      ...labels,
      ...(instance !== undefined ? { instance } : {}),
      description: subscription.description,
      status: 'stopped',
      since: new Date().toISOString(),
      holding: false,
      events: { accepted: 0, ignored: 0, invalid: 0 },
      messages: 0,
      badFrames: 0,
      reconnects: 0,
      renewals: { ok: 0, failed: 0 },
    };
    const log = o.logger.child(labels);
    return { runtime, subscription, instance, labels, view, log, lastEventAt: undefined as number | undefined };
  });
  type Held = (typeof held)[number];

  o.metrics.subscriptions.lastEventAges(() =>
    held
      .filter((h) => h.view.holding)
      .map((h) => ({ ...h.labels, seconds: (Date.now() - (h.lastEventAt ?? started)) / 1000 })),
  );

  const setStatus = (h: Held, status: SubscriptionStatus, detail?: string) => {
    const text = detail === undefined ? undefined : clean(detail);
    if (h.view.status !== status) {
      h.view.since = new Date().toISOString();
      const line = { status, ...(text ? { detail: text } : {}) };
      if (status === 'failed') h.log.error(line, 'subscription failed; retrying with backoff');
      else if (status === 'degraded') h.log.warn(line, 'subscription degraded');
      else h.log.info(line, `subscription ${status}`);
    }
    h.view.status = status;
    if (text === undefined) delete h.view.detail;
    else h.view.detail = text;
    o.metrics.subscriptions.connected.set(h.labels, status === 'connected' ? 1 : 0);
  };

  const sessionLog = (h: Held): SessionLog => ({
    debug: (detail, message) => h.log.debug(detail, message),
    info: (detail, message) => h.log.info(detail, message),
    warn: (detail, message) => h.log.warn(detail, message),
    error: (detail, message) => h.log.error(detail, message),
  });

  const leaseName = (h: Held) => `${h.labels.connector}/${h.labels.subscription}`;
  const positionKey = (h: Held) => `subscription:${leaseName(h)}:position`;
  const leaseCallMs = () => Math.max(250, Math.floor(o.settings.leaseTtlMs / 3));

  /** Holds the lease in the background while sessions run; aborts `lost` when it cannot be kept. */
  function keepLease(h: Held, lost: AbortController): () => void {
    let renewedAt = Date.now();
    const timer = setInterval(async () => {
      try {
        const ok = await withTimeout(o.leases.acquire(leaseName(h), holderId, o.settings.leaseTtlMs), leaseCallMs(), 'the lease store');
        if (ok) renewedAt = Date.now();
        else lost.abort(new Error('another replica took the lease'));
      } catch {
        // The store is out: the lease is ours until its TTL runs out, then another replica may take it.
        if (Date.now() - renewedAt >= o.settings.leaseTtlMs) lost.abort(new Error('the lease could not be renewed'));
      }
    }, leaseCallMs());
    return () => clearInterval(timer);
  }

  async function runSessions(h: Held, lost: AbortController) {
    const signal = AbortSignal.any([stopping.signal, lost.signal]);
    let failures = 0;
    let first = true;
    while (!signal.aborted) {
      if (!first) {
        h.view.reconnects += 1;
        o.metrics.subscriptions.reconnects.inc(h.labels);
      }
      first = false;
      setStatus(h, 'connecting');
      let connectedAt: number | undefined;
      let error: unknown;
      // A store that hangs (Redis outage) must not hang the session: no position then, the vendor's default.
      const position = await withTimeout(o.positions.get<string>(positionKey(h)), leaseCallMs(), 'the state store').catch(() => undefined);
      try {
        await runSession(
          h.runtime,
          h.subscription,
          {
            http,
            log: sessionLog(h),
            publicUrl: o.publicUrl(),
            ...(h.instance !== undefined ? { instance: h.instance } : {}),
            ...(position !== undefined ? { position } : {}),
            savePosition: (p) => withTimeout(o.positions.set(positionKey(h), p, POSITION_TTL_MS), leaseCallMs(), 'the state store'),
            store: (messages) => o.store(h.labels.connector, messages),
            onStatus(status, detail) {
              if (status === 'connected') connectedAt ??= Date.now();
              setStatus(h, status, detail);
            },
            onFrame(result) {
              h.lastEventAt = Date.now();
              h.view.lastEventAt = new Date(h.lastEventAt).toISOString();
              if (result.kind !== 'failed') h.view.events[result.kind] += 1;
              h.view.messages += result.stored;
              o.metrics.subscriptions.events.inc({ ...h.labels, outcome: result.kind });
            },
            onBadFrame(reason) {
              h.view.badFrames += 1;
              h.view.lastBadFrame = clean(reason);
              o.metrics.subscriptions.badFrames.inc(h.labels);
              h.log.warn({ reason: h.view.lastBadFrame }, 'bad frame ignored');
            },
            onRenewal(what, ok, reason) {
              h.view.renewals[ok ? 'ok' : 'failed'] += 1;
              o.metrics.subscriptions.renewals.inc({ ...h.labels, result: ok ? 'ok' : 'failed' });
              if (ok) h.log.debug({ what }, 'renewed');
              else h.log.warn({ what, reason }, 'renewal failed');
            },
          },
          signal,
        );
      } catch (caught) {
        error = caught;
      }
      if (signal.aborted) break;
      if (connectedAt !== undefined && Date.now() - connectedAt >= o.settings.stableMs) failures = 0;
      failures += 1;
      const reason = error === undefined ? 'the vendor ended the session' : clean(describeError(error));
      if (error !== undefined) h.view.lastError = reason;
      const exponential = Math.min(o.settings.backoffMaxMs, o.settings.backoffBaseMs * 2 ** (failures - 1));
      const retryAfter = error instanceof SessionError ? (error.retryAfterMs ?? 0) : 0;
      const delay = Math.max(Math.round(random() * exponential), retryAfter);
      // Never connected, or refused outright: failed. Connected before and dropped: degraded, reconnecting.
      const failed = connectedAt === undefined || (error instanceof SessionError && error.failed) || error instanceof ConfigError;
      h.view.nextAttemptAt = new Date(Date.now() + delay).toISOString();
      setStatus(h, failed ? 'failed' : 'degraded', `${reason}; reconnecting in ${Math.round(delay / 100) / 10} s`);
      await sleep(delay, signal);
      delete h.view.nextAttemptAt;
    }
  }

  async function hold(h: Held) {
    const name = leaseName(h);
    while (!stopping.signal.aborted) {
      let mine = false;
      try {
        mine = await withTimeout(o.leases.acquire(name, holderId, o.settings.leaseTtlMs), leaseCallMs(), 'the lease store');
      } catch (error) {
        h.view.lastError = clean(describeError(error));
      }
      if (!mine) {
        const holder = await withTimeout(o.leases.holder(name), leaseCallMs(), 'the lease store').catch(() => undefined);
        if (holder) h.view.holder = holder;
        else delete h.view.holder;
        h.view.holding = false;
        o.metrics.subscriptions.holding.set(h.labels, 0);
        setStatus(h, 'standby', holder ? `held by ${holder}` : 'waiting for the lease store');
        await sleep(leaseCallMs(), stopping.signal);
        continue;
      }
      h.view.holder = holderId;
      h.view.holding = true;
      o.metrics.subscriptions.holding.set(h.labels, 1);
      h.log.info({ holder: holderId }, 'holding the subscription');
      const lost = new AbortController();
      const release = keepLease(h, lost);
      try {
        await runSessions(h, lost);
      } finally {
        release();
      }
      h.view.holding = false;
      o.metrics.subscriptions.holding.set(h.labels, 0);
      if (lost.signal.aborted && !stopping.signal.aborted) {
        h.log.warn({ reason: describeError(lost.signal.reason) }, 'lease lost; the session was stopped');
        h.view.lastError = describeError(lost.signal.reason);
      }
    }
    await withTimeout(o.leases.release(name, holderId), leaseCallMs(), 'the lease store').catch(() => {});
    setStatus(h, 'stopped');
  }

  return {
    holderId,
    async check() {
      const problems: string[] = [];
      await Promise.all(
        held.map(async (h) => {
          if (!h.subscription.check) return;
          const controller = new AbortController();
          try {
            await withTimeout(
              h.subscription.check({
                config: h.runtime.config,
                services: h.runtime.services,
                directory: h.runtime.directory,
                state: h.runtime.state,
                http,
                log: sessionLog(h),
                now: Date.now,
                signal: controller.signal,
                ...(h.instance !== undefined ? { instance: h.instance } : {}),
                webhookUrl: (source) => `${o.publicUrl()}/webhooks/${h.labels.connector}/${source}`,
                sleep: (ms) => sleep(ms, controller.signal),
              }),
              o.settings.checkTimeoutMs,
              `the start-up check of ${leaseName(h)}`,
            );
          } catch (error) {
            const reason = clean(describeError(error));
            if (error instanceof ConfigError) problems.push(`connectors.${h.labels.connector} (${h.labels.subscription}): ${reason}`);
            // The vendor unreachable now is the sessions' business: they retry and show why.
            else h.log.warn({ reason }, 'the start-up check could not finish; the session will retry');
          } finally {
            controller.abort();
          }
        }),
      );
      return problems;
    },
    start() {
      for (const h of held) loops.push(hold(h));
    },
    async stop() {
      stopping.abort();
      const all = Promise.all(loops);
      await Promise.race([all, sleep(o.settings.stopTimeoutMs)]);
    },
    list: () => held.map((h) => ({ ...h.view, events: { ...h.view.events }, renewals: { ...h.view.renewals } })),
  };
}
