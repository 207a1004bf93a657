// Secrets re-read without a restart (SIGHUP, POST /admin/reload): the config file, the environment and every
// _FILE secret are read again. What can change in place does at once (the OpenConnect key, URL and crmid;
// connectors and their secrets; the log level), and a delivery paused because OpenConnect refused the old
// key resumes. A config with problems changes nothing: the running one stays, and every problem is named.
import { type ConnectorRuntime, DEFAULT_BASE_URL } from '@openconnect/core';
import type { Logger } from 'pino';
import type { RunnerConfig } from './config.js';
import type { Outbox } from './outbox/types.js';
import type { Sender } from './sender.js';

export interface ReloadOutcome {
  /** What took effect, e.g. `openconnect`, `connectors.five9`, `logLevel`. */
  applied: string[];
  /** What changed but is read only at start-up (the port, the outbox …): left as it was until a restart. */
  restartNeeded: string[];
  /** A delivery paused by OpenConnect's 401 resumed with the new key. */
  resumed: boolean;
}

/** Settings read once at start-up: a reload reports their change and leaves them. */
const AT_START_UP = [
  'port',
  'host',
  'metricsPort',
  'metricsHost',
  'publicUrl',
  'adminToken',
  'outbox',
  'outboxSync',
  'outboxCommitWindowMs',
  'limits',
  'delivery',
  'subscriptions',
  'cors',
] as const;

/** Compared, never shown: several fields hold secrets. */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface ReloadTarget {
  /** The running config, updated in place (every surface holds this object). */
  config: RunnerConfig;
  runtimes: Map<string, ConnectorRuntime>;
  /** Where deliveries go, as shown by /admin/status (no jwt): updated in place. */
  target: { baseUrl: string; method: string; crmid: string; emulator: boolean };
  sender: Sender;
  outbox: Outbox;
  logger: Logger;
  /** Reads the configuration again from where it came from; throws ConfigProblems. */
  load(): RunnerConfig;
  /** True while delivery is paused because OpenConnect refused the jwt (401/403). */
  pausedByKey(): boolean;
  /** Connector ids whose vendor sessions (subscriptions) this runner runs: they read their settings once. */
  subscribed: ReadonlySet<string>;
}

const settingsOf = (runtime: ConnectorRuntime) => ({ settings: runtime.settings, config: runtime.config });

/** Applies a freshly loaded config to a running runner; throws ConfigProblems, changing nothing, when it has any. */
export function reload(t: ReloadTarget): ReloadOutcome {
  const next = t.load();
  const { config } = t;
  const applied: string[] = [];
  const restartNeeded: string[] = [];
  for (const key of AT_START_UP) if (!same(config[key], next[key])) restartNeeded.push(key);

  const emulatorNow = t.target.emulator;
  const emulatorNext = !next.openconnect.jwt;
  if (emulatorNow !== emulatorNext) {
    // The emulator is started (or not) at start-up.
    restartNeeded.push('openconnect (between the local emulator and a real OpenConnect)');
  } else if (!same(config.openconnect, next.openconnect)) {
    if (!emulatorNext) {
      t.sender.update({
        baseUrl: next.openconnect.url ?? DEFAULT_BASE_URL,
        jwt: next.openconnect.jwt!,
        crmid: next.openconnect.crmid,
        method: next.openconnect.method,
        timeoutMs: next.openconnect.timeoutMs,
      });
      t.target.baseUrl = next.openconnect.url ?? DEFAULT_BASE_URL;
      t.target.method = next.openconnect.method;
      t.target.crmid = next.openconnect.crmid;
    }
    config.openconnect = next.openconnect;
    applied.push('openconnect');
  }

  const before = new Map([...t.runtimes].map(([id, runtime]) => [id, settingsOf(runtime)]));
  const after = new Map(next.connectors.map(({ connector, runtime }) => [connector.id, settingsOf(runtime)]));
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
    (id) => !same(before.get(id), after.get(id)),
  );
  const sessions = changed.filter((id) => t.subscribed.has(id));
  if (sessions.length) restartNeeded.push(...sessions.map((id) => `connectors.${id} (its vendor session)`));
  if (changed.length) {
    t.runtimes.clear();
    for (const { connector, runtime } of next.connectors) t.runtimes.set(connector.id, runtime);
    config.connectors = next.connectors;
    applied.push(...changed.map((id) => `connectors.${id}`));
  }

  if (config.logLevel !== next.logLevel) {
    config.logLevel = next.logLevel;
    t.logger.level = next.logLevel;
    applied.push('logLevel');
  }

  // The key OpenConnect refused has been replaced: try again now rather than at the next probe.
  const resumed = applied.includes('openconnect') && t.pausedByKey();
  if (resumed) t.outbox.resume();
  return { applied, restartNeeded, resumed };
}
