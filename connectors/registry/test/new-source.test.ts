// `pnpm new-source` in a scratch copy of the repository layout, on a connector made by `pnpm new-connector`:
// the source, its two fixtures and its place in `sources: [...]`; the connector then passes the kit (both
// sources, each told apart by its detector), typechecks and has no import cycle.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, cycles, formatted, linkModules, makeScratch, run, tsx } from './scratch.js';

let scratch: string;
let folder: string;

beforeAll(async () => {
  scratch = makeScratch();
  folder = join(scratch, 'connectors/acme-cloud');
  const made = await run(
    tsx,
    ['scripts/new-connector.ts', 'acme-cloud', '--name', 'Acme Cloud', '--no-install'],
    scratch,
  );
  if (made.code !== 0) throw new Error(made.out);
  linkModules(folder);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pnpm new-source', () => {
  it('writes the source and its fixtures and adds it to the sources of src/index.ts', async () => {
    const result = await run(tsx, ['scripts/new-source.ts', 'acme-cloud', 'crm-events'], scratch);
    expect(result.code, result.out).toBe(0);
    for (const file of [
      'src/crm-events.ts',
      'fixtures/crm-events/call-connected.json',
      'fixtures/crm-events/unknown-event.json',
    ]) {
      expect(existsSync(join(folder, file)), file).toBe(true);
    }
    const index = readFileSync(join(folder, 'src/index.ts'), 'utf8');
    expect(index).toContain("import { crmEvents } from './crm-events.js';\n");
    expect(index).toContain('  sources: [webhook, crmEvents],\n');
    const source = readFileSync(join(folder, 'src/crm-events.ts'), 'utf8');
    for (const part of ['tokenAuth<AcmeCloudConfig>(', 'detectJson(', "from './config.js'"])
      expect(source).toContain(part);
  });

  it('leaves a connector that passes the conformance kit with both sources, typechecks and has no cycle', async () => {
    const { tests, types } = await check(folder);
    expect(tests.code, tests.out).toBe(0);
    // 9 for the scaffolded source as before, 12 more: the two new fixtures mapped and refused without their
    // token, all four fixtures detected by their source when the URL names none, the new source fuzzed and
    // given Object's member names.
    expect(tests.out).toMatch(/Tests\s+21 passed/);
    expect(types.code, types.out).toBe(0);
    const found = await cycles(folder);
    expect(found.code, found.out).toBe(0);
    const format = await formatted(scratch, 'connectors/acme-cloud');
    expect(format.code, format.out).toBe(0);
  });

  it('refuses an existing source id, an unknown connector, an option the connector lacks and a bad id', async () => {
    const again = await run(tsx, ['scripts/new-source.ts', 'acme-cloud', 'crm-events'], scratch);
    expect(again.code).toBe(1);
    expect(again.out).toContain('connectors/acme-cloud already has a source "crm-events"');
    const taken = await run(tsx, ['scripts/new-source.ts', 'acme-cloud', 'webhook'], scratch);
    expect(taken.code).toBe(1);
    expect(taken.out).toContain('already has a source "webhook"');
    const unknown = await run(tsx, ['scripts/new-source.ts', 'nobody', 'events'], scratch);
    expect(unknown.code).toBe(1);
    expect(unknown.out).toContain('no connector "nobody" in connectors/; the connectors are acme-cloud');
    const option = await run(
      tsx,
      ['scripts/new-source.ts', 'acme-cloud', 'other', '--secret', 'apiKey'],
      scratch,
    );
    expect(option.code).toBe(1);
    expect(option.out).toContain(
      'has no option "apiKey": name the option that holds this source\'s token with --secret <option>',
    );
    const invalid = await run(tsx, ['scripts/new-source.ts', 'acme-cloud', 'Crm Events'], scratch);
    expect(invalid.code).toBe(2);
    expect(invalid.out).toContain('is not a valid source id');
    expect(existsSync(join(folder, 'src/other.ts'))).toBe(false);
  });
});
