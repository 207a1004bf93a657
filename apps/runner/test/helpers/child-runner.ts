// A runner in its own process, for the kill tests: exactly what `pnpm start` runs (signals included), with
// the test connectors (acme webhooks, and the line vendor's subscription). Prints one JSON line once listening.
import { lineConnector } from '@openconnect/core/testing';
import { run } from '../../src/cli.js';
import { acme } from './acme.js';

const runner = await run({ connectors: [acme, lineConnector] });
process.stdout.write(
  `${JSON.stringify({ ready: true, url: runner.url, pid: process.pid, holder: runner.supervisor.holderId })}\n`,
);
