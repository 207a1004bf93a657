// The kustomize overlays, rendered by `kubectl kustomize` (offline) and checked as the cluster and the runner
// would need them. Each check is also shown to fail on a manifest broken the way it guards against.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifests, type ManifestOptions } from './check-manifests.js';
import {
  configOf,
  type Doc,
  envOf,
  find,
  imageEnv,
  K8S_SECRET_DIR as SECRET_DIR,
  K8S_SECRET_VALUES,
  RUNNER_IMAGE,
  render,
  runnerContainer,
  runnerWorkload,
} from './files.js';
import { redisPersistenceProblems } from './redis-flags.js';
import {
  configReferences,
  envNamesInReadme,
  envPrefixesInReadme,
  envNamesInSource,
  loadWithStandInSecrets,
  runnerDefaults,
  runnerEnv,
  shutdownBudgetSeconds,
} from './runner-env.js';

const env = runnerEnv();
const defaults = runnerDefaults();

function optionsFor(docs: Doc[]): ManifestOptions {
  const referenced = configReferences(configOf(docs));
  return {
    runnerImage: RUNNER_IMAGE,
    reads: (name) => env.reads(name, referenced),
    defaultPort: defaults.port,
    imageEnv: imageEnv(),
    shutdownBudgetSeconds: shutdownBudgetSeconds(
      loadWithStandInSecrets(
        configOf(docs),
        envOf(runnerContainer(docs), K8S_SECRET_VALUES),
        SECRET_DIR,
        K8S_SECRET_VALUES,
      ),
    ),
  };
}

describe.each(['sqlite', 'redis'])('overlays/%s', (overlay) => {
  const docs = render(overlay);

  it('passes every structural check', () => {
    expect(checkManifests(docs, optionsFor(docs))).toEqual([]);
  });

  it('holds the runner, its Service, ConfigMap, ServiceAccount and PodDisruptionBudget, and no Secret', () => {
    const kinds = new Set(docs.map((d) => d.kind));
    for (const kind of ['Service', 'ConfigMap', 'ServiceAccount', 'PodDisruptionBudget'])
      expect(kinds).toContain(kind);
    expect(kinds).not.toContain('Secret');
    expect(runnerContainer(docs).image).toBe(`${RUNNER_IMAGE}:latest`);
  });

  it("gives the runner a config the runner's own loader accepts, enabling five9", () => {
    const config = loadWithStandInSecrets(
      configOf(docs),
      envOf(runnerContainer(docs), K8S_SECRET_VALUES),
      SECRET_DIR,
      K8S_SECRET_VALUES,
    );
    expect(config.connectors.map((c) => c.connector.id)).toEqual(['five9']);
    expect(config.openconnect.jwt).toMatch(/^stand-in-secret-openconnect-jwt/);
    expect(config.metricsPort).toBe(9464);
  });

  it('keeps every secret out of the ConfigMap: each secret-like setting is a reference', () => {
    const leaves = (value: unknown, at: string): [string, unknown][] =>
      value && typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k))
        : [[at, value]];
    const secretish = leaves(configOf(docs), '').filter(([at]) => /token|secret|jwt|password|key$/i.test(at));
    expect(secretish.length).toBeGreaterThan(0);
    for (const [, value] of secretish) expect(String(value)).toMatch(/^(file:\/run\/secrets\/|\$\{)/);
  });
});

describe('overlays/sqlite', () => {
  const docs = render('sqlite');

  it('runs one runner as a StatefulSet whose outbox file is on its PersistentVolumeClaim', () => {
    expect(find(docs, 'Deployment')).toEqual([]);
    const [set] = find(docs, 'StatefulSet', 'openconnect-runner');
    expect(set!.spec.replicas).toBe(1);
    const outbox = envOf(runnerContainer(docs), K8S_SECRET_VALUES).OUTBOX!;
    expect(outbox).toMatch(/^sqlite:\//);
    const mount = runnerContainer(docs).volumeMounts.find((m: Doc) =>
      outbox.startsWith(`sqlite:${m.mountPath}/`),
    );
    expect(set!.spec.volumeClaimTemplates.map((v: Doc) => v.metadata.name)).toContain(mount?.name);
  });
});

describe('overlays/redis', () => {
  const docs = render('redis');

  it('runs two or more runners as a Deployment, with the Redis URL (and its password) from the Secret', () => {
    expect(find(docs, 'Deployment', 'openconnect-runner')[0]!.spec.replicas).toBeGreaterThanOrEqual(2);
    const e = envOf(runnerContainer(docs), K8S_SECRET_VALUES);
    expect(e.OUTBOX).toBe(K8S_SECRET_VALUES.outbox);
    expect(runnerContainer(docs).env.find((v: Doc) => v.name === 'OUTBOX').valueFrom.secretKeyRef).toEqual({
      name: 'openconnect-runner',
      key: 'outbox',
    });
  });

  it('runs Redis with an append-only file synced every second and no eviction, on a volume', () => {
    const [redis] = find(docs, 'StatefulSet', 'openconnect-redis');
    const c = redis!.spec.template.spec.containers[0];
    expect(redisPersistenceProblems(c.args)).toEqual([]);
    expect(c.volumeMounts.map((m: Doc) => m.mountPath)).toContain('/data');
    expect(redis!.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    // Reached by the runners only: the NetworkPolicy's selectors are checked against the pods above.
    const [policy] = find(docs, 'NetworkPolicy', 'openconnect-redis');
    expect(policy!.spec.ingress[0].from[0].podSelector.matchLabels).toEqual(
      runnerWorkload(docs).spec.template.metadata.labels,
    );
  });
});

describe('the manifest checker', () => {
  const options = optionsFor(render('sqlite'));
  /** The sqlite overlay with one thing broken; the checker must name it. */
  const broken = (change: (docs: Doc[]) => void) => {
    const docs = render('sqlite');
    change(docs);
    return checkManifests(docs, options);
  };
  const runner = (docs: Doc[]) => runnerContainer(docs);

  it.each<[string, (docs: Doc[]) => void, RegExp]>([
    ['a container without an image', (d) => delete runner(d).image, /containers\[0\]\.image is missing/],
    ['an object without a name', (d) => delete d[0]!.metadata.name, /metadata\.name must be a DNS name/],
    [
      'a misspelt apiVersion',
      (d) => (find(d, 'StatefulSet')[0]!.apiVersion = 'apps/v1beta1'),
      /must be apps\/v1/,
    ],
    [
      'a port number written as a string (Kubernetes schema)',
      (d) => (runner(d).ports[0].containerPort = '8080'),
      /StatefulSet\/openconnect-runner: does not match the Kubernetes schema: .*containerPort must be integer/,
    ],
    [
      'a Service without its required port (Kubernetes schema)',
      (d) => delete find(d, 'Service', 'openconnect-runner')[0]!.spec.ports[0].port,
      /Service\/openconnect-runner: does not match the Kubernetes schema: .*must have required property port/,
    ],
    [
      'a readiness probe on the wrong path',
      (d) => (runner(d).readinessProbe.httpGet.path = '/healthz'),
      /must GET \/readyz/,
    ],
    [
      'a liveness probe on the wrong port',
      (d) => (runner(d).livenessProbe.httpGet.port = 9464),
      /livenessProbe port 9464/,
    ],
    [
      'an env var the runner does not read',
      (d) => runner(d).env.push({ name: 'OUTBOX_URL', value: 'x' }),
      /OUTBOX_URL is not a variable/,
    ],
    [
      'a literal secret in env',
      (d) => runner(d).env.push({ name: 'ADMIN_TOKEN', value: 'abcdefghijklmnopq' }),
      /ADMIN_TOKEN holds a literal secret/,
    ],
    [
      'a Secret with data',
      (d) => d.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { jwt: 'eA==' } }),
      /Secret with literal data/,
    ],
    [
      'a PDB selecting no pod',
      (d) => (find(d, 'PodDisruptionBudget')[0]!.spec.selector.matchLabels = { app: 'other' }),
      /PodDisruptionBudget\/openconnect-runner: its selector matches no pod/,
    ],
    [
      'a NetworkPolicy letting in no pod',
      (d) =>
        d.push({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'p' },
          spec: {
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openconnect-runner' } },
            ingress: [{ from: [{ podSelector: { matchLabels: { app: 'gone' } } }] }],
          },
        }),
      /NetworkPolicy\/p: a pod selector \(\{"app":"gone"\}\) matches no pod/,
    ],
    [
      'a Service selecting no pod',
      (d) => (find(d, 'Service', 'openconnect-runner')[0]!.spec.selector = { app: 'x' }),
      /Service\/openconnect-runner: its selector matches no pod/,
    ],
    [
      'a Service port with no container port',
      (d) => (find(d, 'Service', 'openconnect-runner')[0]!.spec.ports[1].targetPort = 'metric'),
      /port metrics targets no container port/,
    ],
    ['no resource limits', (d) => delete runner(d).resources.limits, /resources\.limits\.memory/],
    [
      'a writable root file system',
      (d) => (runner(d).securityContext.readOnlyRootFilesystem = false),
      /readOnlyRootFilesystem/,
    ],
    ['capabilities kept', (d) => (runner(d).securityContext.capabilities.drop = []), /drop ALL/],
    [
      'root allowed',
      (d) => delete find(d, 'StatefulSet')[0]!.spec.template.spec.securityContext.runAsNonRoot,
      /runAsNonRoot/,
    ],
    [
      'a grace period below the shutdown budget',
      (d) => (find(d, 'StatefulSet')[0]!.spec.template.spec.terminationGracePeriodSeconds = 30),
      /not above the runner's shutdown budget/,
    ],
    [
      'metrics on loopback',
      (d) => (runner(d).env.find((e: Doc) => e.name === 'METRICS_HOST').value = '127.0.0.1'),
      /METRICS_HOST must be 0\.0\.0\.0/,
    ],
    [
      'a mount of no volume',
      (d) => runner(d).volumeMounts.push({ name: 'cache', mountPath: '/cache' }),
      /volumeMount cache has no volume/,
    ],
  ])('complains about %s', (_what, change, expected) => {
    const problems = broken(change);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('complains about a NAME_FILE the image overrides with its own NAME', () => {
    const docs = render('sqlite');
    runnerContainer(docs).env.push({ name: 'OUTBOX_FILE', value: '/run/secrets/openconnect/outbox' });
    runnerContainer(docs).env = runnerContainer(docs).env.filter((e: Doc) => e.name !== 'OUTBOX');
    expect(checkManifests(docs, { ...options, imageEnv: { OUTBOX: 'sqlite:/data/outbox.db' } })).toEqual([
      'StatefulSet/openconnect-runner container runner: OUTBOX_FILE is ignored: the image sets OUTBOX=sqlite:/data/outbox.db, which wins; set OUTBOX itself (e.g. from a secretKeyRef)',
    ]);
  });

  it('complains about a Redis that could lose what the runner accepted', () => {
    const docs = render('redis');
    const redis = find(docs, 'StatefulSet', 'openconnect-redis')[0]!.spec.template.spec.containers[0];
    redis.args = redis.args.map((a: string) => (a === 'noeviction' ? 'allkeys-lru' : a));
    expect(checkManifests(docs, optionsFor(docs))).toEqual([
      'StatefulSet/openconnect-redis container redis: redis: --maxmemory-policy is allkeys-lru, must be noeviction',
    ]);
  });
});

describe("the runner's environment, as read from its source and README", () => {
  it('includes what the deploy files rely on, and not a made-up name', () => {
    for (const name of [
      'CONFIG',
      'CONNECTORS',
      'PORT',
      'METRICS_PORT',
      'METRICS_HOST',
      'OUTBOX',
      'ADMIN_TOKEN',
    ])
      expect(env.names).toContain(name);
    expect(env.reads('OPENCONNECT_JWT_FILE')).toBe(true);
    expect(env.reads('OUTBOX_URL')).toBe(false);
    expect(env.reads('FIVE9_TOKEN')).toBe(false);
    expect(env.reads('FIVE9_TOKEN', ['FIVE9_TOKEN'])).toBe(true);
    // The runner README's rule for connector options from the environment alone.
    expect(env.reads('CONNECTOR_FIVE9_TOKEN_FILE')).toBe(true);
    expect(env.reads('CONNECTOR_')).toBe(false);
  });

  it('finds names however the source writes them, and only SCREAMING_SNAKE rows of the README', () => {
    const source = [
      'const file = env.CONFIG;',
      "const holding = read('SUBSCRIPTIONS');",
      "const MAP = {\n  PORT: 'port',\n};",
      "const TABLE = [['METRICS_HOST', 'metricsHost']] as const;",
      "const method = 'POST';",
    ].join('\n');
    expect(envNamesInSource(source).sort()).toEqual(['CONFIG', 'METRICS_HOST', 'PORT', 'SUBSCRIPTIONS']);
    const readme =
      '| `PORT` | `8080` | Listening port |\n| `GET /healthz` | 200 |\n| `openconnect_x_total` | c |\n| `CONNECTOR_<ID>_<OPTION>` | none | x |';
    expect(envNamesInReadme(readme)).toEqual(['PORT']);
    expect(envPrefixesInReadme(readme)).toEqual(['CONNECTOR_']);
  });

  it("reads the image's environment from the last stage of a Dockerfile", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dockerfile-')), 'Dockerfile');
    writeFileSync(
      file,
      'FROM node AS build\nENV OUTBOX=ignored\nFROM node AS runtime\nENV NODE_ENV=production \\\n    OUTBOX=sqlite:/data/outbox.db\nENV HOST 0.0.0.0\n',
    );
    expect(imageEnv(file)).toEqual({
      NODE_ENV: 'production',
      OUTBOX: 'sqlite:/data/outbox.db',
      HOST: '0.0.0.0',
    });
    expect(imageEnv(path.join(path.dirname(file), 'none'))).toEqual({});
  });
});
