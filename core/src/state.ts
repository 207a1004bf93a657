// A small keyed store with a TTL that hosts give connectors, for platforms that send only what changed
// (PureConnect) or split one call over several events that must be joined (Webex CC).

export const DEFAULT_STATE_TTL_MS = 4 * 60 * 60 * 1000;

export interface StateStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores a JSON-serialisable value; it expires after ttlMs (default 4 hours). */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** In-memory store, for tests, the CLI and single-process hosts. Values are copied through JSON. */
export function createMemoryStateStore(now: () => number = Date.now): StateStore & { size(): number } {
  const entries = new Map<string, { value: string; expires: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expires <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    async get<T>(key: string) {
      const entry = live(key);
      return entry ? (JSON.parse(entry.value) as T) : undefined;
    },
    async set(key, value, ttlMs = DEFAULT_STATE_TTL_MS) {
      entries.set(key, { value: JSON.stringify(value), expires: now() + ttlMs });
    },
    async delete(key) {
      entries.delete(key);
    },
    size() {
      for (const key of [...entries.keys()]) live(key);
      return entries.size;
    },
  };
}

/** A view of a store whose keys are prefixed, so connectors cannot read each other's state. */
export function namespacedStateStore(store: StateStore, namespace: string): StateStore {
  const k = (key: string) => `${namespace}:${key}`;
  return {
    get: (key) => store.get(k(key)),
    set: (key, value, ttlMs) => store.set(k(key), value, ttlMs),
    delete: (key) => store.delete(k(key)),
  };
}
