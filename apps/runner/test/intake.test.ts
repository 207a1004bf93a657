// The intake's bound on the store: past limits.storeTimeoutMs the caller is refused, and an outbox that reads
// the enqueue's signal sees it aborted, so it can undo what it stored (Redis); one that never reads it is not
// given one to read.
import { describe, expect, it } from 'vitest';
import type { ServerContext } from '../src/context.js';
import { createIntake } from '../src/intake.js';
import type { EnqueueOptions } from '../src/outbox/types.js';

const never = new Promise<never>(() => {});
const contextWith = (enqueue: (messages: unknown[], options: EnqueueOptions) => Promise<never>) =>
  ({
    outbox: { enqueue },
    config: { limits: { storeTimeoutMs: 30 } },
    metrics: {},
  }) as unknown as Pick<ServerContext, 'outbox' | 'metrics' | 'config'>;

describe('intake', () => {
  it('refuses past the store timeout and aborts the signal the outbox holds', async () => {
    let signal: AbortSignal | undefined;
    let deadlineAt = 0;
    const store = createIntake(
      contextWith((_messages, options) => {
        signal = options.signal;
        deadlineAt = options.deadlineAt ?? 0;
        return never;
      }),
    );
    const startedAt = Date.now();
    await expect(store('acme', [])).rejects.toThrow('the outbox did not answer within 30 ms');
    expect(signal?.aborted).toBe(true);
    expect(deadlineAt).toBeGreaterThanOrEqual(startedAt + 30);
    expect(deadlineAt).toBeLessThanOrEqual(Date.now() + 30);
  });

  it('makes no signal for an outbox that never reads it, and still refuses in time', async () => {
    let options: EnqueueOptions | undefined;
    const store = createIntake(
      contextWith((_messages, given) => {
        options = given;
        return never;
      }),
    );
    await expect(store('acme', [])).rejects.toThrow('did not answer within 30 ms');
    // Read only now, after the timeout: a signal made at this point was never aborted, so none was made before.
    expect(options?.signal?.aborted).toBe(false);
  });
});
