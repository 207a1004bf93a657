// The published template (template/amazon-connect.json) is what the stack synthesizes today, and the CDK
// app's own flavour (the bundles as assets) differs from it only where Lambda code comes from.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { AmazonConnectStack } from '../lib/amazon-connect-stack.js';
import { createApp } from '../lib/app.js';
import { SYNTH_COMMAND, synthesizeTemplate, TEMPLATE_FILE } from '../lib/template.js';
import { LAMBDA_BUNDLES } from '../lib/webhooks.js';
import { type Json, ofType } from './template-checks.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the published template', () => {
  it('is what the stack synthesizes now, on any machine', () => {
    // Compared as JSON, so `pnpm format` may lay the file out as it likes; what it says must not differ (and
    // holds no account, region, path or hash that would differ between machines: see stack.test.ts).
    expect(
      JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')),
      `deploy/aws/template/amazon-connect.json is out of date with lib/: run \`${SYNTH_COMMAND}\` and commit it`,
    ).toEqual(synthesizeTemplate());
  });
});

describe('the CDK app (bundles uploaded as assets)', () => {
  it('gives each function an asset of its own bundle and asks for no code parameters', () => {
    // Stand-ins for connectors/amazon-connect/dist/lambda: the real build is that package's own test, and
    // rebuilding its dist here could race with it.
    const bundleDir = mkdtempSync(join(tmpdir(), 'deploy-aws-bundles-'));
    dirs.push(bundleDir);
    for (const name of LAMBDA_BUNDLES)
      writeFileSync(join(bundleDir, `${name}.mjs`), `export const handler = async () => '${name}';\n`);
    mkdirSync(join(bundleDir, 'unrelated'));
    writeFileSync(join(bundleDir, 'unrelated/file.txt'), 'not part of any function');

    const outdir = mkdtempSync(join(tmpdir(), 'deploy-aws-cdk-out-'));
    dirs.push(outdir);
    const app = createApp({ outdir });
    const stack = new AmazonConnectStack(app, 'OpenConnectAmazonConnect', { lambdaCode: { bundleDir } });
    const template = Template.fromStack(stack).toJSON() as {
      Parameters: Json;
      Resources: Record<string, Json>;
    };
    expect(Object.keys(template.Parameters)).not.toContain('LambdaCodeBucket');
    expect(Object.keys(template.Parameters)).toContain('BootstrapVersion');

    const assembly = app.synth();
    const manifest = JSON.parse(
      readFileSync(join(assembly.directory, 'OpenConnectAmazonConnect.assets.json'), 'utf8'),
    ) as { files: Record<string, { source: { path: string } }> };
    const keys = ofType(template as never, 'AWS::Lambda::Function').map(([, r]) => {
      const key = JSON.stringify((r.Properties as Json).Code);
      const hash = Object.keys(manifest.files).find((h) => key.includes(h))!;
      const staged = join(assembly.directory, manifest.files[hash]!.source.path);
      return { handler: (r.Properties as Json).Handler, files: readdirFiles(staged) };
    });
    expect(keys.sort((a, b) => String(a.handler).localeCompare(String(b.handler)))).toEqual([
      { handler: 'agent-stream.handler', files: ['agent-stream.mjs'] },
      { handler: 'contact-flow.handler', files: ['contact-flow.mjs'] },
      { handler: 'eventbridge.handler', files: ['eventbridge.mjs'] },
    ]);
  });
});

function readdirFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}
