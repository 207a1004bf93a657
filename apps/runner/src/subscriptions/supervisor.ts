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

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const holderId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const random = options.random ?? Math.random;
  const http: AxiosInstance = axios.create({ timeout: 5_000, validateStatus: () => true });
  const stopping = new AbortController();
  const clean = (text: string) => redact(text, options.secrets);
  const loops: Promise<void>[] = [];
  const started = Date.now();

  const held = options.entries
    .flatMap(({ runtime, subscription }) =>
      sessionsOf(subscription, runtime.config).map((instance) => ({ runtime, subscription, instance })),
    )
    .map(({ runtime, subscription, instance }) => {
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
      const log = options.logger.child(labels);
      return {
        runtime,
        subscription,
        instance,
        labels,
        view,
        log,
        lastEventAt: undefined as number | undefined,
      };
    });
  /** One vendor session this replica may hold: its subscription, its instance and what operators see of it. */
  type HeldSession = (typeof held)[number];

  options.metrics.subscriptions.lastEventAges(() =>
    held
      .filter((session) => session.view.holding)
      .map((session) => ({
        ...session.labels,
        seconds: (Date.now() - (session.lastEventAt ?? started)) / 1000,
      })),
  );

  const setStatus = (session: HeldSession, status: SubscriptionStatus, detail?: string) => {
    const text = detail === undefined ? undefined : clean(detail);
    if (session.view.status !== status) {
      session.view.since = new Date().toISOString();
      const line = { status, ...(text ? { detail: text } : {}) };
      if (status === 'failed') session.log.error(line, 'subscription failed; retrying with backoff');
      else if (status === 'degraded') session.log.warn(line, 'subscription degraded');
      else session.log.info(line, `subscription ${status}`);
    }
    session.view.status = status;
    if (text === undefined) delete session.view.detail;
    else session.view.detail = text;
    options.metrics.subscriptions.connected.set(session.labels, status === 'connected' ? 1 : 0);
  };

  const sessionLog = (session: HeldSession): SessionLog => ({
    debug: (detail, message) => session.log.debug(detail, message),
    info: (detail, message) => session.log.info(detail, message),
    warn: (detail, message) => session.log.warn(detail, message),
    error: (detail, message) => session.log.error(detail, message),
  });

  const leaseName = (session: HeldSession) => `${session.labels.connector}/${session.labels.subscription}`;
  const positionKey = (session: HeldSession) => `subscription:${leaseName(session)}:position`;
  /** A third of the lease: how often it is renewed or sought, and how long one lease or position call may take. */
  const leaseTickMs = () => Math.max(250, Math.floor(options.settings.leaseTtlMs / 3));

  /** Holds the lease in the background while sessions run; aborts `lost` when it cannot be kept. */
  function keepLease(session: HeldSession, lost: AbortController): () => void {
    let renewedAt = Date.now();
    const timer = setInterval(async () => {
      try {
        const ok = await withTimeout(
          options.leases.acquire(leaseName(session), holderId, options.settings.leaseTtlMs),
          leaseTickMs(),
          'the lease store',
        );
        if (ok) renewedAt = Date.now();
        else lost.abort(new Error('another replica took the lease'));
      } catch {
        // The store is out: the lease is ours until its TTL runs out, then another replica may take it.
        if (Date.now() - renewedAt >= options.settings.leaseTtlMs)
          lost.abort(new Error('the lease could not be renewed'));
      }
    }, leaseTickMs());
    return () => clearInterval(timer);
  }

  async function runSessions(session: HeldSession, lost: AbortController) {
    const signal = AbortSignal.any([stopping.signal, lost.signal]);
    let failures = 0;
    let first = true;
    while (!signal.aborted) {
      if (!first) {
        session.view.reconnects += 1;
        options.metrics.subscriptions.reconnects.inc(session.labels);
      }
      first = false;
      setStatus(session, 'connecting');
      let connectedAt: number | undefined;
      let error: unknown;
      // A store that hangs (Redis outage) must not hang the session: no position then, the vendor's default.
      const position = await withTimeout(
        options.positions.get<string>(positionKey(session)),
        leaseTickMs(),
        'the state store',
      ).catch(() => undefined);
      try {
        await runSession(
          session.runtime,
          session.subscription,
          {
            http,
            log: sessionLog(session),
            publicUrl: options.publicUrl(),
            ...(session.instance !== undefined ? { instance: session.instance } : {}),
            ...(position !== undefined ? { position } : {}),
            savePosition: (p) =>
              withTimeout(
                options.positions.set(positionKey(session), p, POSITION_TTL_MS),
                leaseTickMs(),
                'the state store',
              ),
            store: (messages) => options.store(session.labels.connector, messages),
            onStatus(status, detail) {
              if (status === 'connected') connectedAt ??= Date.now();
              setStatus(session, status, detail);
            },
            onFrame(result) {
              session.lastEventAt = Date.now();
              session.view.lastEventAt = new Date(session.lastEventAt).toISOString();
              if (result.kind !== 'failed') session.view.events[result.kind] += 1;
              session.view.messages += result.stored;
              options.metrics.subscriptions.events.inc({ ...session.labels, outcome: result.kind });
            },
            onBadFrame(reason) {
              session.view.badFrames += 1;
              session.view.lastBadFrame = clean(reason);
              options.metrics.subscriptions.badFrames.inc(session.labels);
              session.log.warn({ reason: session.view.lastBadFrame }, 'bad frame ignored');
            },
            onRenewal(what, ok, reason) {
              session.view.renewals[ok ? 'ok' : 'failed'] += 1;
              options.metrics.subscriptions.renewals.inc({ ...session.labels, result: ok ? 'ok' : 'failed' });
              if (ok) session.log.debug({ what }, 'renewed');
              else session.log.warn({ what, reason }, 'renewal failed');
            },
          },
          signal,
        );
      } catch (caught) {
        error = caught;
      }
      if (signal.aborted) break;
      if (connectedAt !== undefined && Date.now() - connectedAt >= options.settings.stableMs) failures = 0;
      failures += 1;
      const reason = error === undefined ? 'the vendor ended the session' : clean(describeError(error));
      if (error !== undefined) session.view.lastError = reason;
      const exponential = Math.min(
        options.settings.backoffMaxMs,
        options.settings.backoffBaseMs * 2 ** (failures - 1),
      );
      const retryAfter = error instanceof SessionError ? (error.retryAfterMs ?? 0) : 0;
      const delay = Math.max(Math.round(random() * exponential), retryAfter);
      // Never connected, or refused outright: failed. Connected before and dropped: degraded, reconnecting.
      const failed =
        connectedAt === undefined ||
        (error instanceof SessionError && error.failed) ||
        error instanceof ConfigError;
      session.view.nextAttemptAt = new Date(Date.now() + delay).toISOString();
      setStatus(
        session,
        failed ? 'failed' : 'degraded',
        `${reason}; reconnecting in ${Math.round(delay / 100) / 10} s`,
      );
      await sleep(delay, signal);
      delete session.view.nextAttemptAt;
    }
  }

  async function hold(session: HeldSession) {
    const name = leaseName(session);
    while (!stopping.signal.aborted) {
      let mine = false;
      try {
        mine = await withTimeout(
          options.leases.acquire(name, holderId, options.settings.leaseTtlMs),
          leaseTickMs(),
          'the lease store',
        );
      } catch (error) {
        session.view.lastError = clean(describeError(error));
      }
      if (!mine) {
        const holder = await withTimeout(options.leases.holder(name), leaseTickMs(), 'the lease store').catch(
          () => undefined,
        );
        if (holder) session.view.holder = holder;
        else delete session.view.holder;
        session.view.holding = false;
        options.metrics.subscriptions.holding.set(session.labels, 0);
        setStatus(session, 'standby', holder ? `held by ${holder}` : 'waiting for the lease store');
        await sleep(leaseTickMs(), stopping.signal);
        continue;
      }
      session.view.holder = holderId;
      session.view.holding = true;
      options.metrics.subscriptions.holding.set(session.labels, 1);
      session.log.info({ holder: holderId }, 'holding the subscription');
      const lost = new AbortController();
      const release = keepLease(session, lost);
      try {
        await runSessions(session, lost);
      } finally {
        release();
      }
      session.view.holding = false;
      options.metrics.subscriptions.holding.set(session.labels, 0);
      if (lost.signal.aborted && !stopping.signal.aborted) {
        session.log.warn(
          { reason: describeError(lost.signal.reason) },
          'lease lost; the session was stopped',
        );
        session.view.lastError = describeError(lost.signal.reason);
      }
    }
    await withTimeout(options.leases.release(name, holderId), leaseTickMs(), 'the lease store').catch(
      () => {},
    );
    setStatus(session, 'stopped');
  }

  return {
    holderId,
    async check() {
      const problems: string[] = [];
      await Promise.all(
        held.map(async (session) => {
          if (!session.subscription.check) return;
          const controller = new AbortController();
          try {
            await withTimeout(
              session.subscription.check({
                config: session.runtime.config,
                services: session.runtime.services,
                directory: session.runtime.directory,
                state: session.runtime.state,
                http,
                log: sessionLog(session),
                now: Date.now,
                signal: controller.signal,
                ...(session.instance !== undefined ? { instance: session.instance } : {}),
                webhookUrl: (source) =>
                  `${options.publicUrl()}/webhooks/${session.labels.connector}/${source}`,
                sleep: (ms) => sleep(ms, controller.signal),
              }),
              options.settings.checkTimeoutMs,
              `the start-up check of ${leaseName(session)}`,
            );
          } catch (error) {
            const reason = clean(describeError(error));
            if (error instanceof ConfigError)
              problems.push(
                `connectors.${session.labels.connector} (${session.labels.subscription}): ${reason}`,
              );
            // The vendor unreachable now is the sessions' business: they retry and show why.
            else session.log.warn({ reason }, 'the start-up check could not finish; the session will retry');
          } finally {
            controller.abort();
          }
        }),
      );
      return problems;
    },
    start() {
      for (const session of held) loops.push(hold(session));
    },
    async stop() {
      stopping.abort();
      const all = Promise.all(loops);
      await Promise.race([all, sleep(options.settings.stopTimeoutMs)]);
    },
    list: () =>
      held.map((session) => ({
        ...session.view,
        events: { ...session.view.events },
        renewals: { ...session.view.renewals },
      })),
  };
}
