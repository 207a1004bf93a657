// Per-connector counts by minute over the last hour, for the dashboard's connector cards and chart.
// Prometheus counters only go up; an operator asks "what happened in the last hour", so we keep
// 60 one-minute buckets per connector in memory (a few KB; reset on restart, which the page says).

export const ACTIVITY_KINDS = ['received', 'rejected', 'delivered', 'dead'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

const MINUTES = 60;
const MINUTE_MS = 60_000;

interface Series {
  /** Minute number (epoch minutes) each slot holds. */
  minutes: number[];
  counts: Record<ActivityKind, number[]>;
}

export interface ConnectorActivity {
  lastHour: Record<ActivityKind, number>;
  /** Deliveries per minute, oldest first, the last entry being the current minute. */
  deliveredPerMinute: number[];
  /** The latest refused request and why: "the vendor called, but…" at a glance. */
  lastRefusal?: { at: number; reason: string };
}

export interface Activity {
  count(connector: string, kind: ActivityKind, n?: number, now?: number): void;
  /** Remembers why the connector's latest request was refused (no secrets: reasons come redacted). */
  refused(connector: string, reason: string, now?: number): void;
  summary(now?: number): Record<string, ConnectorActivity>;
}

export function createActivity(): Activity {
  const series = new Map<string, Series>();
  const refusals = new Map<string, { at: number; reason: string }>();
  const empty = (): Series => ({
    minutes: new Array(MINUTES).fill(-1),
    counts: Object.fromEntries(
      ACTIVITY_KINDS.map((k) => [k, new Array(MINUTES).fill(0)]),
    ) as Series['counts'],
  });
  const slot = (s: Series, minute: number) => {
    const at = minute % MINUTES;
    if (s.minutes[at] !== minute) {
      s.minutes[at] = minute;
      for (const kind of ACTIVITY_KINDS) s.counts[kind][at] = 0;
    }
    return at;
  };
  return {
    count(connector, kind, n = 1, now = Date.now()) {
      let s = series.get(connector);
      if (!s) {
        s = empty();
        series.set(connector, s);
      }
      s.counts[kind][slot(s, Math.floor(now / MINUTE_MS))]! += n;
    },
    refused(connector, reason, now = Date.now()) {
      refusals.set(connector, { at: now, reason: reason.slice(0, 300) });
    },
    summary(now = Date.now()) {
      const current = Math.floor(now / MINUTE_MS);
      const out: Record<string, ConnectorActivity> = {};
      for (const [connector, s] of series) {
        const lastHour = Object.fromEntries(ACTIVITY_KINDS.map((k) => [k, 0])) as Record<
          ActivityKind,
          number
        >;
        const deliveredPerMinute: number[] = [];
        for (let minute = current - MINUTES + 1; minute <= current; minute++) {
          const at = minute % MINUTES;
          const live = s.minutes[at] === minute;
          for (const kind of ACTIVITY_KINDS) if (live) lastHour[kind] += s.counts[kind][at]!;
          deliveredPerMinute.push(live ? s.counts.delivered[at]! : 0);
        }
        const lastRefusal = refusals.get(connector);
        out[connector] = { lastHour, deliveredPerMinute, ...(lastRefusal ? { lastRefusal } : {}) };
      }
      return out;
    },
  };
}
