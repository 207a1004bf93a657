// For the published template: builds the three Lambda bundles and zips each alone into deploy/aws/dist/
// (<name>.zip, the file at the zip's root, as the handler <name>.handler expects), then prints the upload
// commands. `pnpm --filter @openconnect/deploy-aws package-lambdas [s3://bucket/prefix/]`.
// The zip command is the one every Linux and macOS machine has; no library is needed for three files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LAMBDA_BUNDLES } from '../lib/webhooks.js';

const repo = join(import.meta.dirname, '../../..');
const bundles = join(repo, 'connectors/amazon-connect/dist/lambda');
const out = join(import.meta.dirname, '../dist');
const target = (process.argv[2] ?? 's3://<bucket>/openconnect/amazon-connect/').replace(/\/?$/, '/');

execFileSync('pnpm', ['--filter', '@openconnect/amazon-connect', 'build'], { cwd: repo, stdio: 'inherit' });
mkdirSync(out, { recursive: true });
for (const name of LAMBDA_BUNDLES) {
  const zip = join(out, `${name}.zip`);
  rmSync(zip, { force: true });
  // -X: no extra file attributes, -j: the file alone, without its folders.
  execFileSync('zip', ['-q', '-X', '-j', zip, join(bundles, `${name}.mjs`)]);
}
console.log(`\nZipped into deploy/aws/dist/. Upload them, from the repository root, with:\n`);
for (const name of LAMBDA_BUNDLES)
  console.log(`  aws s3 cp deploy/aws/dist/${name}.zip ${target}${name}.zip`);
