// The compiled build of an app (the runner, the CLI): one ESM file with the workspace code (core, the
// registry and its connectors) and their pure-JS dependencies bundled in, so production runs `node` on it
// with no TypeScript loader. What cannot be bundled stays external and is installed beside it by
// `pnpm deploy --prod`; each external must be a dependency of the app itself so it resolves from dist/.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * @param {{ root: string, entry: string, outfile: string, external?: string[] }} options
 *   root: the app's folder; entry and outfile relative to it (outfile's folder is emptied first).
 */
export async function bundleApp({ root, entry, outfile, external = [] }) {
  await rm(path.join(root, path.dirname(outfile)), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external,
    // Bundled CommonJS dependencies call require(); ESM has none unless we make one.
    banner: {
      js: "import { createRequire as __ocCreateRequire } from 'node:module'; const require = __ocCreateRequire(import.meta.url);",
    },
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  return result;
}
