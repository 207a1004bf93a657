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
  client: OpenConnectClient;
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

export function createSender(options: SenderOptions): Sender {
  const client = createOpenConnectClient(options);
  const secrets = [options.jwt];
  return {
    client,
    async deliver(record) {
      try {
        const result = await client.send({
          agentid: record.agentid,
          event: record.event,
          props: record.props,
        });
        return { ok: true, status: result.status, ...(result.body ? { answer: result.body } : {}) };
      } catch (error) {
        return toAttemptResult(error, secrets);
      }
    },
    close: () => client.close(),
  };
}
