// The outbox's front door: pick the backend from the OUTBOX url (sqlite:<path> or redis://host:port[/db]).
import { openRedisOutbox } from './redis.js';
import { openSqliteOutbox } from './sqlite.js';
import type { Outbox, OutboxOptions } from './types.js';

export { backoffDelay, decide, partitionOf, resolvePolicy } from './policy.js';
export * from './types.js';

/** Where the outbox lives when OUTBOX (config `outbox`) is not set. */
export const DEFAULT_OUTBOX_URL = 'sqlite:./data/outbox.db';

/**
 * `sqlite:./data/outbox.db` (the folder is created) or `redis://host:6379/0?prefix=name` (prefix isolates
 * the keys of one deployment or test run; default "openconnect").
 */
export async function createOutbox(
  url: string = DEFAULT_OUTBOX_URL,
  options: OutboxOptions = {},
): Promise<Outbox> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new Error(`OUTBOX "${url}" names no file: use ${DEFAULT_OUTBOX_URL}`);
    return openSqliteOutbox(file, options);
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return openRedisOutbox(url, options);
  throw new Error(
    `OUTBOX "${url}" is neither sqlite:<path> nor redis://host:port: use ${DEFAULT_OUTBOX_URL} or redis://127.0.0.1:6379`,
  );
}
