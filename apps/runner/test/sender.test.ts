// The sender's side of delivery: the core's error classes become the outbox's AttemptResult.
import { ServerError, TimeoutError } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { toAttemptResult } from '../src/sender.js';

describe('toAttemptResult', () => {
  it('marks a timeout: retryable like a 5xx, and OpenConnect may have taken the message', () => {
    expect(toAttemptResult(new TimeoutError(1_000), [])).toEqual({
      ok: false,
      retryable: true,
      timedOut: true,
      error: 'OpenConnect did not answer within 1000 ms (it is retried; raise timeoutMs if this persists)',
    });
  });

  it('leaves a 5xx unmarked: OpenConnect answered in time', () => {
    expect(toAttemptResult(new ServerError(503, 'busy'), [])).toEqual({
      ok: false,
      retryable: true,
      status: 503,
      error: 'OpenConnect answered HTTP 503: busy (a server-side failure; it is retried)',
    });
  });
});
