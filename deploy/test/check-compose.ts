// Checks of a compose file as docker compose would read it: every service healthy-checked, the runners given
// only variables the runner reads and no literal secret, the outbox on a volume, Redis that keeps its writes.
import { shadowedFiles } from './check-manifests.js';
import { redisPersistenceProblems } from './redis-flags.js';

// biome-ignore lint/suspicious/noExplicitAny: compose files are untyped YAML, checked field by field here
type Doc = Record<string, any>;

export interface ComposeOptions {
  runnerImage: string;
  /** Whether the runner reads this environment variable. */
  reads(name: string): boolean;
  shutdownBudgetSeconds: number;
  /** Values for ${NAME} interpolation (the .env example). */
  variables: Record<string, string>;
  /** The environment the image sets: a NAME there wins over the service's NAME_FILE. */
  imageEnv: Record<string, string>;
}

const SECRET_NAME = /TOKEN|JWT|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE/;

/** KEY=value lines of a .env file (comments and blank lines skipped). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = line.match(/^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/);
    if (match) out[match[1]!] = match[2]!.trim();
  }
  return out;
}

/** Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, $$ for $. */
export function interpolate(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$\$/g, (whole, name, op, arg) => {
    if (whole === '$$') return '$';
    const value = variables[name];
    if (op?.endsWith('-')) return value === undefined || (op === ':-' && value === '') ? arg : value;
    if (op?.endsWith('?') && (value === undefined || value === '')) throw new Error(`${name}: ${arg}`);
    return value ?? '';
  });
}

/** Names interpolated anywhere in a compose file's text. */
export function interpolatedNames(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

/** A service's environment as a map, whether written as a mapping or as NAME=value lines. */
export function environmentOf(service: Doc): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(
      env.map((line: string) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
    );
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

/** Compose durations: 75s, 1m15s, 500ms. */
export function seconds(duration: unknown): number {
  if (typeof duration === 'number') return duration;
  let total = 0;
  for (const [, n, unit] of String(duration).matchAll(/(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g))
    total += Number(n) * { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 }[unit as 'h']!;
  return total;
}

const imageOf = (service: Doc, variables: Record<string, string>) =>
  interpolate(String(service.image ?? ''), variables)
    .split('/')
    .pop()!
    .split(/[:@]/)[0];

export function checkCompose(doc: Doc, options: ComposeOptions): string[] {
  const problems: string[] = [];
  const services = Object.entries<Doc>(doc.services ?? {});
  if (!services.length) problems.push('no services');
  const namedVolumes = new Set(Object.keys(doc.volumes ?? {}));
  for (const [name, service] of services) {
    const at = `service ${name}`;
    if (!service.image && !service.build) problems.push(`${at}: neither image nor build`);
    const test = service.healthcheck?.test;
    if (!Array.isArray(test) || test.length < 2 || service.healthcheck?.disable)
      problems.push(`${at}: no healthcheck`);
    const image = imageOf(service, options.variables);
    if (image === 'redis') {
      const command = Array.isArray(service.command)
        ? service.command
        : String(service.command ?? '').split(/\s+/);
      problems.push(...redisPersistenceProblems(command).map((p) => `${at}: ${p}`));
    }
    if (image !== options.runnerImage) continue;
    const env = environmentOf(service);
    for (const [key, value] of Object.entries(env)) {
      if (!options.reads(key)) problems.push(`${at}: ${key} is not a variable the runner reads`);
      if (SECRET_NAME.test(key) && !key.endsWith('_FILE'))
        problems.push(`${at}: ${key} is set in the file: put the secret in a file and set ${key}_FILE`);
      if (/^rediss?:\/\/[^/@]*:[^/@]+@/.test(value)) problems.push(`${at}: ${key} holds a Redis password`);
    }
    problems.push(...shadowedFiles(at, Object.keys(env), options.imageEnv));
    if (!test?.join(' ').includes('/healthz')) problems.push(`${at}: the healthcheck does not call /healthz`);
    if (!(seconds(service.stop_grace_period ?? '10s') > options.shutdownBudgetSeconds))
      problems.push(
        `${at}: stop_grace_period ${service.stop_grace_period ?? '10s (default)'} is not above the runner's shutdown budget (${options.shutdownBudgetSeconds} s)`,
      );
    const outbox = interpolate(env.OUTBOX ?? '', options.variables);
    if (outbox.startsWith('sqlite:')) {
      const onVolume = (service.volumes ?? []).some((v: string | Doc) => {
        const [source, target] = typeof v === 'string' ? v.split(':') : [v.source, v.target];
        return namedVolumes.has(String(source)) && outbox.startsWith(`sqlite:${target}/`);
      });
      if (!onVolume) problems.push(`${at}: the SQLite outbox ${outbox} is not on a named volume`);
    }
  }
  return problems;
}
