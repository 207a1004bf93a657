// What every HTTP surface of the runner (webhooks, admin, dashboard, health) is given: built once by
// startRunner, passed to each plugin. In its own module so that the surfaces and the server that assembles
// them never import each other.
import type { ConnectorRuntime, PreparedMessage } from '@openconnect/core';
import type { Logger } from 'pino';
import type { RunnerConfig } from './config.js';
import type { Activity } from './dashboard/activity.js';
import type { Metrics } from './metrics.js';
import type { Outbox } from './outbox/types.js';
import type { RateLimiter } from './rate-limit.js';
import type { ReloadOutcome } from './reload.js';
import type { SubscriptionView } from './subscriptions/supervisor.js';

export interface ServerContext {
  config: RunnerConfig;
  runtimes: Map<string, ConnectorRuntime>;
  outbox: Outbox;
  metrics: Metrics;
  logger: Logger;
  limiter: RateLimiter;
  /** The public base URL (no trailing slash), known once the server listens. */
  publicUrl(): string;
  /** Where deliveries go, safe to show (no jwt). */
  target: { baseUrl: string; method: string; crmid: string; emulator: boolean };
  /** Last-hour counts per connector, for the dashboard. */
  activity: Activity;
  /** Stores accepted messages within limits.storeTimeoutMs and counts them: webhooks and subscriptions alike. */
  store(connector: string, messages: PreparedMessage[]): ReturnType<Outbox['enqueue']>;
  /** The vendor sessions this runner holds or stands by for. */
  subscriptions(): SubscriptionView[];
  /** Reads the configuration and its secrets again (POST /admin/reload, SIGHUP); throws ConfigProblems. */
  reload?(): ReloadOutcome;
}
