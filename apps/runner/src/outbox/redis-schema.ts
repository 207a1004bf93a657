// The Redis outbox's key layout has a version, kept in `<prefix>:schema`, as the SQLite file keeps
// user_version. Version 1 is the layout of the first release: a prefix that holds no schema key (made
// before versioning, or new) is that layout, so the key is written (SET NX: the first replica writes it,
// every replica reads the same answer). A prefix newer than this code is refused before anything is
// written under it. A later layout change appends a step here that rewrites the keys, then bumps the key.
import type { Redis } from 'ioredis';

export const REDIS_SCHEMA_VERSION = 1;

/** Forward steps: the step for version N rewrites a version N-1 prefix. None yet: version 1 is the first. */
const STEPS: readonly { version: number; why: string; run(redis: Redis, prefix: string): Promise<void> }[] =
  [];

export const schemaKey = (prefix: string) => `${prefix}:schema`;

/** Checks (and writes, or migrates) the prefix's key version; returns the version found. */
export async function checkRedisSchema(redis: Redis, prefix: string, where: string): Promise<number> {
  const key = schemaKey(prefix);
  await redis.set(key, String(REDIS_SCHEMA_VERSION), 'NX');
  const text = await redis.get(key);
  const found = Number(text);
  if (!Number.isSafeInteger(found) || found < 1) {
    throw new Error(
      `the Redis outbox at ${where} has "${text}" in ${key}, which is no schema version: it is not an outbox's prefix; choose another ?prefix=`,
    );
  }
  if (found > REDIS_SCHEMA_VERSION) {
    throw new Error(
      `the Redis outbox at ${where} (prefix "${prefix}") has key schema version ${found}, newer than this runner's ${REDIS_SCHEMA_VERSION}: ` +
        'it was written by a newer runner. Run that version again, or use another ?prefix=',
    );
  }
  for (const step of STEPS.filter((s) => s.version > found)) {
    await step.run(redis, prefix);
    await redis.set(key, String(step.version));
  }
  return found;
}
