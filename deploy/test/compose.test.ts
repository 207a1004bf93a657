// The compose files, read as docker compose reads them (YAML with merge keys, ${VAR} from .env) and checked
// against the runner's own list of variables and defaults; `docker compose config` too where it is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompose, type ComposeOptions, environmentOf, interpolatedNames } from './check-compose.js';
import {
  COMPOSE_SECRET_DIR,
  composeConfig,
  composeDir,
  composeEnv,
  composeRunners,
  composeVariables,
  type Doc,
  imageEnv,
  loadCompose,
  readCompose,
} from './files.js';
import { configReferences, loadWithStandInSecrets, runnerEnv, shutdownBudgetSeconds } from './runner-env.js';

const dir = composeDir;
const read = readCompose;
const FILES = ['compose.yaml', 'compose.redis.yaml'];
const variables = composeVariables;
const runnerConfig = composeConfig;
const env = runnerEnv();
const load = loadCompose;
const runners = composeRunners;

/** The runner's config as a runner of this file would load it, stand-ins for the secret files. */
function loaded(service: Doc) {
  return loadWithStandInSecrets(runnerConfig, composeEnv(service), COMPOSE_SECRET_DIR);
}

function optionsFor(doc: Doc): ComposeOptions {
  return {
    runnerImage: 'openconnect-runner',
    reads: (name) => env.reads(name, configReferences(runnerConfig)),
    shutdownBudgetSeconds: Math.max(...runners(doc).map(([, s]) => shutdownBudgetSeconds(loaded(s)))),
    variables,
    imageEnv: imageEnv(),
  };
}

describe.each(FILES)('%s', (file) => {
  const doc = load(file);

  it('passes every check: healthchecks, variables the runner reads, no literal secret, grace above the budget', () => {
    expect(checkCompose(doc, optionsFor(doc))).toEqual([]);
  });

  it("gives each runner a config the runner's own loader accepts, enabling five9", () => {
    expect(runners(doc).length).toBeGreaterThan(0);
    for (const [, service] of runners(doc)) {
      const config = loaded(service);
      expect(config.connectors.map((c) => c.connector.id)).toEqual(['five9']);
      expect(config.openconnect.jwt).toMatch(/^stand-in-secret-openconnect-jwt/);
      expect(config.adminToken).toMatch(/^stand-in-secret-admin-token/);
    }
  });

  it('interpolates only variables documented in .env.example', () => {
    for (const name of interpolatedNames(read(file))) expect(Object.keys(variables)).toContain(name);
  });

  it('mounts every secret file the runner is pointed at', () => {
    for (const [, service] of runners(doc)) {
      const mounted = (service.secrets as string[]).map((s) => `/run/secrets/${s}`);
      const wanted = [
        ...Object.values(environmentOf(service)).filter((v) => v.startsWith('/run/secrets/')),
        ...[...JSON.stringify(runnerConfig).matchAll(/file:(\/run\/secrets\/[^"]+)/g)].map((m) => m[1]!),
      ];
      expect(wanted.length).toBeGreaterThan(0);
      for (const file of wanted) expect(mounted).toContain(file);
      for (const name of service.secrets) expect(Object.keys(doc.secrets)).toContain(name);
    }
  });
});

describe('compose.yaml', () => {
  it('runs one runner with the SQLite outbox on a named volume', () => {
    const doc = load('compose.yaml');
    const [[, runner]] = runners(doc) as [[string, Doc]];
    expect(runners(doc)).toHaveLength(1);
    expect(environmentOf(runner).OUTBOX).toBe('sqlite:/data/outbox.db');
    expect(runner.volumes).toContain('outbox:/data');
    expect(Object.keys(doc.volumes)).toContain('outbox');
  });
});

describe('compose.redis.yaml', () => {
  const doc = load('compose.redis.yaml');

  it('runs two runners on one Redis outbox, Redis with an append-only file, no eviction, on a volume', () => {
    expect(runners(doc).map(([name]) => name)).toEqual(['runner-1', 'runner-2']);
    for (const [, runner] of runners(doc)) expect(environmentOf(runner).OUTBOX).toBe('redis://redis:6379/0');
    expect(doc.services.redis.command).toEqual(
      expect.arrayContaining([
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--maxmemory-policy',
        'noeviction',
      ]),
    );
    expect(doc.services.redis.volumes).toContain('redis-data:/data');
  });

  it('puts HAProxy in front of both runners, checking each on /readyz', () => {
    const cfg = read('haproxy.cfg');
    expect(cfg).toMatch(/^\s*option httpchk GET \/readyz$/m);
    const servers = [...cfg.matchAll(/^\s*server (\S+) (\S+):(\d+)/gm)].map((m) => `${m[2]}:${m[3]}`);
    expect(servers).toEqual(runners(doc).map(([name]) => `${name}:8080`));
    expect(doc.services.proxy.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
  });
});

describe('the compose checker', () => {
  const options = optionsFor(load('compose.redis.yaml'));
  const broken = (change: (doc: Doc) => void) => {
    const doc = load('compose.redis.yaml');
    change(doc);
    return checkCompose(doc, options);
  };

  it.each<[string, (doc: Doc) => void, RegExp]>([
    [
      'a runner without a healthcheck',
      (d) => delete d.services['runner-1'].healthcheck,
      /runner-1: no healthcheck/,
    ],
    [
      'an unknown variable',
      (d) => (d.services['runner-2'].environment.REDIS_URL = 'redis://redis'),
      /REDIS_URL is not a variable/,
    ],
    [
      'a literal secret',
      (d) => (d.services['runner-1'].environment.OPENCONNECT_JWT = 'eyJ...'),
      /OPENCONNECT_JWT is set in the file/,
    ],
    [
      'a Redis without an append-only file',
      (d) => (d.services.redis.command = ['redis-server']),
      /--appendonly is unset/,
    ],
    [
      'a short stop grace period',
      (d) => (d.services['runner-1'].stop_grace_period = '10s'),
      /stop_grace_period 10s is not above/,
    ],
    [
      'a SQLite outbox off the volume',
      (d) => (d.services['runner-1'].environment.OUTBOX = 'sqlite:/tmp/o.db'),
      /not on a named volume/,
    ],
  ])('complains about %s', (_what, change, expected) => {
    const problems = broken(change);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });
});

const hasCompose = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!hasCompose)('docker compose config (only where the compose plugin is installed)', () => {
  it.each(FILES)('accepts %s', (file) => {
    const work = mkdtempSync(path.join(tmpdir(), 'compose-'));
    cpSync(dir, work, { recursive: true });
    copyFileSync(path.join(work, '.env.example'), path.join(work, '.env'));
    mkdirSync(path.join(work, 'secrets'), { recursive: true });
    for (const name of ['openconnect-jwt', 'admin-token', 'five9-token'])
      writeFileSync(path.join(work, 'secrets', name), 'stand-in-secret-0123456789abcdef');
    execFileSync('docker', ['compose', '-f', file, 'config', '--quiet'], { cwd: work, stdio: 'pipe' });
  });
});
