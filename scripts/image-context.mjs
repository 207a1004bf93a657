// `node scripts/image-context.mjs <dir>`: what the container image holds, prepared in <dir>:
//   <dir>/app   the runner's pruned deploy folder (`pnpm --filter @openconnect/runner deploy --prod`):
//               dist/main.js and the node_modules of what the bundle keeps external; starts with `node`.
//   <dir>/app/cli/main.js   the compiled `openconnect` command (doctor, send, map), one file.
//   <dir>/data  an empty folder, the outbox volume's mount point.
// The Dockerfile's build stage runs it; without the npm registry inside `docker build`, run it on the host
// and build the image from <dir> (docs/deploy-container.md, "Build without the registry").
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node scripts/image-context.mjs <dir>\n');
  process.exit(2);
}
const dir = path.resolve(target);

function pnpm(...args) {
  const result = spawnSync('pnpm', args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`pnpm ${args.join(' ')} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
}

pnpm('--filter', '@openconnect/runner', '--filter', '@openconnect/cli', 'run', 'build');
rmSync(dir, { recursive: true, force: true });
pnpm('--filter', '@openconnect/runner', 'deploy', '--prod', path.join(dir, 'app'));
mkdirSync(path.join(dir, 'app/cli'), { recursive: true });
copyFileSync(path.join(root, 'apps/cli/dist/main.js'), path.join(dir, 'app/cli/main.js'));
mkdirSync(path.join(dir, 'data'));
console.log(`image context ready in ${dir}`);
