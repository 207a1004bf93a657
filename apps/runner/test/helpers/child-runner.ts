// A runner in its own process, for the kill tests: the real startRunner with the test connector, config
// from CONFIG and the environment, SIGTERM handled like main.ts. Prints one JSON line once listening.
import { startRunner } from '../../src/index.js';
import { acme } from './acme.js';

const runner = await startRunner({ connectors: [acme] });
process.stdout.write(`${JSON.stringify({ ready: true, url: runner.url, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  void runner.close().then(() => process.exit(0));
});
