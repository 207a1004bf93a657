// startRunner: config → outbox → sender → HTTP server, and the reverse on close. Tests start real runners
// with it, in-process or as child processes (main.ts).
import {
  type ConnectorDefinition,
  type ConnectorRuntime,
  createRuntime,
  DEFAULT_BASE_URL,
  type StateStore,
} from '@openconnect/core';
import { type Emulator, EMULATOR_DEFAULT_JWT, startEmulator } from '@openconnect/core/testing';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ConfigProblems, lateStateStore, loadConfig, type RunnerConfig } from './config.js';
import { newDemoSecret, sampleCurl, sampleOptions } from './demo.js';
import { createLogger } from './logger.js';
import { type Activity, createActivity } from './dashboard/activity.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createOutbox } from './outbox/index.js';
import type { Outbox, OutboxHooks } from './outbox/types.js';
import { createRateLimiter } from './rate-limit.js';
import { type ReloadOutcome, reload } from './reload.js';
import type { Env } from './references.js';
import { createSender } from './sender.js';
import type { ServerContext } from './context.js';
import { createIntake } from './intake.js';
import { buildMetricsServer, buildServer } from './server.js';
import { createSupervisor, type Supervisor } from './subscriptions/supervisor.js';

export { ConfigProblems, loadConfig, type RunnerConfig } from './config.js';
export type { ReloadOutcome } from './reload.js';
export type { SubscriptionView } from './subscriptions/supervisor.js';

/** Every subscription of the enabled connectors that the deployment's options ask for. */
function enabledSubscriptions(config: RunnerConfig) {
  return config.connectors.flatMap(({ connector, runtime }) =>
    (connector.subscriptions ?? [])
      .filter((subscription) => subscription.enabled(runtime.config))
      .map((subscription) => ({ runtime, subscription })),
  );
}

export interface StartOptions {
  /** Config file path (default env.CONFIG). */
  configPath?: string;
  /** A config document instead of a file. */
  config?: unknown;
  /** Environment to read (default process.env). */
  env?: Env;
  /** The connectors that exist (default: @openconnect/registry). */
  connectors?: readonly ConnectorDefinition[];
  /** Log lines go here instead of stdout. */
  logDestination?: { write(line: string): unknown };
  /** Where connectors' fixtures live, for the demo's sample request (default: the repo's connectors/). */
  fixturesDir?: string;
  /** Use this outbox instead of opening config.outbox. */
  outbox?: Outbox;
}

export interface Runner {
  /** Where the server listens, e.g. http://127.0.0.1:8080. */
  url: string;
  /** What vendors call (PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** Where /metrics is served when it has a listener of its own (METRICS_PORT), e.g. http://127.0.0.1:9464. */
  metricsUrl?: string;
  app: FastifyInstance;
  outbox: Outbox;
  config: RunnerConfig;
  metrics: Metrics;
  logger: Logger;
  /** The in-process emulator, when no real jwt is configured. */
  emulator?: Emulator;
  target: ServerContext['target'];
  /** The vendor sessions this runner holds or stands by for. */
  supervisor: Supervisor;
  /**
   * Quick-start mode: what was enabled with the generated demo secret, a request to try, and the admin
   * token generated for the dashboard when ADMIN_TOKEN was not set.
   */
  demo?: { secret: string; connectors: ConnectorDefinition[]; curl?: string; adminToken?: string };
  /**
   * Reads the config file, the environment and the _FILE secrets again and applies what can change while
   * running (SIGHUP and POST /admin/reload call it). Throws ConfigProblems, changing nothing, on a bad config.
   */
  reload(): ReloadOutcome;
  /** Stops accepting, finishes in-flight sends, closes the store. Idempotent. */
  close(): Promise<void>;
}

/** What each delivery attempt, dead letter and pause becomes: metrics, dashboard counts and log lines. */
function outboxHooks(
  metrics: Metrics,
  logger: Logger,
  activity: Activity,
  keyPause: { paused: boolean },
): OutboxHooks {
  return {
    onAttempt(record, result, latencyMs) {
      const connector = record.connector;
      const log = {
        id: record.id,
        connector,
        agentid: record.agentid,
        event: record.event,
        attempt: record.attempts,
        // To a tenth of a millisecond: performance.now()'s differences have 17 digits, noise in a log line.
        latencyMs: Math.round(latencyMs * 10) / 10,
        // Names the vendor's event (connector/source/event id), to find a vendor's delivery in the log.
        dedupeKey: record.dedupeKey,
      };
      if (result.ok) {
        metrics.delivered.inc({ connector });
        activity.count(connector, 'delivered');
        // sinceAcceptedMs: from the 2xx to the vendor until OpenConnect's answer, the delay the runner added to
        // the screen pop (latencyMs is this attempt's HTTP exchange alone).
        const sinceAcceptedMs = Math.max(0, Date.now() - record.acceptedAt);
        metrics.latency.observe({ connector }, sinceAcceptedMs / 1000);
        // The one info line a message gets when all goes well (the intake's own line is at debug).
        logger.info({ ...log, status: result.status, sinceAcceptedMs }, 'delivered');
      } else if (result.pause) {
        keyPause.paused = true;
        logger.error({ ...log, status: result.status, error: result.error }, 'OpenConnect refused the jwt');
      } else if (result.retryable) {
        metrics.retried.inc({ connector });
        if (result.timedOut) metrics.timeouts.inc({ connector });
        logger.warn(
          { ...log, status: result.status, error: result.error },
          result.timedOut
            ? 'delivery timed out (OpenConnect may have taken it: a retry can arrive twice); will retry after the backoff'
            : 'delivery failed; will retry',
        );
      } else {
        logger.error({ ...log, status: result.status, error: result.error }, 'delivery refused');
      }
    },
    onDead(record) {
      metrics.dead.inc({ connector: record.connector });
      activity.count(record.connector, 'dead');
      logger.error(
        { id: record.id, connector: record.connector, agentid: record.agentid, reason: record.deadReason },
        'dead letter',
      );
    },
    onPauseChange(paused, reason) {
      metrics.paused.set(paused ? 1 : 0);
      if (!paused) keyPause.paused = false;
      if (paused)
        logger.error(
          { reason },
          'ALERT: delivery paused until the jwt is fixed (put the new key in place, then POST /admin/reload or send SIGHUP)',
        );
      else logger.info('delivery resumed');
    },
    onWarningsChange(warnings) {
      metrics.canLoseEvents.set(warnings.length ? 1 : 0);
      if (warnings.length) for (const warning of warnings) logger.error(`ALERT: ${warning}`);
      else logger.info('the outbox store keeps accepted events again');
    },
  };
}

/** Enables every connector whose options can be filled with a demo secret (quick start, emulator only). */
function enableDemo(config: RunnerConfig, available: readonly ConnectorDefinition[], state: StateStore) {
  const secret = newDemoSecret();
  const enabled: ConnectorDefinition[] = [];
  for (const connector of available) {
    if (connector.setup) continue; // look-ups reach vendor clouds: never in a demo
    try {
      const runtime = createRuntime(
        connector,
        { options: sampleOptions(connector, secret) },
        { state, secrets: config.secrets },
      );
      config.connectors.push({ connector, runtime });
      enabled.push(connector);
    } catch {
      // Needs options a demo cannot invent (a region, a URL pattern): left off in the demo.
    }
  }
  if (!config.secrets.includes(secret)) config.secrets.push(secret);
  // A new user's first look is the dashboard: without ADMIN_TOKEN it would be closed, so the demo makes
  // a token (printed in the banner only, scrubbed from logs like every secret).
  let adminToken: string | undefined;
  if (!config.adminToken) {
    adminToken = newDemoSecret();
    config.adminToken = adminToken;
    config.secrets.push(adminToken);
  }
  return { secret, connectors: enabled, ...(adminToken ? { adminToken } : {}) };
}

/** The port a listener got (0 asks for any free one) and a URL that reaches it from this host. */
function listeningAt(app: FastifyInstance, host: string, configured: number) {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : configured;
  return { port, url: `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}` };
}

export async function startRunner(options: StartOptions = {}): Promise<Runner> {
  const state = lateStateStore();
  const env = options.env ?? process.env;
  // Loaded only when needed, so a host that passes its own connectors does not import every vendor.
  const available = options.connectors ?? (await import('@openconnect/registry')).connectors;
  // The same sources every time: a reload reads the file, the environment and the _FILE secrets again.
  const load = (secrets?: string[]) =>
    loadConfig({
      ...(options.configPath ? { path: options.configPath } : {}),
      ...(options.config !== undefined ? { document: options.config } : {}),
      env,
      available,
      state,
      ...(secrets ? { secrets } : {}),
    });
  const config = load();
  const nothingConfigured =
    !options.configPath &&
    options.config === undefined &&
    !env.CONFIG &&
    !env.CONNECTORS &&
    !config.connectors.length; // CONNECTOR_<ID>_<OPTION> variables configure connectors too
  const demo =
    nothingConfigured && !config.openconnect.jwt ? enableDemo(config, available, state) : undefined;
  // A demo's secrets are printed in the banner: it listens on this machine only unless HOST says otherwise.
  if (demo && !env.HOST && !env.HOST_FILE) config.host = '127.0.0.1';
  const logger = createLogger({
    level: config.logLevel,
    secrets: config.secrets,
    destination: options.logDestination,
  });
  const emulator = config.openconnect.jwt ? undefined : await startEmulator({ host: '127.0.0.1' });
  const target = {
    baseUrl: emulator ? emulator.endpoint : (config.openconnect.url ?? DEFAULT_BASE_URL),
    method: config.openconnect.method,
    crmid: config.openconnect.crmid,
    emulator: Boolean(emulator),
  };
  const sender = createSender({
    ...target,
    jwt: config.openconnect.jwt ?? EMULATOR_DEFAULT_JWT,
    timeoutMs: config.openconnect.timeoutMs,
  });
  let opened: Outbox | undefined;
  const metrics = createMetrics(() => opened);
  const activity = createActivity();
  const keyPause = { paused: false };
  let box: Outbox;
  try {
    box =
      options.outbox ??
      (await createOutbox(config.outbox, {
        ...(config.delivery.retry ? { retry: config.delivery.retry } : {}),
        ...(config.delivery.concurrency ? { concurrency: config.delivery.concurrency } : {}),
        ...(config.delivery.pauseProbeMs ? { pauseProbeMs: config.delivery.pauseProbeMs } : {}),
        ...(config.delivery.dedupeWindowMs ? { dedupeWindowMs: config.delivery.dedupeWindowMs } : {}),
        ...(config.delivery.retainDelivered ? { retainDelivered: config.delivery.retainDelivered } : {}),
        // The intake's writes give up when the vendor is answered 503 (redis-writes.ts).
        redis: {
          ...config.delivery.redis,
          writeTimeoutMs: config.limits.storeTimeoutMs,
          // A stop lets a send in flight end (at most openconnect.timeoutMs) and its outcome be saved.
          closeTimeoutMs: config.delivery.redis?.closeTimeoutMs ?? config.openconnect.timeoutMs + 5_000,
        },
        sqlite: { synchronous: config.outboxSync, commitWindowMs: config.outboxCommitWindowMs },
        hooks: outboxHooks(metrics, logger, activity, keyPause),
      }));
  } catch (error) {
    sender.close();
    await emulator?.close();
    throw error;
  }
  opened = box;
  state.attach(box.state);
  // A store the operator accepted with its risk (delivery.redis.acceptDataLoss) says so at every start.
  const storeWarnings = box.warnings?.() ?? [];
  metrics.canLoseEvents.set(storeWarnings.length ? 1 : 0);
  for (const warning of storeWarnings) logger.warn(warning);

  let publicUrl = config.publicUrl ?? '';
  const runtimes = new Map<string, ConnectorRuntime>(
    config.connectors.map((c) => [c.connector.id, c.runtime]),
  );
  const store = createIntake({ outbox: box, metrics, config });
  const subscribed = config.subscriptions.enabled ? enabledSubscriptions(config) : [];
  const supervisor = createSupervisor({
    entries: subscribed,
    leases: box.leases,
    positions: box.state,
    store: async (connector, messages) => {
      const result = await store(connector, messages);
      return { stored: result.stored.length, duplicates: result.duplicates.length };
    },
    settings: config.subscriptions,
    metrics,
    logger,
    publicUrl: () => publicUrl,
    secrets: config.secrets,
  });
  // A subscription whose names the vendor does not know stops start-up, like any other config error.
  const problems = await supervisor.check();
  if (problems.length) {
    await box.close();
    sender.close();
    await emulator?.close();
    throw new ConfigProblems(problems);
  }
  const reloadNow = (): ReloadOutcome => {
    try {
      if (demo)
        throw new ConfigProblems([
          'the demo runner has no configuration to reload: set CONFIG, CONNECTORS or CONNECTOR_<ID>_<OPTION> and OPENCONNECT_JWT, then restart',
        ]);
      const outcome = reload({
        config,
        runtimes,
        target,
        sender,
        outbox: box,
        logger,
        // The running list: every logger, runtime and answer scrubs through it, so new secrets join it.
        load: () => load(config.secrets),
        pausedByKey: () => keyPause.paused && box.pausedReason() !== undefined,
        subscribed: new Set(subscribed.map(({ runtime }) => runtime.connector.id)),
      });
      logger.info(outcome, 'configuration reloaded');
      if (outcome.restartNeeded.length)
        logger.warn(
          { restartNeeded: outcome.restartNeeded },
          'changed settings that are read at start-up only: they take effect at the next restart',
        );
      return outcome;
    } catch (error) {
      if (error instanceof ConfigProblems)
        logger.error({ problems: error.problems }, 'reload refused: the running configuration stays');
      throw error;
    }
  };
  const serverContext: ServerContext = {
    config,
    runtimes,
    outbox: box,
    metrics,
    logger,
    limiter: createRateLimiter(config.limits.ratePerSecond, config.limits.burst),
    publicUrl: () => publicUrl,
    target,
    activity,
    store,
    subscriptions: () => supervisor.list(),
    reload: reloadNow,
  };
  const app = buildServer(serverContext);
  const metricsApp = config.metricsPort === undefined ? undefined : buildMetricsServer(serverContext);
  try {
    await app.listen({ port: config.port, host: config.host });
    await metricsApp?.listen({ port: config.metricsPort, host: config.metricsHost });
  } catch (error) {
    await app.close();
    await box.close();
    sender.close();
    await emulator?.close();
    throw error;
  }
  const { port, url } = listeningAt(app, config.host, config.port);
  const metricsUrl = metricsApp
    ? listeningAt(metricsApp, config.metricsHost, config.metricsPort!).url
    : undefined;
  publicUrl ||= `http://localhost:${port}`;
  if (!config.adminToken) logger.warn('the admin API is disabled (403): set ADMIN_TOKEN to enable it');
  box.start(sender.deliver);
  supervisor.start();
  logger.info(
    {
      url,
      publicUrl,
      ...(metricsUrl ? { metrics: `${metricsUrl}/metrics` } : {}),
      outbox: box.kind,
      connectors: [...runtimes.keys()],
      subscriptions: supervisor.list().map((s) => `${s.connector}/${s.subscription}`),
      target: target.baseUrl,
      emulator: target.emulator,
    },
    'runner started',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await supervisor.stop(); // sessions end first: nothing new arrives while the rest shuts down
      // Stop accepting; requests in flight finish (their enqueue included). A keep-alive connection that goes
      // idle while draining (its response ended after close began) would otherwise hold close() until the
      // keep-alive timeout: idle ones are closed again until the drain is over.
      const sweep = setInterval(() => {
        app.server.closeIdleConnections();
        metricsApp?.server.closeIdleConnections();
      }, 100);
      await Promise.all([app.close(), metricsApp?.close()]).finally(() => clearInterval(sweep));
      await box.close(); // attempts in flight finish; the store closes
      sender.close();
      await emulator?.close();
      logger.info('runner stopped');
      logger.flush();
    })();
    return closing;
  };
  return {
    url,
    publicUrl,
    ...(metricsUrl ? { metricsUrl } : {}),
    app,
    outbox: box,
    config,
    metrics,
    logger,
    ...(emulator ? { emulator } : {}),
    ...(demo
      ? {
          demo: {
            ...demo,
            curl: await sampleCurl(demo.connectors, publicUrl, demo.secret, options.fixturesDir),
          },
        }
      : {}),
    target,
    supervisor,
    reload: reloadNow,
    close,
  };
}
