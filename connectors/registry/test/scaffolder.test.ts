// `pnpm new-connector` in a scratch copy of the repository layout: the generated folder must be registered
// by one line, pass the conformance kit and typecheck as generated, and have no import cycle.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, cycles, formatted, linkModules, makeScratch, run, tsx } from './scratch.js';

let scratch: string;

beforeAll(() => {
  scratch = makeScratch();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pnpm new-connector', () => {
  it('writes a connector folder and adds exactly one sorted registry line', async () => {
    const result = await run(
      tsx,
      ['scripts/new-connector.ts', 'acme-cloud', '--name', 'Acme Cloud', '--no-install'],
      scratch,
    );
    expect(result.code, result.out).toBe(0);
    for (const file of [
      'package.json',
      'stryker.config.mjs',
      'src/config.ts',
      'src/index.ts',
      'src/webhook.ts',
      'fixtures/webhook/call-answered.json',
      'fixtures/webhook/unknown-type.json',
      'test/conformance.test.ts',
      'README.md',
    ]) {
      expect(existsSync(join(scratch, 'connectors/acme-cloud', file)), file).toBe(true);
    }
    expect(readFileSync(join(scratch, 'connectors/registry/src/connectors.ts'), 'utf8')).toBe(
      "// One line per connector.\nexport { default as acmeCloud } from '@openconnect/acme-cloud';\nexport { default as zeta } from '@openconnect/zeta';\n",
    );
    // Declared as a workspace dependency too, so a pruned deploy of the runner carries the new connector.
    expect(
      JSON.parse(readFileSync(join(scratch, 'connectors/registry/package.json'), 'utf8')).dependencies,
    ).toEqual({
      '@openconnect/acme-cloud': 'workspace:*',
      '@openconnect/zeta': 'workspace:*',
    });
    expect(JSON.parse(readFileSync(join(scratch, 'connectors/acme-cloud/package.json'), 'utf8')).name).toBe(
      '@openconnect/acme-cloud',
    );
  });

  it('generates a connector that passes the conformance kit and typechecks as generated', async () => {
    const folder = join(scratch, 'connectors/acme-cloud');
    linkModules(folder);
    const { tests, types } = await check(folder);
    // The fixtures carry no token: the kit signs them with the source's own signer (tokenAuth). Nine: the
    // kit's eight before stop 30, and its check of Object's member names on the fixtures' string fields.
    expect(tests.code, tests.out).toBe(0);
    expect(tests.out).toMatch(/Tests\s+9 passed/);
    expect(types.code, types.out).toBe(0);
  });

  it('generates sources that read the options from src/config.ts, so dpdm finds no import cycle', async () => {
    const folder = join(scratch, 'connectors/acme-cloud');
    const found = await cycles(folder);
    expect(found.code, found.out).toBe(0);
    expect(found.out).toContain('no circular dependency');
    expect(readFileSync(join(folder, 'src/webhook.ts'), 'utf8')).toContain("from './config.js'");
  });

  it('generates code the repository formatter leaves as it is, registry line included', async () => {
    const found = await formatted(scratch, 'connectors/acme-cloud', 'connectors/registry');
    expect(found.code, found.out).toBe(0);
    expect(found.out).toMatch(/Checked \d+ files?/);
  });

  it('refuses an invalid id and an existing folder', async () => {
    const invalid = await run(tsx, ['scripts/new-connector.ts', 'Acme Cloud', '--no-install'], scratch);
    expect(invalid.code).toBe(2);
    expect(invalid.out).toContain('is not a valid connector id');
    const again = await run(tsx, ['scripts/new-connector.ts', 'acme-cloud', '--no-install'], scratch);
    expect(again.code).toBe(1);
    expect(again.out).toContain('connectors/acme-cloud already exists');
  });
});
