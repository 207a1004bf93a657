// Lambda consumer of the Kinesis agent event stream, with ReportBatchItemFailures. Records go one by one,
// in order; at the first record that should be retried it stops and reports that record: Lambda resumes
// from the lowest reported sequence number, so later records would be sent twice if processed now.
// It also stops before Lambda's own timeout would kill it: a timed-out invocation retries the whole batch.
import { OpenConnectError } from '@openconnect/core';
import { createHost, type Env, errorText, type LambdaHost, log, reasonOf } from './host.js';

export interface KinesisRecord {
  kinesis: { data: string; sequenceNumber: string; partitionKey?: string };
  eventID?: string;
  [key: string]: unknown;
}

export interface KinesisBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

type Verdict = 'done' | 'retry';

export interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
}

/** Time kept back after the last send may start: the send's own timeout plus this margin. */
export const DEADLINE_MARGIN_MS = 1000;

async function processRecord(
  host: LambdaHost,
  record: KinesisRecord,
  sequence: string | undefined,
): Promise<Verdict> {
  const outcome = await host.run('agent-stream', { Records: [record] });
  // Stryker disable next-line StringLiteral: only 'retry' is ever compared; any other verdict means done
  if (outcome.kind === 'ignored') return 'done';
  if (outcome.kind === 'failed') {
    log('error', { source: 'agent-stream', sequence, status: 'retry', reason: outcome.reason });
    return 'retry';
  }
  if (outcome.kind !== 'accepted') {
    // A record that cannot be read never will be: retrying it would block the shard.
    log('warn', { source: 'agent-stream', sequence, status: 'skipped', reason: reasonOf(outcome) });
    // Stryker disable next-line StringLiteral: only 'retry' is ever compared; any other verdict means done
    return 'done';
  }
  try {
    await host.send(outcome.messages);
    // Stryker disable next-line StringLiteral: only 'retry' is ever compared; any other verdict means done
    return 'done';
  } catch (error) {
    const reason = host.clean(errorText(error));
    if (error instanceof OpenConnectError && !error.retryable) {
      log('error', { source: 'agent-stream', sequence, status: 'failed', reason });
      // Stryker disable next-line StringLiteral: only 'retry' is ever compared; any other verdict means done
      return 'done';
    }
    log('error', { source: 'agent-stream', sequence, status: 'retry', reason });
    return 'retry';
  }
}

export function createAgentStreamHandler(options: { env?: Env } = {}) {
  let host: LambdaHost | undefined;
  return async function handler(
    event: { Records?: KinesisRecord[] },
    context?: LambdaContext,
  ): Promise<KinesisBatchResponse> {
    host ??= createHost(options.env ?? process.env, { timeoutMs: 5000 });
    const records = event?.Records ?? [];
    for (const [index, record] of records.entries()) {
      // None for a record of another event source (a stream wired to this function by mistake).
      const sequence = record?.kinesis?.sequenceNumber;
      // The first record always runs, so a short Lambda timeout still makes progress.
      // No clock (a caller's context without one): no deadline.
      const left = context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
      if (index > 0 && left < host.timeoutMs + DEADLINE_MARGIN_MS) {
        log('warn', {
          source: 'agent-stream',
          sequence,
          status: 'retry',
          reason: `${left} ms left of the Lambda timeout; the rest of the batch comes again`,
        });
        // An empty identifier makes Lambda retry the whole batch: the most it can do with a record it cannot name.
        return { batchItemFailures: [{ itemIdentifier: sequence ?? '' }] };
      }
      if ((await processRecord(host, record, sequence)) === 'retry') {
        return { batchItemFailures: [{ itemIdentifier: record.kinesis.sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };
}

export const handler = createAgentStreamHandler();
