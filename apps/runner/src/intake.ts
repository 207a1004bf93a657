// The one intake: what the runner has accepted, from a webhook or a held vendor session, is stored here
// before anyone is told so.
import type { ServerContext } from './context.js';
import { withTimeout } from './timeout.js';

export function createIntake(ctx: Pick<ServerContext, 'outbox' | 'metrics' | 'config'>): ServerContext['store'] {
  return async (connector, messages) => {
    // A 503 must mean "not stored": the outbox is told when the caller gives up, and by when.
    const limitMs = ctx.config.limits.storeTimeoutMs;
    const gaveUp = new AbortController();
    const work = ctx.outbox.enqueue(messages, { deadlineAt: Date.now() + limitMs, signal: gaveUp.signal });
    const result = await withTimeout(work, limitMs, 'the outbox', gaveUp);
    ctx.metrics.accepted.inc({ connector }, result.stored.length);
    if (result.duplicates.length) ctx.metrics.duplicates.inc({ connector }, result.duplicates.length);
    return result;
  };
}
