// The Redis outbox's key version, on the shared test Redis under prefixes of this file's own (it keeps
// nothing on disk, so each outbox accepts the data-loss risk it would otherwise refuse).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../../src/outbox/index.js';
import { REDIS_SCHEMA_VERSION } from '../../src/outbox/redis-schema.js';
import { message, scriptedSender, waitUntil } from './helpers.js';

const REDIS_URL = 'redis://127.0.0.1:6379/0';
const run = `ocs-${randomUUID().slice(0, 8)}`;
const admin = new Redis(REDIS_URL);
let n = 0;

async function keysOf(prefix: string) {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

afterAll(async () => {
  const keys = await keysOf(`${run}-*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

const open = (prefix: string) =>
  createOutbox(`${REDIS_URL}?prefix=${prefix}`, { redis: { acceptDataLoss: true, partitions: 2 } });

describe('redis outbox key schema version', () => {
  it('writes the version into a new prefix', async () => {
    const prefix = `${run}-${++n}`;
    await (await open(prefix)).close();
    expect(await admin.get(`${prefix}:schema`)).toBe(String(REDIS_SCHEMA_VERSION));
  });

  it('writes it into a prefix made before versioning, and delivers what that prefix held', async () => {
    const prefix = `${run}-${++n}`;
    const first = await open(prefix);
    await first.enqueue([message('agent-1', 'one'), message('agent-1', 'two')]);
    await first.close();
    await admin.del(`${prefix}:schema`); // as a prefix written by the runner before versioning
    const again = await open(prefix);
    expect(await admin.get(`${prefix}:schema`)).toBe(String(REDIS_SCHEMA_VERSION));
    const sender = scriptedSender();
    again.start(sender.deliver);
    await waitUntil(async () => (await again.stats()).delivered === 2, 15_000, 'the two messages');
    await again.close();
    expect(sender.delivered()).toEqual(['one', 'two']);
  });

  it('refuses a prefix written by a newer runner and writes nothing under it', async () => {
    const prefix = `${run}-${++n}`;
    await admin.set(`${prefix}:schema`, String(REDIS_SCHEMA_VERSION + 1));
    await expect(open(prefix)).rejects.toThrow(
      `the Redis outbox at 127.0.0.1:6379 (prefix "${prefix}") has key schema version ${REDIS_SCHEMA_VERSION + 1}, newer than this runner's ${REDIS_SCHEMA_VERSION}: it was written by a newer runner. Run that version again, or use another ?prefix=`,
    );
    expect(await keysOf(prefix)).toEqual([`${prefix}:schema`]);
  });

  it('refuses a prefix whose schema key holds something else', async () => {
    const prefix = `${run}-${++n}`;
    await admin.set(`${prefix}:schema`, 'cart-v3');
    await expect(open(prefix)).rejects.toThrow(
      `has "cart-v3" in ${prefix}:schema, which is no schema version`,
    );
  });
});
