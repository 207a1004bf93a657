// Prometheus metrics, one registry per runner (several runners can live in one test process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outbox } from './outbox/types.js';

export type RejectReason =
  | 'unauthorized'
  | 'invalid'
  | 'too_large'
  | 'rate_limited'
  | 'unknown_connector'
  | 'failed'
  | 'store_unavailable';

export interface Metrics {
  registry: Registry;
  received: Counter<'connector'>;
  rejected: Counter<'connector' | 'reason'>;
  ignored: Counter<'connector'>;
  duplicates: Counter<'connector'>;
  accepted: Counter<'connector'>;
  delivered: Counter<'connector'>;
  retried: Counter<'connector'>;
  timeouts: Counter<'connector'>;
  dead: Counter<'connector'>;
  latency: Histogram<'connector'>;
  paused: Gauge;
  /** 1 while the outbox's store can lose accepted events (a Redis without persistence, accepted by config). */
  canLoseEvents: Gauge;
  subscriptions: SubscriptionMetrics;
  connections: ConnectionMetrics;
}

/** The HTTP listener's connections (connections.ts). */
export interface ConnectionMetrics {
  open: Gauge;
  refused: Counter<'reason'>;
  evicted: Counter;
}

type SubscriptionLabels = 'connector' | 'subscription';

export interface SubscriptionMetrics {
  connected: Gauge<SubscriptionLabels>;
  holding: Gauge<SubscriptionLabels>;
  events: Counter<SubscriptionLabels | 'outcome'>;
  badFrames: Counter<SubscriptionLabels>;
  reconnects: Counter<SubscriptionLabels>;
  renewals: Counter<SubscriptionLabels | 'result'>;
  /** Seconds since each held subscription's last event, read when scraped. */
  lastEventAges(read: () => { connector: string; subscription: string; seconds: number }[]): void;
}

export function createMetrics(getOutbox: () => Outbox | undefined, defaults = true): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const metrics: Omit<Metrics, 'subscriptions' | 'connections'> &
    Partial<Pick<Metrics, 'subscriptions' | 'connections'>> = {
    registry,
    received: counter('openconnect_webhooks_received_total', 'Webhook requests received, per connector', [
      'connector',
    ]),
    rejected: counter('openconnect_webhooks_rejected_total', 'Webhook requests refused, by reason', [
      'connector',
      'reason',
    ]),
    ignored: counter(
      'openconnect_webhooks_ignored_total',
      'Authentic requests that carried nothing to deliver',
      ['connector'],
    ),
    duplicates: counter(
      'openconnect_webhooks_duplicates_total',
      'Messages already accepted (vendor retries)',
      ['connector'],
    ),
    accepted: counter('openconnect_messages_accepted_total', 'Messages stored in the outbox', ['connector']),
    delivered: counter('openconnect_deliveries_total', 'Messages OpenConnect accepted', ['connector']),
    retried: counter('openconnect_delivery_retries_total', 'Failed attempts that will be retried', [
      'connector',
    ]),
    timeouts: counter(
      'openconnect_delivery_timeouts_total',
      'Attempts OpenConnect did not answer within openconnect.timeoutMs; it may have taken them, so each can arrive twice (also counted in the retries)',
      ['connector'],
    ),
    dead: counter('openconnect_dead_letters_total', 'Messages moved to the dead letters', ['connector']),
    latency: new Histogram({
      name: 'openconnect_delivery_latency_seconds',
      help: 'From acceptance to OpenConnect accepting the message, per connector',
      labelNames: ['connector'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1800],
      registers: [registry],
    }),
    paused: new Gauge({
      name: 'openconnect_delivery_paused',
      help: '1 while delivery is paused because OpenConnect refused the jwt (401): an alert',
      registers: [registry],
    }),
    canLoseEvents: new Gauge({
      name: 'openconnect_outbox_can_lose_events',
      help: '1 while the outbox store can lose accepted events (a Redis without an append-only file, or with eviction): see /readyz warnings',
      registers: [registry],
    }),
  };
  const labels: SubscriptionLabels[] = ['connector', 'subscription'];
  let ages: () => { connector: string; subscription: string; seconds: number }[] = () => [];
  metrics.subscriptions = {
    connected: new Gauge({
      name: 'openconnect_subscription_connected',
      help: '1 while this replica holds the vendor session and it is connected',
      labelNames: labels,
      registers: [registry],
    }),
    holding: new Gauge({
      name: 'openconnect_subscription_holder',
      help: '1 on the replica that holds the subscription (its lease)',
      labelNames: labels,
      registers: [registry],
    }),
    events: counter(
      'openconnect_subscription_events_total',
      'Native events received on held sessions, by outcome',
      [...labels, 'outcome'],
    ),
    badFrames: counter('openconnect_subscription_bad_frames_total', 'Frames ignored as unreadable', labels),
    reconnects: counter(
      'openconnect_subscription_reconnects_total',
      'Sessions opened again after one ended',
      labels,
    ),
    renewals: counter('openconnect_subscription_renewals_total', 'Renewals of what expires, by result', [
      ...labels,
      'result',
    ]),
    lastEventAges(read) {
      ages = read;
    },
  };
  new Gauge({
    name: 'openconnect_subscription_seconds_since_last_event',
    help: 'Seconds since the last native event of each held subscription (since it was started, before the first)',
    labelNames: labels,
    registers: [registry],
    collect() {
      this.reset();
      for (const { connector, subscription, seconds } of ages())
        this.set({ connector, subscription }, seconds);
    },
  });
  metrics.connections = {
    open: new Gauge({
      name: 'openconnect_connections_open',
      help: 'Connections the HTTP listener holds (each one a file descriptor), against limits.maxConnections',
      registers: [registry],
    }),
    refused: counter(
      'openconnect_connections_refused_total',
      'Connections closed on arrival: max_connections (limits.maxConnections held, none of them idle) or per_client (limits.connectionsPerClient from one address)',
      ['reason'],
    ),
    evicted: new Counter({
      name: 'openconnect_connections_evicted_total',
      help: 'Idle connections (no request in progress) closed, oldest first, to make room for a new one at limits.maxConnections',
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'openconnect_outbox_depth',
    help: 'Messages in the outbox, by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const outbox = getOutbox();
      if (!outbox) return;
      try {
        const stats = await outbox.stats();
        for (const status of ['queued', 'retrying', 'dead'] as const) this.set({ status }, stats[status]);
      } catch {
        // A store that does not answer shows as missing depth; /readyz reports it.
      }
    },
  });
  return metrics as Metrics;
}
