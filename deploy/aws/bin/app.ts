#!/usr/bin/env node
// `cdk deploy` runs this (cdk.json): the stack with the Lambda bundles uploaded as assets.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../lib/app.js';
import { AmazonConnectStack } from '../lib/amazon-connect-stack.js';
import { LAMBDA_BUNDLES } from '../lib/webhooks.js';

const bundleDir = join(import.meta.dirname, '../../../connectors/amazon-connect/dist/lambda');
const missing = LAMBDA_BUNDLES.filter((name) => !existsSync(join(bundleDir, `${name}.mjs`)));
if (missing.length) {
  console.error(
    `The Lambda bundles are not built (${missing.join(', ')} missing in ${bundleDir}): run ` +
      '`pnpm --filter @openconnect/amazon-connect build` first.',
  );
  process.exit(1);
}

const app = createApp();
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'OpenConnectAmazonConnect';
new AmazonConnectStack(app, stackName, { lambdaCode: { bundleDir } });
app.synth();
