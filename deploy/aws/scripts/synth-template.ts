// Writes template/amazon-connect.json, the stack for users without CDK: Lambda code from an S3 bucket named
// by parameters, no account, region or bootstrap resources. `pnpm --filter @openconnect/deploy-aws synth`.
// Laid out by the repository's formatter, so regenerating an unchanged stack leaves no diff.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATE_FILE, templateText } from '../lib/template.js';

writeFileSync(TEMPLATE_FILE, templateText());
execFileSync('pnpm', ['exec', 'biome', 'format', '--write', TEMPLATE_FILE], {
  cwd: join(import.meta.dirname, '../../..'),
  stdio: 'ignore',
});
console.log(`wrote ${TEMPLATE_FILE}`);
