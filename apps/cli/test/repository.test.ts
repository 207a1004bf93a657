// The repository's promises a newcomer relies on: the README's two quick-start commands, CI running
// exactly the test one, the Turborepo tasks, Node 20.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(repo, path), 'utf8');

function quickStart(): string[] {
  const section = read('README.md').split('## Quick start')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/```sh\n([^`]*?)\n```/g)].map((m) => m[1]!.trim());
}

describe('repository', () => {
  it('the README quick start is exactly two commands: start, then test', () => {
    expect(quickStart()).toEqual([
      'npm i -g pnpm@10 && pnpm install --frozen-lockfile && pnpm start',
      'npm i -g pnpm@10 && pnpm install --frozen-lockfile && pnpm test',
    ]);
  });

  it(".ci/run runs the README test command, exactly, followed only by core's mutation check", () => {
    const commands = read('.ci/run')
      .trim()
      .split('\n')
      .filter((line) => line.trim() && !line.trim().startsWith('#'));
    // The README's two commands must work on a fresh machine: CI runs the test one as written.
    expect(commands.at(-2)).toBe(quickStart()[1]);
    expect(commands.at(-1)).toBe('pnpm test:mutation core');
  });

  it('turbo has the build, test, typecheck and lint tasks', () => {
    const tasks = Object.keys((JSON.parse(read('turbo.json')) as { tasks: Record<string, unknown> }).tasks);
    expect(tasks).toEqual(expect.arrayContaining(['build', 'test', 'typecheck', 'lint']));
  });

  it('declares Node 20 as supported', () => {
    expect((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node).toMatch(
      /^>=20(\.|$)/,
    );
  });
});
