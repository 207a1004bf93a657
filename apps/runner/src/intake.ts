// The one intake: what the runner has accepted, from a webhook or a held vendor session, is stored here
// before anyone is told so.
import type { ServerContext } from './context.js';
import type { EnqueueOptions } from './outbox/types.js';
import { withTimeout } from './timeout.js';

/**
 * What one enqueue is given: its deadline, and a signal made only for an outbox that reads it (Redis cancels an
 * enqueue its caller gave up on; the SQLite one stores synchronously and never does). An AbortController costs
 * Node 20 about as much as the rest of the intake's bookkeeping, once per webhook (measured: 2 % of the
 * runner's busy time). A class, not an object literal with a getter: V8 builds such a literal in its runtime
 * each time, about 1 µs per webhook against a few ns.
 */
class Enqueue implements EnqueueOptions {
  private gaveUp: AbortController | undefined = undefined;
  constructor(readonly deadlineAt: number) {}
  get signal() {
    this.gaveUp ??= new AbortController();
    return this.gaveUp.signal;
  }
  /** Aborts the signal, if the outbox asked for one. */
  abort() {
    this.gaveUp?.abort();
  }
}

export function createIntake(
  ctx: Pick<ServerContext, 'outbox' | 'metrics' | 'config'>,
): ServerContext['store'] {
  return async (connector, messages) => {
    // A 503 must mean "not stored": the outbox is told when the caller gives up, and by when.
    const limitMs = ctx.config.limits.storeTimeoutMs;
    const options = new Enqueue(Date.now() + limitMs);
    const work = ctx.outbox.enqueue(messages, options);
    const result = await withTimeout(work, limitMs, 'the outbox', options);
    ctx.metrics.accepted.inc({ connector }, result.stored.length);
    if (result.duplicates.length) ctx.metrics.duplicates.inc({ connector }, result.duplicates.length);
    return result;
  };
}
