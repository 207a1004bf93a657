// The one place the jwt and crmid join a message: an outbox record becomes an OpenConnect request, and
// the core's error classes become the outbox's AttemptResult.
import {
  AuthError,
  createOpenConnectClient,
  type OpenConnectClient,
  OpenConnectError,
  RateLimitedError,
  redact,
  TimeoutError,
} from '@openconnect/core';
import type { AttemptResult, Deliver } from './outbox/types.js';

export interface SenderOptions {
  baseUrl: string;
  jwt: string;
  crmid: string;
  method: 'POST' | 'GET';
  timeoutMs: number;
}

export interface Sender {
  deliver: Deliver;
  /** The client attempts use now (update() replaces it). */
  readonly client: OpenConnectClient;
  /**
   * Sends with new settings from the next attempt on (a reloaded jwt); attempts in flight finish on the
   * old client, which is closed once they have had their timeout.
   */
  update(options: SenderOptions): void;
  close(): void;
}

export function toAttemptResult(error: unknown, secrets: string[]): AttemptResult {
  if (error instanceof OpenConnectError) {
    return {
      ok: false,
      retryable: error.retryable,
      ...(error instanceof AuthError ? { pause: true } : {}),
      ...(error.status !== undefined ? { status: error.status } : {}),
      error: redact(`${error.message} (${error.hint})`, secrets),
      ...(error instanceof RateLimitedError && error.retryAfterMs !== undefined
        ? { retryAfterMs: error.retryAfterMs }
        : {}),
      ...(error instanceof TimeoutError ? { timedOut: true } : {}),
    };
  }
  // Not one of ours (a bug, or something thrown below axios): retry rather than lose the message.
  return {
    ok: false,
    retryable: true,
    error: redact(`unexpected failure: ${(error as Error)?.message ?? String(error)}`, secrets),
  };
}

// undici, not axios: the delivery loop sends many messages at once, and axios's per-request config merging
// and agent set-up was a sixth of the runner's CPU at 1,000 messages/s (docs/benchmarks.md). Same requests,
// answers and errors (the core runs its client tests over both).
const open = (options: SenderOptions) => createOpenConnectClient({ ...options, transport: 'undici' });

export function createSender(options: SenderOptions): Sender {
  let client = open(options);
  let timeoutMs = options.timeoutMs;
  // Every jwt this sender has held: an answer echoing an old one is scrubbed too.
  const secrets = [options.jwt];
  const retired = new Set<NodeJS.Timeout>();
  const retiredClients = new Set<OpenConnectClient>();
  return {
    get client() {
      return client;
    },
    update(next) {
      const old = client;
      const grace = timeoutMs + 1_000;
      client = open(next);
      timeoutMs = next.timeoutMs;
      if (!secrets.includes(next.jwt)) secrets.push(next.jwt);
      retiredClients.add(old);
      const timer = setTimeout(() => {
        retired.delete(timer);
        retiredClients.delete(old);
        old.close();
      }, grace);
      timer.unref();
      retired.add(timer);
    },
    async deliver(record) {
      // Read once: an attempt runs on the client it started with, even if a reload replaces it meanwhile.
      const current = client;
      try {
        const result = await current.send({
          agentid: record.agentid,
          event: record.event,
          props: record.props,
        });
        return { ok: true, status: result.status, ...(result.body ? { answer: result.body } : {}) };
      } catch (error) {
        return toAttemptResult(error, secrets);
      }
    },
    close() {
      for (const timer of retired) clearTimeout(timer);
      for (const old of retiredClients) old.close();
      retired.clear();
      retiredClients.clear();
      client.close();
    },
  };
}
