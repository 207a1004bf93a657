// `pnpm test:mutation <package> [stryker options]`: runs StrykerJS (mutation testing) over one package,
// e.g. `pnpm test:mutation core` or `pnpm test:mutation five9` (connectors/five9). The package's own
// stryker.config.mjs says what is mutated and the score below which the run fails. Slow: not part of `pnpm test`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
if (!name) {
  console.error('usage: pnpm test:mutation <package> [stryker options], e.g. pnpm test:mutation core');
  process.exit(2);
}
const candidates = [name, join('connectors', name), join('apps', name)].map((dir) => join(root, dir));
const dir = candidates.find((candidate) => existsSync(join(candidate, 'stryker.config.mjs')));
if (!dir) {
  console.error(
    `no stryker.config.mjs for "${name}" (looked in ${candidates.map((c) => c.slice(root.length + 1)).join(', ')}); ` +
      'a package gets mutation testing by adding one (see core/stryker.config.mjs)',
  );
  process.exit(2);
}
// The root dev dependency (its bin is not in the package's exports, so it is found by path).
const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const child = spawn(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...rest], {
  cwd: dir,
  stdio: 'inherit',
});
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
