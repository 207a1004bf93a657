// The published CloudFormation template: the same stack, with Lambda code from S3 parameters and a
// synthesizer that needs no `cdk bootstrap` (so no bootstrap version parameter or rule either).
import { join } from 'node:path';
import { BootstraplessSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AmazonConnectStack } from './amazon-connect-stack.js';
import { createApp } from './app.js';

export const TEMPLATE_FILE = join(import.meta.dirname, '../template/amazon-connect.json');
export const SYNTH_COMMAND = 'pnpm --filter @openconnect/deploy-aws synth';

export function templateStack(): AmazonConnectStack {
  return new AmazonConnectStack(createApp(), 'OpenConnectAmazonConnect', {
    lambdaCode: 'parameters',
    synthesizer: new BootstraplessSynthesizer(),
  });
}

/** The template as committed: stable key order from the synthesizer, two-space JSON, a final newline. */
export function templateText(): string {
  return `${JSON.stringify(Template.fromStack(templateStack()).toJSON(), null, 2)}\n`;
}
