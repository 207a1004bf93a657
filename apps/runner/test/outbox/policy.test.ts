// The retry rules both backends share, checked without a store or a clock.
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@openconnect/core';
import { backoffDelay, decide, type DeliveryRecord, resolvePolicy } from '../../src/outbox/index.js';
import { freshRecord, nextRecord } from '../../src/outbox/policy.js';
import { toAttemptResult } from '../../src/sender.js';
import { refused, unauthorised, unavailable } from './helpers.js';

const policy = resolvePolicy({
  baseDelayMs: 1_000,
  maxDelayMs: 10_000,
  jitter: 0.5,
  maxAttempts: 5,
  maxAgeMs: 60_000,
});

describe('backoffDelay', () => {
  it('doubles per failure and stops at the cap', () => {
    const none = resolvePolicy({ ...policy, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(none, n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });

  it('draws the jitter fraction at random: between half and all of the delay with jitter 0.5', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(2_000);
    expect(backoffDelay(policy, 3, () => 0.999999)).toBe(4_000);
  });

  it('with full jitter (1) anywhere from 0 to the delay', () => {
    const full = resolvePolicy({ ...policy, jitter: 1 });
    expect(backoffDelay(full, 2, () => 0)).toBe(0);
    expect(backoffDelay(full, 2, () => 0.5)).toBe(1_000);
  });
});

describe('decide', () => {
  const fresh = { attempts: 1, acceptedAt: 0 };
  it('retries a retryable failure after the backoff, or after retryAfterMs when that is longer', () => {
    const steady = resolvePolicy({ ...policy, jitter: 0 });
    expect(decide(fresh, unavailable, steady, 10)).toEqual({ kind: 'retry', delayMs: 1_000 });
    expect(decide(fresh, { ...unavailable, retryAfterMs: 5_000 }, steady, 10)).toEqual({
      kind: 'retry',
      delayMs: 5_000,
    });
  });

  it('backs off after a timeout exactly as after a 5xx: the lane waits, it is not resent at once', () => {
    const steady = resolvePolicy({ ...policy, jitter: 0 });
    const late = toAttemptResult(new TimeoutError(1_000), []);
    expect([1, 2, 3, 4].map((attempts) => decide({ attempts, acceptedAt: 0 }, late, steady, 10))).toEqual(
      [1, 2, 3, 4].map((attempts) => decide({ attempts, acceptedAt: 0 }, unavailable, steady, 10)),
    );
  });

  it('gives up at maxAttempts and past maxAgeMs, saying why', () => {
    expect(decide({ attempts: 5, acceptedAt: 0 }, unavailable, policy, 10)).toEqual({
      kind: 'dead',
      reason: 'gave up after 5 attempts: OpenConnect answered 503',
    });
    expect(decide(fresh, unavailable, policy, 61_000)).toEqual({
      kind: 'dead',
      reason: 'gave up after 61 s (max age): OpenConnect answered 503',
    });
  });

  it('kills a permanent refusal at once and pauses on a 401', () => {
    expect(decide(fresh, refused, policy, 10)).toEqual({
      kind: 'dead',
      reason: 'refused permanently: OpenConnect answered 400: agentid is required',
    });
    expect(decide(fresh, unauthorised, policy, 10)).toEqual({
      kind: 'pause',
      reason: 'the API key was rejected (401)',
    });
  });
});

describe('nextRecord', () => {
  const retrying: DeliveryRecord = {
    id: '7',
    connector: 'acme',
    source: 'calls',
    agentid: 'agent-1',
    event: 'Call Offered',
    lifecycle: 'offered',
    props: { lifecycle: 'offered' },
    status: 'retrying',
    attempts: 2,
    acceptedAt: 1_000,
    updatedAt: 2_000,
    nextAttemptAt: 3_000,
    lastStatus: 503,
    lastError: 'OpenConnect answered 503',
  };
  const at = 5_000;

  it('delivered: counts the attempt, keeps the answer, and drops the next attempt time and the old error', () => {
    const next = nextRecord(retrying, { ok: true, status: 200, answer: 'ok' }, { kind: 'delivered' }, at);
    const { nextAttemptAt: _n, lastError: _e, ...kept } = retrying;
    expect(next).toStrictEqual({
      ...kept,
      status: 'delivered',
      attempts: 3,
      updatedAt: at,
      deliveredAt: at,
      lastStatus: 200,
      lastAnswer: 'ok',
    });
  });

  it('retry: counts the attempt, sets the next attempt time and the new error', () => {
    const next = nextRecord(retrying, unavailable, { kind: 'retry', delayMs: 4_000 }, at);
    expect(next).toStrictEqual({
      ...retrying,
      attempts: 3,
      updatedAt: at,
      nextAttemptAt: 9_000,
      lastError: unavailable.error,
    });
  });

  it('dead: counts the attempt, says why, and has no next attempt time', () => {
    const next = nextRecord(retrying, refused, { kind: 'dead', reason: 'refused permanently' }, at);
    const { nextAttemptAt: _n, ...kept } = retrying;
    expect(next).toStrictEqual({
      ...kept,
      status: 'dead',
      attempts: 3,
      updatedAt: at,
      lastStatus: refused.status,
      lastError: refused.error,
      deadReason: 'refused permanently',
    });
  });

  it('pause (a 401): not an attempt; keeps the next attempt time, records the error', () => {
    const next = nextRecord(retrying, unauthorised, { kind: 'pause', reason: 'jwt refused' }, at);
    expect(next).toStrictEqual({
      ...retrying,
      updatedAt: at,
      lastStatus: 401,
      lastError: unauthorised.error,
    });
    const { nextAttemptAt: _n, ...queued } = retrying;
    expect(
      nextRecord({ ...queued, status: 'queued' }, unauthorised, { kind: 'pause', reason: 'jwt refused' }, at),
    ).not.toHaveProperty('nextAttemptAt');
  });
});

describe('freshRecord', () => {
  const message = {
    connector: 'acme',
    source: 'events',
    agentid: 'Agent.7',
    event: 'Call Answered',
    lifecycle: 'answered' as const,
    props: { interactionId: 'c-1', ani: '+15555550100' },
  };

  it("is the message's fields, queued with its first attempt due now; a key's own window is no part of it", () => {
    const record = freshRecord(
      { ...message, dedupeKey: 'acme/events/req-1', dedupeWindowMs: 300_000 },
      '12',
      1_000,
    );
    expect(record).toStrictEqual({
      ...message,
      dedupeKey: 'acme/events/req-1',
      id: '12',
      status: 'queued',
      attempts: 0,
      acceptedAt: 1_000,
      updatedAt: 1_000,
      nextAttemptAt: 1_000,
    });
    expect(record.props).toBe(message.props); // the caller's props, not a copy
  });

  it('has no dedupe key when the message has none', () => {
    expect(freshRecord(message, '13', 1_000)).not.toHaveProperty('dedupeKey');
  });
});
