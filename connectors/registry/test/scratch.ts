// A scratch copy of the repository layout for the generator tests: the scripts, the base tsconfig, a
// registry file, and what `pnpm install` would link into a generated connector.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const repo = join(import.meta.dirname, '../../..');
const coreModules = join(repo, 'core/node_modules');
export const tsx = join(repo, 'node_modules/.bin/tsx');

export function run(command: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, timeout: 120_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

const link = (target: string, path: string) => {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(realpathSync(target), path);
};

/** A scratch folder with the generator scripts and a registry of one connector (zeta). */
export function makeScratch(): string {
  const scratch = mkdtempSync(join(tmpdir(), 'scaffold-'));
  mkdirSync(join(scratch, 'scripts'));
  for (const script of ['new-connector.ts', 'new-source.ts'])
    copyFileSync(join(repo, 'scripts', script), join(scratch, 'scripts', script));
  copyFileSync(join(repo, 'tsconfig.base.json'), join(scratch, 'tsconfig.base.json'));
  copyFileSync(join(repo, 'biome.json'), join(scratch, 'biome.json'));
  mkdirSync(join(scratch, 'connectors/registry/src'), { recursive: true });
  writeFileSync(
    join(scratch, 'connectors/registry/src/connectors.ts'),
    "// One line per connector.\nexport { default as zeta } from '@openconnect/zeta';\n",
  );
  writeFileSync(
    join(scratch, 'connectors/registry/package.json'),
    `${JSON.stringify({ name: '@openconnect/registry', dependencies: { '@openconnect/zeta': 'workspace:*' } }, null, 2)}\n`,
  );
  return scratch;
}

/** What `pnpm install` would link into a generated connector, taken from core's own dependencies. */
export function linkModules(folder: string) {
  link(join(repo, 'core'), join(folder, 'node_modules/@openconnect/core'));
  for (const dep of ['zod', 'vitest', 'fast-check'])
    link(join(coreModules, dep), join(folder, `node_modules/${dep}`));
  link(join(repo, 'node_modules/@types'), join(folder, 'node_modules/@types'));
}

/** The connector's own conformance suite and its typecheck, as `pnpm test` runs them. */
export async function check(folder: string) {
  const tests = await run(join(coreModules, '.bin/vitest'), ['run'], folder);
  const types = await run(join(repo, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], folder);
  return { tests, types };
}

/** dpdm over the connector's sources, as the repository's cycle check runs it. */
export const cycles = (folder: string) =>
  run(
    join(repo, 'node_modules/.bin/dpdm'),
    ['--no-warning', '--no-tree', '--exit-code', 'circular:1', 'src/**/*.ts'],
    folder,
  );

/** The repository's formatter over what was generated (`pnpm test` refuses code it would rewrite). */
export const formatted = (scratch: string, ...paths: string[]) =>
  run(join(repo, 'node_modules/.bin/biome'), ['format', ...paths], scratch);
