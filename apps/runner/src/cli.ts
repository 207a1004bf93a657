// What `pnpm start` does, reusable by tests that run a runner as a child process: start, print the
// banner (stderr), reload on SIGHUP, and shut down gracefully on SIGTERM/SIGINT. A bad config exits 1
// listing every problem; a fault nothing caught exits 1 after one fatal log line.
import { banner } from './banner.js';
import { ConfigProblems, type Runner, type StartOptions, startRunner } from './index.js';

export async function run(options: StartOptions = {}): Promise<Runner> {
  let runner: Runner;
  try {
    runner = await startRunner(options);
  } catch (error) {
    if (error instanceof ConfigProblems) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`the runner could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  // stdout carries the JSON log lines only (what a log collector parses); the human banner goes to stderr.
  process.stderr.write(`${banner(runner)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    runner.logger.info({ signal }, 'shutting down: no new requests, finishing deliveries in flight');
    runner.close().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  // SIGHUP: read the config and its secrets again (a rotated key); a bad one is logged and changes nothing.
  process.on('SIGHUP', () => {
    try {
      runner.reload();
    } catch (error) {
      if (!(error instanceof ConfigProblems)) runner.logger.error({ err: error }, 'reload failed');
    }
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A fault nothing caught still ends the process, as Node's default does (a supervisor restarts it, and the
  // outbox keeps what was answered 2xx), but through the logger: one JSON line a log collector parses, scrubbed
  // of every secret. Node's own report prints the error with its fields (an HTTP client's error carries its
  // request: headers, body, the jwt) to stderr as they are.
  const crash = (what: string) => (error: unknown) => {
    try {
      runner.logger.fatal({ err: error }, `${what}: the runner stops (a bug: please report this line)`);
    } finally {
      process.exit(1); // the log's exit handler writes out the line first
    }
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));
  return runner;
}
