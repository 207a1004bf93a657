// `pnpm build`: dist/main.js, the compiled `openconnect` command (`node dist/main.js doctor`), as the
// container image ships it; bin/openconnect.js keeps running the sources through tsx in development.
import { fileURLToPath } from 'node:url';
import { bundleApp } from '../../scripts/bundle.mjs';

await bundleApp({
  root: fileURLToPath(new URL('.', import.meta.url)),
  entry: 'src/main.ts',
  outfile: 'dist/main.js',
});
console.log('built dist/main.js');
