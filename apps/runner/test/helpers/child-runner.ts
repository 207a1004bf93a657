// A runner in its own process, for the kill tests: exactly what `pnpm start` runs (signals included), with
// the test connector. Prints one JSON line once listening.
import { run } from '../../src/cli.js';
import { acme } from './acme.js';

const runner = await run({ connectors: [acme] });
process.stdout.write(`${JSON.stringify({ ready: true, url: runner.url, pid: process.pid })}\n`);
