// `pnpm build`: dist/main.js, what `node dist/main.js` (pnpm start:prod, the container image) runs.
import { cp } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleApp } from '../../scripts/bundle.mjs';
import { RUNNER_EXTERNALS } from './externals.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));

await bundleApp({
  root,
  entry: 'src/main.ts',
  outfile: 'dist/main.js',
  external: RUNNER_EXTERNALS,
});
// The backup command (src/backup-command.ts), for deploy folders and images that have no tsx.
await bundleApp({
  root,
  entry: 'src/backup-command.ts',
  outfile: 'dist/bin/backup.js',
  external: ['better-sqlite3'],
});
// The dashboard reads its pages from `assets` beside the code that serves them (import.meta.dirname).
await cp(new URL('src/dashboard/assets', import.meta.url), new URL('dist/assets', import.meta.url), {
  recursive: true,
});
console.log('built dist/main.js, dist/bin/backup.js');
