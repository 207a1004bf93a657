// The published CloudFormation template: the same stack, with Lambda code from S3 parameters and a
// synthesizer that needs no `cdk bootstrap` (so no bootstrap version parameter or rule either).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootstraplessSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AmazonConnectStack } from './amazon-connect-stack.js';
import { createApp } from './app.js';

export const TEMPLATE_FILE = join(import.meta.dirname, '../template/amazon-connect.json');
export const SYNTH_COMMAND = 'pnpm --filter @openconnect/deploy-aws synth';

/** The stack as published; `outdir` is where synthesis writes (CDK makes a temporary folder otherwise). */
export function templateStack(outdir?: string): AmazonConnectStack {
  return new AmazonConnectStack(createApp(outdir ? { outdir } : {}), 'OpenConnectAmazonConnect', {
    lambdaCode: 'parameters',
    synthesizer: new BootstraplessSynthesizer(),
  });
}

/** The template as committed: stable key order from the synthesizer, two-space JSON, a final newline. */
export function templateText(): string {
  return `${JSON.stringify(synthesizeTemplate(), null, 2)}\n`;
}

/** The template as an object, synthesized in a folder of its own that is removed afterwards. */
export function synthesizeTemplate(): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), 'openconnect-cdk-'));
  try {
    return Template.fromStack(templateStack(outdir)).toJSON();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
