// Secrets stay out of config files: a string value may name an environment variable (`${NAME}`,
// `${NAME:-default}`) or a file (`file:/run/secrets/jwt`), and NAME_FILE stands in for an unset NAME
// (the Docker/Kubernetes secrets convention). Every unresolved reference is reported, not just the first.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type Env = Record<string, string | undefined>;

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Reads a secret file; trailing newlines (from `echo x > file`) are not part of the secret. */
function readSecretFile(file: string, baseDir: string): string {
  return readFileSync(path.resolve(baseDir, file), 'utf8').replace(/\r?\n+$/, '');
}

/** An environment value, or the content of the file NAME_FILE points to. */
export function envValue(env: Env, name: string, baseDir = process.cwd()): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  const file = env[`${name}_FILE`];
  if (file) return readSecretFile(file, baseDir);
  return undefined;
}

/** Replaces references in every string of a parsed config document; problems name the config path. */
export function resolveReferences(
  value: unknown,
  env: Env,
  baseDir: string,
  problems: string[],
  at: string[] = [],
): unknown {
  const where = at.join('.') || '(root)';
  if (typeof value === 'string') {
    if (value.startsWith('file:')) {
      try {
        return readSecretFile(value.slice('file:'.length), baseDir);
      } catch (error) {
        problems.push(`${where}: cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        return value;
      }
    }
    return value.replace(REFERENCE, (whole, name: string, fallback: string | undefined) => {
      let resolved: string | undefined;
      try {
        resolved = envValue(env, name, baseDir);
      } catch (error) {
        problems.push(
          `${where}: cannot read the file in ${name}_FILE (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
        return whole;
      }
      if (resolved !== undefined) return resolved;
      if (fallback !== undefined) return fallback;
      problems.push(`${where}: environment variable ${name} is not set (nor ${name}_FILE)`);
      return whole;
    });
  }
  if (Array.isArray(value))
    return value.map((item, i) => resolveReferences(item, env, baseDir, problems, [...at, String(i)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        resolveReferences(item, env, baseDir, problems, [...at, key]),
      ]),
    );
  }
  return value;
}
