// One session of a subscription, as every host runs it (the runner's supervisor, the conformance kit):
// builds the SessionContext, runs each emitted frame through handleFrame and the host's store in order,
// saves positions only behind stored frames, and renews what expires before it does. Reconnecting,
// leases and metrics stay with the host.
import type { AxiosInstance } from 'axios';
import { redact } from './errors.js';
import { type ConnectorRuntime, handleFrame, type Outcome, type PreparedMessage } from './pipeline.js';
import {
  type EmitOptions,
  type EmitResult,
  renewalTime,
  SessionError,
  type SessionContext,
  type SessionLog,
  type SessionStatus,
  type SubscriptionDefinition,
  sleep,
} from './subscription.js';

export interface SessionHost {
  /** Stores the messages durably; rejects when it cannot (the frame is then tried again). */
  store(messages: PreparedMessage[]): Promise<{ stored: number; duplicates: number }>;
  /** The saved position to resume from, and how to save a new one. */
  position?: string;
  savePosition?(position: string): Promise<void>;
  http: AxiosInstance;
  log: SessionLog;
  now?: () => number;
  /** What vendors call (PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** Which of the subscription's instances this session is. */
  instance?: string;
  onStatus(status: SessionStatus, detail?: string): void;
  /** After each frame handed on (accepted, ignored or invalid), for counts and the last event time. */
  onFrame?(result: EmitResult, outcome: Outcome): void;
  onBadFrame(reason: string): void;
  onRenewal?(what: string, ok: boolean, error?: string): void;
  /** Delay before trying a frame again that could not be stored. Default 250 ms doubling, at most 10 s. */
  retryDelayMs?: (attempt: number) => number;
}

/** The default delay before storing a frame again: 250 ms, doubling with each attempt, at most 10 s. */
export const defaultRetryDelay = (attempt: number) => Math.min(250 * 2 ** attempt, 10_000);

export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Runs one session until it ends. Resolves when the vendor ended it cleanly, rejects with the reason
 * otherwise (a renewal that failed included). Stops when `signal` aborts.
 */
export async function runSession(
  runtime: ConnectorRuntime,
  subscription: SubscriptionDefinition,
  host: SessionHost,
  signal: AbortSignal,
): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort(signal.reason);
  if (signal.aborted) stop();
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: the listener is removed when the session ends, and a second abort of an aborted controller does nothing
  else signal.addEventListener('abort', stop, { once: true });
  const now = host.now ?? Date.now;
  const clean = (text: string) => redact(text, runtime.secrets);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let failure: SessionError | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  const aborted = () => new SessionError(`the ${subscription.id} session was stopped`);

  async function emitOne(frame: unknown, options: EmitOptions): Promise<EmitResult> {
    const retry = options.retry ?? true;
    // A mapping that worked is kept while its messages wait for the store: mapping again would see the
    // state it already wrote ("no change") and lose the pop. Only a mapping that failed is run again.
    let outcome: Outcome | undefined;
    for (let attempt = 0; ; attempt++) {
      if (controller.signal.aborted) throw aborted();
      outcome ??= await handleFrame(runtime, subscription, frame, { deferState: true });
      let result: EmitResult;
      let problem: string | undefined;
      if (outcome.kind === 'accepted') {
        try {
          const counts = outcome.messages.length
            ? await host.store(outcome.messages)
            : { stored: 0, duplicates: 0 };
          result = { kind: 'accepted', ...counts };
        } catch (error) {
          problem = `the messages could not be stored: ${clean(describeError(error))}`;
          result = { kind: 'failed', stored: 0, duplicates: 0, reason: problem };
        }
      } else if (outcome.kind === 'ignored') {
        result = { kind: 'ignored', stored: 0, duplicates: 0, reason: outcome.reason };
      } else if (outcome.kind === 'invalid') {
        host.onBadFrame(outcome.reason);
        result = { kind: 'invalid', stored: 0, duplicates: 0, reason: outcome.reason };
      } else {
        problem = 'reason' in outcome ? outcome.reason : outcome.kind;
        result = { kind: 'failed', stored: 0, duplicates: 0, reason: problem };
        outcome = undefined;
      }
      if (problem !== undefined) {
        if (!retry) return result;
        host.log.warn(
          { subscription: subscription.id, attempt: attempt + 1, reason: problem },
          'frame not stored yet; trying again',
        );
        await sleep((host.retryDelayMs ?? defaultRetryDelay)(attempt), controller.signal);
        continue;
      }
      // The state of an 'after-store' mapping follows the store, as for webhooks.
      if (outcome && 'commitState' in outcome && outcome.commitState) {
        await outcome
          .commitState()
          .catch((error: unknown) =>
            host.log.error(
              { subscription: subscription.id, err: clean(describeError(error)) },
              'could not save connector state',
            ),
          );
      }
      if (options.position !== undefined && host.savePosition) {
        await host
          .savePosition(options.position)
          .catch((error: unknown) =>
            host.log.warn(
              { subscription: subscription.id, err: clean(describeError(error)) },
              'could not save the stream position',
            ),
          );
      }
      if (outcome) host.onFrame?.(result, outcome);
      return result;
    }
  }

  function renewBefore(what: string, expiresAt: number, renew: () => Promise<number | undefined | void>) {
    const at = renewalTime(now(), expiresAt);
    const timer = setTimeout(
      async () => {
        timers.delete(timer);
        if (controller.signal.aborted) return;
        try {
          const next = await renew();
          host.onRenewal?.(what, true);
          if (typeof next === 'number' && !controller.signal.aborted) renewBefore(what, next, renew);
        } catch (error) {
          const reason = clean(describeError(error));
          host.onRenewal?.(what, false, reason);
          failure ??= new SessionError(`renewing the ${what} failed: ${reason}`, {
            ...(error instanceof SessionError ? { failed: error.failed } : {}),
            // Stryker disable next-line ConditionalExpression,LogicalOperator: an undefined retryAfterMs is not kept by SessionError's constructor, so passing one changes nothing
            ...(error instanceof SessionError && error.retryAfterMs !== undefined
              ? { retryAfterMs: error.retryAfterMs }
              : {}),
          });
          controller.abort(failure);
        }
      },
      Math.max(0, at - now()),
    );
    timers.add(timer);
  }

  const ctx: SessionContext = {
    config: runtime.config,
    services: runtime.services,
    directory: runtime.directory,
    state: runtime.state,
    http: host.http,
    log: host.log,
    now,
    signal: controller.signal,
    ...(host.instance !== undefined ? { instance: host.instance } : {}),
    webhookUrl: (source) => `${host.publicUrl}/webhooks/${runtime.connector.id}/${source}`,
    ...(host.position !== undefined ? { position: host.position } : {}),
    status: (status, detail) => {
      if (!controller.signal.aborted) host.onStatus(status, detail === undefined ? undefined : clean(detail));
    },
    emit(frame, options = {}) {
      // One frame at a time, in order: a position is saved only behind everything emitted before it.
      const next = chain.then(() => emitOne(frame, options));
      chain = next.catch(() => {});
      return next;
    },
    badFrame: (reason) => host.onBadFrame(clean(reason)),
    renewBefore,
    sleep: (ms) => sleep(ms, controller.signal),
  };

  try {
    await subscription.connect(ctx);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    signal.removeEventListener('abort', stop);
    // Frames handed on before the end are stored (or given up when stopped) before the next session.
    await chain;
  }
  if (failure) throw failure;
}
