// The deploy files as the tools read them: kustomize overlays rendered by `kubectl kustomize`, compose files
// with their merge keys and .env interpolation. Shared by the checks and the live runs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { environmentOf, interpolate, parseDotenv } from './check-compose.js';
import { isRunner } from './check-manifests.js';
import { repoRoot, standInSecret } from './runner-env.js';

// biome-ignore lint/suspicious/noExplicitAny: manifests and compose files are untyped YAML
export type Doc = Record<string, any>;

export const RUNNER_IMAGE = 'openconnect-runner';
/** Where runner.yaml mounts the Secret "openconnect-runner". */
export const K8S_SECRET_DIR = '/run/secrets/openconnect';
/** Where compose mounts its secrets. */
export const COMPOSE_SECRET_DIR = '/run/secrets';

const overlays = path.join(repoRoot, 'deploy/kubernetes/overlays');
const rendered = new Map<string, Doc[]>();

/** The overlay as kubectl renders it (rendered once; each caller gets its own copy to change). */
export function render(overlay: string): Doc[] {
  if (!rendered.has(overlay)) {
    let out: string;
    try {
      out = execFileSync('kubectl', ['kustomize', path.join(overlays, overlay)], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error(
          'kubectl is not installed: the kustomize check renders the overlays with `kubectl kustomize`',
        );
      throw new Error(`kubectl kustomize ${overlay}: ${(error as { stderr?: string }).stderr ?? error}`);
    }
    rendered.set(
      overlay,
      parseAllDocuments(out).map((d) => d.toJSON() as Doc),
    );
  }
  return structuredClone(rendered.get(overlay)!);
}

export const find = (docs: Doc[], kind: string, name?: string) =>
  docs.filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
export const runnerWorkload = (docs: Doc[]) =>
  docs.find((d) => d.spec?.template?.spec?.containers?.some((c: Doc) => isRunner(c, RUNNER_IMAGE)))!;
export const runnerContainer = (docs: Doc[]): Doc =>
  runnerWorkload(docs).spec.template.spec.containers.find((c: Doc) => isRunner(c, RUNNER_IMAGE));
/** The runner's config file as the ConfigMap holds it. */
export const configOf = (docs: Doc[]): unknown => parse(find(docs, 'ConfigMap')[0]!.data['config.yaml']);

/** A container's environment; a secretKeyRef becomes `values[key]`, else a stand-in named after its key. */
export function envOf(container: Doc, values: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).map((e: Doc) => {
      const key = e.valueFrom?.secretKeyRef?.key;
      return [e.name, e.value ?? values[key] ?? standInSecret(key ?? e.name)];
    }),
  );
}

/**
 * The environment the image itself sets: the ENV instructions of the last stage of the repository's
 * Dockerfile (none while there is no Dockerfile). A deploy file's NAME_FILE is ignored where the image sets NAME.
 */
export function imageEnv(dockerfile = path.join(repoRoot, 'Dockerfile')): Record<string, string> {
  if (!existsSync(dockerfile)) return {};
  const lines = readFileSync(dockerfile, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((l) => l.trim());
  const lastStage = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  const env: Record<string, string> = {};
  for (const line of lines.slice(lastStage)) {
    const body = line.match(/^ENV\s+(.*)$/i)?.[1];
    if (!body) continue;
    const pairs = [...body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)];
    if (pairs.length) for (const [, k, v] of pairs) env[k!] = v!.replace(/^"(.*)"$/, '$1');
    else {
      const [k, ...rest] = body.split(/\s+/);
      env[k!] = rest.join(' ');
    }
  }
  return env;
}

/** Stand-in secret values by key where any long string will not do. */
export const K8S_SECRET_VALUES = { outbox: 'redis://:stand-in-password@openconnect-redis:6379/0' };

export const composeDir = path.join(repoRoot, 'deploy/compose');
export const readCompose = (file: string) => readFileSync(path.join(composeDir, file), 'utf8');
/** .env.example's values, for ${NAME} interpolation. */
export const composeVariables = parseDotenv(readCompose('.env.example'));
/** The runner config file both compose files mount. */
export const composeConfig: unknown = parse(readCompose('config.yaml'));
/** A compose file as docker compose sees it: merge keys (<<: *runner) applied. */
export const loadCompose = (file: string): Doc => parse(readCompose(file), { merge: true });
/** The runner services of a compose file, by name. */
export const composeRunners = (doc: Doc): [string, Doc][] =>
  Object.entries<Doc>(doc.services).filter(([, s]) =>
    interpolate(String(s.image ?? ''), composeVariables).includes(RUNNER_IMAGE),
  );
/** A compose service's environment with .env.example interpolated. */
export const composeEnv = (service: Doc): Record<string, string> =>
  Object.fromEntries(
    Object.entries(environmentOf(service)).map(([k, v]) => [k, interpolate(v, composeVariables)]),
  );
