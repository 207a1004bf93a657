// Writes template/amazon-connect.json, the stack for users without CDK: Lambda code from an S3 bucket named
// by parameters, no account, region or bootstrap resources. `pnpm --filter @openconnect/deploy-aws synth`.
import { writeFileSync } from 'node:fs';
import { TEMPLATE_FILE, templateText } from '../lib/template.js';

writeFileSync(TEMPLATE_FILE, templateText());
console.log(`wrote ${TEMPLATE_FILE}`);
