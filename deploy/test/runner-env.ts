// What the deploy files are checked against, read from the runner itself rather than copied here: the
// environment variables it reads (its source and its README's table), its defaults and its config loader.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectors } from '@openconnect/registry';
import { loadConfig, type RunnerConfig } from '@openconnect/runner';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const runnerDir = path.join(repoRoot, 'apps/runner');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

/**
 * `env.NAME`, `read('NAME')` / `envValue(env, 'NAME')`, `NAME: 'configKey'` map entries, and any quoted
 * `SNAKE_CASE` name in the runner's source (however a table of variables is written).
 */
export function envNamesInSource(text: string): string[] {
  const patterns = [
    /\benv\.([A-Z][A-Z0-9_]*)\b/g,
    /\b(?:read|envValue)\((?:env, )?'([A-Z][A-Z0-9_]*)'/g,
    /^\s+([A-Z][A-Z0-9_]*): '[A-Za-z.]+',?$/gm,
    /['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"`]/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]!));
}

/** The first column of the README's tables where it is a `SCREAMING_SNAKE` name: the environment table. */
export function envNamesInReadme(text: string): string[] {
  return [...text.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!);
}

/** Families of names the README's environment table gives by a rule, e.g. `CONNECTOR_<ID>_<OPTION>` → `CONNECTOR_`. */
export function envPrefixesInReadme(text: string): string[] {
  return [...text.matchAll(/^\| `([A-Z][A-Z0-9]*_)<[A-Z_]+>[^`]*` \|/gm)].map((m) => m[1]!);
}

export interface RunnerEnv {
  /** Read by the runner itself (source or README). */
  names: Set<string>;
  /** Whether a variable set by a deploy file is one the runner reads (NAME, NAME_FILE, or named by the config file). */
  reads(name: string, referencedByConfig?: Iterable<string>): boolean;
}

export function runnerEnv(): RunnerEnv {
  const fromSource = sourceFiles(path.join(runnerDir, 'src')).flatMap((file) =>
    envNamesInSource(readFileSync(file, 'utf8')),
  );
  const readme = readFileSync(path.join(runnerDir, 'README.md'), 'utf8');
  const names = new Set([...fromSource, ...envNamesInReadme(readme)]);
  const prefixes = envPrefixesInReadme(readme);
  return {
    names,
    reads(name, referencedByConfig = []) {
      const known = new Set([...names, ...referencedByConfig]);
      const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : undefined;
      // Every variable also accepts NAME_FILE (apps/runner/README.md, "Environment").
      return (
        known.has(name) ||
        (base !== undefined && known.has(base)) ||
        prefixes.some((prefix) => name.startsWith(prefix) && name.length > prefix.length)
      );
    },
  };
}

/** `${NAME}` / `${NAME:-default}` references in a config document: the variables it makes the runner read. */
export function configReferences(document: unknown): string[] {
  if (typeof document === 'string')
    return [...document.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g)].map((m) => m[1]!);
  if (Array.isArray(document)) return document.flatMap(configReferences);
  if (document && typeof document === 'object') return Object.values(document).flatMap(configReferences);
  return [];
}

/** The runner's defaults: what an empty config loads as. */
export function runnerDefaults(): RunnerConfig {
  return loadConfig({ document: {}, env: {}, available: [] });
}

/**
 * The time the runner may take to stop on SIGTERM: held sessions end, then requests in flight (arriving,
 * then stored), then the sends in flight (apps/runner/src/index.ts, close()).
 */
export function shutdownBudgetSeconds(config: RunnerConfig): number {
  const ms =
    config.subscriptions.stopTimeoutMs +
    config.limits.requestTimeoutMs +
    config.limits.storeTimeoutMs +
    config.openconnect.timeoutMs;
  return Math.ceil(ms / 1000);
}

/** The stand-in value of a secret file (by its name under the secret folder), unless `values` gives one. */
export const standInSecret = (name: string) => `stand-in-secret-${name}-0123456789abcdef`;

/**
 * A deployment's config and environment with stand-in secrets: every file under `secretDir` the document or
 * the environment names is written to a temporary folder first (`values` by file name, else
 * `standInSecret(name)`) and the reference pointed at it, so a runner on this machine can read them.
 */
export function withStandInSecrets(
  document: unknown,
  env: Record<string, string>,
  secretDir: string,
  values: Record<string, string> = {},
): { document: unknown; env: Record<string, string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-secrets-'));
  const standIn = (file: string) => {
    const name = path.posix.relative(secretDir, file);
    const local = path.join(dir, name.replaceAll('/', '_'));
    writeFileSync(local, values[name] ?? standInSecret(name));
    return local;
  };
  const prefix = `${secretDir.replace(/\/$/, '')}/`;
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith(`file:${prefix}`))
      return `file:${standIn(value.slice(5))}`;
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  return {
    document: rewrite(document),
    env: Object.fromEntries(
      Object.entries(env).map(([name, value]) => [name, value.startsWith(prefix) ? standIn(value) : value]),
    ),
  };
}

/** Loads a deployment's config as the runner would, with stand-in secrets, so the connectors' own checks run. */
export function loadWithStandInSecrets(
  document: unknown,
  env: Record<string, string>,
  secretDir: string,
  values: Record<string, string> = {},
): RunnerConfig {
  const local = withStandInSecrets(document, env, secretDir, values);
  return loadConfig({ document: local.document, env: local.env, available: connectors });
}
