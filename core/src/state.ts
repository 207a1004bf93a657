// A small keyed store with a TTL that hosts give connectors, for platforms that send only what changed
// (PureConnect) or split one call over several events that must be joined (Webex CC).

export const DEFAULT_STATE_TTL_MS = 4 * 60 * 60 * 1000;

export interface StateStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores a JSON-serialisable value; it expires after ttlMs (default 4 hours). */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Stores the value only when the key holds none (or it expired), atomically; true when it was stored.
   * Optional so existing hosts keep compiling; connectors call the `setIfAbsent` helper below.
   */
  setIfAbsent?(key: string, value: unknown, ttlMs?: number): Promise<boolean>;
}

/**
 * Claims a key: stores the value and returns true only if the key held nothing. Atomic when the host's
 * store implements setIfAbsent (the memory store does); otherwise a get-then-set, which two concurrent
 * requests for the same key can both win.
 */
export async function setIfAbsent(
  store: StateStore,
  key: string,
  value: unknown,
  ttlMs?: number,
): Promise<boolean> {
  if (store.setIfAbsent) return store.setIfAbsent(key, value, ttlMs);
  if ((await store.get(key)) !== undefined) return false;
  await store.set(key, value, ttlMs);
  return true;
}

const SWEEP_EVERY_MS = 60_000;

/**
 * In-memory store, for tests, the CLI and single-process hosts (a warm Lambda). Values are copied
 * through JSON. Expired entries are swept at most once a minute on a write, so keys that are never read
 * again (one per contact) do not pile up for the life of the process.
 */
export function createMemoryStateStore(
  now: () => number = Date.now,
): StateStore & { size(): number; stored(): number } {
  const entries = new Map<string, { value: string; expires: number }>();
  let nextSweep = now() + SWEEP_EVERY_MS;
  const sweep = () => {
    const at = now();
    if (at < nextSweep) return;
    nextSweep = at + SWEEP_EVERY_MS;
    for (const [key, entry] of entries) if (entry.expires <= at) entries.delete(key);
  };
  const write = (key: string, value: unknown, ttlMs: number) => {
    sweep();
    entries.set(key, { value: JSON.stringify(value), expires: now() + ttlMs });
  };
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
      write(key, value, ttlMs);
    },
    async delete(key) {
      entries.delete(key);
    },
    // No await between the check and the write: atomic within the process.
    async setIfAbsent(key, value, ttlMs = DEFAULT_STATE_TTL_MS) {
      if (live(key)) return false;
      write(key, value, ttlMs);
      return true;
    },
    /** Live entries. */
    size() {
      for (const key of [...entries.keys()]) live(key);
      return entries.size;
    },
    /** Entries held in memory, expired ones included until the next sweep. */
    stored: () => entries.size,
  };
}

/** A view of a store whose keys are prefixed, so connectors cannot read each other's state. */
export function namespacedStateStore(store: StateStore, namespace: string): StateStore {
  const k = (key: string) => `${namespace}:${key}`;
  const { setIfAbsent: atomic } = store;
  return {
    get: (key) => store.get(k(key)),
    set: (key, value, ttlMs) => store.set(k(key), value, ttlMs),
    delete: (key) => store.delete(k(key)),
    // Offered only when the underlying store offers it, so the helper knows whether it is atomic.
    ...(atomic
      ? {
          setIfAbsent: (key: string, value: unknown, ttlMs?: number) =>
            atomic.call(store, k(key), value, ttlMs),
        }
      : {}),
  };
}

/** A state view whose writes wait for commit(): what a host uses when a request may still be refused. */
export interface StateTransaction {
  view: StateStore;
  /** Applies the buffered writes, in order, to the store. */
  commit(): Promise<void>;
  /** How many writes are waiting. */
  readonly pending: number;
}

/**
 * Buffers set and delete until commit(); reads see the buffered writes first. setIfAbsent goes
 * straight to the store, since a claim is only worth anything when it is atomic and immediate.
 */
export function createStateTransaction(store: StateStore): StateTransaction {
  const writes = new Map<string, { value?: string; ttlMs?: number; deleted: boolean }>();
  const view: StateStore = {
    async get<T>(key: string) {
      const write = writes.get(key);
      if (write) return write.deleted ? undefined : (JSON.parse(write.value!) as T);
      return store.get<T>(key);
    },
    async set(key, value, ttlMs) {
      writes.delete(key); // keep the order of the last write
      writes.set(key, {
        value: JSON.stringify(value),
        // Stryker disable next-line ConditionalExpression: an undefined ttlMs passed to set() is its default, like none
        ...(ttlMs !== undefined ? { ttlMs } : {}),
        deleted: false,
      });
    },
    async delete(key) {
      writes.delete(key);
      writes.set(key, { deleted: true });
    },
    setIfAbsent: (key, value, ttlMs) => setIfAbsent(store, key, value, ttlMs),
  };
  return {
    view,
    async commit() {
      const pending = [...writes];
      writes.clear();
      for (const [key, write] of pending) {
        if (write.deleted) await store.delete(key);
        else await store.set(key, JSON.parse(write.value!), write.ttlMs);
      }
    },
    get pending() {
      return writes.size;
    },
  };
}
