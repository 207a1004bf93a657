// Bundles each Lambda entry into one ESM file under dist/lambda/. The AWS SDK is left out: the Lambda
// Node.js runtime provides it. Workspace code (core, zod, axios) is bundled in.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));
export const ENTRIES = ['contact-flow', 'eventbridge', 'agent-stream'];

await rm(new URL('dist/lambda', import.meta.url), { recursive: true, force: true });
await Promise.all(
  ENTRIES.map((name) =>
    build({
      absWorkingDir: root,
      entryPoints: [`src/lambda/${name}.ts`],
      outfile: `dist/lambda/${name}.mjs`,
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
console.log(`built ${ENTRIES.map((name) => `dist/lambda/${name}.mjs`).join(', ')}`);
