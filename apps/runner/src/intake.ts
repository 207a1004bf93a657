// The one intake: what the runner has accepted, from a webhook or a held vendor session, is stored here
// before anyone is told so.
import type { ServerContext } from './context.js';
import type { EnqueueOptions } from './outbox/types.js';
import { withTimeout } from './timeout.js';

export function createIntake(
  ctx: Pick<ServerContext, 'outbox' | 'metrics' | 'config'>,
): ServerContext['store'] {
  return async (connector, messages) => {
    // A 503 must mean "not stored": the outbox is told when the caller gives up, and by when.
    const limitMs = ctx.config.limits.storeTimeoutMs;
    // The signal is made only for an outbox that reads it (Redis cancels an enqueue its caller gave up on; the
    // SQLite one stores synchronously and never does): an AbortController costs Node 20 about as much as
    // the rest of the intake's bookkeeping, once per webhook (measured: 2 % of the runner's busy time).
    let gaveUp: AbortController | undefined;
    const options: EnqueueOptions = {
      deadlineAt: Date.now() + limitMs,
      get signal() {
        gaveUp ??= new AbortController();
        return gaveUp.signal;
      },
    };
    const work = ctx.outbox.enqueue(messages, options);
    const result = await withTimeout(work, limitMs, 'the outbox', { abort: () => gaveUp?.abort() });
    ctx.metrics.accepted.inc({ connector }, result.stored.length);
    if (result.duplicates.length) ctx.metrics.duplicates.inc({ connector }, result.duplicates.length);
    return result;
  };
}
