// `pnpm test`: typecheck and test every package through Turborepo, then print one closing line
// "N passed, N failed" summed over every package's vitest run, and exit non-zero on any failure.
import { spawn } from 'node:child_process';

const tasks = process.argv.slice(2).length ? process.argv.slice(2) : ['typecheck', 'test'];
const child = spawn('pnpm', ['exec', 'turbo', 'run', ...tasks, '--concurrency=1', '--output-logs=full'], {
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
});

let log = '';
for (const stream of [child.stdout, child.stderr]) {
  stream.on('data', (chunk) => {
    log += chunk;
    (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
  });
}

child.on('close', (code) => {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
  const plain = log.replace(/\u001b\[[0-9;]*m/g, '');
  for (const line of plain.split('\n')) {
    const match = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
    if (!match) continue;
    for (const part of match[1].split('|')) {
      const [, n, kind] = part.trim().match(/^(\d+) (passed|failed|skipped|todo)/) ?? [];
      if (kind && kind in totals) totals[kind] += Number(n);
    }
  }
  const failed = code !== 0 && totals.failed === 0 ? 1 : totals.failed;
  process.stdout.write(
    `\n${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`,
  );
  process.exit(code === 0 && totals.failed === 0 ? 0 : 1);
});
