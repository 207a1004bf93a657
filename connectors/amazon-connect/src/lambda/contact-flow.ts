// Lambda for the contact-flow "Invoke AWS Lambda function" block. Connect waits at most 8 s and takes
// the Error branch when the function throws, so this never throws and answers within its budget with a
// flat string map the flow can branch on ($.External.openconnectStatus).
import { createHost, type Env, errorText, type LambdaHost, log, reasonOf } from './host.js';

export interface ContactFlowResult {
  openconnectStatus: 'sent' | 'failed' | 'ignored';
  reason: string;
  [key: string]: string;
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

const result = (
  openconnectStatus: ContactFlowResult['openconnectStatus'],
  reason: string,
): ContactFlowResult => ({
  openconnectStatus,
  reason,
});

async function handle(host: LambdaHost, event: unknown): Promise<ContactFlowResult> {
  const outcome = await host.run('contact-flow', event);
  if (outcome.kind === 'ignored') return result('ignored', outcome.reason);
  if (outcome.kind !== 'accepted') return result('failed', reasonOf(outcome));
  if (!outcome.messages.length) {
    return result('ignored', outcome.skipped.map((s) => s.reason).join('; ') || 'no message to send');
  }
  await host.send(outcome.messages);
  const [first] = outcome.messages;
  return result('sent', `sent ${first!.event} to ${first!.agentid}`);
}

function withDeadline(work: Promise<ContactFlowResult>, ms: number): Promise<ContactFlowResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ContactFlowResult>((resolve) => {
    timer = setTimeout(() => resolve(result('failed', `OpenConnect did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function createContactFlowHandler(options: { env?: Env } = {}) {
  let host: LambdaHost | undefined;
  return async function handler(event: unknown, context?: LambdaContext): Promise<ContactFlowResult> {
    let answer: ContactFlowResult;
    try {
      host ??= createHost(options.env ?? process.env, { timeoutMs: CONTACT_FLOW_BUDGET_MS });
      const budget = contactFlowBudget(host.timeoutMs, context?.getRemainingTimeInMillis?.());
      const current = host;
      answer = await withDeadline(
        handle(current, event).catch((error) => result('failed', current.clean(errorText(error)))),
        budget,
      );
    } catch (error) {
      // A configuration error: reported to the flow like any other failure.
      answer = result('failed', host ? host.clean(errorText(error)) : errorText(error));
    }
    log(answer.openconnectStatus === 'failed' ? 'error' : 'info', { source: 'contact-flow', ...answer });
    return answer;
  };
}

export const handler = createContactFlowHandler();
