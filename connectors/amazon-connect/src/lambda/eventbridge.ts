// Lambda as the target of the EventBridge rule for "Amazon Connect Contact Event". EventBridge invokes it
// asynchronously: throwing makes Lambda retry (then the DLQ / on-failure destination), so it throws only
// when a retry can help (OpenConnect or the Connect API unreachable), never for bad or ignored events.
import { OpenConnectError } from '@openconnect/core';
import { createHost, type Env, errorText, type LambdaHost, log, reasonOf } from './host.js';

export interface EventBridgeResult {
  status: 'sent' | 'ignored' | 'failed';
  reason: string;
  sent: number;
}

export function createEventBridgeHandler(options: { env?: Env } = {}) {
  let host: LambdaHost | undefined;
  return async function handler(event: unknown): Promise<EventBridgeResult> {
    host ??= createHost(options.env ?? process.env, { timeoutMs: 5000 });
    const outcome = await host.run('eventbridge', event);
    if (outcome.kind === 'ignored') {
      log('info', {
        source: 'eventbridge',
        eventId: outcome.eventId,
        status: 'ignored',
        reason: outcome.reason,
      });
      return { status: 'ignored', reason: outcome.reason, sent: 0 };
    }
    if (outcome.kind === 'failed') {
      log('error', { source: 'eventbridge', status: 'retry', reason: outcome.reason });
      throw new Error(outcome.reason);
    }
    if (outcome.kind !== 'accepted') {
      log('error', { source: 'eventbridge', status: 'failed', reason: reasonOf(outcome) });
      return { status: 'failed', reason: reasonOf(outcome), sent: 0 };
    }
    try {
      await host.send(outcome.messages);
    } catch (error) {
      const reason = host.clean(errorText(error));
      if (!(error instanceof OpenConnectError) || error.retryable) {
        log('error', { source: 'eventbridge', eventId: outcome.eventId, status: 'retry', reason });
        throw new Error(reason);
      }
      log('error', { source: 'eventbridge', eventId: outcome.eventId, status: 'failed', reason });
      return { status: 'failed', reason, sent: 0 };
    }
    const sent = outcome.messages.length;
    log('info', { source: 'eventbridge', eventId: outcome.eventId, status: 'sent', sent });
    return {
      status: 'sent',
      // Stryker disable next-line StringLiteral: a contact event maps to one message, so the separator never shows
      reason: outcome.messages.map((m) => `${m.event} to ${m.agentid}`).join(', '),
      sent,
    };
  };
}

export const handler = createEventBridgeHandler();
