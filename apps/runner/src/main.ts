// `pnpm start`: the runner from CONFIG and the environment. A bad config exits 1 listing every problem.
import { banner } from './banner.js';
import { ConfigProblems, startRunner } from './index.js';

async function main() {
  let runner: Awaited<ReturnType<typeof startRunner>>;
  try {
    runner = await startRunner();
  } catch (error) {
    if (error instanceof ConfigProblems) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  process.stdout.write(`${banner(runner)}\n`);
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
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`the runner could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
