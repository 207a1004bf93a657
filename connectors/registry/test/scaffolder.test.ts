// `pnpm new-connector` in a scratch copy of the repository layout: the generated folder must be registered
// by one line and pass the conformance kit as generated.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../../..');
const coreModules = join(repo, 'core/node_modules');
let scratch: string;

function run(command: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 120_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

const link = (target: string, path: string) => {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(realpathSync(target), path);
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'scaffold-'));
  mkdirSync(join(scratch, 'scripts'));
  copyFileSync(join(repo, 'scripts/new-connector.ts'), join(scratch, 'scripts/new-connector.ts'));
  copyFileSync(join(repo, 'tsconfig.base.json'), join(scratch, 'tsconfig.base.json'));
  mkdirSync(join(scratch, 'connectors/registry/src'), { recursive: true });
  writeFileSync(
    join(scratch, 'connectors/registry/src/connectors.ts'),
    "// One line per connector.\nexport { default as zeta } from '../../zeta/src/index.js';\n",
  );
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pnpm new-connector', () => {
  it('writes a connector folder and adds exactly one sorted registry line', async () => {
    const result = await run(join(repo, 'node_modules/.bin/tsx'), ['scripts/new-connector.ts', 'acme-cloud', '--name', 'Acme Cloud', '--no-install'], scratch);
    expect(result.code, result.out).toBe(0);
    for (const file of ['package.json', 'src/index.ts', 'src/webhook.ts', 'fixtures/webhook/call-answered.json', 'fixtures/webhook/unknown-type.json', 'test/acme-cloud.test.ts', 'README.md']) {
      expect(existsSync(join(scratch, 'connectors/acme-cloud', file)), file).toBe(true);
    }
    expect(readFileSync(join(scratch, 'connectors/registry/src/connectors.ts'), 'utf8')).toBe(
      "// One line per connector.\nexport { default as acmeCloud } from '../../acme-cloud/src/index.js';\nexport { default as zeta } from '../../zeta/src/index.js';\n",
    );
    expect(JSON.parse(readFileSync(join(scratch, 'connectors/acme-cloud/package.json'), 'utf8')).name).toBe('@openconnect/acme-cloud');
  });

  it('generates a connector that passes the conformance kit and typechecks as generated', async () => {
    const folder = join(scratch, 'connectors/acme-cloud');
    // What `pnpm install` would link, taken from core's own dependencies.
    link(join(repo, 'core'), join(folder, 'node_modules/@openconnect/core'));
    for (const dep of ['zod', 'vitest', 'fast-check']) link(join(coreModules, dep), join(folder, `node_modules/${dep}`));
    link(join(repo, 'node_modules/@types'), join(folder, 'node_modules/@types'));
    const tests = await run(join(coreModules, '.bin/vitest'), ['run'], folder);
    expect(tests.code, tests.out).toBe(0);
    expect(tests.out).toMatch(/Tests\s+8 passed/);
    const types = await run(join(repo, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], folder);
    expect(types.code, types.out).toBe(0);
  });

  it('refuses an invalid id and an existing folder', async () => {
    const tsx = join(repo, 'node_modules/.bin/tsx');
    const invalid = await run(tsx, ['scripts/new-connector.ts', 'Acme Cloud', '--no-install'], scratch);
    expect(invalid.code).toBe(2);
    expect(invalid.out).toContain('is not a valid connector id');
    const again = await run(tsx, ['scripts/new-connector.ts', 'acme-cloud', '--no-install'], scratch);
    expect(again.code).toBe(1);
    expect(again.out).toContain('connectors/acme-cloud already exists');
  });
});
