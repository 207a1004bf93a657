// vitest globalSetup: bundles the Lambda handlers (build.mjs) that test/lambda.test.ts loads, once per vitest
// process rather than in that file's beforeAll: a mutation run (Stryker) runs the file again for every mutant
// it covers, and the build was most of each run's time. Every process builds into a folder of its own, so
// parallel runs (Stryker's runners share one sandbox) never load a bundle another one is still writing.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BUILD_TIME_JWT } from './values.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder holding this run's contact-flow.mjs, eventbridge.mjs and agent-stream.mjs. */
    lambdaDir: string;
  }
}

export default function setup(project: TestProject) {
  const root = join(import.meta.dirname, '..');
  const outdir = `dist/lambda-test-${process.pid}`;
  // Built with a jwt in the environment, so the tests can prove the bundles never take it in at build time.
  execFileSync(process.execPath, ['build.mjs', outdir], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, OPENCONNECT_JWT: BUILD_TIME_JWT },
  });
  project.provide('lambdaDir', join(root, outdir));
  return () => rmSync(join(root, outdir), { recursive: true, force: true });
}
