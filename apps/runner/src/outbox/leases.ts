// Leases on subscriptions. SQLite: one process owns the file, so it holds every subscription (an in-memory
// table). Redis: one key per lease, set only when free (or already ours) and given up only by its holder,
// each in one Lua script so two replicas can never both hold it.
import type { Redis } from 'ioredis';
import type { LeaseStore } from './types.js';

export function createLocalLeases(now: () => number = Date.now): LeaseStore {
  const held = new Map<string, { holder: string; expires: number }>();
  const current = (name: string) => {
    const lease = held.get(name);
    return lease && lease.expires > now() ? lease : undefined;
  };
  return {
    async acquire(name, holder, ttlMs) {
      const lease = current(name);
      if (lease && lease.holder !== holder) return false;
      held.set(name, { holder, expires: now() + ttlMs });
      return true;
    },
    async release(name, holder) {
      if (current(name)?.holder === holder) held.delete(name);
    },
    holder: async (name) => current(name)?.holder,
  };
}

const ACQUIRE = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function createRedisLeases(redis: Redis, prefix: string): LeaseStore {
  const key = (name: string) => `${prefix}:lease:${name}`;
  return {
    async acquire(name, holder, ttlMs) {
      return (await redis.eval(ACQUIRE, 1, key(name), holder, String(Math.max(1, Math.round(ttlMs))))) === 1;
    },
    async release(name, holder) {
      await redis.eval(RELEASE, 1, key(name), holder);
    },
    holder: async (name) => (await redis.get(key(name))) ?? undefined,
  };
}
