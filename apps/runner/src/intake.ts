// The one intake: what the runner has accepted, from a webhook or a held vendor session, is stored here
// before anyone is told so.
import type { ServerContext } from './context.js';
import { withTimeout } from './timeout.js';

export function createIntake(ctx: Pick<ServerContext, 'outbox' | 'metrics' | 'config'>): ServerContext['store'] {
  return async (connector, messages) => {
    const result = await withTimeout(ctx.outbox.enqueue(messages), ctx.config.limits.storeTimeoutMs, 'the outbox');
    ctx.metrics.accepted.inc({ connector }, result.stored.length);
    if (result.duplicates.length) ctx.metrics.duplicates.inc({ connector }, result.duplicates.length);
    return result;
  };
}
