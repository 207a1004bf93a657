// Bundles each Lambda entry into one ESM file under dist/lambda/ (or the folder given as the first argument:
// the tests build into their own). The AWS SDK is left out: the Lambda Node.js runtime provides it.
// Workspace code (core, zod, axios) is bundled in.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));
export const ENTRIES = ['contact-flow', 'eventbridge', 'agent-stream'];
const outdir = process.argv[2] ?? 'dist/lambda';

await rm(join(root, outdir), { recursive: true, force: true });
await Promise.all(
  ENTRIES.map((name) =>
    build({
      absWorkingDir: root,
      entryPoints: [`src/lambda/${name}.ts`],
      outfile: join(outdir, `${name}.mjs`),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['@aws-sdk/*'],
      // Bundled CommonJS dependencies call require(); ESM has none unless we make one.
      banner: {
        js: "import { createRequire as __ocCreateRequire } from 'node:module'; const require = __ocCreateRequire(import.meta.url);",
      },
      legalComments: 'none',
      logLevel: 'warning',
    }),
  ),
);
console.log(`built ${ENTRIES.map((name) => join(outdir, `${name}.mjs`)).join(', ')}`);
