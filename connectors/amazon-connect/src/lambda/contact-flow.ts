// Lambda for the contact-flow "Invoke AWS Lambda function" block. Connect waits at most 8 s and takes
// the Error branch when the function throws or its answer is not understood, so this never throws and
// answers within its budget with a flat string map the flow can branch on ($.External.openconnectStatus).
// Connect documents that map's values as letters, digits, dash and underscore only, under 32 KB in all:
// the answer carries codes, and the sentence explaining them goes to the log line.
import { OpenConnectError } from '@openconnect/core';
import { createHost, type Env, errorText, type LambdaHost, log, reasonOf } from './host.js';

export interface ContactFlowResult {
  openconnectStatus: 'sent' | 'failed' | 'ignored';
  /** A code: sent, ignored, timeout, bad_input, not_processed, error, or core's error code (auth_rejected...). */
  reason: string;
  [key: string]: string;
}

/** What a value returned to a flow may hold (Connect's Lambda response rules). */
export const FLOW_VALUE = /^[A-Za-z0-9_-]{1,64}$/;

/** A code made safe for the flow: other characters become `_`, at most 64 of them. */
export function flowValue(code: string): string {
  const safe = code.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return safe || 'error';
}

/** The answer and the sentence behind it (logged, never returned). */
interface Answer {
  result: ContactFlowResult;
  detail: string;
}

export interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
}

/** Well under Connect's 8 s limit, leaving the flow time to go on. */
export const CONTACT_FLOW_BUDGET_MS = 3000;
/** No OPENCONNECT_TIMEOUT_MS may take the answer past this: Connect gives up on the block at 8 s. */
export const CONTACT_FLOW_MAX_BUDGET_MS = 6000;

/** How long this invocation may wait for OpenConnect: the configured timeout, capped, within Lambda's time. */
export function contactFlowBudget(timeoutMs: number, remainingMs?: number): number {
  const lambdaLeft = remainingMs === undefined ? Number.POSITIVE_INFINITY : remainingMs - 250;
  return Math.max(100, Math.min(timeoutMs, CONTACT_FLOW_MAX_BUDGET_MS, lambdaLeft));
}

const answer = (
  openconnectStatus: ContactFlowResult['openconnectStatus'],
  code: string,
  detail: string,
): Answer => ({ result: { openconnectStatus, reason: flowValue(code) }, detail });

/** A thrown error's code: core's OpenConnectError names one (auth_rejected, timeout, server_error...). */
const codeOf = (error: unknown) => (error instanceof OpenConnectError ? error.code : 'error');

async function handle(host: LambdaHost, event: unknown): Promise<Answer> {
  const outcome = await host.run('contact-flow', event);
  if (outcome.kind === 'ignored') return answer('ignored', 'ignored', outcome.reason);
  if (outcome.kind === 'invalid') return answer('failed', 'bad_input', reasonOf(outcome));
  // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable today (the contact-flow source makes no look-up and the host signs its own requests: only ignored, invalid and accepted come back); kept so a source that fails answers the flow
  if (outcome.kind !== 'accepted') return answer('failed', 'not_processed', reasonOf(outcome));
  if (!outcome.messages.length) {
    // Stryker disable next-line StringLiteral: a contact-flow event maps to one draft, so one skip reason: the separator and the fallback never show
    const why = outcome.skipped.map((s) => s.reason).join('; ') || 'no message to send';
    return answer('ignored', 'ignored', why);
  }
  await host.send(outcome.messages);
  const [first] = outcome.messages;
  return answer('sent', 'sent', `sent ${first!.event} to ${first!.agentid}`);
}

function withDeadline(work: Promise<Answer>, ms: number): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Answer>((resolve) => {
    timer = setTimeout(
      () => resolve(answer('failed', 'timeout', `OpenConnect did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function createContactFlowHandler(options: { env?: Env } = {}) {
  let host: LambdaHost | undefined;
  return async function handler(event: unknown, context?: LambdaContext): Promise<ContactFlowResult> {
    let done: Answer;
    try {
      host ??= createHost(options.env ?? process.env, { timeoutMs: CONTACT_FLOW_BUDGET_MS });
      const budget = contactFlowBudget(host.timeoutMs, context?.getRemainingTimeInMillis?.());
      const current = host;
      done = await withDeadline(
        handle(current, event).catch((error) =>
          answer('failed', codeOf(error), current.clean(errorText(error))),
        ),
        budget,
      );
    } catch (error) {
      // A configuration error: reported to the flow like any other failure.
      done = answer('failed', codeOf(error), host ? host.clean(errorText(error)) : errorText(error));
    }
    const { result, detail } = done;
    log(result.openconnectStatus === 'failed' ? 'error' : 'info', {
      source: 'contact-flow',
      ...result,
      detail,
    });
    return result;
  };
}

export const handler = createContactFlowHandler();
